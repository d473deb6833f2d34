import { extractPopulation, recordDrawingAnchored } from '../../app/ledger.js'
import type { LoadedConfig } from '../../app/load-config.js'
import { loadConfig } from '../../app/load-config.js'
import { withStore } from '../../app/open-store.js'
import { type Library, loadLibrary } from '../../app/run-assessment.js'
import { configuredSigner } from '../../app/signing-key.js'
import type { Control } from '../../core/catalog.js'
import { NotFoundError } from '../../core/errors.js'
import { type Population, parseIsoDate } from '../../core/ledger-population.js'
import type { AssessmentStore } from '../../core/store.js'

export interface PeriodOptions {
  config?: string
  from?: string
  to?: string
  format: string
}

/** The control, and the evidence kinds its tests read. */
export function findControl(library: Library, id: string): { control: Control; kinds: string[] } {
  const control = library.catalog.controls.find((c) => c.id === id)
  if (control === undefined)
    throw new NotFoundError(`no control '${id}' in the catalog`, {
      hint: 'trustctl explain <criterion> lists controls',
    })
  const kinds = [
    ...new Set(library.checks.filter((c) => control.testedBy.includes(c.id)).flatMap((c) => [...c.reads])),
  ].sort()
  return { control, kinds }
}

/** The period: --from/--to, else the twelve months up to today. */
export function period(options: PeriodOptions, now: Date): { from: string; to: string } {
  const to = options.to === undefined ? now.toISOString().slice(0, 10) : parseIsoDate(options.to, '--to')
  const yearBefore = new Date(`${to}T00:00:00Z`)
  yearBefore.setUTCFullYear(yearBefore.getUTCFullYear() - 1)
  yearBefore.setUTCDate(yearBefore.getUTCDate() + 1)
  const from =
    options.from === undefined ? yearBefore.toISOString().slice(0, 10) : parseIsoDate(options.from, '--from')
  return { from, to }
}

/** Extracts a control's population from the ledger. */
export async function controlPopulation(
  store: AssessmentStore,
  library: Library,
  controlId: string,
  range: { from: string; to: string },
  now: Date,
): Promise<{ population: Population; control: Control }> {
  const { control, kinds } = findControl(library, controlId)
  const population = await extractPopulation(store, {
    control: control.id,
    kinds,
    attestations: control.manualEvidence.map((m) => m.id),
    ...range,
    extractedAt: now.toISOString(),
  })
  return { population, control }
}

export const signerFor = (loaded: LoadedConfig) =>
  configuredSigner(loaded, process.env, (t) => void process.stderr.write(t))

export function formatPopulation(population: Population, limit = 50): string[] {
  return [
    `Population of ${population.control}, ${population.from} to ${population.to}`,
    `  query       ${population.query}`,
    `  sources     ${population.sources.length === 0 ? '(none)' : population.sources.slice(0, 10).join(', ')}${population.sources.length > 10 ? ` … (${population.sources.length})` : ''}`,
    `  extracted   ${population.extractedAt} from the ledger up to record ${population.chainHead.seq} (${population.chainHead.hash})`,
    `  count       ${population.count}`,
    `  hash        ${population.hash} (SHA-256 of the sorted member content hashes)`,
    ...population.members
      .slice(0, limit)
      .map((m) => `    ${m.effectiveAt.slice(0, 19)}  ${m.id}  ${m.source}  ${m.contentHash.slice(0, 12)}`),
    ...(population.count > limit
      ? [`    … and ${population.count - limit} more (--format json lists all)`]
      : []),
  ]
}

/** `trustctl population <control> --from --to`: the full population over a period, recorded and signed. */
export async function populationCommand(
  controlId: string,
  options: PeriodOptions,
  io: { cwd: string; out: (text: string) => void },
): Promise<number> {
  const now = new Date()
  const range = period(options, now)
  const loaded = await loadConfig(options.config, io.cwd)
  const library = await loadLibrary()
  const signer = signerFor(loaded)
  const { population, runId } = await withStore(loaded, process.env, async (store) => {
    const { population } = await controlPopulation(store, library, controlId, range, now)
    const { runId } = await recordDrawingAnchored(
      loaded,
      store,
      { kind: 'population', id: population.control, content: population, at: now.toISOString() },
      signer,
      (t) => void process.stderr.write(t),
    )
    return { population, runId }
  })
  io.out(
    options.format === 'json'
      ? `${JSON.stringify({ ...population, recordedInRun: runId }, null, 2)}\n`
      : `${[...formatPopulation(population), `  recorded    in the ledger as run ${runId} (signed)`].join('\n')}\n`,
  )
  return 0
}
