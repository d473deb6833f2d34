import { parentPort } from 'node:worker_threads'
import { checkPush, type PushCheckInput, packEntries } from './push-check.js'

// A pooled push thread (push-thread.ts): it stays up between pushes, so the modules a check needs are
// loaded once per thread, not once per push. Each message is one push: check it, post the result
// (records or refusal). The records' contents travel as one transferred buffer, so the event loop
// neither copies nor clones them.
parentPort?.on('message', (input: PushCheckInput) => {
  const result = checkPush(input)
  if (result.ok) {
    const packed = packEntries(result.entries)
    parentPort?.postMessage({ ...result, entries: packed.entries }, [packed.buffer])
  } else parentPort?.postMessage(result)
})
