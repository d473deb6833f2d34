import { ConfigError } from '../core/errors.js'

/** A TCP port from a flag, or a usage error naming the flag and what it got. */
export function parsePort(value: string, flag = '--port'): number {
  const port = Number(value)
  if (!/^\d+$/.test(value) || port > 65535)
    throw new ConfigError(`${flag}: expected a port number 0–65535, got ${value}`)
  return port
}

/** Resolves on the first SIGINT or SIGTERM, so a long-running command can close what it opened. */
export function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolve()
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
}
