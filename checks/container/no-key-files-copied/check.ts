import { defineCheck } from '../../../src/core/check.js'
import type { DockerCopy } from '../../../src/core/evidence.js'

/** Files that hold private keys or credentials, by file name. */
const keyFiles: { pattern: RegExp; what: string }[] = [
  { pattern: /\.(key|pem)$/i, what: 'private key' },
  // id_rsa.pub and friends are public halves; only the private key is a secret.
  { pattern: /^id_(rsa|dsa|ecdsa|ed25519)(?!.*\.pub$)/i, what: 'SSH private key' },
  { pattern: /\.(p12|pfx|jks|keystore)$/i, what: 'key store' },
  // `.env.example` and the like are committed templates without values.
  { pattern: /^\.env(\.(?!(example|sample|template|dist)$).+)?$/i, what: 'environment file with secrets' },
  { pattern: /^credentials(\.json)?$/i, what: 'credentials file' },
  { pattern: /^\.(npmrc|pypirc|netrc|git-credentials|dockercfg)$/i, what: 'registry or git credentials' },
  { pattern: /\.kdbx$/i, what: 'password database' },
  { pattern: /^service[-_]?account.*\.json$/i, what: 'cloud service account key' },
]

/** A `.pem` named as a certificate (`ca-bundle.pem`, `fullchain.pem`) holds public certificates, not a key. */
function isCertificateBundle(base: string): boolean {
  const words = base
    .toLowerCase()
    .replace(/\.pem$/, '')
    .split(/[-_.]/)
  const certificate = words.some((w) =>
    ['ca', 'cacert', 'cert', 'certs', 'certificate', 'bundle', 'chain', 'fullchain', 'root'].includes(w),
  )
  const key = words.some((w) => ['key', 'private', 'priv', 'privkey', 'secret'].includes(w))
  return certificate && !key
}

function baseName(source: string): string {
  const trimmed = source.replace(/[?#].*$/, '').replace(/\/+$/, '')
  return trimmed.slice(trimmed.lastIndexOf('/') + 1)
}

function classifySource(source: string): string | undefined {
  const base = baseName(source)
  if (/\.pem$/i.test(base) && isCertificateBundle(base)) return undefined
  const match = keyFiles.find((entry) => entry.pattern.test(base))
  return match?.what
}

function describeCopy(copy: DockerCopy, source: string, what: string): string {
  return `${copy.instruction} ${source} (line ${copy.line}, ${what})`
}

export default defineCheck({
  id: 'container/no-key-files-copied',
  title: 'Images are built without private keys or credential files',
  description:
    'A key or credential file copied into an image is readable by anyone who can pull the image, stays in its ' +
    'layers even if a later step deletes it, and is copied to every registry, node and cache the image reaches. ' +
    'Key management controls require private keys to live only in a key store or secret manager, never on ' +
    'installation media; an image is installation media.',
  remediation:
    'Remove the COPY/ADD of the key or credential file and add the file to .dockerignore. Mount build-time ' +
    'credentials with BuildKit (`RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci`) and provide ' +
    'run-time keys from a secret store when the container starts (Kubernetes Secret volume, cloud secret ' +
    'manager, cert-manager). Rotate any key that was already built into an image.',
  severity: 'high',
  reads: ['container.dockerfile'],
  evaluate({ evidence, result }) {
    return evidence['container.dockerfile'].map((dockerfile) => {
      const offending = dockerfile.copies
        .flatMap((copy) =>
          copy.sources.flatMap((source) => {
            const what = classifySource(source)
            return what === undefined ? [] : [{ copy, text: describeCopy(copy, source, what) }]
          }),
        )
        .sort((a, b) => a.copy.line - b.copy.line)
      const first = offending[0]
      if (first === undefined) {
        return result.pass(
          dockerfile,
          dockerfile.copies.length === 0
            ? 'no COPY or ADD instructions'
            : 'no COPY or ADD source is named like a private key or credential file',
        )
      }
      return result.fail(
        dockerfile,
        `copies key or credential files into the image: ${offending.map((entry) => entry.text).join('; ')}`,
        { line: first.copy.line },
      )
    })
  },
})
