import { readFileSync } from 'node:fs'
import path from 'node:path'
import { packageRoot } from '../catalog/package-root.js'

/** Where trustctl is installed: its package.json, catalog and dashboard assets. */
export { packageRoot }

let ownPackage: { value: unknown } | undefined

/**
 * trustctl's package.json, read once a process: the version is asked for a dozen times by one run of
 * `assess` (every record it writes names it), and each read and parse cost about 1-2 ms (15-19 ms of
 * a run's main thread in a profile at load 5). The installed package does not change under a running
 * process; if it did, the code running would still be the version read first.
 */
function ownPackageJson(): unknown {
  ownPackage ??= { value: JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) }
  return ownPackage.value
}

/** trustctl's own version, from its package.json. */
export function toolVersion(): string {
  const pkg = ownPackageJson()
  return typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string'
    ? pkg.version
    : '0.0.0'
}

/**
 * A web address people can open, from a package.json `repository` URL as npm writes it
 * (`git+https://host/x.git`, `https://host/x`). Anything else (a `github:` shorthand, ssh, a path)
 * gives undefined: SARIF's informationUri is for a reader's browser, and a guess would mislead.
 */
function browsableUrl(raw: string): string | undefined {
  const url = raw.trim().replace(/^git\+/, '')
  if (!/^https:\/\/[^\s/@]+\.[^\s/@]+(\/\S*)?$/.test(url)) return undefined
  return url.replace(/\.git$/, '')
}

/**
 * Where to read about trustctl, from a package.json: `homepage`, else `repository` (a string or
 * `{ url }`). Undefined when neither is a real https address: SARIF allows the field to be left out,
 * and a made-up address would be worse than none.
 */
export function informationUriOf(pkg: unknown): string | undefined {
  if (typeof pkg !== 'object' || pkg === null) return undefined
  if ('homepage' in pkg && typeof pkg.homepage === 'string') {
    const home = browsableUrl(pkg.homepage)
    if (home !== undefined) return home
  }
  if (!('repository' in pkg)) return undefined
  const repository = pkg.repository
  if (typeof repository === 'string') return browsableUrl(repository)
  if (
    typeof repository === 'object' &&
    repository !== null &&
    'url' in repository &&
    typeof repository.url === 'string'
  )
    return browsableUrl(repository.url)
  return undefined
}

/** Where to read about trustctl, from its own package.json; undefined when it names no address. */
export function toolInformationUri(): string | undefined {
  return informationUriOf(ownPackageJson())
}
