// The dashboard's files: its own page, script and style, and uPlot from
// node_modules. A fixed list of files, read once, so no request path ever
// reaches the file system.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'

/** The dashboard folder in the sources (tsc does not copy it into dist/). */
function dashboardDir(): string {
  const here = dirname(fileURLToPath(import.meta.url))
  return here.includes(`${join('dist', 'src')}`) ? resolve(here, '..', '..', '..', 'src', 'serve', 'dashboard') : join(here, 'dashboard')
}

function uplotDir(): string {
  const require = createRequire(import.meta.url)
  return dirname(require.resolve('uplot'))
}

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
}

export function dashboardRoutes(app: FastifyInstance): void {
  const dir = dashboardDir()
  const files: Record<string, string> = {
    '/': join(dir, 'index.html'),
    '/dashboard/app.js': join(dir, 'app.js'),
    '/dashboard/style.css': join(dir, 'style.css'),
    '/vendor/uPlot.iife.min.js': join(uplotDir(), 'uPlot.iife.min.js'),
    '/vendor/uPlot.min.css': join(uplotDir(), 'uPlot.min.css'),
  }
  for (const [url, path] of Object.entries(files)) {
    const body = readFileSync(path)
    const type = TYPES[path.slice(path.lastIndexOf('.') + 1)]!
    app.get(url, { schema: { hide: true } }, async (_req, reply) => reply.type(type).header('cache-control', 'no-cache').send(body))
  }
}
