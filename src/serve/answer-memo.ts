// Answers ride along with a reused speed read (coalesce.ts): the same batch
// partial, speed partial and query give the same answer, so the requests that
// share a speed read share its ranking, and its rows' JSON, too. This adds no
// staleness: a new speed read starts with no answers.
import type { ViewDef } from '../../views/dsl.js'
import type { ViewPartial } from '../../views/state/partial.js'
import { answer } from './answer.js'
import type { Answer } from './answer.js'
import type { ViewQuery } from './view-query.js'

/** Query shapes remembered per speed read (a dashboard asks a few). */
const PER_READ = 64

const memo = new WeakMap<ViewPartial, Map<string, { batch: ViewPartial | undefined; answer: Answer }>>()

const serialized = new WeakMap<Answer, string>()

/** An answer's rows as JSON, written once per answer: requests sharing an answer share its bytes too. */
export function rowsJson(a: Answer): string {
  let json = serialized.get(a)
  if (json === undefined) serialized.set(a, (json = JSON.stringify(a.rows)))
  return json
}

/** answer(), computed once per (batch partial, speed partial, query). Callers must not change the rows. */
export function memoAnswer(view: ViewDef, batch: ViewPartial | undefined, speed: ViewPartial, q: ViewQuery): Answer {
  let answers = memo.get(speed)
  if (answers === undefined) memo.set(speed, (answers = new Map()))
  const key = JSON.stringify(q)
  const known = answers.get(key)
  if (known !== undefined && known.batch === batch) return known.answer
  const a = answer(view, batch, speed, q)
  if (answers.size >= PER_READ) answers.clear()
  answers.set(key, { batch, answer: a })
  return a
}
