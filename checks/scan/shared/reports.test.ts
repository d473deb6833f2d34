import { describe, expect, it } from 'vitest'
import { atLeast, listSome, sameImage, sameTarget } from './reports.js'

describe('sameTarget', () => {
  it('matches any tag of an image named without one, and only that tag when named with one', () => {
    expect(sameTarget('ghcr.io/acme/api', 'ghcr.io/acme/api:1.8.0')).toBe(true)
    expect(sameTarget('ghcr.io/acme/api', 'ghcr.io/acme/api@sha256:abc')).toBe(true)
    expect(sameTarget('ghcr.io/acme/api:1.8.0', 'ghcr.io/acme/api:1.7.2')).toBe(false)
    expect(sameTarget('ghcr.io/acme/api', 'ghcr.io/acme/api-gateway:1.0')).toBe(false)
    expect(sameTarget('alpine', 'docker.io/library/alpine:3.20')).toBe(true)
  })

  it('matches repository URLs with or without scheme and .git', () => {
    expect(sameTarget('github.com/acme/api', 'https://github.com/acme/api.git')).toBe(true)
    expect(sameTarget('github.com/acme/api', 'https://github.com/acme/web')).toBe(false)
  })
})

describe('sameImage', () => {
  it('needs the same repository and the same tag or digest', () => {
    expect(sameImage('ghcr.io/acme/api:1.8.0', 'ghcr.io/acme/api:1.8.0')).toBe(true)
    expect(sameImage('alpine@sha256:c5c5', 'docker.io/library/alpine@sha256:c5c5')).toBe(true)
    expect(sameImage('ghcr.io/acme/api:1.8.0', 'ghcr.io/acme/api:1.7.2')).toBe(false)
    expect(sameImage('ghcr.io/acme/api:1.8.0', 'ghcr.io/acme/api@sha256:c5c5')).toBe(false)
  })
})

describe('atLeast and listSome', () => {
  it('ranks severities and never ranks unknown', () => {
    expect(atLeast('critical', 'high')).toBe(true)
    expect(atLeast('medium', 'high')).toBe(false)
    expect(atLeast('unknown', 'info')).toBe(false)
  })

  it('shortens long lists with a count of the rest', () => {
    expect(listSome(['a', 'b', 'c'], (s) => s, 2)).toBe('a; b and 1 more')
    expect(listSome(['a', 'b'], (s) => s, 2)).toBe('a; b')
  })

  it('describes only the items it shows, however many a report holds', () => {
    const described: number[] = []
    const items = Array.from({ length: 10_000 }, (_, i) => i)
    const text = listSome(items, (i) => {
      described.push(i)
      return `CVE-${i}`
    })
    expect(text).toBe('CVE-0; CVE-1; CVE-2; CVE-3; CVE-4; CVE-5; CVE-6; CVE-7 and 9992 more')
    expect(described).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
  })
})
