import { describe, expect, it } from 'vitest'
import type { WorkflowStep } from '../../../src/core/evidence.js'
import { linePushes, pushIndex } from './image-push.js'

function step(fields: Partial<WorkflowStep>): WorkflowStep {
  return { with: {}, env: {}, line: 1, ...fields }
}

describe('pushIndex', () => {
  it('reads build-push-action push, as written or as an expression', () => {
    const action = 'docker/build-push-action@v6'
    expect(pushIndex(step({ uses: action, with: { push: 'true' } }))).toBe(0)
    // biome-ignore lint/suspicious/noTemplateCurlyInString: GitHub expression syntax
    const onPushOnly = "${{ github.event_name != 'pull_request' }}"
    expect(pushIndex(step({ uses: action, with: { push: onPushOnly } }))).toBe(0)
    expect(pushIndex(step({ uses: action, with: { push: 'false', load: 'true' } }))).toBeUndefined()
    expect(pushIndex(step({ uses: action, with: { load: 'true' } }))).toBeUndefined()
    expect(pushIndex(step({ uses: action, with: { outputs: 'type=registry' } }))).toBe(0)
  })

  it('finds the first pushing line of a script', () => {
    expect(pushIndex(step({ run: 'docker build -t app .\ntrivy image app\ndocker push app' }))).toBe(2)
    expect(pushIndex(step({ run: 'docker build -t app .\ntrivy image app' }))).toBeUndefined()
  })

  it('treats ko.local as no push', () => {
    expect(
      pushIndex(step({ run: 'ko build ./cmd/app', env: { KO_DOCKER_REPO: 'ko.local' } })),
    ).toBeUndefined()
  })
})

describe('linePushes', () => {
  it.each([
    'docker push ghcr.io/acme/app:1',
    'docker image push ghcr.io/acme/app:1',
    'docker buildx build --platform linux/amd64 -t app --push .',
    'docker buildx bake --push',
    'docker buildx build -o type=image,name=app,push=true .',
    'crane push image.tar ghcr.io/acme/app:1',
    'skopeo copy docker-archive:app.tar docker://ghcr.io/acme/app:1',
    'ko build ./cmd/app',
    'buildah push "$IMAGE"',
    'podman push "$IMAGE"',
    'podman manifest push --all app docker://quay.io/acme/app',
  ])('%s pushes', (line) => {
    expect(linePushes(line)).toBe(true)
  })

  it.each([
    'docker build -t app .',
    'docker buildx build --load -t app .',
    'docker login ghcr.io',
    'skopeo copy docker://ghcr.io/acme/app:1 oci-archive:app.tar',
    'ko build --push=false ./cmd/app',
    'ko build --local ./cmd/app',
    'crane tag ghcr.io/acme/app:1 latest',
    'buildah login -u user -p pass quay.io',
  ])('%s does not push', (line) => {
    expect(linePushes(line)).toBe(false)
  })
})
