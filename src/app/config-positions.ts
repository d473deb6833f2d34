import type { Document, LineCounter, Node } from 'yaml'
import type { ConfigLocator, ConfigPosition } from '../core/config.js'
import { yamlPackage } from './config-yaml.js'

/**
 * The locator of trustctl.yaml's text, parsing it with the `yaml` package on its first use only: a
 * file read without error is never parsed a second time for positions.
 */
export function lazyConfigLocator(text: string): ConfigLocator {
  let locate: ConfigLocator | undefined
  return (path, target) => {
    if (locate === undefined) {
      const { LineCounter, parseDocument } = yamlPackage()
      const lineCounter = new LineCounter()
      locate = configLocator(parseDocument(text, { lineCounter }), lineCounter)
    }
    return locate(path, target)
  }
}

/**
 * Finds key paths in a parsed trustctl.yaml. A path that ends on a key points at the key (an unknown
 * key is the key's fault, not its value's); a path the file does not hold (a required key left out)
 * points at the deepest part that exists, where the missing key belongs.
 */
export function configLocator(document: Document, lineCounter: LineCounter): ConfigLocator {
  const { isMap, isScalar, isSeq } = yamlPackage()
  const at = (offset: number | undefined): ConfigPosition | undefined => {
    if (offset === undefined) return undefined
    const { line, col } = lineCounter.linePos(offset)
    return { line, column: col }
  }
  return (path, target = 'value') => {
    let node: unknown = document.contents
    let found = at(rangeStart(node))
    for (const [i, part] of path.entries()) {
      if (isMap(node)) {
        const pair = node.items.find(
          (p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(part),
        )
        if (pair === undefined) return found
        // The value when it is the value that is wrong; the key when the key is (an unknown key).
        const value = i === path.length - 1 && target === 'value' ? at(rangeStart(pair.value)) : undefined
        found = value ?? at(rangeStart(pair.key)) ?? found
        node = pair.value
      } else if (isSeq(node) && typeof part === 'number') {
        const item = node.items[part]
        if (item === undefined) return found
        found = at(rangeStart(item)) ?? found
        node = item
      } else {
        return found
      }
    }
    return found ?? { line: 1, column: 1 }
  }
}

function rangeStart(node: unknown): number | undefined {
  return typeof node === 'object' && node !== null && 'range' in node ? (node as Node).range?.[0] : undefined
}
