// JSON schemas of every route: fastify validates requests with them, serializes
// answers with them, and @fastify/swagger publishes them as the OpenAPI document.
// The contract test validates real answers against these same objects.

const scalar = { type: ['string', 'number', 'boolean', 'null'] } as const
const instantOrNull = { type: ['string', 'null'], format: 'date-time' } as const

export const errorSchema = {
  $id: 'PulseError',
  type: 'object',
  required: ['statusCode', 'code', 'error', 'message'],
  properties: {
    statusCode: { type: 'integer' },
    code: { type: 'string', description: 'stable error code (docs/errors.md)' },
    error: { type: 'string' },
    message: { type: 'string' },
    param: { type: 'string', description: 'the request parameter at fault' },
  },
} as const

const errorRef = { $ref: 'PulseError#' } as const

export const viewInfoSchema = {
  $id: 'ViewInfo',
  type: 'object',
  required: ['name', 'kind', 'topic', 'description', 'keys', 'window', 'measures', 'derived', 'columns'],
  properties: {
    name: { type: 'string' },
    kind: { type: 'string', enum: ['batch', 'realtime'] },
    topic: { type: 'string' },
    description: { type: 'string' },
    keys: { type: 'array', items: { type: 'string' }, description: 'key columns; each is a query parameter of GET /api/views/{name}' },
    window: {
      type: ['object', 'null'],
      required: ['kind', 'sizeMs', 'slideMs'],
      properties: { kind: { type: 'string', enum: ['tumbling', 'sliding'] }, sizeMs: { type: 'integer' }, slideMs: { type: 'integer' } },
    },
    measures: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'kind', 'estimated'],
        properties: { name: { type: 'string' }, kind: { type: 'string' }, estimated: { type: 'boolean', description: 'a HyperLogLog sketch: exact below 129 values, an estimate above' } },
      },
    },
    derived: {
      type: 'array',
      items: { type: 'object', required: ['name', 'describe'], properties: { name: { type: 'string' }, describe: { type: 'string' } } },
    },
    columns: { type: 'array', items: { type: 'string' } },
  },
} as const

export const freshnessSchema = {
  $id: 'Freshness',
  type: 'object',
  required: ['batch', 'speed'],
  properties: {
    batch: {
      type: ['object', 'null'],
      description: 'the published batch run merged in (events before its cutoff); null when none',
      required: ['runId', 'cutoff', 'cutoffMs', 'publishedAt', 'durationMs'],
      properties: {
        runId: { type: 'string' },
        cutoff: { type: 'string', format: 'date-time' },
        cutoffMs: { type: 'number' },
        publishedAt: { type: 'string' },
        durationMs: { type: 'number' },
      },
    },
    speed: {
      type: 'object',
      required: ['partitions', 'watermark', 'maxEventTime', 'lag', 'cutoff', 'ageMs'],
      properties: {
        partitions: { type: 'integer' },
        watermark: { type: 'object', required: ['min', 'max'], properties: { min: instantOrNull, max: instantOrNull } },
        maxEventTime: instantOrNull,
        lag: { type: ['integer', 'null'], description: 'records not yet applied; null when unknown' },
        cutoff: instantOrNull,
        ageMs: { type: 'integer', description: 'how old the speed part of this answer is (ms): a speed read is reused by identical queries for a short bound (250 ms by default)' },
      },
    },
    cluster: {
      type: ['object', 'null'],
      description: 'a gathered answer: the nodes that answered, the partitions missing from it and those still replaying after a move (both empty when complete); null without Kafka',
      required: ['nodes', 'missing', 'unreachable', 'replaying'],
      properties: {
        nodes: { type: 'integer' },
        missing: { type: 'array', items: { type: 'string' }, description: 'partitions no member answered for' },
        unreachable: { type: 'array', items: { type: 'string' }, description: 'members that could not be asked, with why' },
        replaying: { type: 'array', items: { type: 'string' }, description: 'partitions whose new owner has not yet reached where they ended when it took them over: their part may be short' },
      },
    },
  },
} as const

export const listViewsSchema = {
  summary: 'Every view of the catalog',
  tags: ['views'],
  response: {
    200: { type: 'object', required: ['views'], properties: { views: { type: 'array', items: { $ref: 'ViewInfo#' } } } },
  },
} as const

export const viewQuerySchema = {
  summary: 'Rows of one view: batch (t < cutoff) ⊕ speed (t ≥ cutoff)',
  description:
    'Key filters are query parameters named after the view\'s key columns (GET /api/views lists them). ' +
    'from/to (windowed views only) select windows overlapping [from, to). order=-column sorts descending. ' +
    'top=N (windowed views) keeps the N first rows of each window in that order (default: the first measure, descending).',
  tags: ['views'],
  params: { type: 'object', required: ['name'], properties: { name: { type: 'string', description: 'view name' } } },
  querystring: {
    type: 'object',
    properties: {
      from: { type: 'string', description: 'ISO-8601 UTC instant or epoch ms; windows ending after it' },
      to: { type: 'string', description: 'ISO-8601 UTC instant or epoch ms (exclusive); windows starting before it' },
      order: { type: 'string', description: 'a column; a leading - sorts descending (e.g. -plays)' },
      limit: { type: 'string', description: 'at most this many rows (1–10000, default 1000)' },
      top: { type: 'string', description: 'windowed views: the first N rows of each window in the order' },
    },
    additionalProperties: { type: 'string', description: 'a key column = the value wanted' },
  },
  response: {
    200: {
      type: 'object',
      required: ['view', 'rows', 'total', 'truncated', 'estimates', 'freshness'],
      properties: {
        view: { type: 'string' },
        rows: {
          type: 'array',
          items: {
            type: 'object',
            required: ['source', 'exact'],
            properties: {
              source: { type: 'string', enum: ['batch', 'speed', 'both'], description: 'which layers held the row\'s group' },
              exact: { type: 'object', additionalProperties: { type: 'boolean' }, description: 'per distinct-count column: exact (true) or an estimate' },
            },
            additionalProperties: scalar,
          },
        },
        total: { type: 'integer', description: 'rows before the limit' },
        truncated: { type: 'boolean' },
        estimates: { type: 'boolean', description: 'some value is a sketch estimate' },
        freshness: { $ref: 'Freshness#' },
      },
    },
    400: errorRef,
    404: errorRef,
    503: errorRef,
  },
} as const

export const healthSchema = {
  summary: 'Liveness: the process answers',
  tags: ['operations'],
  response: { 200: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok'] } } } },
} as const

const checks = {
  type: 'object',
  required: ['store', 'speed', 'batch'],
  properties: {
    store: { type: 'boolean', description: 'the object store answers' },
    speed: { type: 'boolean', description: 'partition actors are open (restored from their snapshots)' },
    batch: { type: 'boolean', description: 'the published run is loaded, or none is published' },
  },
} as const

export const readySchema = {
  summary: 'Readiness: store reachable, actors open, batch source loaded',
  tags: ['operations'],
  response: {
    200: { type: 'object', required: ['ready', 'checks'], properties: { ready: { type: 'boolean' }, checks } },
    503: { type: 'object', required: ['ready', 'checks'], properties: { ready: { type: 'boolean' }, checks, message: { type: 'string' } } },
  },
} as const

export const metricsSchema = {
  summary: 'Prometheus metrics (text exposition format)',
  tags: ['operations'],
  produces: ['text/plain'],
  response: { 200: { type: 'string' }, 503: errorRef },
} as const

const adminSecurity = [{ bearer: [] }]

export const snapshotSchema = {
  summary: 'Snapshot every partition actor to the store now',
  tags: ['admin'],
  security: adminSecurity,
  response: {
    200: {
      type: 'object',
      required: ['actors', 'unchanged', 'bytes', 'ms', 'pauseMs'],
      properties: { actors: { type: 'integer' }, unchanged: { type: 'integer' }, bytes: { type: 'integer' }, ms: { type: 'number' }, pauseMs: { type: 'number' } },
    },
    401: errorRef,
    503: errorRef,
  },
} as const

export const batchSchema = {
  summary: 'Start a batch run; the new run is served once published',
  tags: ['admin'],
  security: adminSecurity,
  response: {
    202: { type: 'object', required: ['started'], properties: { started: { type: 'boolean' } } },
    401: errorRef,
    409: errorRef,
    503: errorRef,
  },
} as const

export const partialsSchema = {
  summary: 'This node\'s share of a cluster query (binary partial frames; used by other Pulse nodes)',
  description:
    'Answers with the serialized partials of the actors this node owns among `partitions`, taken at the batch cutoff `cutoff`. ' +
    'A node at another cutoff answers 503 with `x-pulse-cutoff` (its own). Body: u32 count, then per part u32 length and bytes (little-endian).',
  tags: ['cluster'],
  params: { type: 'object', required: ['name'], properties: { name: { type: 'string', description: 'view name' } } },
  querystring: {
    type: 'object',
    required: ['filter', 'partitions', 'cutoff'],
    properties: {
      filter: { type: 'string', description: 'JSON {"keys":{column:value},"from":ms,"to":ms}' },
      partitions: { type: 'string', description: 'topic/partition ids, comma-separated' },
      cutoff: { type: 'string', description: 'the asking node\'s batch cutoff (epoch ms), or "none"' },
    },
  },
  response: {
    200: { description: 'partial frames', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
    400: errorRef,
    404: errorRef,
    503: errorRef,
  },
} as const

export const clusterStatsSchema = {
  summary: 'This node\'s actors\' reconciliation stats (used by the node running a batch run)',
  tags: ['cluster'],
  querystring: {
    type: 'object',
    required: ['partitions'],
    properties: { partitions: { type: 'string', description: 'topic/partition ids, comma-separated' } },
  },
  response: {
    200: {
      type: 'object',
      required: ['actors'],
      properties: {
        actors: {
          type: 'array',
          items: {
            type: 'object',
            required: ['topic', 'partition', 'nextOffset', 'heldFrom', 'droppedByHour', 'watermark'],
            properties: {
              topic: { type: 'string' },
              partition: { type: 'integer' },
              nextOffset: { type: 'integer', minimum: 0, description: 'the first offset the actor has not applied' },
              heldFrom: { type: ['number', 'null'], description: 'oldest event-time hour held' },
              watermark: { type: ['number', 'null'], description: 'the partition watermark (ms); null before its first valid event' },
              droppedByHour: { type: 'array', items: { type: 'array', items: { type: 'number' } }, description: '[hour start, events dropped]' },
            },
          },
        },
      },
    },
    400: errorRef,
  },
} as const

export const SHARED_SCHEMAS = [errorSchema, viewInfoSchema, freshnessSchema]
