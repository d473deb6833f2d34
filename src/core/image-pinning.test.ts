import { describe, expect, it } from 'vitest'
import { imagePinning } from './image-pinning.js'

describe('imagePinning', () => {
  it('finds a tag that names only a variant or a distribution release moving, as it is rebuilt on each release', () => {
    // `nginx:alpine` is the latest nginx on Alpine; `debian:bookworm-slim` follows every point release.
    for (const image of [
      'nginx:alpine',
      'python:slim',
      'debian:bookworm-slim',
      'ubuntu:jammy',
      'acme/api:prod',
    ])
      expect(imagePinning(image, false).status, image).toBe('moving')
  })

  it('finds a channel tag with a variant suffix moving', () => {
    for (const image of [
      'node:lts-alpine3.20',
      'nginx:stable-alpine',
      'node:current-slim',
      'cgr.dev/x/y:latest-dev',
    ])
      expect(imagePinning(image, false).status, image).toBe('moving')
  })

  it('keeps full versions, dated builds and digests pinned', () => {
    for (const image of [
      'nginx:1.27.2-alpine',
      'debian:bookworm-20240311-slim',
      'ghcr.io/acme/api:2.4.1',
      'ghcr.io/acme/api:sha-3f9c2e1',
      'ghcr.io/acme/api:main-3f9c2e1',
      'ghcr.io/acme/api:release-1.4.2',
      'registry.local:5000/acme/api:1.0.3',
      `nginx:alpine@sha256:${'a'.repeat(64)}`,
    ])
      expect(imagePinning(image, false).status, image).toBe('pinned')
  })

  it('still finds a partial version moving', () => {
    expect(imagePinning('node:20-alpine', false).status).toBe('moving')
  })
})
