// The webhook of the admission bench, in its own process, so its figures are not the load
// generator's: the real `openWebhook` (TLS, judge, ledger batches) on 127.0.0.1 and a free port. It
// tells the parent its URL; on `stop` it writes the queued decisions, closes, and reports the CPU
// time, peak memory and decisions recorded.
import { openWebhook } from '../src/app/admission/open-webhook.js'
import { loadConfig } from '../src/app/load-config.js'

const send = (message: Record<string, unknown>): void => {
  process.send?.(message)
}

async function serve(configFile: string, keyFile: string): Promise<void> {
  const webhook = await openWebhook({
    loaded: await loadConfig(configFile, process.cwd()),
    env: { TRUSTCTL_SIGNING_KEY: keyFile },
    host: '127.0.0.1',
    port: 0,
    dnsNames: ['localhost', '127.0.0.1'],
    notify: (text) => process.stderr.write(text),
  })
  send({ type: 'listening', url: webhook.server.url, checks: webhook.checks.length })
  process.on('message', (message: { type?: string }) => {
    if (message.type === 'rss') send({ type: 'rss', rssMb: process.memoryUsage().rss / 2 ** 20 })
    if (message.type !== 'stop') return
    void (async () => {
      await webhook.close()
      const usage = process.resourceUsage()
      send({
        type: 'stopped',
        cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
        maxRssMb: usage.maxRSS / 1024,
        recorded: webhook.log.recorded,
      })
      process.disconnect()
    })()
  })
  process.on('disconnect', () => process.exit(0))
}

const configFile = process.env.BENCH_ADMISSION_CONFIG
const keyFile = process.env.BENCH_ADMISSION_KEY
if (configFile === undefined || keyFile === undefined || process.send === undefined) {
  console.error('admission-child: run by admission.bench.js (BENCH_ADMISSION_CONFIG, BENCH_ADMISSION_KEY)')
  process.exit(2)
}
await serve(configFile, keyFile)
