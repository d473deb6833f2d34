// The admission webhook's ledger writer, in a worker thread (decision-log-thread.ts starts it). It
// owns its own store connection and batches decisions exactly as DecisionLog does on one thread; the
// webhook's event loop only posts each decision, so a batch being hashed, signed and written never
// delays an answer to the API server.
import { parentPort, workerData } from 'node:worker_threads'
import { openStore } from '../open-store.js'
import { configuredSigner } from '../signing-key.js'
import { DecisionLog } from './decision-log.js'
import type { DecisionWorkerData, FromDecisionWorker, ToDecisionWorker } from './decision-log-thread.js'

const port = parentPort
if (port === null) throw new Error('decision-log-worker runs as a worker thread of the admission webhook')
const post = (message: FromDecisionWorker): void => port.postMessage(message)
const data = workerData as DecisionWorkerData
const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error))

try {
  const store = await openStore(data.loaded, data.env)
  // The key exists: the webhook made or read it before starting this thread.
  const signer = configuredSigner(data.loaded, data.env, () => undefined)
  const log = new DecisionLog({
    store,
    signer,
    toolVersion: data.toolVersion,
    batchSize: data.batchSize,
    flushMs: data.flushMs,
    onError: (error) => post({ type: 'error', message: describe(error) }),
    onWritten: (recorded) => post({ type: 'written', recorded }),
  })
  port.on('message', (message: ToDecisionWorker) => {
    if (message.type === 'decisions') {
      for (const decision of message.decisions) log.add(decision)
      return
    }
    void log.flush().then(async () => {
      if (message.type === 'close') await store.close()
      post({ type: message.type === 'close' ? 'closed' : 'flushed', id: message.id, recorded: log.recorded })
    })
  })
  post({ type: 'ready' })
} catch (error) {
  post({ type: 'failed', message: describe(error) })
}
