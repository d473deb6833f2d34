import type { ParsedInput } from '../source-collector.js'
import { type ParseTask, parseFile } from './parse-file.js'

/**
 * The worker side of the file parse pool (parse-pool.ts): a batch of files per task, each parsed
 * exactly as on the calling thread, results in the batch's order. Its evidence goes back unredacted, as it would from parseFile there: secrets are
 * masked on the calling thread when the collection is gathered, before anything is cached or stored.
 */
export default function parseBatch(tasks: readonly ParseTask[]): ParsedInput[] {
  return tasks.map((task) => parseFile(task.file, task.collector, task.bytes))
}
