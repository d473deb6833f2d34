import { describe, expect, it } from 'vitest'
import { parseShell } from '../../../src/collectors/shell/parse-shell.js'
import type { CiWorkflow, WorkflowJob } from '../../../src/core/evidence.js'
import {
  failureAllowed,
  findShellInjections,
  includePin,
  isContainerScanningInclude,
  type PipelineInclude,
  unreadIncludes,
} from './gitlab.js'

function job(continueOnError?: string): WorkflowJob {
  const found: WorkflowJob = { id: 'scan', line: 1, permissions: undefined, steps: [] }
  if (continueOnError !== undefined) found.continueOnError = continueOnError
  return found
}

describe('failureAllowed', () => {
  it('reads allow_failure: true and the exit codes a mapping lists', () => {
    expect(failureAllowed(job('true'), [1])).toMatch(/allow_failure: true/)
    expect(failureAllowed(job('exit_codes: [1, 137]'), [1])).toMatch(/covers exit code 1/)
    expect(failureAllowed(job('exit_codes: [137]'), [1, 2])).toBeUndefined()
    expect(failureAllowed(job('false'), [1])).toBeUndefined()
    expect(failureAllowed(job(), [1])).toBeUndefined()
  })
})

const include = (fields: Omit<PipelineInclude, 'line'>): PipelineInclude => ({ ...fields, line: 1 })
const sha = '0123456789abcdef0123456789abcdef01234567'

describe('isContainerScanningInclude', () => {
  it.each([
    [include({ type: 'template', location: 'Security/Container-Scanning.gitlab-ci.yml' }), true],
    [include({ type: 'template', location: 'Jobs/Container-Scanning.latest.gitlab-ci.yml' }), true],
    [
      include({ type: 'component', location: 'gitlab.com/components/container-scanning/container-scanning' }),
      true,
    ],
    [include({ type: 'template', location: 'Security/SAST.gitlab-ci.yml' }), false],
    [include({ type: 'local', location: 'Security/Container-Scanning.gitlab-ci.yml' }), false],
  ])('%o → %s', (entry, expected) => {
    expect(isContainerScanningInclude(entry)).toBe(expected)
  })
})

describe('includePin', () => {
  const trusted = new Set(['acme'])
  it.each([
    [include({ type: 'local', location: 'ci/a.yml' }), 'exempt'],
    [include({ type: 'template', location: 'Jobs/Build.gitlab-ci.yml' }), 'exempt'],
    [include({ type: 'project', location: 'acme/ci:/a.yml', ref: 'main' }), 'exempt'],
    [include({ type: 'project', location: 'other/ci:/a.yml', ref: sha }), 'pinned'],
    [include({ type: 'project', location: 'other/ci:/a.yml', ref: 'v1.2.0' }), 'unpinned'],
    [include({ type: 'project', location: 'other/ci:/a.yml' }), 'unpinned'],
    [include({ type: 'component', location: '$CI_SERVER_FQDN/acme/c/build', ref: '1.0.0' }), 'exempt'],
    [include({ type: 'component', location: 'gitlab.com/other/c/build', ref: sha }), 'pinned'],
    [include({ type: 'component', location: 'gitlab.com/other/c/build', ref: '~latest' }), 'unpinned'],
    [include({ type: 'remote', location: 'https://example.com/a.yml' }), 'unpinned'],
    [include({ type: 'remote', location: 'https://example.com/a.yml', integrity: 'sha256-abc=' }), 'pinned'],
  ])('%o → %s', (entry, expected) => {
    expect(includePin(entry, trusted).state).toBe(expected)
  })
})

describe('findShellInjections', () => {
  const find = (scripts: string[], env: Record<string, string> = {}) =>
    findShellInjections(
      scripts.map((script) => parseShell(script)),
      env,
    )

  it('flags eval, sh -c and a pipe into a shell when the outer shell expands the variable', () => {
    expect(
      find([
        'eval "deploy $CI_COMMIT_MESSAGE"',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a JavaScript placeholder
        'bash -ec "echo ${CI_MERGE_REQUEST_TITLE}"',
        'docker run --rm alpine sh -c "echo $CI_COMMIT_BRANCH"',
        'echo "$CI_COMMIT_TITLE" | bash',
        'eval $CI_COMMIT_REF_NAME',
      ]),
    ).toEqual([
      [{ variable: 'CI_COMMIT_MESSAGE', via: 'eval' }],
      [{ variable: 'CI_MERGE_REQUEST_TITLE', via: 'bash -c' }],
      [{ variable: 'CI_COMMIT_BRANCH', via: 'sh -c' }],
      [{ variable: 'CI_COMMIT_TITLE', via: 'a pipe into bash' }],
      [{ variable: 'CI_COMMIT_REF_NAME', via: 'eval' }],
    ])
  })

  it('leaves data alone: quoted use, single-quoted code, positional parameters, escapes, comments', () => {
    expect(
      find([
        'echo "$CI_COMMIT_MESSAGE"',
        'git tag -m "$CI_COMMIT_TITLE" v1',
        `sh -c 'echo "$CI_COMMIT_MESSAGE"'`,
        `eval 'echo "$CI_MERGE_REQUEST_TITLE"'`,
        `sh -c 'echo "$1"' _ "$CI_MERGE_REQUEST_TITLE"`,
        'sh -c "echo \\$CI_COMMIT_MESSAGE"',
        'eval "$(ssh-agent -s)"; echo "$CI_COMMIT_MESSAGE"',
        '# eval "$CI_COMMIT_MESSAGE"',
        'curl -sSf https://get.example.com | sh',
        'echo "$CI_COMMIT_SHA $CI_COMMIT_REF_SLUG" | sh',
      ]).flat(),
    ).toEqual([])
  })

  it('follows copies made in variables: and earlier script lines, naming the original', () => {
    expect(
      find(['export MSG="$CI_COMMIT_MESSAGE"', 'eval "echo $MSG"', 'sh -c "deploy $TARGET"'], {
        TARGET: 'preview-$CI_MERGE_REQUEST_SOURCE_BRANCH_NAME',
      }),
    ).toEqual([
      [],
      [{ variable: 'MSG', from: 'CI_COMMIT_MESSAGE', via: 'eval' }],
      [{ variable: 'TARGET', from: 'CI_MERGE_REQUEST_SOURCE_BRANCH_NAME', via: 'sh -c' }],
    ])
  })

  it('reads subshells, heredocs fed to a shell and scripts run by a nested shell', () => {
    expect(
      find([
        '(eval "$CI_COMMIT_TITLE")',
        'sh <<EOF\necho $CI_COMMIT_MESSAGE\nEOF',
        `sh -c 'eval "$CI_COMMIT_MESSAGE"'`,
        'echo "x" && echo "$CI_COMMIT_TITLE" \\\n  | sh',
      ]),
    ).toEqual([
      [{ variable: 'CI_COMMIT_TITLE', via: 'eval' }],
      [{ variable: 'CI_COMMIT_MESSAGE', via: 'a heredoc into sh' }],
      [{ variable: 'CI_COMMIT_MESSAGE', via: 'eval' }],
      [{ variable: 'CI_COMMIT_TITLE', via: 'a pipe into sh' }],
    ])
  })

  it('leaves a quoted heredoc and a quoted pipe character alone', () => {
    expect(
      find([
        `sh <<'EOF'\necho "$CI_COMMIT_MESSAGE"\nEOF`,
        'echo "$CI_COMMIT_TITLE | sh"',
        'echo "$CI_COMMIT_TITLE" > title.txt && sh ./deploy.sh',
      ]).flat(),
    ).toEqual([])
  })

  it('reads multi-line scripts and backslash continuations', () => {
    expect(find(['echo start\n# a comment\nsh \\\n  -c "echo $CI_COMMIT_TITLE"\necho end']).flat()).toEqual([
      { variable: 'CI_COMMIT_TITLE', via: 'sh -c' },
    ])
  })
})

describe('unreadIncludes', () => {
  const pipeline = (file: string, includes: PipelineInclude[]): CiWorkflow => ({
    kind: 'ci.workflow',
    resourceKind: 'GitLabPipeline',
    name: file,
    file,
    line: 1,
    triggers: ['push'],
    permissions: undefined,
    jobs: [],
    includes,
  })

  it('counts a local include read only when that file is among the collected pipelines', () => {
    const lint = pipeline('ci/lint.gitlab-ci.yml', [])
    const main = pipeline('.gitlab-ci.yml', [
      { type: 'local', location: '/ci/lint.gitlab-ci.yml', line: 2 },
      { type: 'local', location: 'ci/deploy.yml', line: 3 },
      { type: 'local', location: '/ci/*.gitlab-ci.yml', line: 4 },
      { type: 'template', location: 'Security/SAST.gitlab-ci.yml', line: 5 },
      { type: 'project', location: 'acme/ci:/build.yml', ref: 'a'.repeat(40), line: 6 },
    ])
    expect(unreadIncludes(main, [main, lint]).map((include) => include.line)).toEqual([3, 4, 5, 6])
    expect(unreadIncludes(lint, [main, lint])).toEqual([])
  })
})
