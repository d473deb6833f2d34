import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

// Read from disk: Vitest hands CSS imports over empty.
const css = readFileSync(new URL('./styles.css', import.meta.url), 'utf8')

/** WCAG relative luminance of #rrggbb. */
function luminance(hex: string): number {
  const channels = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16) / 255)
  const [r = 0, g = 0, b = 0] = channels.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4))
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}

function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x)
  return ((light ?? 0) + 0.05) / ((dark ?? 0) + 0.05)
}

const variables = new Map([...css.matchAll(/(--[a-z-]+):\s*(#[0-9a-f]{6})/gi)].map((m) => [m[1], m[2]]))

function resolve(value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  const reference = /^var\((--[a-z-]+)\)$/i.exec(value.trim())
  return reference === null ? value.trim() : variables.get(reference[1] ?? '')
}

/** Every rule that sets both a text colour and a background, as [selector, colour, background]. */
function colourPairs(): [string, string, string][] {
  const pairs: [string, string, string][] = []
  for (const rule of css.matchAll(/([^{}]+)\{([^{}]*)\}/g)) {
    const body = rule[2] ?? ''
    const colour = resolve(/(?:^|;|\s)color:\s*([^;]+);/.exec(body)?.[1])
    const background = resolve(/background:\s*([^;]+);/.exec(body)?.[1])
    if (colour?.startsWith('#') && background?.startsWith('#'))
      pairs.push([(rule[1] ?? '').trim(), colour, background])
  }
  return pairs
}

describe('the stylesheet', () => {
  it('computes contrast as WCAG does', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21)
    expect(contrast('#777777', '#ffffff')).toBeLessThan(4.5)
  })

  it('gives every coloured text at least 4.5:1 against its own background', () => {
    const pairs = colourPairs()
    expect(pairs.length).toBeGreaterThan(10)
    const weak = pairs.filter(([, colour, background]) => contrast(colour, background) < 4.5)
    expect(weak).toEqual([])
  })

  it('keeps heatmap cells readable in ink', () => {
    const ink = variables.get('--ink') ?? ''
    for (const name of ['--ready', '--partial', '--notready', '--none', '--na'])
      expect(contrast(ink, variables.get(name) ?? '#000000')).toBeGreaterThanOrEqual(4.5)
  })
})
