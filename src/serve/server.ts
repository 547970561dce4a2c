// Starts a serving node's HTTP server on the configured host and port.
import type { HttpSettings } from '../config.js'
import { buildApp } from './app.js'
import type { AppOptions, PulseApp } from './app.js'

export interface RunningServer extends PulseApp {
  /** base URL, e.g. http://127.0.0.1:8080/ */
  url: string
  close(): Promise<void>
}

export async function startServer(http: HttpSettings, options: Omit<AppOptions, 'adminToken'>): Promise<RunningServer> {
  const built = await buildApp({ speedReuseMs: http.speedReuseMs, ...options, adminToken: http.adminToken })
  await built.app.listen({ host: http.host, port: http.port })
  const address = built.app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : http.port
  const host = http.host.includes(':') ? `[${http.host}]` : http.host
  return { ...built, url: `http://${host}:${port}/`, close: () => built.app.close() }
}
