// TypeScript types of the 32 events, derived from the contract table so they
// cannot drift from what the validator accepts.
import type { EVENTS, EventType, Rule, ROLES, DEVICE_TYPES } from './contract.js'

type ValueOf<R extends Rule> = R extends { kind: 'id' | 'text' }
  ? string
  : R extends { kind: 'bool' }
    ? boolean
    : R extends { kind: 'int' | 'num' }
      ? number
      : R extends { kind: 'enum'; values: readonly (infer V)[] }
        ? V
        : R extends { kind: 'enumList'; values: readonly (infer V)[] }
          ? V[]
          : never

type Simplify<T> = { [K in keyof T]: T[K] } & {}

export type Role = (typeof ROLES)[number]
export type DeviceType = (typeof DEVICE_TYPES)[number]

export interface Envelope<T extends EventType = EventType> {
  event_id: string
  event_type: T
  /** ISO-8601 UTC instant: event time */
  timestamp: string
  user_id: string
  role?: Role
  session_id?: string
  device_type?: DeviceType
  schema_version?: number
}

type TypeFields<T extends EventType> = {
  -readonly [K in keyof (typeof EVENTS)[T]['fields']]: (typeof EVENTS)[T]['fields'][K] extends infer R extends Rule
    ? ValueOf<R>
    : never
}

/** The event of one type: envelope plus that type's required fields. */
export type EventOf<T extends EventType> = Simplify<Omit<Envelope<T>, keyof TypeFields<T>> & TypeFields<T>>

/** Any valid event (a union discriminated by `event_type`). */
export type PulseEvent = { [T in EventType]: EventOf<T> }[EventType]

/** Every field name some event type can carry (for views: a typo fails to compile). */
export type FieldName = { [T in EventType]: keyof EventOf<T> }[EventType]
