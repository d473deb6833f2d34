import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ParseCache, ParsedInput } from '../source-collector.js'
import { classifyFile, collectFiles, listFiles, relativeTo } from './collect-files.js'

describe('classifyFile', () => {
  it.each([
    ['Dockerfile', 'dockerfile'],
    ['Containerfile', 'dockerfile'],
    ['services/api.Dockerfile', 'dockerfile'],
    ['services/api.dockerfile', 'dockerfile'],
    ['Dockerfile.prod', 'dockerfile'],
    ['build/Containerfile.dev', 'dockerfile'],
    ['Dockerfile-prod', 'dockerfile'],
    ['services/api/Dockerfile_arm64', 'dockerfile'],
    ['dockerfile', 'dockerfile'],
    ['.github/workflows/ci.yml', 'github-actions'],
    ['.github/workflows/release.yaml', 'github-actions'],
    ['apps/web/.github/workflows/ci.yml', 'github-actions'],
    ['deploy/app.yaml', 'kubernetes'],
    ['deploy/APP.YML', 'kubernetes'],
    ['.github/dependabot.yml', 'kubernetes'],
    ['README.md', undefined],
    ['main.go', undefined],
    ['docs/Dockerfile-guide.md', undefined],
    // BuildKit's per-Dockerfile ignore files are glob lists, not Dockerfiles.
    ['Dockerfile.dockerignore', undefined],
    ['services/api.Dockerfile.dockerignore', undefined],
  ] as const)('auto: %s → %s', (file, expected) => {
    expect(classifyFile(file)).toBe(expected)
  })

  it.each([
    ['build/web', 'dockerfile', 'dockerfile'],
    ['deploy/app.yaml', 'dockerfile', undefined],
    ['ci/pipeline.yml', 'github-actions', 'github-actions'],
    ['Dockerfile', 'github-actions', undefined],
    ['Dockerfile', 'kubernetes', undefined],
    ['k8s/base.yml', 'kubernetes', 'kubernetes'],
  ] as const)('a source of type %s is read by the collector it names: %s as %s', (file, type, expected) => {
    expect(classifyFile(file, type)).toBe(expected)
  })
})

/** The Latin-1 byte the fixture Dockerfile holds on line 1 is named, not silently replaced. */
const latin1Dockerfile = {
  file: 'Dockerfile',
  line: 1,
  message: 'invalid UTF-8: the bytes here are not text in UTF-8; read with U+FFFD in their place',
}

describe('relativeTo', () => {
  // The walk names every file by this: it must be exactly what path.relative gives, with forward slashes.
  const viaRelative = (root: string, target: string): string =>
    path.relative(root, target).split(path.sep).join('/')

  it.each([
    ['/repo', '/repo/deploy/app.yaml'],
    ['/repo/', '/repo/deploy/app.yaml'],
    ['/repo', '/repo/.github/workflows/ci.yml'],
    ['/repo', '/repo/deploy/../other/app.yaml'],
    ['/repo', '/repo/./deploy/app.yaml'],
    ['/repo', '/repo//deploy/app.yaml'],
    ['/repo', '/repo'],
    ['/repo', '/repository/app.yaml'],
    ['/repo', '/elsewhere/app.yaml'],
    ['/', '/deploy/app.yaml'],
    ['relative/root', path.resolve('relative/root/deploy/app.yaml')],
    ['relative/root', path.resolve('relative/deploy/app.yaml')],
  ])('names %s + %s as path.relative does', (root, target) => {
    expect(relativeTo(root)(target)).toBe(viaRelative(root, target))
  })
})

describe('collectFiles', () => {
  let root: string

  function write(relative: string, content: string | Buffer): void {
    const full = path.join(root, relative)
    mkdirSync(path.dirname(full), { recursive: true })
    writeFileSync(full, content)
  }

  function sha256(relative: string): string {
    return createHash('sha256')
      .update(readFileSync(path.join(root, relative)))
      .digest('hex')
  }

  const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  template:
    spec:
      containers: [{ name: web, image: nginx:1.27 }]
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec:
  ports: [{ port: 80 }]
`

  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'trustctl-collect-'))
    // A Latin-1 byte, not valid UTF-8: the hash must be of the bytes, not of the decoded text.
    write(
      'Dockerfile',
      Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9]), Buffer.from('\nFROM node:20\n')]),
    )
    write('Dockerfile.dockerignore', 'node_modules\n*.log\n')
    write('services/api.Dockerfile', 'FROM golang:1.22 AS build\nFROM gcr.io/distroless/static\n')
    write(
      '.github/workflows/ci.yml',
      'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n',
    )
    write('deploy/app.yaml', deployment)
    write('deploy/values.yaml', 'replicaCount: 2\nimage: { repository: nginx }\n')
    write('deploy/legacy/old.yaml', deployment.replace(/web/g, 'old'))
    write('deploy/web.generated.yaml', deployment.replace(/web/g, 'generated'))
    write('node_modules/some-chart/deploy.yaml', deployment.replace(/web/g, 'vendored'))
    write('.git/hooks/config.yaml', deployment.replace(/web/g, 'git'))
    write('dist/Dockerfile', 'FROM busybox\n')
    write('README.md', '# shop\n')
  })

  afterEach(() => {
    rmSync(root, { recursive: true, force: true })
  })

  it('lists every file it read with the sha256 and size of its bytes', async () => {
    const collection = await collectFiles(root, [{ path: '.', type: 'auto' }])
    expect(collection.errors).toEqual([latin1Dockerfile])
    const files = ['.github/workflows/ci.yml', 'Dockerfile', 'services/api.Dockerfile', 'deploy/app.yaml']
    expect(collection.inputs.map((i) => i.file).sort()).toEqual(
      [...files, 'deploy/legacy/old.yaml', 'deploy/web.generated.yaml'].sort(),
    )
    for (const input of collection.inputs) {
      expect(input.sha256, input.file).toBe(sha256(input.file))
      expect(input.bytes, input.file).toBe(readFileSync(path.join(root, input.file)).length)
    }
    const byFile = new Map(collection.inputs.map((i) => [i.file, i]))
    expect(byFile.get('Dockerfile')).toMatchObject({ collector: 'dockerfile', items: 1 })
    expect(byFile.get('services/api.Dockerfile')).toMatchObject({ collector: 'dockerfile', items: 1 })
    expect(byFile.get('.github/workflows/ci.yml')).toMatchObject({ collector: 'github-actions', items: 1 })
    expect(byFile.get('deploy/app.yaml')).toMatchObject({ collector: 'kubernetes', items: 2 })
  })

  it('hands the masking screen the text of each file that gave evidence or errors, cached or parsed, before caching it', async () => {
    const memory = new Map<string, ParsedInput>()
    const events: string[] = []
    const cache: ParseCache = {
      get: async (key) => memory.get(key),
      set: (key, parsed) => {
        events.push(`set ${key.split(':').at(-1)}`)
        memory.set(key, parsed)
      },
    }
    const screened = new Map<string, string>()
    const screenText = (file: string, bytes: Uint8Array, text: string): void => {
      expect(Buffer.from(bytes).toString('utf8'), file).toBe(text)
      events.push(`screen ${file}`)
      screened.set(file, text)
    }
    const first = await collectFiles(root, [{ path: '.', type: 'auto' }], cache, { screenText })
    const gave = new Set([...first.evidence, ...first.errors].map((e) => e.file))
    expect([...screened.keys()].sort()).toEqual([...gave].sort())
    for (const [file, text] of screened) expect(text, file).toBe(readFileSync(path.join(root, file), 'utf8'))
    // A file read but giving nothing (values.yaml) is not screened; each one cached was screened first.
    expect(screened.has('deploy/values.yaml')).toBe(false)
    expect(events.indexOf('screen deploy/app.yaml')).toBeLessThan(events.indexOf('set deploy/app.yaml'))
    // Answered by the cache: the file is still screened from the bytes read for its hash.
    screened.clear()
    const second = await collectFiles(root, [{ path: '.', type: 'auto' }], cache, { screenText })
    expect(second.inputs.filter((i) => i.reused === true).length).toBeGreaterThan(0)
    expect([...screened.keys()].sort()).toEqual([...gave].sort())
  })

  it('skips dependency, VCS and build folders, and YAML that is not Kubernetes', async () => {
    const collection = await collectFiles(root, [{ path: '.', type: 'auto' }])
    const names = collection.evidence.map((e) => e.name)
    expect(names).not.toContain('vendored')
    expect(names).not.toContain('git')
    expect(collection.inputs.map((i) => i.file)).not.toContain('dist/Dockerfile')
    expect(collection.inputs.map((i) => i.file)).not.toContain('deploy/values.yaml')
    expect(collection.evidence.map((e) => [e.kind, e.file]).sort()).toEqual(
      [
        ['container.dockerfile', 'Dockerfile'],
        ['container.dockerfile', 'services/api.Dockerfile'],
        ['ci.workflow', '.github/workflows/ci.yml'],
        ['k8s.workload', 'deploy/app.yaml'],
        ['k8s.service', 'deploy/app.yaml'],
        ['k8s.workload', 'deploy/legacy/old.yaml'],
        ['k8s.service', 'deploy/legacy/old.yaml'],
        ['k8s.workload', 'deploy/web.generated.yaml'],
        ['k8s.service', 'deploy/web.generated.yaml'],
      ].sort(),
    )
  })

  it('leaves out files matching `exclude` globs, written relative to the root', async () => {
    const collection = await collectFiles(root, [
      { path: 'deploy', type: 'auto', exclude: ['deploy/legacy/**', '**/*.generated.yaml'] },
    ])
    expect(collection.errors).toEqual([])
    expect(collection.inputs.map((i) => i.file)).toEqual(['deploy/app.yaml'])
    const expected = ['deploy/app.yaml', 'deploy/values.yaml', 'deploy/web.generated.yaml']
    expect((await listFiles(root, 'deploy', ['deploy/legacy/**'])).files).toEqual(expected)
    // The same glob written relative to the source folder.
    expect((await listFiles(root, 'deploy', ['legacy/**'])).files).toEqual(expected)
  })

  it('follows links inside the repository, refuses links out of it, and names broken links and loops', async () => {
    const linked = mkdtempSync(path.join(os.tmpdir(), 'trustctl-linked-'))
    try {
      mkdirSync(path.join(linked, 'outside'))
      mkdirSync(path.join(linked, 'repo', 'shared'), { recursive: true })
      const namespace = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shared}\n'
      writeFileSync(path.join(linked, 'outside', 'policy.yaml'), namespace)
      writeFileSync(path.join(linked, 'repo', 'shared', 'ns.yaml'), namespace)
      symlinkSync(path.join(linked, 'outside'), path.join(linked, 'repo', 'via-link'))
      symlinkSync(path.join(linked, 'repo', 'shared'), path.join(linked, 'repo', 'inside-link'))
      symlinkSync(path.join(linked, 'nowhere.yaml'), path.join(linked, 'repo', 'broken.yaml'))
      symlinkSync(path.join(linked, 'repo'), path.join(linked, 'repo', 'loop'))
      symlinkSync(path.join(linked, 'repo', 'self.yaml'), path.join(linked, 'repo', 'self.yaml'))
      const listing = await listFiles(path.join(linked, 'repo'), '.')
      expect(listing.files).toEqual(['inside-link/ns.yaml', 'shared/ns.yaml'])
      expect(listing.problems).toEqual([
        { file: 'broken.yaml', message: 'broken symbolic link: its target does not exist' },
        {
          file: 'loop',
          message: 'symbolic link loop: it leads back to a folder already read, so it is not read again',
        },
        { file: 'self.yaml', message: 'symbolic link loop: the link leads back to itself' },
        {
          file: 'via-link',
          message: expect.stringMatching(
            /^symbolic link leads out of the repository \(to .*outside\): not read$/,
          ),
          hint: 'set allowOutside: true on the source in trustctl.yaml to read it',
        },
      ])
      const allowed = await listFiles(path.join(linked, 'repo'), '.', [], { allowOutside: true })
      expect(allowed.files).toContain('via-link/policy.yaml')
    } finally {
      rmSync(linked, { recursive: true, force: true })
    }
  })

  it('names a pipe it skips and the line of invalid UTF-8', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-special-'))
    try {
      execFileSync('mkfifo', [path.join(dir, 'events.yaml')])
      writeFileSync(
        path.join(dir, 'bad.yaml'),
        Buffer.concat([
          Buffer.from('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bad'),
          Buffer.from([0xff, 0xfe]),
          Buffer.from('\n'),
        ]),
      )
      const collection = await collectFiles(dir, [{ path: '.', type: 'auto' }])
      expect(collection.errors).toEqual([
        { file: 'events.yaml', message: 'a named pipe (FIFO): skipped' },
        {
          file: 'bad.yaml',
          line: 4,
          message: 'invalid UTF-8: the bytes here are not text in UTF-8; read with U+FFFD in their place',
        },
      ])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('says so when a source holds nothing trustctl can read', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'trustctl-empty-'))
    try {
      writeFileSync(path.join(empty, 'app.json'), '{"kind": "Deployment"}')
      const collection = await collectFiles(empty, [{ path: '.', type: 'kubernetes' }])
      expect(collection.errors).toMatchObject([
        { file: '.', message: expect.stringContaining('no file here is one trustctl reads as kubernetes') },
      ])
    } finally {
      rmSync(empty, { recursive: true, force: true })
    }
  })

  it('reports a missing source path by name and still reads the other sources', async () => {
    const collection = await collectFiles(root, [
      { path: 'k8s/overlays', type: 'kubernetes' },
      { path: 'Dockerfile', type: 'auto' },
    ])
    expect(collection.errors).toEqual([
      { file: 'k8s/overlays', message: 'cannot read: no such file or folder' },
      latin1Dockerfile,
    ])
    expect(collection.inputs.map((i) => i.file)).toEqual(['Dockerfile'])
  })

  it('reports a binary file and a malformed one, and reads every other file', async () => {
    write('deploy/logo.yaml', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x0d, 0x0a, 0x1a]))
    write('deploy/broken.yaml', `${deployment}---\napiVersion: v1\nkind: ConfigMap\n  metadata: x\n`)
    const collection = await collectFiles(root, [
      { path: 'deploy', type: 'auto', exclude: ['deploy/legacy/**'] },
    ])
    expect(collection.errors).toEqual([
      {
        file: 'deploy/broken.yaml',
        line: 17,
        message: expect.stringMatching(/^invalid YAML: /),
        // The document that did not parse may have held any object: every manifest kind is incomplete.
        kinds: expect.arrayContaining(['k8s.workload', 'k8s.secret']),
      },
      { file: 'deploy/logo.yaml', message: 'binary file: expected text' },
    ])
    // The readable part of the malformed file still counts; the binary file is not an input.
    const byFile = new Map(collection.inputs.map((i) => [i.file, i]))
    expect(byFile.get('deploy/broken.yaml')).toMatchObject({ items: 2, sha256: sha256('deploy/broken.yaml') })
    expect(byFile.has('deploy/logo.yaml')).toBe(false)
    expect(byFile.get('deploy/app.yaml')?.items).toBe(2)
    expect(byFile.get('deploy/web.generated.yaml')?.items).toBe(2)
  })

  it('reads a file named by two sources once', async () => {
    const collection = await collectFiles(root, [
      { path: 'deploy/app.yaml', type: 'kubernetes' },
      { path: 'deploy', type: 'auto', exclude: ['deploy/legacy/**', '**/*.generated.yaml'] },
    ])
    expect(collection.inputs.map((i) => i.file)).toEqual(['deploy/app.yaml'])
    expect(collection.evidence).toHaveLength(2)
  })

  it('reads a file of any name as the type its source gives', async () => {
    write('build/web', 'FROM nginx:1.27\n')
    const collection = await collectFiles(root, [{ path: 'build/web', type: 'dockerfile' }])
    expect(collection.errors).toEqual([])
    expect(collection.inputs).toEqual([
      { file: 'build/web', collector: 'dockerfile', sha256: sha256('build/web'), bytes: 16, items: 1 },
    ])
  })
})

/**
 * An `auto` source over a service repository in the usual layout: Terraform, a plan, a
 * CloudFormation template and scanner reports are each read by what their content is, with no
 * `type:` on the source.
 */
describe('per-file type detection in an auto source', () => {
  const here = import.meta.dirname
  const fixture = (...parts: string[]): string => readFileSync(path.join(here, '..', ...parts), 'utf8')
  const reference = (...parts: string[]): string =>
    readFileSync(path.join(here, '../../../test/reference-data/samples', ...parts), 'utf8')
  let root: string

  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'trustctl-detect-'))
    const write = (relative: string, content: string): void => {
      mkdirSync(path.dirname(path.join(root, relative)), { recursive: true })
      writeFileSync(path.join(root, relative), content)
    }
    write(
      'infra/main.tf',
      `resource "aws_s3_bucket" "reports" {\n  bucket = "acme-reports"\n}\n\nresource "aws_s3_bucket_public_access_block" "reports" {\n  bucket                  = aws_s3_bucket.reports.id\n  block_public_acls       = true\n  block_public_policy     = true\n  ignore_public_acls      = true\n  restrict_public_buckets = true\n}\n`,
    )
    write('infra/terraform.tfvars', 'region = "eu-west-1"\n')
    write('infra/plan/plan.json', fixture('terraform/testdata/acme-plan.json'))
    write('infra/cloudformation/reporting.yaml', fixture('terraform/testdata/reporting-stack.yaml'))
    write('security/trivy-image.json', reference('trivy', 'alpine-310.json'))
    write('security/code.sarif', reference('sarif', 'sarif_input.sarif'))
    write('package.json', '{ "name": "shop", "version": "1.0.0", "scripts": { "test": "vitest" } }\n')
    write(
      'tsconfig.json',
      '{\n  // JSON with comments: not ours, and not an error\n  "compilerOptions": {}\n}\n',
    )
    write('deploy/app.json', '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "app"}}')
  })

  afterEach(() => {
    rmSync(root, { recursive: true, force: true })
  })

  it.each([
    ['infra/main.tf', 'terraform'],
    ['infra/terraform.tfvars', 'terraform'],
    ['infra/prod.auto.tfvars', 'terraform'],
    ['infra/plan.json', 'json'],
    ['security/code.sarif', 'json'],
    ['security/secrets.jsonl', 'json'],
    ['infra/variables.tf.json.bak', undefined],
  ] as const)('classifies %s as %s', (file, expected) => {
    expect(classifyFile(file)).toBe(expected)
  })

  it('reads a folder of .tf files without a type as Terraform', async () => {
    const { evidence, errors, inputs } = await collectFiles(root, [{ path: 'infra/main.tf', type: 'auto' }])
    expect(errors).toEqual([])
    expect(inputs.map((i) => [i.file, i.collector])).toEqual([['infra/main.tf', 'terraform']])
    expect(evidence.some((e) => e.kind === 'aws.s3-bucket' && e.name === 'aws_s3_bucket.reports')).toBe(true)
  })

  it('reads each file of the repository by its content', async () => {
    const { errors, inputs, evidence } = await collectFiles(root, [{ path: '.', type: 'auto' }], undefined, {
      now: new Date('2026-11-30T00:00:00Z'),
    })
    expect(errors).toEqual([])
    const byCollector = Object.fromEntries(inputs.map((i) => [i.file, i.collector]))
    expect(byCollector).toEqual({
      'deploy/app.json': 'kubernetes',
      'infra/cloudformation/reporting.yaml': 'cloudformation',
      'infra/main.tf': 'terraform',
      'infra/plan/plan.json': 'terraform-plan',
      'infra/terraform.tfvars': 'terraform',
      'security/code.sarif': 'scan-report',
      'security/trivy-image.json': 'scan-report',
    })
    // Every input yielded evidence of its own kind.
    const files = new Set(evidence.map((e) => e.file))
    for (const file of Object.keys(byCollector).filter((f) => !f.endsWith('.tfvars')))
      expect(files.has(file), file).toBe(true)
    expect(evidence.some((e) => e.kind.startsWith('scan.') && e.file === 'security/trivy-image.json')).toBe(
      true,
    )
  })

  it('reports a plan that cannot be read, and leaves other broken JSON alone', async () => {
    writeFileSync(path.join(root, 'infra/plan/plan.json'), '{"format_version": "1.2", "planned_values": ')
    writeFileSync(path.join(root, 'broken.json'), '{"name": ')
    const { errors } = await collectFiles(root, [{ path: '.', type: 'auto' }])
    expect(errors.map((e) => e.file)).toEqual(['infra/plan/plan.json'])
  })
})
