import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { treeLabel } from './tree-label.js'

/** The label as collectSecrets made it before treeLabel: one path.relative per file. */
const general = (base: string, root: string, file: string): string =>
  path.relative(base, path.join(root, file)).split(path.sep).join('/') || '.'

const files = [
  '',
  'a.txt',
  'pkg-0/mod-0/file-0.ts',
  'pkg-0/mod-0/',
  './',
  './#1',
  'pkg/#2',
  '.env',
  '..dots/x',
  'a/./b',
  'a/../b',
  'a//b',
  'a\\b',
  '../x',
  'x/..',
  '.',
  '/abs',
  'b/y',
]

describe('treeLabel', () => {
  const base = path.resolve('/repo/project')
  for (const sub of ['.', 'src', 'src/app', '..', '../other', '/elsewhere/tree', '../project/src']) {
    it(`names every file as path.relative would, for a tree at ${sub}`, () => {
      const root = path.resolve(base, sub)
      const label = treeLabel(base, root)
      for (const file of files) expect(label(file), `${sub} + ${file}`).toBe(general(base, root, file))
    })
  }

  it('labels a file of the folder itself by its listed path, and the folder as .', () => {
    const label = treeLabel('/repo', '/repo')
    expect(label('pkg-0/mod-0/file-0.ts')).toBe('pkg-0/mod-0/file-0.ts')
    expect(label('pkg-0/mod-0/')).toBe('pkg-0/mod-0')
    expect(label('')).toBe('.')
  })
})
