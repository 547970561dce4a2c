// Compiles a topic's view definitions into the plan the native batch engine
// executes (native/core/batch_plan.h): column indices into the master dataset's
// columns, event types as codes, pairings narrowed to each view's types. What
// the engine cannot run is refused here with the view and the reason.
import type { Filter, KeyRef, Measure, Pairing, ValueRef, ViewDef } from '../../views/dsl.js'
import { typesOn } from '../events/contract.js'
import type { Topic } from '../events/contract.js'
import { MASTER_COLUMNS } from '../ingest/schema.js'
import type { ColumnKind } from '../ingest/schema.js'
import { pulseError } from '../errors.js'

export interface NativeKey {
  kind: 'column' | 'date' | 'hour' | 'each' | 'byType'
  col?: number
  byType?: number[]
}

export interface NativeValue {
  kind: 'column' | 'score_pct' | 'position_pct' | 'time' | 'date' | 'hour'
  col?: number
}

export interface NativeMeasure {
  kind: Measure['kind']
  types: number[]
  where?: Array<{ col: number; value: string | number | boolean }>
  value?: NativeValue
  pairing?: number
  subKey?: number
  inner?: number
}

export interface NativeView {
  name: string
  windowSize: number
  windowSlide: number
  types: number[]
  keys: NativeKey[]
  measures: NativeMeasure[]
}

export interface NativePairing {
  entity: number[]
  start: number[]
  end: number[]
}

export interface NativePlan {
  topic: Topic
  columns: ColumnKind[]
  columnNames: string[]
  types: string[]
  typeCol: number
  timeCol: number
  idCol: number
  scoreCol: number
  maxScoreCol: number
  positionCol: number
  lengthCol: number
  views: NativeView[]
  pairings: NativePairing[]
  /** Rows before this time (ms) only dedupe and open pairings (see batch_plan.h); absent: every row counts. */
  since?: number
}

export function compilePlan(topic: Topic, views: readonly ViewDef[]): NativePlan {
  const columns = MASTER_COLUMNS[topic]
  const types: string[] = typesOn(topic)
  const colIndex = (name: string) => columns.findIndex((c) => c.name === name)
  const refuse = (view: ViewDef, why: string): never => {
    throw pulseError('PULSE_ERR_BATCH_PLAN', view.name, why)
  }
  const column = (view: ViewDef, name: string, kinds?: readonly ColumnKind[]): number => {
    const i = colIndex(name)
    if (i < 0) refuse(view, `${name} is not a column of ${topic}`)
    if (kinds !== undefined && !kinds.includes(columns[i]!.kind)) refuse(view, `${name} is a ${columns[i]!.kind} column, expected ${kinds.join(' or ')}`)
    return i
  }
  const codes = (list: readonly string[] | undefined, within: readonly number[]): number[] =>
    list === undefined ? [...within] : within.filter((c) => list.includes(types[c]!))
  const pairings: NativePairing[] = []
  const pairingIds = new Map<string, number>()

  const key = (view: ViewDef, ref: KeyRef): NativeKey => {
    if (typeof ref === 'string') {
      if (ref === 'date' || ref === 'hour') return { kind: ref }
      if (ref === 'time' || ref === 'score_pct' || ref === 'position_pct') refuse(view, `${ref} cannot be a key`)
      return { kind: 'column', col: column(view, ref, ['utf8']) }
    }
    if ('each' in ref) return { kind: 'each', col: column(view, ref.each, ['utf8list']) }
    const byType = types.map((t) => {
      const field = (ref.byType as Record<string, string | undefined>)[t]
      return field === undefined ? -1 : column(view, field, ['utf8'])
    })
    return { kind: 'byType', byType }
  }

  const value = (view: ViewDef, ref: ValueRef): NativeValue => {
    switch (ref) {
      case 'score_pct':
      case 'position_pct':
      case 'time':
      case 'date':
      case 'hour':
        return { kind: ref }
      default:
        return { kind: 'column', col: column(view, ref) }
    }
  }

  const where = (view: ViewDef, filter: Filter): NativeMeasure['where'] =>
    filter.where === undefined
      ? undefined
      : Object.entries(filter.where).map(([field, v]) => ({ col: column(view, field), value: v as string | number | boolean }))

  const pairingOf = (view: ViewDef, p: Pairing, viewTypes: number[]): number => {
    const entity = p.entity.map((f) => column(view, f, ['utf8']))
    const start = codes(p.start, viewTypes)
    const end = codes(p.end, viewTypes)
    const id = JSON.stringify([entity, start, end])
    let i = pairingIds.get(id)
    if (i === undefined) {
      i = pairings.length
      pairings.push({ entity, start, end })
      pairingIds.set(id, i)
    }
    return i
  }

  const nativeViews = views.map((view): NativeView => {
    if (view.topic !== topic) refuse(view, `it reads ${view.topic}, not ${topic}`)
    const all = types.map((_, i) => i)
    const viewTypes = codes(view.types, all)
    const measures = Object.values<Measure>(view.measures).map((m): NativeMeasure => {
      switch (m.kind) {
        case 'pairs':
          return { kind: 'pairs', types: viewTypes, pairing: pairingOf(view, m.pairing, viewTypes) }
        case 'count':
        case 'any':
          return { kind: m.kind, types: codes(m.filter.types, viewTypes), where: where(view, m.filter) }
        case 'perKey':
          return {
            kind: 'perKey',
            types: codes(m.filter.types, viewTypes),
            where: where(view, m.filter),
            value: value(view, m.value),
            subKey: column(view, m.subKey, ['utf8']),
            inner: m.inner === 'max' ? 0 : m.inner === 'min' ? 1 : 2,
          }
        default:
          return { kind: m.kind, types: codes(m.filter.types, viewTypes), where: where(view, m.filter), value: value(view, m.value) }
      }
    })
    return {
      name: view.name,
      windowSize: view.window?.size ?? 0,
      windowSlide: view.window?.slide ?? 0,
      types: viewTypes,
      keys: Object.values(view.key).map((k) => key(view, k)),
      measures,
    }
  })

  return {
    topic,
    columns: columns.map((c) => c.kind),
    columnNames: columns.map((c) => c.name),
    types,
    typeCol: colIndex('event_type'),
    timeCol: colIndex('timestamp'),
    idCol: colIndex('event_id'),
    scoreCol: colIndex('score'),
    maxScoreCol: colIndex('max_score'),
    positionCol: colIndex('position_seconds'),
    lengthCol: colIndex('video_length_seconds'),
    views: nativeViews,
    pairings,
  }
}
