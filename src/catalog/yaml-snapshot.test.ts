import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import yaml from 'js-yaml'
import { afterAll, describe, expect, it } from 'vitest'
import {
  readYamlSnapshot,
  shippedSnapshot,
  shippedSnapshotFile,
  snapshotParse,
  yamlSnapshotFile,
  yamlSnapshotText,
} from './yaml-snapshot.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-yaml-snapshot-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const parse = (text: string): unknown => yaml.load(text, { schema: yaml.JSON_SCHEMA })

const profile = 'id: aws\nname: Amazon Web Services\nservices:\n  - { id: s3, since: 2020-01-01 }\n'

function written(text: string): string {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.json`)
  writeFileSync(file, text)
  return file
}

describe('the build snapshot of shipped YAML texts', () => {
  it('gives the build-time parse of exactly the same text, as a fresh copy', () => {
    const snapshot = readYamlSnapshot(written(yamlSnapshotText([profile], parse)))
    const first = snapshotParse(profile, snapshot)
    expect(first).toEqual(parse(profile))
    // Dates stay strings, as the loaders' parser keeps them.
    expect((first as { services: { since: unknown }[] }).services[0]?.since).toBe('2020-01-01')
    ;(first as { name: string }).name = 'changed by a caller'
    expect(snapshotParse(profile, snapshot)).toEqual(parse(profile))
  })

  it('has nothing for a text changed by one byte, so it is parsed (and validated) afresh', () => {
    const snapshot = readYamlSnapshot(written(yamlSnapshotText([profile], parse)))
    expect(snapshotParse(profile.replace('aws', 'awz'), snapshot)).toBeUndefined()
  })

  it('leaves out texts that do not parse and ignores a damaged, foreign or missing snapshot whole', () => {
    const text = yamlSnapshotText(['a: [unclosed', profile], parse)
    expect(readYamlSnapshot(written(text)).size).toBe(1)
    const outer = JSON.parse(text) as { body: string }
    const edited = JSON.stringify({ ...outer, body: outer.body.replace('Amazon', 'Amazin') })
    expect(readYamlSnapshot(written(edited)).size).toBe(0)
    expect(readYamlSnapshot(written('{"version":2}')).size).toBe(0)
    expect(readYamlSnapshot(path.join(dir, 'none.json')).size).toBe(0)
  })
})

describe('a snapshot the build shipped', () => {
  it('is read once per process: a later change to the file is not seen', () => {
    const file = written(yamlSnapshotText([profile], parse))
    const first = shippedSnapshot(file)
    expect(snapshotParse(profile, first)).toEqual(parse(profile))
    writeFileSync(file, yamlSnapshotText([], parse))
    expect(shippedSnapshot(file)).toBe(first)
    expect(shippedSnapshot(file).size).toBe(1)
  })

  it('is an empty map when the build wrote none (a run from source), and stays so', () => {
    const file = path.join(dir, 'never-built.json')
    expect(shippedSnapshot(file).size).toBe(0)
    writeFileSync(file, yamlSnapshotText([profile], parse))
    expect(shippedSnapshot(file).size).toBe(0)
  })

  it('lives beside the built catalog loaders, under the name the build wrote it', () => {
    expect(shippedSnapshotFile('yaml-snapshot.json')).toBe(yamlSnapshotFile)
    expect(path.dirname(shippedSnapshotFile('policies-snapshot.json'))).toBe(
      path.dirname(fileURLToPath(import.meta.url)),
    )
  })
})
