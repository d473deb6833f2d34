// The server of the server bench, in its own process: the real `createServer` over a context on the
// bench's PostgreSQL schema, listening on 127.0.0.1 and a free port. It tells the parent its port, and
// on `stop` closes everything and reports the CPU time and peak memory it used.
import { loadConfig } from '../src/app/load-config.js'
import { loadLibrary } from '../src/app/run-assessment.js'
import { readSigner, signingKeyPath } from '../src/app/signing-key.js'
import { createServer } from '../src/server/app.js'
import { closePushes } from '../src/server/routes/push.js'
import { buildServerContext } from '../src/server/server-context.js'
import { recordChange } from '../src/store/ledger-change.js'
import { PostgresStore } from '../src/store/postgres/postgres-store.js'
import { openBenchTeamStore } from './server-seed.js'

const send = (message: Record<string, unknown>): void => {
  process.send?.(message)
}

async function serve(configFile: string, url: string, schema: string): Promise<void> {
  const loaded = await loadConfig(configFile, process.cwd())
  const signer = readSigner(signingKeyPath({}, { key: loaded.config.store.key, root: loaded.root }))
  const ledger = await PostgresStore.open(url, schema)
  const team = await openBenchTeamStore(url, schema)
  const context = buildServerContext({
    loaded,
    library: await loadLibrary(),
    ledger,
    team,
    signer,
    recordChange,
  })
  const app = await createServer(context)
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  send({ type: 'listening', port: typeof address === 'object' && address !== null ? address.port : 0 })
  process.on('message', (message: { type?: string }) => {
    if (message.type !== 'stop') return
    void (async () => {
      await app.close()
      await closePushes(context)
      await context.jobRunner.idle()
      await team.close()
      await ledger.close()
      const usage = process.resourceUsage()
      send({
        type: 'stopped',
        cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
        maxRssMb: usage.maxRSS / 1024,
      })
      process.disconnect()
    })()
  })
  // The parent gone (killed, crashed): nobody will stop us, so stop.
  process.on('disconnect', () => process.exit(0))
}

const configFile = process.env.BENCH_SERVER_CONFIG
const url = process.env.BENCH_PG_URL
const schema = process.env.BENCH_SERVER_SCHEMA
if (configFile === undefined || url === undefined || schema === undefined || process.send === undefined) {
  console.error(
    'server-child: run by server.bench.js, which sets BENCH_SERVER_CONFIG, BENCH_PG_URL, BENCH_SERVER_SCHEMA',
  )
  process.exit(2)
}
try {
  await serve(configFile, url, schema)
} catch (error) {
  send({ type: 'error', message: (error as Error).message })
  process.exit(1)
}
