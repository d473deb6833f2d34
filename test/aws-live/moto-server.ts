/**
 * Starts `moto_server` (Python moto: a stateful AWS API over HTTP) on a free local port for a test.
 * In CI (env CI set) a missing moto_server is a failure, never a skip: the live collector would
 * otherwise go untested without anyone noticing.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { createServer } from 'node:net'

export interface MotoServer {
  endpoint: string
  stop(): Promise<void>
}

/** True when `moto_server` can be started from PATH. */
export function motoAvailable(): boolean {
  const probe = spawnSync('moto_server', ['--help'], { stdio: 'ignore' })
  return probe.error === undefined && probe.status === 0
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

async function waitUntilUp(endpoint: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited (${child.exitCode}): ${output()}`)
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`)
      if (response.ok) return
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`moto_server did not answer on ${endpoint} within 30 s: ${output()}`)
}

/** Starts moto_server on 127.0.0.1 and a free port; `stop` ends that process (and only it). */
export async function startMoto(): Promise<MotoServer> {
  const port = await freePort()
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-4000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const endpoint = `http://127.0.0.1:${port}`
  try {
    await waitUntilUp(endpoint, child, () => log)
  } catch (error) {
    child.kill('SIGTERM')
    throw error
  }
  return {
    endpoint,
    stop: async () => {
      if (child.exitCode !== null) return
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await exited
    },
  }
}
