import { readFileSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

/**
 * The modules a list of loaded files stands for, from the package at `root`: a chunk of the CLI
 * bundle (dist/cli) is itself plus every compiled module and package file the bundler put in it
 * (dist/cli/chunks.json, written with the bundle by scripts/bundle-cli.mjs), so a test sees which of
 * our modules and which packages a command ran, bundled or not. Other files are kept as they are.
 */
export function expandBundleChunks(root: string, loaded: readonly string[]): string[] {
  const bundleDir = path.join(root, 'dist', 'cli')
  const bundleUrl = `${pathToFileURL(bundleDir).href}/`
  if (!loaded.some((url) => url.startsWith(bundleUrl))) return [...loaded]
  const chunks = JSON.parse(readFileSync(path.join(bundleDir, 'chunks.json'), 'utf8')) as Record<
    string,
    string[]
  >
  return loaded.flatMap((url) => {
    if (!url.startsWith(bundleUrl)) return [url]
    const held = chunks[url.slice(bundleUrl.length)]
    if (held === undefined) throw new Error(`${url} is not a chunk dist/cli/chunks.json lists`)
    return [url, ...held.map((module) => pathToFileURL(path.join(root, module)).href)]
  })
}
