#!/usr/bin/env node
// Entry point of the `pulse` command: runs the compiled CLI (built by `npm install`).
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const cli = fileURLToPath(new URL('../dist/src/cli.js', import.meta.url))
if (!existsSync(cli)) {
  console.error('pulse: dist/ is missing; run `npm install` (or `npm run build`) first')
  process.exit(1)
}
const { main } = await import(cli)
process.exitCode = await main(process.argv.slice(2))
