import { execFileSync } from 'node:child_process'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { main } from '../src/cli/main.js'
import { withProgress } from '../src/cli/progress.js'
import { wantsColour } from '../src/cli/style.js'
import { smallEstate } from './small-estate.js'

// The child-process cases run bin/trustctl.js, which runs dist/: `npm run build` first.
const bin = path.resolve(import.meta.dirname, '..', 'bin', 'trustctl.js')
const csi = '\u001b['

/** The built CLI in a child whose output is a pipe, with the colour variables given and no others. */
function piped(env: Record<string, string>, ...argv: string[]): string {
  const { NO_COLOR: _n, FORCE_COLOR: _f, ...rest } = process.env
  return execFileSync(process.execPath, [bin, ...argv], {
    cwd: os.tmpdir(),
    env: { ...rest, ...env },
  }).toString()
}

/** The CLI in-process as a terminal would run it: colour on both streams, standard error a terminal. */
async function onTerminal(
  cwd: string,
  ...argv: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await main(argv, {
    cwd,
    out: (t) => {
      stdout += t
    },
    err: (t) => {
      stderr += t
    },
    interactive: false,
    env: {},
    colour: { out: true, err: true },
    errIsTerminal: true,
  })
  return { code, stdout, stderr }
}

describe('colour', () => {
  it('follows NO_COLOR, FORCE_COLOR and whether the stream is a terminal', () => {
    expect(wantsColour({}, true)).toBe(true)
    expect(wantsColour({}, false)).toBe(false)
    expect(wantsColour({ TERM: 'dumb' }, true)).toBe(false)
    expect(wantsColour({ NO_COLOR: '1' }, true)).toBe(false)
    expect(wantsColour({ FORCE_COLOR: '1' }, false)).toBe(true)
    expect(wantsColour({ FORCE_COLOR: '0' }, true)).toBe(false)
    // NO_COLOR wins over FORCE_COLOR: a person who asked for none gets none.
    expect(wantsColour({ NO_COLOR: '1', FORCE_COLOR: '1' }, true)).toBe(false)
  })

  it('colours a piped run only when forced, never under NO_COLOR, never in JSON', () => {
    expect(piped({}, 'checks', 'list')).not.toContain(csi)
    const forced = piped({ FORCE_COLOR: '1' }, 'checks', 'list')
    expect(forced).toContain(`${csi}31m[high]${csi}39m`)
    expect(piped({ FORCE_COLOR: '1', NO_COLOR: '1' }, 'checks', 'list')).not.toContain(csi)
    const json = piped({ FORCE_COLOR: '1' }, 'checks', 'list', '--format', 'json')
    expect(json).not.toContain(csi)
    expect(() => JSON.parse(json)).not.toThrow()
  })
})

describe('on a terminal', () => {
  let estate: Awaited<ReturnType<typeof smallEstate>>
  beforeAll(async () => {
    estate = await smallEstate('terminal')
  })
  afterAll(() => estate.cleanup())

  it('colours the severity of gaps and of the gate failures on stderr', async () => {
    const gaps = await onTerminal(estate.dir, 'gaps')
    expect(gaps.stdout).toContain(`${csi}31m[HIGH]${csi}39m`)
    const gate = await onTerminal(estate.dir, 'assess', '--fail-on', 'high')
    expect(gate.code).toBe(1)
    expect(gate.stderr).toContain(`${csi}31m[HIGH]${csi}39m kubernetes/workload-runs-as-non-root`)
  })

  it('keeps standard output to the JSON alone with --format json', async () => {
    const run = await onTerminal(estate.dir, 'assess', '--format', 'json', '--fail-on', 'high')
    expect(run.stdout).not.toContain(csi)
    expect(() => JSON.parse(run.stdout)).not.toThrow()
  })
})

describe('progress line', () => {
  /** A stand-in for standard error that keeps what is written. */
  const recorder = (isTerminal: boolean) => {
    const stream = {
      written: '',
      isTerminal,
      write: (t: string): void => {
        stream.written += t
      },
    }
    return stream
  }
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

  it('shows and then clears a line on a terminal for a run longer than the delay', async () => {
    const stderr = recorder(true)
    const result = await withProgress(
      'assessing',
      stderr,
      async () => {
        await sleep(300)
        return 42
      },
      { delayMs: 50, everyMs: 50 },
    )
    expect(result).toBe(42)
    expect(stderr.written.startsWith(`\r${csi}Kassessing… `)).toBe(true)
    expect(stderr.written.endsWith(`\r${csi}K`)).toBe(true)
  })

  it('writes nothing for a quick run or when standard error is not a terminal', async () => {
    const quick = recorder(true)
    const pipe = recorder(false)
    await withProgress('assessing', quick, () => sleep(10), { delayMs: 200, everyMs: 50 })
    await withProgress('assessing', pipe, () => sleep(300), { delayMs: 50, everyMs: 50 })
    expect(quick.written).toBe('')
    expect(pipe.written).toBe('')
  })

  it('clears the line when the work fails', async () => {
    const stderr = recorder(true)
    const failing = withProgress(
      'assessing',
      stderr,
      async () => {
        await sleep(200)
        throw new Error('boom')
      },
      { delayMs: 50, everyMs: 50 },
    )
    await expect(failing).rejects.toThrow('boom')
    expect(stderr.written.endsWith(`\r${csi}K`)).toBe(true)
  })
})
