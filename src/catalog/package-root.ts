import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** The trustctl installation folder (where package.json and catalog/ are), from source or build. */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  while (!existsSync(path.join(dir, 'package.json')) || !existsSync(path.join(dir, 'catalog'))) {
    const parent = path.dirname(dir)
    if (parent === dir)
      throw new Error('trustctl: cannot find its own package folder (package.json beside catalog/)')
    dir = parent
  }
  return dir
}
