import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { fileSecrets } from './file-secrets.js'

// Built at run time so that no secret-shaped literal sits in the repository.
const githubToken = `ghp_${'a1B2c3D4e5'.repeat(3)}abcdef`
const dirs: string[] = []
const tempRoot = (): string => {
  const dir = mkdtempSync(path.join(tmpdir(), 'file-secrets-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('fileSecrets', () => {
  it('scans a file once, whichever name of it evidence gives', () => {
    const root = tempRoot()
    writeFileSync(path.join(root, 'report.json'), `{"token": "${githubToken}"}`)
    const secrets = fileSecrets(root)
    expect(secrets.of('report.json')).toEqual([githubToken])
    // The file changes; a second spelling of its name still gets what the one scan found.
    writeFileSync(path.join(root, 'report.json'), '{}')
    expect(secrets.of('./report.json')).toEqual([githubToken])
    // Another file is its own.
    writeFileSync(path.join(root, 'other.json'), '{}')
    expect(secrets.of('other.json')).toEqual([])
  })

  it('takes the secrets of a file screened from its text in hand, without reading it again', () => {
    const root = tempRoot()
    const secrets = fileSecrets(root)
    const text = `{"Title": "leaked ${githubToken}"}`
    // No such file on disk: only the screened text can have given the value.
    secrets.screen('scans/trivy.json', Buffer.from(text), text)
    expect(secrets.of('scans/trivy.json')).toEqual([githubToken])
    expect(secrets.of('scans/./trivy.json')).toEqual([githubToken])
  })

  it('finds none in a screened file whose bytes are binary, as when it reads one', () => {
    const root = tempRoot()
    const text = `\u0000${githubToken}`
    writeFileSync(path.join(root, 'blob.bin'), text)
    const secrets = fileSecrets(root)
    secrets.screen('screened.bin', Buffer.from(text), text)
    expect(secrets.of('screened.bin')).toEqual(secrets.of('blob.bin'))
    expect(secrets.of('blob.bin')).toEqual([])
  })
})
