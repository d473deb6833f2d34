// Loader hooks (they run on the loader's own thread): record each loaded module's URL, then load it
// as usual.
import { appendFileSync } from 'node:fs'

const trace = process.env.TRUSTCTL_MODULE_TRACE

export async function load(url, context, nextLoad) {
  if (trace !== undefined) appendFileSync(trace, `${url}\n`)
  return nextLoad(url, context)
}
