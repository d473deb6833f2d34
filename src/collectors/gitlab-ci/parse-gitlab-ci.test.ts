import { describe, expect, it } from 'vitest'
import type { CiWorkflow } from '../../core/evidence.js'
import { parseGitLabCi } from './parse-gitlab-ci.js'

const file = '.gitlab-ci.yml'

/** Parses a pipeline that must be read without errors, and returns its evidence. */
function read(text: string): CiWorkflow {
  const result = parseGitLabCi(text, file)
  expect(result.errors).toEqual([])
  expect(result.evidence).toHaveLength(1)
  return result.evidence[0] as CiWorkflow
}

function job(workflow: CiWorkflow, id: string) {
  const found = workflow.jobs.find((j) => j.id === id)
  expect(found, `job ${id}`).toBeDefined()
  return found as NonNullable<typeof found>
}

describe('jobs', () => {
  const pipeline = `stages: [build, test, deploy]
variables:
  NODE_ENV: test
workflow:
  name: main pipeline
image: node:20
cache:
  paths: [node_modules]
.node-template:
  script:
    - npm ci
test:
  stage: test
  script:
    - npm ci
    - npm test
pages:
  stage: deploy
  script: mkdir -p public && cp -r dist/* public
  artifacts:
    paths: [public]
`

  it('reads every top-level key that is neither reserved nor hidden as a job, pages included', () => {
    const workflow = read(pipeline)
    expect(workflow).toMatchObject({
      kind: 'ci.workflow',
      resourceKind: 'GitLabPipeline',
      name: file,
      file,
      line: 1,
      permissions: undefined,
      includes: [],
    })
    expect(workflow.jobs.map((j) => [j.id, j.line, j.permissions])).toEqual([
      ['test', 12, undefined],
      ['pages', 17, undefined],
    ])
  })

  it('makes one step per script line, at its own line, with the image and variables', () => {
    const test = job(read(pipeline), 'test')
    expect(test.steps.map(({ script: _script, ...step }) => step)).toEqual([
      { run: 'npm ci', with: { image: 'node:20' }, env: { NODE_ENV: 'test' }, line: 15 },
      { run: 'npm test', with: { image: 'node:20' }, env: { NODE_ENV: 'test' }, line: 16 },
    ])
    // Each script line arrives parsed: `npm test` is one command of two static words.
    const parsed = test.steps[1]?.script
    expect(parsed?.parsed && parsed.commands.map((c) => c.words.map((w) => w.text))).toEqual([
      ['npm', 'test'],
    ])
    expect(job(read(pipeline), 'pages').steps.map((s) => [s.run, s.line])).toEqual([
      ['mkdir -p public && cp -r dist/* public', 19],
    ])
  })

  it('runs before_script, script and after_script in that order, a block scalar as one step', () => {
    const workflow = read(`release:
  image:
    name: gcr.io/kaniko-project/executor:v1.23.2-debug
    entrypoint: [""]
  before_script:
    - echo before
  script:
    - |
      /kaniko/executor \\
        --context "$CI_PROJECT_DIR"
  after_script:
    - echo after
`)
    expect(job(workflow, 'release').steps.map((s) => [s.run, s.line, s.with.image])).toEqual([
      ['echo before', 6, 'gcr.io/kaniko-project/executor:v1.23.2-debug'],
      [
        '/kaniko/executor \\\n  --context "$CI_PROJECT_DIR"\n',
        8,
        'gcr.io/kaniko-project/executor:v1.23.2-debug',
      ],
      ['echo after', 12, 'gcr.io/kaniko-project/executor:v1.23.2-debug'],
    ])
  })

  it('leaves `with` empty when the job has no image', () => {
    expect(job(read('lint:\n  script: [make lint]\n'), 'lint').steps[0]?.with).toEqual({})
  })
})

describe('extends, anchors, !reference and defaults', () => {
  it('resolves extends through several levels, the job winning and variables merging deeply', () => {
    const workflow = read(`.base:
  image: alpine:3.20
  variables:
    LEVEL: base
    KEEP: kept
  before_script:
    - echo base
.docker:
  extends: .base
  image: docker:27
  variables:
    LEVEL: docker
  allow_failure: true
  rules:
    - if: $CI_PIPELINE_SOURCE == "schedule"
build:
  extends: [.docker]
  variables:
    OWN: own
  script:
    - docker build .
`)
    const build = job(workflow, 'build')
    expect(build.steps.map((s) => [s.run, s.line])).toEqual([
      ['echo base', 7],
      ['docker build .', 21],
    ])
    expect(build.steps[1]).toMatchObject({
      with: { image: 'docker:27' },
      env: { LEVEL: 'docker', KEEP: 'kept', OWN: 'own' },
    })
    expect(build.continueOnError).toBe('true')
    expect(workflow.triggers).toEqual(['schedule'])
    expect(workflow.jobs.map((j) => j.id)).toEqual(['build'])
  })

  it('lets a later extends parent win over an earlier one', () => {
    const workflow = read(`.a:
  script: [echo a]
  image: a
.b:
  image: b
job:
  extends: [.a, .b]
`)
    expect(job(workflow, 'job').steps).toMatchObject([{ run: 'echo a', with: { image: 'b' } }])
  })

  it('reports a circular extends and still reads the other jobs', () => {
    const result = parseGitLabCi(
      `.a:
  extends: .b
.b:
  extends: .a
loop:
  extends: .a
  script: [echo loop]
fine:
  script: [echo fine]
`,
      file,
    )
    expect(result.errors).toEqual([{ file, line: 3, message: '.b.extends: circular (loop → .a → .b → .a)' }])
    expect(result.evidence[0]?.jobs.map((j) => j.id)).toEqual(['loop', 'fine'])
  })

  it('keeps a job whose extends names a template from an include it cannot see', () => {
    const workflow = read(`include:
  - project: acme/ci
    ref: 0123456789abcdef0123456789abcdef01234567
    file: /docker.yml
build:
  extends: .docker-build
  variables:
    IMAGE: $CI_REGISTRY_IMAGE
`)
    expect(job(workflow, 'build')).toMatchObject({ id: 'build', steps: [] })
  })

  it('follows anchors, merge keys and !reference tags, keeping the lines where the scripts are written', () => {
    const workflow = read(`.setup: &setup
  - apk add --no-cache curl
.defaults: &defaults
  image: alpine:3.20
  allow_failure:
    exit_codes: [137]
.scan:
  script:
    - trivy image "$IMAGE"
job:
  <<: *defaults
  script:
    - *setup
    - !reference [.scan, script]
    - echo done
`)
    const found = job(workflow, 'job')
    expect(found.steps.map((s) => [s.run, s.line, s.with.image])).toEqual([
      ['apk add --no-cache curl', 2, 'alpine:3.20'],
      ['trivy image "$IMAGE"', 9, 'alpine:3.20'],
      ['echo done', 15, 'alpine:3.20'],
    ])
    expect(found.continueOnError).toBe('exit_codes: [137]')
  })

  it('applies default: and the top-level globals unless the job opts out with inherit', () => {
    const workflow = read(`image: ruby:3.3
before_script: [echo global]
variables:
  GLOBAL: one
  OTHER: two
default:
  before_script:
    - echo default
after_script:
  - echo cleanup
plain:
  script: [rake]
opted-out:
  inherit:
    default: [after_script]
    variables: [OTHER]
  script: [rake]
none:
  inherit:
    default: false
    variables: false
  script: [rake]
`)
    expect(job(workflow, 'plain').steps.map((s) => [s.run, s.with.image, s.env])).toEqual([
      ['echo default', 'ruby:3.3', { GLOBAL: 'one', OTHER: 'two' }],
      ['rake', 'ruby:3.3', { GLOBAL: 'one', OTHER: 'two' }],
      ['echo cleanup', 'ruby:3.3', { GLOBAL: 'one', OTHER: 'two' }],
    ])
    expect(job(workflow, 'opted-out').steps.map((s) => [s.run, s.with.image, s.env])).toEqual([
      ['rake', undefined, { OTHER: 'two' }],
      ['echo cleanup', undefined, { OTHER: 'two' }],
    ])
    expect(job(workflow, 'none').steps.map(({ script: _script, ...step }) => step)).toEqual([
      { run: 'rake', with: {}, env: {}, line: 22 },
    ])
  })
})

describe('allow_failure', () => {
  it.each([
    ['allow_failure: true', 'true'],
    ['allow_failure: false', 'false'],
    ['allow_failure:\n    exit_codes: 1', 'exit_codes: [1]'],
    ['when: manual', 'true'],
    ['when: manual\n  allow_failure: false', 'false'],
    ['rules:\n    - if: $CI_COMMIT_BRANCH == "main"\n      allow_failure: true', 'true'],
    ['rules:\n    - if: $CI_COMMIT_BRANCH == "main"\n      when: manual', undefined],
  ])('%s → continueOnError %s', (keywords, expected) => {
    const found = job(read(`scan:\n  ${keywords}\n  script: [trivy image app]\n`), 'scan')
    expect(found.continueOnError).toBe(expected)
  })
})

describe('secrets', () => {
  it('redacts variables and script lines the way the GitHub collector does', () => {
    const workflow = read(`variables:
  DEPLOY_TOKEN: glpat-abcdefghij0123456789
  DB_PASSWORD: hunter2
  REGISTRY_PASSWORD: $CI_REGISTRY_PASSWORD
  API_KEY: \${VAULT_API_KEY}
  MIRROR: https://deploy:s3cretvalue@git.example.com/acme/app.git
  AWS_REGION: eu-west-1
deploy:
  variables:
    NPM_TOKEN:
      value: npm_literal_in_clear
      description: publishing token
  script:
    - 'curl -H "PRIVATE-TOKEN: glpat-abcdefghij0123456789" https://gitlab.example.com/api/v4/projects'
`)
    const [step] = job(workflow, 'deploy').steps
    expect(step?.env).toEqual({
      DEPLOY_TOKEN: '[REDACTED]',
      DB_PASSWORD: '[REDACTED]',
      REGISTRY_PASSWORD: '$CI_REGISTRY_PASSWORD',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell variable reference, kept as written
      API_KEY: '${VAULT_API_KEY}',
      MIRROR: 'https[REDACTED]git.example.com/acme/app.git',
      AWS_REGION: 'eu-west-1',
      NPM_TOKEN: '[REDACTED]',
    })
    expect(step?.run).toBe('curl -H "PRIVATE-TOKEN: [REDACTED]" https://gitlab.example.com/api/v4/projects')
    expect(JSON.stringify(workflow)).not.toMatch(/glpat-|hunter2|s3cretvalue|npm_literal/)
  })
})

describe('triggers', () => {
  it('collects the pipeline sources named in workflow and job rules, leaving out when: never', () => {
    const workflow = read(`workflow:
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
    - if: '$CI_PIPELINE_SOURCE == "push" && $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH'
    - if: $CI_PIPELINE_SOURCE == "pipeline"
      when: never
nightly:
  rules:
    - if: $CI_PIPELINE_SOURCE == 'schedule'
  script: [make audit]
`)
    expect(workflow.triggers).toEqual(['merge_request_event', 'push', 'schedule'])
  })

  it('reads the legacy only: keywords', () => {
    expect(read('mr:\n  only: [merge_requests]\n  script: [make]\n').triggers).toEqual([
      'merge_request_event',
    ])
    expect(read('tag:\n  only:\n    refs: [tags, web]\n  script: [make]\n').triggers).toEqual(['push', 'web'])
  })

  it('defaults to push', () => {
    expect(read('test:\n  script: [make test]\n').triggers).toEqual(['push'])
  })
})

describe('includes', () => {
  it('reads every include form with its line', () => {
    const workflow = read(`include:
  - '/ci/lint.gitlab-ci.yml'
  - 'https://gitlab.example.com/acme/ci/-/raw/main/build.yml'
  - local: ci/test.yml
  - project: acme/ci-templates
    ref: v2.1.0
    file:
      - /templates/build.yml
      - /templates/deploy.yml
  - project: acme/security
    file: /scan.yml
  - remote: https://example.com/ci/shared.yml
    integrity: sha256-L7GrF4j2NQ0YaYl6sDzs3Mz6zNGZqKvCZ3hqWcBJaVw=
  - template: Security/Container-Scanning.gitlab-ci.yml
  - component: $CI_SERVER_FQDN/acme/components/trivy@1.4.0
  - component: gitlab.com/components/sast/sast
deploy:
  trigger:
    include:
      - project: acme/deploy
        ref: 0123456789abcdef0123456789abcdef01234567
        file: /child.yml
      - artifact: generated.yml
        job: generate
`)
    expect(workflow.includes).toEqual([
      { type: 'local', location: '/ci/lint.gitlab-ci.yml', line: 2 },
      { type: 'remote', location: 'https://gitlab.example.com/acme/ci/-/raw/main/build.yml', line: 3 },
      { type: 'local', location: 'ci/test.yml', line: 4 },
      { type: 'project', location: 'acme/ci-templates:/templates/build.yml', ref: 'v2.1.0', line: 5 },
      { type: 'project', location: 'acme/ci-templates:/templates/deploy.yml', ref: 'v2.1.0', line: 5 },
      { type: 'project', location: 'acme/security:/scan.yml', line: 10 },
      {
        type: 'remote',
        location: 'https://example.com/ci/shared.yml',
        integrity: 'sha256-L7GrF4j2NQ0YaYl6sDzs3Mz6zNGZqKvCZ3hqWcBJaVw=',
        line: 12,
      },
      { type: 'template', location: 'Security/Container-Scanning.gitlab-ci.yml', line: 14 },
      { type: 'component', location: '$CI_SERVER_FQDN/acme/components/trivy', ref: '1.4.0', line: 15 },
      { type: 'component', location: 'gitlab.com/components/sast/sast', line: 16 },
      {
        type: 'project',
        location: 'acme/deploy:/child.yml',
        ref: '0123456789abcdef0123456789abcdef01234567',
        line: 20,
      },
    ])
  })

  it('reads a single string and a single mapping', () => {
    expect(read("include: '.gitlab/ci/build.yml'\n").includes).toEqual([
      { type: 'local', location: '.gitlab/ci/build.yml', line: 1 },
    ])
    expect(read('include:\n  template: Jobs/Container-Scanning.gitlab-ci.yml\n').includes).toEqual([
      { type: 'template', location: 'Jobs/Container-Scanning.gitlab-ci.yml', line: 2 },
    ])
  })

  it('redacts credentials in include URLs', () => {
    const workflow = read(`include:
  - remote: https://ci:s3cretvalue@templates.example.com/build.yml
  - https://gitlab.example.com/api/v4/projects/7/repository/files/ci.yml/raw?private_token=glpat-abcdefghij0123456789
`)
    expect(workflow.includes?.map((include) => include.location)).toEqual([
      'https[REDACTED]templates.example.com/build.yml',
      'https://gitlab.example.com/api/v4/projects/7/repository/files/ci.yml/raw?private_token=[REDACTED]',
    ])
  })

  it('records a child pipeline include once, however many jobs extend the template declaring it', () => {
    const workflow = read(`.deploy:
  trigger:
    include:
      - local: ci/deploy.yml
staging:
  extends: .deploy
production:
  extends: .deploy
`)
    expect(workflow.includes).toEqual([{ type: 'local', location: 'ci/deploy.yml', line: 4 }])
  })

  it('reports an include it cannot read', () => {
    const result = parseGitLabCi('include:\n  - file: /x.yml\ntest:\n  script: [make]\n', file)
    expect(result.errors).toEqual([
      { file, line: 2, message: 'include[0]: expected one of local, project, remote, template or component' },
    ])
    expect(result.evidence[0]?.jobs.map((j) => j.id)).toEqual(['test'])
  })
})

describe('errors', () => {
  it('reports malformed YAML with file and line', () => {
    const result = parseGitLabCi('test:\n  script:\n    - make\n  image: [unclosed\n', file)
    expect(result.evidence).toEqual([])
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatchObject({ file, message: expect.stringMatching(/^invalid YAML: /) })
    expect(result.errors[0]?.line).toBeGreaterThanOrEqual(4)
  })

  it('names a job that is not a mapping, and a script entry that is not a string, reading the rest', () => {
    const result = parseGitLabCi(
      `build: docker build .
test:
  script:
    - echo ok
    - curl -H Content-Type: application/json
    - make test
`,
      file,
    )
    expect(result.errors).toEqual([
      { file, line: 1, message: 'jobs.build: expected a mapping' },
      { file, line: 5, message: 'jobs.test.script[1]: expected a string' },
    ])
    expect(result.evidence[0]?.jobs.map((j) => [j.id, j.steps.map((s) => s.run)])).toEqual([
      ['test', ['echo ok', 'make test']],
    ])
  })

  it('rejects a file that is not a mapping', () => {
    expect(parseGitLabCi('- just\n- a list\n', file)).toEqual({
      evidence: [],
      errors: [{ file, line: 1, message: 'a pipeline must be a mapping of jobs and keywords' }],
    })
    expect(parseGitLabCi('', file).errors).toEqual([
      { file, line: 1, message: 'a pipeline must be a mapping of jobs and keywords' },
    ])
  })

  it('reads a component template after its spec: header', () => {
    const workflow = read(`spec:
  inputs:
    stage:
      default: test
---
scan:
  stage: $[[ inputs.stage ]]
  script: [trivy image app]
`)
    expect(workflow.jobs.map((j) => [j.id, j.line])).toEqual([['scan', 6]])
  })
})
