import { createHash, type Hash } from 'node:crypto'
import { type MessagePort, parentPort } from 'node:worker_threads'
import { sendHeldRun } from '../app/ledger-writer-handover.js'
import { lowerThreadPriority } from '../app/ledger-writer-priority.js'
import { checkPush, type PushCheckInput, packEntries, type ToPushWorker } from './push-check.js'

// A pooled push thread (push-thread.ts): it stays up between pushes, so the modules a check needs are
// loaded once per thread, not once per push. A push arrives as `begin`, its body's chunks as they
// come off the socket (hashed here as they arrive), then `end`: check it, post the result. The
// records go straight to the ledger writer thread over the push's own port when there is one, else
// back to the main thread as one transferred buffer: either way the event loop neither copies nor
// clones them.

// The event loop first: this thread takes the CPU the loop leaves (ledger-writer-priority.ts).
lowerThreadPriority()

interface Receiving {
  input: Omit<PushCheckInput, 'raw' | 'rawSha256'>
  records: MessagePort | undefined
  hash: Hash
  chunks: Uint8Array[]
  bytes: number
}

let receiving: Receiving | undefined

function finish(push: Receiving): void {
  const raw = Buffer.concat(push.chunks, push.bytes)
  push.chunks = []
  const result = checkPush({ ...push.input, raw, rawSha256: push.hash.digest('base64') })
  if (!result.ok) {
    push.records?.close()
    parentPort?.postMessage(result)
  } else if (push.records !== undefined) {
    sendHeldRun(push.records, result.entries)
    parentPort?.postMessage({ ...result, entries: [], held: true })
  } else {
    const packed = packEntries(result.entries)
    parentPort?.postMessage({ ...result, entries: packed.entries }, [packed.buffer])
  }
}

parentPort?.on('message', (message: ToPushWorker) => {
  switch (message.type) {
    case 'begin': {
      const { type: _type, records, ...input } = message
      receiving = { input, records, hash: createHash('sha256'), chunks: [], bytes: 0 }
      return
    }
    case 'chunk':
      receiving?.hash.update(message.bytes)
      receiving?.chunks.push(message.bytes)
      if (receiving !== undefined) receiving.bytes += message.bytes.byteLength
      return
    case 'abort':
      receiving?.records?.close()
      receiving = undefined
      return
    case 'end': {
      const push = receiving
      receiving = undefined
      if (push !== undefined) finish(push)
      else
        parentPort?.postMessage({
          ok: false,
          code: 'validation',
          message: 'the push ended before it began',
          issues: [],
        })
    }
  }
})
