import { defineCheck } from '../../../src/core/check.js'
import type { ContainerDockerfile, DockerCopy } from '../../../src/core/evidence.js'
import { describeStage, findShippedImage } from '../shared/shipped-image.js'

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
  // A PGP secret keyring, or an armoured export named as the private half.
  { pattern: /^secring\.gpg$|(private|secret).*\.(asc|gpg)$/i, what: 'PGP private key' },
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

/**
 * Public keys, such as the signing keys of apt repositories (`nodesource.gpg.key`, `docker.asc`,
 * `cloud.google.gpg`) or `*.pub` halves, are meant to be distributed. A name saying it is the secret or
 * private half is still a key.
 */
function isPublicKey(base: string): boolean {
  return /\.(gpg\.key|asc|gpg|pub|pub\.pem)$/i.test(base) && !/secring|secret|private/i.test(base)
}

function baseName(source: string): string {
  const trimmed = source.replace(/[?#].*$/, '').replace(/\/+$/, '')
  return trimmed.slice(trimmed.lastIndexOf('/') + 1)
}

function classifySource(source: string): string | undefined {
  const base = baseName(source)
  if (isPublicKey(base)) return undefined
  if (/\.pem$/i.test(base) && isCertificateBundle(base)) return undefined
  const match = keyFiles.find((entry) => entry.pattern.test(base))
  return match?.what
}

/**
 * What the destination says the file is, when the source's name does not: `COPY deploy_key
 * /root/.ssh/id_rsa` installs a private key whatever the file was called in the repository. Files an
 * SSH directory holds that are not keys (`known_hosts`, `config`, `authorized_keys`, `*.pub`) are not.
 */
function classifyDestination(destination: string): string | undefined {
  if (destination.endsWith('/') || destination === '.') return undefined
  const base = baseName(destination)
  const named = classifySource(destination)
  if (named !== undefined) return `${named}, by its destination ${destination}`
  if (
    /(^|\/)\.ssh\/[^/]+$/.test(destination) &&
    !/^(known_hosts|config|authorized_keys.*|.*\.pub)$/i.test(base)
  )
    return `SSH private key, by its destination ${destination}`
  return undefined
}

function describeCopy(copy: DockerCopy, source: string, what: string): string {
  return `${copy.instruction} ${source} (line ${copy.line}, ${what})`
}

/** The stage a `COPY --from=` names, by name or index; undefined for an external image. */
function resolveStage(dockerfile: ContainerDockerfile, from: string): number | undefined {
  const lower = from.toLowerCase()
  const byName = dockerfile.stages.find((stage) => stage.name?.toLowerCase() === lower)
  if (byName !== undefined) return byName.index
  return /^\d+$/.test(from) && dockerfile.stages.some((s) => s.index === Number(from))
    ? Number(from)
    : undefined
}

function trimPath(p: string): string {
  return p.length > 1 ? p.replace(/\/+$/, '') : p
}

/**
 * Whether a `COPY --from` of these sources can pick up what was copied to `destination`. Only absolute,
 * wildcard-free paths can be told apart; anything else is assumed to overlap.
 */
function sourcesOverlap(sources: readonly string[], destination: string | undefined): boolean {
  if (destination === undefined || !destination.startsWith('/')) return true
  const dest = trimPath(destination)
  return sources.some((raw) => {
    if (!raw.startsWith('/') || /[*?[\]$]/.test(raw)) return true
    const source = trimPath(raw)
    return source === '/' || source === dest || dest.startsWith(`${source}/`) || source.startsWith(`${dest}/`)
  })
}

/**
 * Whether files placed at `destination` in `stage` reach a shipped stage: through stages built FROM it,
 * or through `COPY --from` into another stage that in turn reaches one.
 */
function reachesShipped(
  dockerfile: ContainerDockerfile,
  shipped: ReadonlySet<number>,
  stage: number,
  destination: string | undefined,
  seen: Set<number> = new Set(),
): boolean {
  if (shipped.has(stage)) return true
  if (seen.has(stage)) return false
  seen.add(stage)
  const carriers = new Set([stage])
  for (const s of dockerfile.stages)
    if (s.fromStage !== undefined && carriers.has(s.fromStage)) carriers.add(s.index)
  for (const carrier of carriers) {
    if (carrier !== stage && reachesShipped(dockerfile, shipped, carrier, destination, seen)) return true
  }
  return dockerfile.copies.some((copy) => {
    if (copy.fromStage === undefined) return false
    const from = resolveStage(dockerfile, copy.fromStage)
    if (from === undefined || !carriers.has(from) || !sourcesOverlap(copy.sources, destination)) return false
    // Where the key lands in the next stage is not tracked further: assume anywhere.
    return reachesShipped(dockerfile, shipped, copy.stage, undefined, seen)
  })
}

export default defineCheck({
  id: 'container/no-key-files-copied',
  title: 'Images are built without private keys or credential files',
  description:
    'A key or credential file copied into an image is readable by anyone who can pull the image, stays in its ' +
    'layers even if a later step deletes it, and is copied to every registry, node and cache the image reaches. ' +
    'Key management controls require private keys to live only in a key store or secret manager, never on ' +
    'installation media; an image is installation media. Public keys, such as apt repository signing keys ' +
    '(`*.gpg.key`, `*.asc`, `*.gpg`) and `*.pub` halves, are meant to be shared and are not reported. A key ' +
    "copied only into a build stage does not ship, but it stays in that stage's layers and in the build cache, " +
    'and in any cache pushed to a registry.',
  remediation:
    'Remove the COPY/ADD of the key or credential file and add the file to .dockerignore. Mount build-time ' +
    'credentials with BuildKit (`RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci`) and provide ' +
    'run-time keys from a secret store when the container starts (Kubernetes Secret volume, cloud secret ' +
    'manager, cert-manager). Rotate any key that was already built into an image.',
  severity: 'high',
  reads: ['container.dockerfile'],
  evaluate({ evidence, result }) {
    return evidence['container.dockerfile'].map((dockerfile) => {
      const chain = findShippedImage(dockerfile)?.chain
      // Without a traceable final stage every stage is treated as shipped.
      const shipped = new Set((chain ?? dockerfile.stages).map((stage) => stage.index))
      const offending = dockerfile.copies
        .flatMap((copy) =>
          copy.sources.flatMap((source) => {
            // One source copied to a file path: that path names what it is, too.
            const what =
              classifySource(source) ??
              (copy.sources.length === 1 ? classifyDestination(copy.destination) : undefined)
            if (what === undefined) return []
            const inShipped = reachesShipped(dockerfile, shipped, copy.stage, copy.destination)
            const stage = dockerfile.stages.find((s) => s.index === copy.stage)
            const text = describeCopy(copy, source, what)
            return [
              {
                copy,
                inShipped,
                text: inShipped
                  ? text
                  : `${text} in build ${stage === undefined ? 'stage' : describeStage(stage)}, which stays in that build stage's layers and build cache (and any pushed cache), not in the shipped image`,
              },
            ]
          }),
        )
        .concat(
          // A file with any name that holds a credential is a credential file once it is in the image.
          dockerfile.copies.flatMap((copy) => {
            const secrets = copy.secretsInSource ?? []
            if (secrets.length === 0) return []
            const places = secrets.map((s) => `${s.rule} at ${s.file}:${s.line}`).join(', ')
            const inShipped = reachesShipped(dockerfile, shipped, copy.stage, copy.destination)
            return [
              {
                copy,
                inShipped,
                text: `${copy.instruction} ${copy.sources.join(' ')} (line ${copy.line}) copies a file holding a secret: ${places}${inShipped ? '' : ', into a build stage only'}`,
              },
            ]
          }),
        )
        .sort((a, b) => a.copy.line - b.copy.line)
      const first = offending[0]
      if (first === undefined) {
        return result.pass(
          dockerfile,
          dockerfile.copies.length === 0
            ? 'no COPY or ADD instructions'
            : 'no COPY or ADD source is named like a private key or credential file, or holds a secret',
        )
      }
      const intoShipped = offending.some((entry) => entry.inShipped)
      return result.fail(
        dockerfile,
        `copies key or credential files ${intoShipped ? 'into the image' : 'into a build stage only'}: ${offending.map((entry) => entry.text).join('; ')}`,
        { line: first.copy.line },
      )
    })
  },
})
