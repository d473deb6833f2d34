import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { classifyFile, collectFiles } from '../files/collect-files.js'

// How the file collector routes GitLab pipelines here; the rest of classification is tested beside it.
describe('GitLab CI files', () => {
  it.each([
    ['.gitlab-ci.yml', 'gitlab-ci'],
    ['services/api/.gitlab-ci.yml', 'gitlab-ci'],
    ['ci/build.gitlab-ci.yml', 'gitlab-ci'],
    ['templates/Security/Container-Scanning.gitlab-ci.yml', 'gitlab-ci'],
    ['.gitlab-ci.yaml', 'gitlab-ci'],
    ['.gitlab/ci/build.yml', 'kubernetes'],
    ['gitlab-ci.md', undefined],
    ['.github/workflows/ci.yml', 'github-actions'],
  ] as const)('auto: %s → %s', (file, expected) => {
    expect(classifyFile(file)).toBe(expected)
  })

  it('reads any YAML file as a pipeline when the source says gitlab-ci', () => {
    expect(classifyFile('ci/pipeline.yml', 'gitlab-ci')).toBe('gitlab-ci')
    expect(classifyFile('Dockerfile', 'gitlab-ci')).toBeUndefined()
  })

  describe('collectFiles', () => {
    let root: string

    beforeEach(() => {
      root = mkdtempSync(path.join(os.tmpdir(), 'trustctl-gitlab-'))
    })

    afterEach(() => {
      rmSync(root, { recursive: true, force: true })
    })

    it('collects a pipeline as ci.workflow evidence and names a broken one', async () => {
      writeFileSync(path.join(root, '.gitlab-ci.yml'), 'test:\n  script: [npm test]\n')
      mkdirSync(path.join(root, 'ci'))
      writeFileSync(path.join(root, 'ci', 'broken.gitlab-ci.yml'), 'test:\n  script: [unclosed\n')
      const collection = await collectFiles(root, [{ path: '.', type: 'auto' }])
      expect(collection.evidence).toMatchObject([
        {
          kind: 'ci.workflow',
          resourceKind: 'GitLabPipeline',
          name: '.gitlab-ci.yml',
          jobs: [{ id: 'test' }],
        },
      ])
      expect(collection.errors).toMatchObject([{ file: 'ci/broken.gitlab-ci.yml' }])
      expect(collection.inputs.map((input) => [input.file, input.collector, input.items])).toEqual([
        ['.gitlab-ci.yml', 'gitlab-ci', 1],
        ['ci/broken.gitlab-ci.yml', 'gitlab-ci', 0],
      ])
    })
  })
})
