// Runs autocannon against one URL in its own process and prints its result as
// JSON on stdout. The query-latency bench starts it as a child so that the load
// generator does not share an event loop with the server it measures.
//   node dist/bench/http-load.js URL REQUESTS_PER_S SECONDS [CONNECTIONS]
import autocannon from 'autocannon'

const [url, rate, seconds, connections] = process.argv.slice(2)
if (url === undefined || !Number(rate) || !Number(seconds)) {
  process.stderr.write('usage: node dist/bench/http-load.js URL REQUESTS_PER_S SECONDS [CONNECTIONS]\n')
  process.exit(2)
}
const result = await autocannon({ url, overallRate: Number(rate), duration: Number(seconds), connections: Number(connections) || 50 })
process.stdout.write(`${JSON.stringify({ requests: result.requests, latency: result.latency, errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx })}\n`)
