import { recordDrawingAnchored } from '../../app/ledger.js'
import { loadConfig } from '../../app/load-config.js'
import { withStore } from '../../app/open-store.js'
import { loadLibrary } from '../../app/run-assessment.js'
import { ConfigError } from '../../core/errors.js'
import { drawSample, type SampleRisk, sampleSize, sampleSizes } from '../../core/sampling.js'
import { controlPopulation, formatPopulation, type PeriodOptions, period, signerFor } from './population.js'

/** `trustctl sample <control> --seed N`: a reproducible sample sized by the control's frequency, recorded. */
export async function sampleCommand(
  controlId: string,
  options: PeriodOptions & { seed?: string; risk: string },
  io: { cwd: string; out: (text: string) => void },
): Promise<number> {
  if (options.seed === undefined || !/^\d+$/.test(options.seed))
    throw new ConfigError('--seed: give a whole number, so anyone can redraw the same sample')
  if (options.risk !== 'normal' && options.risk !== 'higher')
    throw new ConfigError(`--risk: '${options.risk}' (use normal or higher)`)
  const seed = Number(options.seed)
  const risk: SampleRisk = options.risk
  const now = new Date()
  const range = period(options, now)
  const loaded = await loadConfig(options.config, io.cwd)
  const library = await loadLibrary()
  const signer = signerFor(loaded)
  const result = await withStore(loaded, process.env, async (store) => {
    const { population, control } = await controlPopulation(store, library, controlId, range, now)
    const size = sampleSize(control.frequency, population.count, risk)
    const drawn = drawSample(population.members, (m) => m.contentHash, size, seed)
    const sample = {
      control: control.id,
      frequency: control.frequency,
      risk,
      seed,
      size,
      method: 'members ranked by SHA-256 of "<seed>:<content hash>", lowest first',
      population: {
        from: population.from,
        to: population.to,
        count: population.count,
        hash: population.hash,
        query: population.query,
      },
      drawn,
    }
    const { runId } = await recordDrawingAnchored(
      loaded,
      store,
      { kind: 'sample', id: `${control.id}:seed-${seed}`, content: sample, at: now.toISOString() },
      signer,
      (t) => void process.stderr.write(t),
    )
    return { sample, population, runId }
  })
  if (options.format === 'json') {
    io.out(`${JSON.stringify({ ...result.sample, recordedInRun: result.runId }, null, 2)}\n`)
    return 0
  }
  const row = sampleSizes[result.sample.frequency]
  const lines = [
    ...formatPopulation(result.population, 0),
    `Sample: ${result.sample.size} of ${result.population.count} (${result.sample.frequency} control, ${row.occurrencesPerYear} occurrences a year; ${risk} risk: ${risk === 'higher' ? row.upper : row.typical}), seed ${seed}`,
    ...result.sample.drawn.map(
      (m) => `    ${m.effectiveAt.slice(0, 19)}  ${m.id}  ${m.source}  ${m.contentHash.slice(0, 12)}`,
    ),
    `  recorded    in the ledger as run ${result.runId} (signed)`,
  ]
  if (result.population.count === 0)
    lines.push('Nothing to sample: the ledger holds no evidence of this control in the period.')
  io.out(`${lines.join('\n')}\n`)
  return 0
}
