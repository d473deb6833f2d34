import { parentPort, workerData } from 'node:worker_threads'
import { checkPush, type PushCheckInput, packEntries } from './push-check.js'

// One push per worker: check it, post the result (records or refusal), and let the thread end. The
// records' contents travel as one transferred buffer, so the event loop neither copies nor clones them.
const result = checkPush(workerData as PushCheckInput)
if (result.ok) {
  const packed = packEntries(result.entries)
  parentPort?.postMessage({ ...result, entries: packed.entries }, [packed.buffer])
} else parentPort?.postMessage(result)
