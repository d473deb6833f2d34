import path from 'node:path'
import { exportBundle } from '../../app/ledger.js'
import { loadConfig } from '../../app/load-config.js'
import { withStore } from '../../app/open-store.js'
import { parseIsoDate } from '../../core/ledger-population.js'

/** `trustctl export --from --to --out DIR`: a period's ledger as a bundle `verify --bundle` checks anywhere. */
export async function exportCommand(
  options: { config?: string; from: string; to: string; out: string },
  io: { cwd: string; out: (text: string) => void },
): Promise<number> {
  const from = parseIsoDate(options.from, '--from')
  const to = parseIsoDate(options.to, '--to')
  const loaded = await loadConfig(options.config, io.cwd)
  const dir = path.resolve(io.cwd, options.out)
  const index = await withStore(loaded, process.env, (store) =>
    exportBundle(store, { from, to, dir, exportedAt: new Date().toISOString() }),
  )
  io.out(
    `Exported ${index.runs.length} signed runs (${index.records} records, ${from} to ${to}) to ${path.relative(io.cwd, dir) || dir}\n` +
      `  chain head  record ${index.chainHead.seq} ${index.chainHead.hash}\n` +
      index.keys.map((k) => `  key         ${k.fingerprint}\n`).join('') +
      `Check it anywhere: trustctl verify --bundle ${options.out}${index.keys[0] === undefined ? '' : ` --key ${index.keys[0].fingerprint}`}\n`,
  )
  // Written anyway (the chain cannot be cut around them), but the bundle will not verify: say so, exit 1.
  const appended = index.appendedAfterManifest
  if (appended.length === 0) return 0
  io.out(
    `Problem: ${appended.length} ${appended.length === 1 ? 'record was' : 'records were'} added to a run after its signed manifest (${appended
      .slice(0, 5)
      .map((a) => `record ${a.seq} of run ${a.runId}`)
      .join(
        ', ',
      )}${appended.length > 5 ? ', …' : ''}); the bundle carries them and will not verify. Run trustctl verify.\n`,
  )
  return 1
}
