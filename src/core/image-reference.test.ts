import { describe, expect, it } from 'vitest'
import { imageMatchesPrefix, parseImageReference } from './image-reference.js'

describe('parseImageReference', () => {
  it.each([
    ['nginx', { registry: 'docker.io', repository: 'library/nginx' }],
    ['nginx:1.27-alpine', { registry: 'docker.io', repository: 'library/nginx', tag: '1.27-alpine' }],
    ['bitnami/redis:7', { registry: 'docker.io', repository: 'bitnami/redis', tag: '7' }],
    ['localhost:5000/app:dev', { registry: 'localhost:5000', repository: 'app', tag: 'dev' }],
    [
      'gcr.io/distroless/static:nonroot@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      {
        registry: 'gcr.io',
        repository: 'distroless/static',
        tag: 'nonroot',
        digest: 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
      },
    ],
    [
      '123456789012.dkr.ecr.us-east-1.amazonaws.com/api',
      { registry: '123456789012.dkr.ecr.us-east-1.amazonaws.com', repository: 'api' },
    ],
  ])('%s', (raw, expected) => {
    expect(parseImageReference(raw)).toMatchObject({ ...expected, scratch: false, unresolved: false })
  })

  it('knows scratch is no image and flags unresolved variables', () => {
    expect(parseImageReference('scratch').scratch).toBe(true)
    expect(parseImageReference('$BASE_IMAGE').unresolved).toBe(true)
  })

  it('matches allow-list prefixes on path boundaries only', () => {
    const ref = parseImageReference('gcr.io/distroless-evil/app:1')
    expect(imageMatchesPrefix(ref, ['gcr.io/distroless'])).toBe(false)
    expect(imageMatchesPrefix(parseImageReference('gcr.io/distroless/base'), ['gcr.io/distroless/'])).toBe(
      true,
    )
    expect(imageMatchesPrefix(parseImageReference('python:3.12'), ['docker.io/library'])).toBe(true)
  })
})
