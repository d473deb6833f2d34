import { storedRun } from '../../app/ledger.js'
import { loadConfig } from '../../app/load-config.js'
import { withStore } from '../../app/open-store.js'
import type { RunInfo } from '../../core/store.js'

export interface HistoryEntry {
  run: number
  startedAt: string
  status: RunInfo['status']
  records: number
  kind: 'assessment' | 'population-or-sample' | 'none'
  readiness?: number
  controlsPassing?: number
  controls?: number
  gaps?: number
}

/** `trustctl history`: readiness per stored run, oldest first: progress over the remediation cycles. */
export async function historyCommand(
  options: { config?: string; format: string },
  io: { cwd: string; out: (text: string) => void },
): Promise<number> {
  const loaded = await loadConfig(options.config, io.cwd)
  const entries = await withStore(loaded, process.env, async (store) => {
    const out: HistoryEntry[] = []
    for (const run of await store.runs()) {
      const entry: HistoryEntry = {
        run: run.id,
        startedAt: run.startedAt,
        status: run.status,
        records: run.records,
        kind: 'none',
      }
      let hasAssessment = false
      for await (const { record } of store.scan({
        runId: run.id,
        kinds: ['assessment', 'population', 'sample'],
      })) {
        if (record.kind === 'assessment') hasAssessment = true
        else entry.kind = 'population-or-sample'
      }
      if (hasAssessment && run.status === 'complete') {
        const { model } = await storedRun(store, run)
        Object.assign(entry, {
          kind: 'assessment',
          readiness: model.summary.readiness,
          controlsPassing: model.summary.controlsByStatus.pass,
          controls: model.summary.controls,
          gaps: model.summary.gaps,
        })
      }
      out.push(entry)
    }
    return out
  })
  if (options.format === 'json') {
    io.out(`${JSON.stringify(entries, null, 2)}\n`)
    return 0
  }
  if (entries.length === 0) {
    io.out('No runs stored yet. Run `trustctl assess` first.\n')
    return 0
  }
  const lines = ['run  started                   status      readiness  controls passing  gaps']
  for (const e of entries) {
    const status = e.status === 'open' ? 'incomplete?' : e.status
    const detail =
      e.kind === 'assessment'
        ? `${String(e.readiness).padStart(8)}%  ${`${e.controlsPassing}/${e.controls}`.padEnd(16)}  ${e.gaps}`
        : e.kind === 'population-or-sample'
          ? '  (population or sample drawn)'
          : `  (no assessment recorded: ${e.records} records)`
    lines.push(`${String(e.run).padEnd(4)} ${e.startedAt.padEnd(25)} ${status.padEnd(11)} ${detail}`)
  }
  io.out(`${lines.join('\n')}\n`)
  return 0
}
