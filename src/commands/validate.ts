// `pulse validate FILE`: checks every record of a record file against the event
// contract and summarises outcomes (valid, invalid by reason, duplicate event_ids).
import { parseArgs } from 'node:util'
import { pulseError } from '../errors.js'
import { EventValidator } from '../events/validate.js'
import { readRecordFile } from '../generator/record-file.js'
import { Progress } from '../progress.js'

export const VALIDATE_HELP = `pulse validate FILE — check a record file against the event contract

  --json       print the summary as JSON only
  --quiet      no progress output

Prints: records, valid, invalid (by reason, most frequent first), repeated event_ids.`

export interface ValidationSummary {
  records: number
  valid: number
  invalid: number
  /** valid records whose event_id was already seen in the file */
  repeatedEventIds: number
  reasons: Record<string, number>
}

export async function validateFile(path: string, quiet = true): Promise<ValidationSummary> {
  const validator = new EventValidator()
  const seen = new Set<string>()
  const summary: ValidationSummary = { records: 0, valid: 0, invalid: 0, repeatedEventIds: 0, reasons: {} }
  const progress = new Progress(`validate ${path}`, undefined, { quiet })
  for await (const r of readRecordFile(path)) {
    summary.records++
    if (validator.check(r.topic, r.value)) {
      summary.valid++
      const id = validator.event.event_id
      if (seen.has(id)) summary.repeatedEventIds++
      else seen.add(id)
    } else {
      summary.invalid++
      summary.reasons[validator.reason] = (summary.reasons[validator.reason] ?? 0) + 1
    }
    progress.update(summary.records)
  }
  progress.finish(`${summary.records} records`)
  return summary
}

export async function validateCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, quiet: { type: 'boolean', default: false } },
  })
  if (positionals.length !== 1) throw pulseError('PULSE_ERR_CLI_USAGE', 'validate: expected one record file')
  const summary = await validateFile(positionals[0]!, values.quiet || values.json)
  if (values.json) {
    console.log(JSON.stringify(summary, null, 2))
    return 0
  }
  console.log(`records ${summary.records}  valid ${summary.valid}  invalid ${summary.invalid}  repeated event_ids ${summary.repeatedEventIds}`)
  const top = Object.entries(summary.reasons).sort((a, b) => b[1] - a[1])
  for (const [reason, n] of top.slice(0, 25)) console.log(`  ${String(n).padStart(8)}  ${reason}`)
  if (top.length > 25) console.log(`  … ${top.length - 25} more reasons`)
  return 0
}
