import { readFileSync } from 'node:fs'
import path from 'node:path'
import { packageRoot } from '../catalog/package-root.js'

/** Where trustctl is installed: its package.json, catalog and dashboard assets. */
export { packageRoot }

/** trustctl's own version, from its package.json. */
export function toolVersion(): string {
  const pkg: unknown = JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8'))
  return typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string'
    ? pkg.version
    : '0.0.0'
}
