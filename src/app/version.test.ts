import { describe, expect, it } from 'vitest'
import { informationUriOf } from './version.js'

describe('informationUriOf: where SARIF says to read about trustctl', () => {
  it('takes homepage first, then repository as npm writes it', () => {
    expect(informationUriOf({ homepage: 'https://trustctl.dev', repository: 'https://github.com/a/b' })).toBe(
      'https://trustctl.dev',
    )
    expect(
      informationUriOf({ repository: { type: 'git', url: 'git+https://github.com/acme/trustctl.git' } }),
    ).toBe('https://github.com/acme/trustctl')
    expect(informationUriOf({ repository: 'https://gitlab.com/acme/trustctl' })).toBe(
      'https://gitlab.com/acme/trustctl',
    )
  })

  it('gives nothing rather than a guess: none set, shorthand, ssh, plain http or a bad homepage', () => {
    expect(informationUriOf({ name: 'trustctl' })).toBeUndefined()
    expect(informationUriOf({ repository: 'github:acme/trustctl' })).toBeUndefined()
    expect(informationUriOf({ repository: { url: 'git@github.com:acme/trustctl.git' } })).toBeUndefined()
    expect(informationUriOf({ homepage: 'http://example.org' })).toBeUndefined()
    expect(informationUriOf({ homepage: 'see README' })).toBeUndefined()
    expect(informationUriOf(null)).toBeUndefined()
  })

  it('falls back to repository when homepage is not a usable address', () => {
    expect(informationUriOf({ homepage: 'TBD', repository: 'https://github.com/acme/trustctl' })).toBe(
      'https://github.com/acme/trustctl',
    )
  })
})
