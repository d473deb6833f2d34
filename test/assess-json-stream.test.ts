import { afterAll, describe, expect, it, vi } from 'vitest'
import { main } from '../src/cli/main.js'
import { copyDemo } from './cli-harness.js'

// What the run does to its heap, in order (a test must not change its own process's heap): setting it
// to favour memory, and collecting what the checks let go.
const heap = vi.hoisted(() => ({ events: [] as string[] }))
vi.mock('../src/cli/memory-budget.js', async (original) => ({
  ...(await original<typeof import('../src/cli/memory-budget.js')>()),
  favourMemoryOverSpeed: () => {
    heap.events.push('favour memory')
  },
  collectReleased: () => {
    heap.events.push('collect')
    return false
  },
}))

describe('assess --format json', () => {
  const demo = copyDemo()
  afterAll(demo.cleanup)
  const { GITHUB_ACTIONS: _actions, GITHUB_STEP_SUMMARY: _summary, ...env } = process.env

  /** Runs `assess --format json` in `cwd`; standard output as `out` and as the pieces handed over. */
  async function assessJson(
    cwd = demo.dir,
  ): Promise<{ code: number; out: string; pieces: string[]; stderr: string }> {
    const pieces: string[] = []
    let out = ''
    let stderr = ''
    const code = await main(['assess', '--format', 'json'], {
      cwd,
      out: (text) => {
        out += text
      },
      outChunks: async (chunks) => {
        heap.events.push('write')
        for (const chunk of chunks) pieces.push(chunk)
      },
      err: (text) => {
        stderr += text
      },
      interactive: false,
      env,
    })
    return { code, out, pieces, stderr }
  }

  it('hands standard output the result a piece at a time, never as one text', async () => {
    const { code, out, pieces, stderr } = await assessJson()
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(out).toBe('')
    expect(pieces.length).toBeGreaterThan(10)
    const text = pieces.join('')
    const result = JSON.parse(text) as { findings: unknown[]; summary: { findingsByStatus: object } }
    // The text JSON.stringify writes of what it says, line end and all.
    expect(text).toBe(`${JSON.stringify(result, null, 2)}\n`)
    const counted = Object.values(result.summary.findingsByStatus).reduce((a: number, b) => a + Number(b), 0)
    expect(result.findings).toHaveLength(counted)
  }, 120_000)

  it('sets the heap to favour memory just before writing, whatever the run did before', async () => {
    // A run that repeats an earlier one sets nothing for evaluating; one that evaluates set it before
    // its checks, and the JSON's garbage comes after: it is set again, right before writing.
    heap.events = []
    const { code, pieces } = await assessJson()
    expect(code).toBe(0)
    expect(pieces.length).toBeGreaterThan(10)
    expect(heap.events.at(-1)).toBe('write')
    expect(heap.events.at(-2)).toBe('favour memory')
  }, 120_000)
})
