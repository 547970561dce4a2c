// Every error Pulse raises on purpose is a PulseError with a stable code.
// Codes are part of the public surface (logs, HTTP answers, docs/errors.md);
// test/unit/errors.test.ts pins the table and checks each code is documented.

export interface ErrorSpec {
  readonly message: string
  /** A retry of the same operation may succeed (network, broker, store hiccups). */
  readonly retriable: boolean
  /** HTTP status when the error reaches the serving layer. */
  readonly status: number
}

export const ERRORS = {
  PULSE_ERR_CONFIG: { message: 'invalid configuration: %s', retriable: false, status: 500 },
  PULSE_ERR_CLI_USAGE: { message: '%s', retriable: false, status: 400 },
  PULSE_ERR_NATIVE_LOAD: {
    message: 'the native addon could not be loaded (%s); run `npm install` or `npm run build`',
    retriable: false,
    status: 500,
  },
  PULSE_ERR_NATIVE_ARG: { message: 'native call: %s', retriable: false, status: 500 },
  PULSE_ERR_INVALID_EVENT: { message: 'invalid event: %s', retriable: false, status: 400 },
  PULSE_ERR_FILE_FORMAT: { message: '%s:%s: %s', retriable: false, status: 400 },
  PULSE_ERR_KAFKA: { message: 'kafka: %s', retriable: true, status: 503 },
  PULSE_ERR_STORE: { message: 'object store: %s', retriable: true, status: 503 },
  PULSE_ERR_INVALID_SKETCH: { message: 'invalid sketch: %s', retriable: false, status: 400 },
  PULSE_ERR_INVALID_STATE: { message: 'invalid serialized state: %s', retriable: false, status: 500 },
  PULSE_ERR_STORE_NOT_FOUND: { message: 'object store: no object at %s', retriable: false, status: 404 },
  PULSE_ERR_BATCH_PLAN: { message: 'batch plan for %s: %s', retriable: false, status: 500 },
  PULSE_ERR_BATCH_INPUT: { message: 'batch input %s: %s', retriable: false, status: 500 },
  PULSE_ERR_BATCH_BUSY: { message: 'a batch run is already in progress (%s)', retriable: true, status: 409 },
  PULSE_ERR_BATCH_DRIFT: { message: 'batch run %s not published: %s', retriable: false, status: 500 },
  PULSE_ERR_BAD_REQUEST: { message: '%s', retriable: false, status: 400 },
  PULSE_ERR_UNKNOWN_VIEW: { message: 'no view named %s; GET /api/views lists them', retriable: false, status: 404 },
  PULSE_ERR_NOT_FOUND: { message: 'no route %s', retriable: false, status: 404 },
  PULSE_ERR_UNAUTHORIZED: { message: '%s', retriable: false, status: 401 },
  PULSE_ERR_BUSY: { message: '%s', retriable: true, status: 409 },
  PULSE_ERR_INTERNAL: { message: 'internal error: %s', retriable: false, status: 500 },
  PULSE_ERR_UNAVAILABLE: { message: '%s', retriable: true, status: 503 },
  PULSE_ERR_UNREACHABLE: { message: 'cannot reach %s: %s', retriable: true, status: 503 },
  PULSE_ERR_CUTOFF_MOVED: { message: 'the batch cutoff moved during the query (%s)', retriable: true, status: 503 },
  PULSE_ERR_READ_EXPIRED: { message: 'a threshold read outlived its hold on the workers (%s)', retriable: true, status: 503 },
} as const satisfies Record<string, ErrorSpec>

export type ErrorCode = keyof typeof ERRORS

function format(template: string, args: readonly unknown[]): string {
  let i = 0
  return template.replace(/%s/g, () => (i < args.length ? String(args[i++]) : '%s'))
}

export class PulseError extends Error {
  readonly code: ErrorCode
  readonly retriable: boolean
  readonly status: number

  constructor(code: ErrorCode, args: readonly unknown[] = [], options?: { cause?: unknown }) {
    const spec: ErrorSpec = ERRORS[code]
    super(format(spec.message, args), options)
    this.name = 'PulseError'
    this.code = code
    this.retriable = spec.retriable
    this.status = spec.status
  }
}

/** `throw pulseError('PULSE_ERR_CONFIG', 'PULSE_RATE must be a number')` */
export function pulseError(code: ErrorCode, ...args: unknown[]): PulseError {
  return new PulseError(code, args)
}

export function isRetriable(err: unknown): boolean {
  return err instanceof PulseError ? err.retriable : false
}
