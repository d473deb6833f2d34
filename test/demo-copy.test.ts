import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { copyDemo, demoEstate, withoutKeyPin } from './cli-harness.js'

const config = `scope:
  categories: [security, availability]   # security is always in scope
package:
  management: { name: Dana Whitfield, title: Chief Executive Officer }   # signs the assertion

# The key that signs this repository's evidence ledger. Commit this section.
ledger:
  key: sha256:d4bd9f1cf9eafb0ce5944537a791a71179492518c29b8a400090f4a0f4764b1f
`

describe("the demo copy tests run on, after a user's own npm run demo pinned a key", () => {
  // Writing the document again reformatted every line ("[ security, availability ]"), so a test that
  // edits the demo's configuration as committed found nothing to edit and passed an unedited file.
  it('drops the key pin and leaves every other line as written', () => {
    const unpinned = withoutKeyPin(config)
    expect(unpinned).not.toMatch(/^ledger:/m)
    expect(unpinned).not.toContain('sha256:')
    expect(unpinned.startsWith(config.slice(0, config.indexOf('\n# The key')))).toBe(true)
  })

  it('keeps the rest of a ledger section that holds more than the key', () => {
    const more = `${config}  anchor: trustctl.anchor\n`
    expect(withoutKeyPin(more)).toBe(
      `${config.slice(0, config.indexOf('  key:'))}  anchor: trustctl.anchor\n`,
    )
  })

  it('leaves a configuration without a pin untouched', () => {
    const plain = config.slice(0, config.indexOf('\n# The key') + 1)
    expect(withoutKeyPin(plain)).toBe(plain)
  })

  it("copies the demo's configuration with its lines as committed", () => {
    const demo = copyDemo()
    try {
      const copied = readFileSync(path.join(demo.dir, 'trustctl.yaml'), 'utf8')
      const original = readFileSync(path.join(demoEstate, 'trustctl.yaml'), 'utf8')
      expect(copied).toBe(withoutKeyPin(original))
      expect(copied).toMatch(/^ {2}categories: \[security, /m)
    } finally {
      demo.cleanup()
    }
  })
})
