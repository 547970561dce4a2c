// The master dataset's columns, derived from the event contract: the envelope,
// the fields of the topic's event types (absent ones null), the event time as a
// UTC millisecond timestamp, unknown producer fields as `extra` JSON, and the
// Kafka lineage. Files are per topic (the Hive layout splits by topic), so each
// carries its topic's columns only: about 15 instead of 45 mostly-null ones.
import { ENVELOPE, EVENTS, TOPICS } from '../events/contract.js'
import type { Rule, Topic } from '../events/contract.js'

export type ColumnKind = 'utf8' | 'bool' | 'int64' | 'float64' | 'timestamp' | 'utf8list'

export interface ColumnSpec {
  name: string
  kind: ColumnKind
}

function kindOf(rule: Rule): ColumnKind {
  switch (rule.kind) {
    case 'bool':
      return 'bool'
    case 'int':
      return 'int64'
    case 'num':
      return 'float64'
    case 'enumList':
      return 'utf8list'
    default:
      return 'utf8'
  }
}

function build(topic: Topic): ColumnSpec[] {
  const cols: ColumnSpec[] = []
  const seen = new Set<string>()
  const add = (name: string, kind: ColumnKind) => {
    if (!seen.has(name)) cols.push({ name, kind }), seen.add(name)
  }
  for (const [name, { rule }] of Object.entries(ENVELOPE)) add(name, name === 'timestamp' ? 'timestamp' : kindOf(rule as Rule))
  for (const spec of Object.values(EVENTS)) {
    if (spec.topic !== topic) continue
    for (const [name, rule] of Object.entries(spec.fields)) add(name, kindOf(rule as Rule))
  }
  add('extra', 'utf8')
  add('kafka_partition', 'int64')
  add('kafka_offset', 'int64')
  return cols
}

/** Column order of a topic's master dataset files. */
export const MASTER_COLUMNS: Readonly<Record<Topic, readonly ColumnSpec[]>> = Object.fromEntries(
  TOPICS.map((t) => [t, build(t)]),
) as Record<Topic, ColumnSpec[]>
