import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PassThrough, Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initAnswers, scanRepository } from '../src/app/init-project.js'
import { loadConfig, validateConfigReferences } from '../src/app/load-config.js'
import { collectAndAssess, loadLibrary } from '../src/app/run-assessment.js'
import { askInit, type InitOptions, initCommand } from '../src/cli/commands/init.js'

/**
 * `trustctl init` on a fresh service repository, laid out the way teams lay them out: services with
 * Dockerfiles, Kubernetes manifests and a Helm chart under deploy/, Terraform under infra/, GitHub
 * workflows, a .gitignore and a git history. Init proposes what it found and writes a file the next
 * `assess` uses as is.
 */
const files: Record<string, string> = {
  '.gitignore': 'node_modules/\n*.log\n',
  'README.md': '# checkout\n\nThe checkout service.\n',
  'services/api/Dockerfile':
    'FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /api ./cmd/api\n\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /api /api\nUSER nonroot\nENTRYPOINT ["/api"]\n',
  'services/api/cmd/api/main.go': 'package main\n\nfunc main() {}\n',
  'services/web/Dockerfile':
    'FROM node:22-alpine\nWORKDIR /app\nCOPY . .\nUSER node\nCMD ["node", "server.js"]\n',
  'services/web/package.json': '{ "name": "web", "version": "1.0.0" }\n',
  'deploy/k8s/api.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: checkout
spec:
  selector:
    matchLabels: { app: api }
  template:
    metadata:
      labels: { app: api }
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/checkout-api:1.4.2
          securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false }
`,
  'deploy/charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.3.0\n',
  'deploy/charts/web/values.yaml': 'image:\n  repository: ghcr.io/acme/checkout-web\n  tag: 2.0.1\n',
  'deploy/charts/web/templates/deployment.yaml':
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}-web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"\n',
  'infra/terraform/main.tf': `resource "aws_s3_bucket" "receipts" {
  bucket = "acme-checkout-receipts"
}

resource "aws_kms_key" "receipts" {
  enable_key_rotation = true
}

resource "aws_db_instance" "orders" {
  engine            = "postgres"
  instance_class    = "db.t4g.medium"
  storage_encrypted = true
}

resource "aws_eks_cluster" "main" {
  name     = "checkout"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  vpc_config {
    subnet_ids = ["subnet-1", "subnet-2"]
  }
}
`,
  '.github/workflows/ci.yml':
    'name: ci\non: [push]\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: make test\n',
}

let dir: string
let keyFile: string
const previousKey = process.env.TRUSTCTL_SIGNING_KEY

function options(extra: Partial<InitOptions> = {}): InitOptions {
  return {
    dir: '.',
    organization: 'Acme Checkout',
    system: 'Checkout',
    asOf: '2026-11-30',
    source: [],
    provider: [],
    owner: ['security=Jane Doe <jane@acme.example>', 'platform=Sam Lee'],
    allowedRegistry: [],
    packageService: ['Card checkout for online shops'],
    commitment: ['99.9% monthly availability'],
    management: 'Ada Brown, Chief Executive Officer',
    interactive: false,
    ...extra,
  }
}

async function runInit(extra: Partial<InitOptions> = {}): Promise<string> {
  let out = ''
  const code = await initCommand(options(extra), {
    cwd: dir,
    out: (text) => {
      out += text
    },
    today: '2026-11-30',
  })
  expect(code).toBe(0)
  return out
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'trustctl-init-'))
  keyFile = path.join(dir, '..', `${path.basename(dir)}-key.pem`)
  // init creates the signing key; keep it out of the home folder of whoever runs the tests.
  process.env.TRUSTCTL_SIGNING_KEY = keyFile
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true })
    writeFileSync(path.join(dir, name), text)
  }
  const git = (...args: string[]): void => {
    execFileSync('git', ['-c', 'user.name=Dev', '-c', 'user.email=dev@acme.example', ...args], {
      cwd: dir,
      stdio: 'ignore',
    })
  }
  git('init', '-q', '-b', 'main')
  git('add', '-A')
  git('commit', '-qm', 'Checkout service')
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
  rmSync(keyFile, { force: true })
  if (previousKey === undefined) delete process.env.TRUSTCTL_SIGNING_KEY
  else process.env.TRUSTCTL_SIGNING_KEY = previousKey
})

describe('trustctl init on a fresh service repository', () => {
  let text: string
  let out: string

  beforeAll(async () => {
    out = await runInit()
    text = readFileSync(path.join(dir, 'trustctl.yaml'), 'utf8')
  })

  it('proposes each folder that holds something trustctl reads, saying what it found', () => {
    expect(text).toContain('  - path: .github/workflows   # found: GitHub Actions workflows')
    expect(text).toContain('  - path: deploy   # found: Kubernetes manifests')
    expect(text).toContain('  - path: infra   # found: Terraform')
    expect(text).toContain('  - path: services   # found: Dockerfiles')
    // README.md and package.json are not evidence: no source for them.
    expect(text).not.toMatch(/- path: README\.md/)
  })

  it('names the Helm chart with the command that renders it', () => {
    expect(text).toContain(
      '#   deploy/charts/web/Chart.yaml: render it and add the output as a source: helm template web deploy/charts/web',
    )
    expect(out).toContain('To render before assessing: deploy/charts/web/Chart.yaml')
  })

  it('suggests AWS with the services its Terraform uses, and GitHub from its workflows', () => {
    expect(text).toContain(
      '  - { name: Amazon Web Services, model: iaas, services: [eks, kms, rds, s3] }   # found: 4 resource types in infrastructure code',
    )
    expect(text).toContain('  - { name: GitHub, model: saas, services: [repositories, actions] }')
  })

  it('proposes the registries of the images it ships and runs, not those of build stages', () => {
    expect(text).toContain(
      'params: { allowedRegistries: [docker.io/library, gcr.io/distroless, ghcr.io/acme] }',
    )
    expect(text).not.toContain('golang')
  })

  it('writes owners, the secrets scan, the git history and the package section', () => {
    expect(text).toContain('  security: Jane Doe <jane@acme.example>')
    expect(text).toContain('  platform: Sam Lee')
    expect(text).toContain('#  compliance: ...')
    expect(text).toContain('  - { type: secrets, path: ., history: false, exclude: [reports/**] }')
    expect(text).toContain('  - { type: git-history, path: . }')
    expect(text).toContain('  services:\n    - Card checkout for online shops')
    expect(text).toContain('  management: { name: Ada Brown, title: Chief Executive Officer }')
  })

  it('adds the store and the reports to .gitignore once, keeping what was there', async () => {
    const first = readFileSync(path.join(dir, '.gitignore'), 'utf8')
    expect(first.startsWith('node_modules/\n*.log\n')).toBe(true)
    expect(first).toContain('.trustctl/\nreports/\n')
    expect(out).toContain('Added .trustctl/ and reports/ to .gitignore.')
    const again = await runInit({ force: true })
    expect(readFileSync(path.join(dir, '.gitignore'), 'utf8')).toBe(first)
    expect(again).not.toContain('.gitignore')
  })

  it('writes a file that loads, names only known checks, and that assess reads as is', async () => {
    const loaded = await loadConfig(undefined, dir)
    const library = await loadLibrary()
    expect(() => validateConfigReferences(loaded, library)).not.toThrow()
    const { model, collection } = await collectAndAssess(
      loaded,
      library,
      {},
      new Date('2026-11-30T12:00:00Z'),
    )
    // The chart is the one thing it cannot read until rendered; everything else was read.
    expect(collection.errors.map((e) => e.file)).toEqual(['deploy/charts/web/Chart.yaml'])
    const collectors = new Set(collection.inputs.map((i) => i.collector))
    for (const c of ['kubernetes', 'dockerfile', 'github-actions', 'terraform'])
      expect(collectors).toContain(c)
    // With the proposed allow-list the images in use pass the registry checks. The Kubernetes test
    // stays incomplete while the chart is unrendered: its workloads' images were never seen.
    const registry = (check: string): string[] =>
      model.findings.filter((f) => f.check === check).map((f) => `${f.subject.name}: ${f.status}`)
    expect(registry('kubernetes/workload-image-from-allowed-registry')).toEqual([
      'api: pass',
      'k8s.workload: no-evidence',
    ])
    expect(registry('container/final-image-from-allowed-registry').sort()).toEqual([
      'services/api/Dockerfile: pass',
      'services/web/Dockerfile: pass',
    ])
  })

  it('lets flags replace what was found', async () => {
    await runInit({
      force: true,
      source: ['deploy/k8s'],
      provider: ['Google Cloud:iaas:gke'],
      allowedRegistry: ['none'],
      secrets: false,
      gitHistory: false,
    })
    const replaced = readFileSync(path.join(dir, 'trustctl.yaml'), 'utf8')
    expect(replaced).toContain('  - path: deploy/k8s\n')
    expect(replaced).not.toContain('- path: services')
    expect(replaced).toContain('{ name: Google Cloud, model: iaas, services: [gke] }')
    expect(replaced).not.toContain('Amazon Web Services, model')
    expect(replaced).toContain('checks: {}')
    expect(replaced).not.toContain('type: secrets')
    expect(replaced).not.toContain('type: git-history')
  })

  it('refuses an unknown owner role, naming the roles', async () => {
    await expect(runInit({ force: true, owner: ['secruity=Jane'] })).rejects.toThrow(
      /--owner 'secruity=Jane': write role=Person with role one of leadership, security/,
    )
  })

  it('asks on a terminal, each question defaulting to what was found', async () => {
    const scan = await scanRepository(dir, new Date('2026-11-30T00:00:00Z'))
    const defaults = initAnswers(dir, scan, {
      categories: ['security'],
      asOf: '2026-11-30',
      sources: [],
      providers: [],
      owners: { security: 'Jane Doe' },
      allowedRegistries: [],
      packageServices: [],
      commitments: [],
    })
    const keys = new PassThrough()
    // A screen that, like stdout, outlives each prompt: a prompt ends the stream it draws on.
    let drawn = ''
    const screen = new Writable({
      write(chunk: Buffer, _encoding, done) {
        drawn += chunk.toString()
        done()
      },
    })
    screen.end = () => screen
    // Type the organization, then press Enter at every prompt: each keeps its default.
    keys.write('Acme Payments')
    const enter = setInterval(() => keys.write('\r'), 15)
    try {
      const answers = await askInit(defaults, true, { input: keys, output: screen })
      expect(answers.organization).toBe('Acme Payments')
      expect(answers.sources).toEqual(defaults.sources)
      expect(answers.providers).toEqual(defaults.providers)
      expect(answers.allowedRegistries).toEqual(['docker.io/library', 'gcr.io/distroless', 'ghcr.io/acme'])
      expect(answers.owners).toEqual({ security: 'Jane Doe' })
      expect([answers.secrets, answers.secretsHistory, answers.gitHistory]).toEqual([true, false, true])
      // The screen as a person reads it, without the terminal's colour and cursor codes.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape codes start with ESC
      const text = drawn.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '')
      expect(text).toContain('Providers the system runs on (suggested from what was found)')
      expect(text).toContain('Amazon Web Services (iaas: eks, kms, rds, s3)')
    } finally {
      clearInterval(enter)
    }
  })
})
