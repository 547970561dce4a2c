/// <reference lib="dom" />
// The dashboard in a real browser (Debian's Chromium through playwright-core)
// against `pulse start`: the embedded generator feeds the speed layer, the page
// draws its charts from the API, and the view browser fills a table.
import t from 'tap'
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'

const CHROMIUM = '/usr/bin/chromium'
const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts')

t.test('the dashboard shows live data and browses views', async (t) => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install it with \`apt-get install -y chromium\` (.ci/run does)`)
  const dir = mkdtempSync(join(tmpdir(), 'pulse-dash-'))
  const pulse = spawn(process.execPath, ['bin/pulse.js', 'start', '--rate', '3000', '--port', '0'], {
    env: { ...process.env, PULSE_KAFKA_BROKERS: '', PULSE_DATA_DIR: dir },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const exited = new Promise((r) => pulse.once('exit', r))
  t.teardown(async () => {
    // its stop snapshots into the data directory: removed once it has exited
    pulse.kill('SIGTERM')
    await exited
    rmSync(dir, { recursive: true, force: true })
  })
  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    pulse.stdout.on('data', (b: Buffer) => {
      out += b.toString()
      const m = /dashboard at (http:\/\/\S+\/)/.exec(out)
      if (m) resolve(m[1]!)
    })
    pulse.once('exit', (code) => reject(new Error(`pulse start exited with ${code}: ${out}`)))
  })

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  t.teardown(() => browser.close())
  const page = await browser.newPage({ viewport: { width: 1400, height: 1300 } })
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  await page.goto(url)

  // every chart drawn from data (uPlot canvases), the top-videos bars, the freshness line
  await page.waitForFunction(() => document.querySelectorAll('.chart canvas').length >= 4 && document.querySelectorAll('#top-videos .bar').length > 0, undefined, { timeout: 60_000 })
  const points = await page.evaluate(() => document.querySelectorAll('#chart-active canvas').length)
  t.ok(points > 0, 'active users chart drawn')
  t.match(await page.textContent('#freshness'), /speed watermark .*over 24 partitions/)
  t.ok((await page.locator('#top-videos li').count()) > 0, 'top videos listed')

  // the view browser: the default query filled the table; pick another view
  await page.waitForFunction(() => Number(document.body.dataset.tableRows ?? 0) > 0, undefined, { timeout: 30_000 })
  await page.selectOption('#view-name', 'auth_user_activity_summary')
  await page.selectOption('#order', '-total_logins')
  await page.fill('#limit', '5')
  // on a loaded machine the pipeline may not yet have five users, or the answer
  // may be an error: asked again, as a person would, until it has them
  // the total is written with grouping separators ("5 of 4,060 rows") once it passes a thousand
  const fiveRows = () => /^5 of [\d,]+ rows/.test(document.querySelector('#browser-status')?.textContent ?? '')
  for (const deadline = Date.now() + 90_000; ; ) {
    await page.click('button[type=submit]')
    const shown = await page.waitForFunction(fiveRows, undefined, { timeout: 5_000 }).then(() => true, () => false)
    if (shown) break
    if (Date.now() > deadline) throw new Error(`no 5-row answer in 90 s; the browser's status: ${await page.textContent('#browser-status')}`)
  }
  t.match(await page.textContent('#rows thead'), /total_logins/)
  t.equal(await page.locator('#rows tbody tr').count(), 5, 'five rows')
  // the column found by its header, not by position
  const headers = await page.locator('#rows thead th').allTextContents()
  const column = headers.indexOf('total_logins') + 1
  t.ok(column > 0, 'total_logins column shown')
  const logins = await page.locator(`#rows tbody tr td:nth-child(${column})`).allTextContents()
  t.same(logins.map((s) => Number(s.replace(/\D/g, ''))), logins.map((s) => Number(s.replace(/\D/g, ''))).sort((a, b) => b - a), 'ordered by total_logins, descending')

  // the charts refresh by themselves
  const before = await page.evaluate(() => document.body.dataset.updated)
  await page.waitForFunction((b) => document.body.dataset.updated !== b, before, { timeout: 20_000 })
  t.pass('charts refreshed')

  mkdirSync(ARTIFACTS, { recursive: true })
  await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true })
  t.same(errors, [], 'no script errors')
})
