import { describe, expect, it } from 'vitest'
import { compilesValidators, runsACommand } from './validation-mode.js'

describe('validation mode of a CLI process', () => {
  it('keeps compiled validators for the long-running servers only', () => {
    expect(compilesValidators(['serve', '--port', '8080'])).toBe(true)
    expect(compilesValidators(['admission', 'serve'])).toBe(true)
    expect(compilesValidators(['admission', 'manifests'])).toBe(false)
    expect(compilesValidators(['assess'])).toBe(false)
    expect(compilesValidators(['gaps', '--top', '5'])).toBe(false)
  })

  it('sets nothing up (and loads no zod) for --version, --help or help', () => {
    expect(runsACommand(['--version'])).toBe(false)
    expect(runsACommand(['-h'])).toBe(false)
    expect(runsACommand(['help', 'assess'])).toBe(false)
    expect(runsACommand([])).toBe(false)
    expect(runsACommand(['assess'])).toBe(true)
  })
})
