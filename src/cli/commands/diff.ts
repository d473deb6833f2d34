import { runById } from '../../app/ledger.js'
import { loadConfig } from '../../app/load-config.js'
import { withStore } from '../../app/open-store.js'
import { ConfigError } from '../../core/errors.js'
import { diffRuns, type FindingChange } from '../../core/ledger-diff.js'

const runNumber = (value: string): number => {
  if (!/^\d+$/.test(value))
    throw new ConfigError(`'${value}' is not a run number (trustctl history lists them)`)
  return Number(value)
}

/** `trustctl diff <runA> <runB>`: what got fixed, what regressed, what is new and what is gone. */
export async function diffCommand(
  a: string,
  b: string,
  options: { config?: string; format: string },
  io: { cwd: string; out: (text: string) => void },
): Promise<number> {
  const [first, second] = [runNumber(a), runNumber(b)]
  const loaded = await loadConfig(options.config, io.cwd)
  const diff = await withStore(loaded, process.env, async (store) =>
    diffRuns((await runById(store, first)).model, (await runById(store, second)).model),
  )
  if (options.format === 'json') {
    io.out(`${JSON.stringify(diff, null, 2)}\n`)
    return 0
  }
  const section = (title: string, changes: FindingChange[]): string[] =>
    changes.length === 0
      ? [`${title}: none`]
      : [
          `${title}: ${changes.length}`,
          ...changes.map(
            (c) =>
              `  ${c.check}  ${c.subject}${c.from === undefined ? '' : `  ${c.from} → ${c.to ?? 'gone'}`}`,
          ),
        ]
  const lines = [
    `Run ${first} → run ${second}: readiness ${diff.readiness.from}% → ${diff.readiness.to}%`,
    ...section('Fixed', diff.fixed),
    ...section('Regressed', diff.regressed),
    ...section('New exceptions', diff.new),
    ...section('Gone (subject no longer present)', diff.gone),
    diff.controls.length === 0
      ? 'Controls: no status changed'
      : `Controls: ${diff.controls.map((c) => `${c.id} ${c.from} → ${c.to}`).join('; ')}`,
  ]
  io.out(`${lines.join('\n')}\n`)
  return 0
}
