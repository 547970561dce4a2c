// Generated record streams for the layer tests: a small population so keys
// repeat, with invalid, duplicate and late records mixed in.
import { EventGenerator } from '../../src/generator/generator.js'
import type { GeneratedRecord, GeneratorOptions } from '../../src/generator/generator.js'
import { EventValidator } from '../../src/events/validate.js'
import type { TimedEvent } from '../../views/evaluate.js'

export function records(seed: number, count: number, options: Partial<GeneratorOptions> = {}): GeneratedRecord[] {
  const gen = new EventGenerator({ seed, students: 300, teachers: 6, courses: 8, invalid: 0.01, duplicates: 0.02, late: 0.03, ...options })
  const out: GeneratedRecord[] = []
  for (let r = gen.next(); r !== undefined && out.length < count; r = gen.next()) out.push(r)
  return out
}

/** The valid events among `input`, duplicates included (the evaluator dedupes). */
export function validEvents(input: readonly GeneratedRecord[]): TimedEvent[] {
  const v = new EventValidator()
  const out: TimedEvent[] = []
  for (const r of input) if (v.check(r.topic, r.value)) out.push({ topic: r.topic, event: v.event as never, time: v.eventTime })
  return out
}
