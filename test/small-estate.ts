import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { trustctl } from './cli-harness.js'

/** One Kubernetes deployment, root or not: a failing or passing high-severity check at a known line. */
export const deployment = (name: string, nonRoot: boolean): string => `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: prod }
spec:
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers:
        - name: app
          image: registry.example.com/${name}@sha256:${'a'.repeat(64)}
          securityContext: { runAsNonRoot: ${nonRoot} }
`

/**
 * A small estate of our own (two deployments, one running as root) with a trustctl.yaml written by
 * `init`, and a signing key in its own temporary folder: tests do not depend on the demo's evolution.
 * Call `restore` after the tests to put TRUSTCTL_SIGNING_KEY back.
 */
export async function smallEstate(prefix: string): Promise<{ dir: string; cleanup: () => void }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `trustctl-${prefix}-`))
  const keys = mkdtempSync(path.join(os.tmpdir(), `trustctl-${prefix}-keys-`))
  const previousKey = process.env.TRUSTCTL_SIGNING_KEY
  process.env.TRUSTCTL_SIGNING_KEY = path.join(keys, 'signing.pem')
  mkdirSync(path.join(dir, 'deploy'))
  writeFileSync(path.join(dir, 'deploy', 'api.yaml'), deployment('api', false))
  writeFileSync(path.join(dir, 'deploy', 'web.yaml'), deployment('web', true))
  const init = await trustctl(
    dir,
    'init',
    '--organization',
    'Acme',
    '--system',
    'api',
    '--source',
    'deploy',
    '--no-input',
  )
  if (init.code !== 0) throw new Error(`init failed: ${init.stderr}`)
  return {
    dir,
    cleanup: () => {
      if (previousKey === undefined) delete process.env.TRUSTCTL_SIGNING_KEY
      else process.env.TRUSTCTL_SIGNING_KEY = previousKey
      rmSync(dir, { recursive: true, force: true })
      rmSync(keys, { recursive: true, force: true })
    },
  }
}
