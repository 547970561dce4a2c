// Pulse dashboard: live charts from the query API every few seconds, and a
// browser for any view. Plain script, no build step; uPlot is served by Pulse.
'use strict'

const REFRESH_MS = 3000
const COLORS = ['#5ab0ff', '#ff6b6b', '#4fd18b', '#ffc857', '#c792ea', '#7fdbca']
const $ = (id) => document.getElementById(id)

async function api(path, params = {}) {
  const qs = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== ''))
  const res = await fetch(`${path}${qs.size ? '?' + qs : ''}`)
  const body = await res.json()
  if (!res.ok) throw new Error(body.message || res.statusText)
  return body
}

const seconds = (iso) => Date.parse(iso) / 1000
const fmt = (v) => (typeof v === 'number' ? (Number.isInteger(v) ? v.toLocaleString() : v.toFixed(3)) : v === null ? '—' : String(v))

// ---------------------------------------------------------------- charts

const charts = {}

function chartSize(el) {
  return { width: Math.max(280, el.clientWidth), height: 220 }
}

const axis = { stroke: '#8b95ad', grid: { stroke: '#263049', width: 1 }, ticks: { stroke: '#263049' } }

/** Draws (or updates) a time-series chart; `series` = [{label, values}] over `xs` (epoch s). */
function drawSeries(id, xs, series, opts = {}) {
  const el = $(id)
  const data = [xs, ...series.map((s) => s.values)]
  const key = series.map((s) => s.label).join('|')
  if (xs.length === 0) {
    charts[id]?.plot.destroy()
    delete charts[id]
    el.innerHTML = '<div class="empty">waiting for events…</div>'
    return
  }
  if (charts[id] && charts[id].key === key) {
    charts[id].plot.setData(data)
    return
  }
  charts[id]?.plot.destroy()
  el.innerHTML = ''
  const plot = new uPlot(
    {
      ...chartSize(el),
      // a fixed span ending at the newest window, so the first minutes do not stretch over the axis
      scales: { x: { time: true, range: (u) => {
        const xs = u.data[0]
        const last = xs[xs.length - 1]
        return [last - (opts.spanS ?? 1800), last + (opts.stepS ?? 60)]
      } }, y: opts.y ?? {} },
      axes: [axis, { ...axis, size: 50, values: opts.yValues }],
      legend: { live: true },
      series: [
        {},
        ...series.map((s, i) => ({
          label: s.label,
          stroke: COLORS[i % COLORS.length],
          width: 2,
          fill: opts.fill ? COLORS[i % COLORS.length] + '33' : undefined,
          paths: opts.bars ? uPlot.paths.bars({ size: [0.7, 40] }) : undefined,
          points: { show: (u) => u.data[0].length <= 20, size: 6 },
        })),
      ],
    },
    data,
    el,
  )
  charts[id] = { plot, key }
}

window.addEventListener('resize', () => {
  for (const [id, c] of Object.entries(charts)) c.plot.setSize(chartSize($(id)))
})

/** The latest `n` windows of a view (newest first from the API, returned oldest first). */
async function latestWindows(view, n, params = {}) {
  const body = await api(`/api/views/${view}`, { order: '-window_start', limit: n, ...params })
  return { rows: body.rows.reverse(), freshness: body.freshness }
}

async function activeUsers() {
  const { rows, freshness } = await latestWindows('auth_realtime_active_users_1min', 60)
  drawSeries('chart-active', rows.map((r) => seconds(r.window_start)), [
    { label: 'active users', values: rows.map((r) => r.active_users) },
    { label: 'auth events', values: rows.map((r) => r.events) },
  ], { fill: true })
  return freshness
}

async function logins() {
  const { rows } = await latestWindows('auth_realtime_login_rate', 60)
  drawSeries('chart-logins', rows.map((r) => seconds(r.window_start)), [
    { label: 'logins', values: rows.map((r) => r.logins) },
    { label: 'failed', values: rows.map((r) => r.failed_logins) },
  ])
}

async function submissions() {
  // per course per minute: summed per minute here
  const { rows } = await latestWindows('assessment_realtime_submissions_1min', 5000)
  const perMinute = new Map()
  for (const r of rows) perMinute.set(r.window_start, (perMinute.get(r.window_start) ?? 0) + r.submissions)
  const minutes = [...perMinute.keys()].sort().slice(-60)
  drawSeries('chart-submissions', minutes.map(seconds), [{ label: 'submissions', values: minutes.map((m) => perMinute.get(m)) }], { bars: true })
}

async function clickThrough(anchor) {
  const from = new Date(anchor - 3600_000).toISOString()
  const body = await api('/api/views/notification_realtime_click_rate_5min', { from, limit: 1000 })
  const windows = [...new Set(body.rows.map((r) => r.window_start))].sort()
  const types = [...new Set(body.rows.map((r) => r.notification_type))].sort()
  const at = new Map(body.rows.map((r) => [`${r.window_start}|${r.notification_type}`, r.ctr]))
  drawSeries(
    'chart-ctr',
    windows.map(seconds),
    types.map((t) => ({ label: t, values: windows.map((w) => at.get(`${w}|${t}`) ?? null) })),
    { y: { range: [0, 1] }, yValues: (_u, ticks) => ticks.map((v) => `${Math.round(v * 100)}%`), spanS: 3600, stepS: 300 },
  )
}

async function topVideos(anchor) {
  // sliding 5-minute windows every minute: the latest one that has ended by the newest event
  const body = await api('/api/views/video_realtime_popular_videos', { top: 10, from: new Date(anchor - 120_000).toISOString() })
  const ended = body.rows.filter((r) => Date.parse(r.window_end) <= anchor)
  const pool = ended.length > 0 ? ended : body.rows
  const latest = pool.map((r) => r.window_start).sort().pop()
  const rows = pool.filter((r) => r.window_start === latest)
  const list = $('top-videos')
  if (rows.length === 0) {
    list.innerHTML = '<li class="empty">waiting for plays…</li>'
    return
  }
  const max = Math.max(...rows.map((r) => r.plays), 1)
  list.innerHTML = rows
    .map((r) => `<li><span class="name" title="${r.video_id}">${r.video_id}</span><span class="bar" style="width:${(100 * r.plays) / max}%"></span><span class="n">${r.plays}</span></li>`)
    .join('')
}

function showFreshness(f) {
  const dot = $('live-dot')
  const wm = f.speed.watermark.max
  const lagging = f.speed.lag !== null && f.speed.lag > 50_000
  dot.className = 'dot ' + (f.speed.maxEventTime ? (lagging ? 'stale' : 'live') : '')
  const batch = f.batch ? `batch run <b>${f.batch.runId}</b> up to <b>${f.batch.cutoff}</b>` : 'no batch run yet'
  const lag = f.speed.lag === null ? '' : ` · lag <b>${f.speed.lag.toLocaleString()}</b> records`
  $('freshness').innerHTML = `${batch} · speed watermark <b>${wm ?? '—'}</b> over ${f.speed.partitions} partitions${lag}`
}

let ticking = false
async function tick() {
  if (ticking) return
  ticking = true
  try {
    const freshness = await activeUsers()
    showFreshness(freshness)
    const anchor = freshness.speed.maxEventTime ? Date.parse(freshness.speed.maxEventTime) : Date.now()
    await Promise.all([logins(), submissions(), clickThrough(anchor), topVideos(anchor)])
    document.body.dataset.updated = new Date().toISOString()
  } catch (err) {
    $('freshness').textContent = `update failed: ${err.message}`
    $('live-dot').className = 'dot stale'
  } finally {
    ticking = false
  }
}

// ---------------------------------------------------------------- view browser

let views = []

function current() {
  return views.find((v) => v.name === $('view-name').value)
}

function fillForm() {
  const v = current()
  $('view-desc').textContent = `${v.description} (${v.kind}, ${v.topic}${v.window ? `, ${v.window.kind} ${v.window.sizeMs / 60000}m` : ''})`
  $('key-inputs').innerHTML = v.keys.map((k) => `<label>${k} <input data-key="${k}" placeholder="any"></label>`).join('')
  $('range-inputs').style.display = v.window ? '' : 'none'
  $('order').innerHTML =
    '<option value="">window, key</option>' +
    v.columns.flatMap((c) => [`<option value="-${c}">${c} ↓</option>`, `<option value="${c}">${c} ↑</option>`]).join('')
}

function renderTable(v, body) {
  const cols = [...v.columns, 'source']
  $('rows').tHead.innerHTML = `<tr>${cols.map((c) => `<th>${c}</th>`).join('')}</tr>`
  $('rows').tBodies[0].innerHTML = body.rows
    .map(
      (r) =>
        '<tr>' +
        cols
          .map((c) => {
            if (c === 'source') return `<td><span class="src ${r.source}">${r.source}</span></td>`
            const est = r.exact[c] === false
            const cls = typeof r[c] === 'number' ? ' class="num"' : ''
            return `<td${cls}>${est ? '<span class="est" title="estimate (HyperLogLog)">≈</span>' : ''}${fmt(r[c])}</td>`
          })
          .join('') +
        '</tr>',
    )
    .join('')
}

// the browser's latest query: an earlier one answered after it is not shown
let querySeq = 0

async function query(event) {
  event?.preventDefault()
  const seq = ++querySeq
  const v = current()
  const params = { order: $('order').value, limit: $('limit').value }
  for (const input of document.querySelectorAll('[data-key]')) params[input.dataset.key] = input.value.trim()
  if (v.window) Object.assign(params, { from: $('from').value.trim(), to: $('to').value.trim() })
  const status = $('browser-status')
  try {
    const t0 = performance.now()
    const body = await api(`/api/views/${v.name}`, params)
    if (seq !== querySeq) return
    renderTable(v, body)
    status.className = 'status'
    status.textContent = `${body.rows.length.toLocaleString()} of ${body.total.toLocaleString()} rows in ${Math.round(performance.now() - t0)} ms${body.estimates ? ' · ≈ marks HyperLogLog estimates' : ''}`
    document.body.dataset.tableRows = String(body.rows.length)
  } catch (err) {
    if (seq !== querySeq) return
    status.className = 'status error'
    status.textContent = err.message
  }
}

async function init() {
  views = (await api('/api/views')).views
  $('view-name').innerHTML = views.map((v) => `<option value="${v.name}">${v.name}</option>`).join('')
  $('view-name').value = 'video_popularity'
  $('view-name').addEventListener('change', () => (fillForm(), query()))
  $('browser').addEventListener('submit', query)
  fillForm()
  $('order').value = '-plays'
  query()
  tick()
  setInterval(tick, REFRESH_MS)
}

init()
