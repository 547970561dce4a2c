// Runs every benchmark in turn: `npm run bench` (after `npm install`).
import { runValidatorBench } from './validator.js'
import { runGeneratorBench } from './generator.js'
import { runHllBench } from './hll.js'

runValidatorBench()
await runGeneratorBench()
runHllBench()
