// `pulse views`: the catalog's views with their keys, windows and measures; with
// --json the same document as GET /api/views.
import { parseArgs } from 'node:util'
import { CATALOG } from '../../views/catalog/index.js'
import type { WindowSpec } from '../../views/dsl.js'
import { TOPICS } from '../events/contract.js'
import { pulseError } from '../errors.js'
import { viewInfo } from '../serve/view-routes.js'
import { formatTable } from '../table.js'

export const VIEWS_HELP = `pulse views — the ${CATALOG.length} views of the catalog

  --topic T    only the views of one topic (${TOPICS.join(', ')})
  --json       print the views as JSON: {"views": [...]}, the document GET /api/views answers

Columns: view, kind (batch | realtime), topic, key (the key columns, each a filter of
\`pulse query --key\`), window, measures, derived measures, description.`

/** 1d, 1h, 5m, 30s, 250ms: the largest unit that divides the span. */
export function formatSpan(ms: number): string {
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`
  }
  return `${ms}ms`
}

export function formatWindow(w: WindowSpec | undefined): string {
  if (w === undefined) return '-'
  return w.kind === 'tumbling' ? `tumbling ${formatSpan(w.size)}` : `sliding ${formatSpan(w.size)} every ${formatSpan(w.slide)}`
}

export async function viewsCommand(args: string[]): Promise<number> {
  const { values: v } = parseArgs({ args, strict: true, options: { json: { type: 'boolean', default: false }, topic: { type: 'string' } } })
  if (v.topic !== undefined && !(TOPICS as readonly string[]).includes(v.topic)) {
    throw pulseError('PULSE_ERR_CLI_USAGE', `--topic: expected one of ${TOPICS.join(', ')}, got ${JSON.stringify(v.topic)}`)
  }
  const views = CATALOG.filter((view) => v.topic === undefined || view.topic === v.topic)
  if (v.json) {
    console.log(JSON.stringify({ views: views.map(viewInfo) }, null, 2))
    return 0
  }
  const rows = views.map((view) => ({
    view: view.name,
    kind: view.kind,
    topic: view.topic,
    key: Object.keys(view.key).join(', ') || '-',
    window: formatWindow(view.window),
    measures: Object.keys(view.measures).join(', '),
    derived: Object.keys(view.derived ?? {}).join(', ') || '-',
    description: view.description,
  }))
  console.log(formatTable(rows).join('\n'))
  console.log(`\n${views.length} views; \`pulse query <view>\` reads one from a running Pulse`)
  return 0
}
