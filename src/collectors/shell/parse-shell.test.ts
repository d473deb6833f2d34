import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { type ShellCommand, type ShellScript, shellScriptSchema } from '../../core/shell-command.js'
import { parseDockerfile } from '../dockerfile/parse-dockerfile.js'
import { parseWorkflow } from '../github-actions/parse-workflow.js'
import { parseGitLabCi } from '../gitlab-ci/parse-gitlab-ci.js'
import { parseExecForm, parseShell } from './parse-shell.js'

// biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a template
const issueTitle = '${{ github.event.issue.title }}'

function commands(script: ShellScript): ShellCommand[] {
  if (!script.parsed) throw new Error(`not parsed: ${script.reason}`)
  return script.commands
}

const texts = (command: ShellCommand | undefined): string[] => (command?.words ?? []).map((word) => word.text)

describe('parseShell', () => {
  it('places each command in its pipeline and and-or list', () => {
    const parsed = commands(parseShell('curl -fsSL https://x.example/i.sh \\\n  | sh && echo ok || true\nls'))
    expect(parsed.map((c) => [texts(c)[0], c.list, c.pipeline, c.position, c.joinedBy])).toEqual([
      ['curl', 0, 0, 0, undefined],
      ['sh', 0, 0, 1, undefined],
      ['echo', 0, 1, 0, '&&'],
      ['true', 0, 2, 0, '||'],
      ['ls', 1, 3, 0, undefined],
    ])
  })

  it('removes quotes, keeps a quoted && inside its word and marks expansions', () => {
    const [command] = commands(parseShell(`A=1 echo "x && y" 'lit $HOME' "$HOME/bin" a\\ b 2>/dev/null`))
    expect(command?.words).toEqual([
      { text: 'echo', static: true, variables: [], expressions: [] },
      { text: 'x && y', static: true, variables: [], expressions: [] },
      { text: 'lit $HOME', static: true, variables: [], expressions: [] },
      { text: '$HOME/bin', static: false, variables: ['HOME'], expressions: [] },
      { text: 'a b', static: true, variables: [], expressions: [] },
    ])
    expect(command?.assignments.map((a) => [a.name, a.value.text])).toEqual([['A', '1']])
    expect(command?.redirects.map((r) => [r.op, r.target.text])).toEqual([['2>', '/dev/null']])
  })

  it('parses sh -c bodies, subshells, command substitutions and heredocs fed to a shell', () => {
    const parsed = commands(
      parseShell(
        `sh -c "apt-get install -y curl"\n(cd /src && make)\necho $(uname -m)\nbash <<'EOF'\nrm -rf /tmp/x\nEOF\n`,
      ),
    )
    expect(parsed.map((c) => [c.nesting, texts(c).join(' '), c.parent])).toEqual([
      ['script', 'sh -c apt-get install -y curl', undefined],
      ['shell-c', 'apt-get install -y curl', 0],
      ['subshell', 'cd /src', undefined],
      ['subshell', 'make', undefined],
      ['script', 'echo $(uname -m)', undefined],
      ['command-substitution', 'uname -m', 4],
      ['script', 'bash', undefined],
      ['heredoc', 'rm -rf /tmp/x', 6],
    ])
  })

  it('reads export and declare operands as assignments', () => {
    const [command] = commands(parseShell('export MSG="$CI_COMMIT_MESSAGE" PATH'))
    expect(texts(command)).toEqual(['export', 'PATH'])
    expect(command?.assignments.map((a) => [a.name, a.value.variables])).toEqual([
      ['MSG', ['CI_COMMIT_MESSAGE']],
    ])
  })

  it('turns GitHub expressions into words marked as expressions, so the parser never sees `${{`', () => {
    const [command] = commands(parseShell(`echo "${issueTitle}" > title.txt`, { githubExpressions: true }))
    expect(command?.words[1]).toEqual({
      text: issueTitle,
      static: false,
      variables: [],
      expressions: [issueTitle],
    })
  })

  it('reports what the parser rejects with its line, never an empty command list', () => {
    expect(parseShell('echo ok\nif true; then\n  echo "open\n')).toEqual({
      parsed: false,
      reason: expect.stringContaining('the shell parser failed'),
      line: expect.any(Number),
    })
  })

  it('reads exec form as one command of literal words', () => {
    expect(commands(parseExecForm(['/bin/echo', "it's", '$HOME'])).map(texts)).toEqual([
      ['/bin/echo', "it's", '$HOME'],
    ])
  })
})

describe('collectors put parsed commands into evidence', () => {
  it('skips Windows shells instead of misreading them', () => {
    const [dockerfile] = parseDockerfile(
      'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL ["powershell", "-Command"]\nRUN Invoke-WebRequest -Uri https://x -OutFile x.zip; Expand-Archive x.zip\n',
      'Dockerfile',
    ).evidence
    expect(dockerfile?.stages[0]?.instructions[1]?.script).toEqual({
      parsed: false,
      reason: 'runs under powershell (SHELL at line 2), which is not a POSIX shell',
    })
    const [workflow] = parseWorkflow(
      'on: push\njobs:\n  win:\n    runs-on: windows-latest\n    steps:\n      - run: Get-ChildItem | Where-Object { $_.Length -gt 0 }\n      - run: ls -la\n        shell: bash\n',
      'ci.yml',
    ).evidence
    const steps = workflow?.jobs[0]?.steps ?? []
    expect(steps[0]?.script).toMatchObject({ parsed: false, reason: expect.stringContaining('pwsh') })
    expect(steps[1]?.script?.parsed).toBe(true)
  })

  it('parses GitLab script lines after !reference and YAML block scalars are resolved', () => {
    const [pipeline] = parseGitLabCi(
      '.setup:\n  script:\n    - apk add --no-cache curl\nbuild:\n  script:\n    - !reference [.setup, script]\n    - >\n      docker build\n      -t app .\n',
      '.gitlab-ci.yml',
    ).evidence
    const scripts = pipeline?.jobs.find((job) => job.id === 'build')?.steps.map((step) => step.script)
    expect(scripts?.map((script) => (script === undefined ? [] : commands(script).map(texts)))).toEqual([
      [['apk', 'add', '--no-cache', 'curl']],
      [['docker', 'build', '-t', 'app', '.']],
    ])
  })

  it('parses every RUN and run: in the demo estate and the check cases, each valid against the schema', async () => {
    const root = path.resolve(import.meta.dirname, '../../..')
    const files = [
      ...(await listFiles(path.join(root, 'examples'))),
      ...(await listFiles(path.join(root, 'checks'))),
    ]
    const scripts: { file: string; script: ShellScript | undefined }[] = []
    for (const file of files) {
      const text = await readFile(file, 'utf8')
      if (path.basename(file) === 'Dockerfile') {
        for (const stage of parseDockerfile(text, file).evidence[0]?.stages ?? []) {
          for (const instruction of stage.instructions) {
            if (instruction.keyword === 'RUN') scripts.push({ file, script: instruction.script })
          }
        }
      } else {
        const evidence = file.endsWith('.gitlab-ci.yml')
          ? parseGitLabCi(text, file).evidence
          : parseWorkflow(text, file).evidence
        for (const job of evidence[0]?.jobs ?? []) {
          for (const step of job.steps)
            if (step.run !== undefined) scripts.push({ file, script: step.script })
        }
      }
    }
    expect(scripts.length).toBeGreaterThan(100)
    for (const { script } of scripts) expect(shellScriptSchema.safeParse(script).success).toBe(true)
    // Only the cases written to be unparsable fail to parse.
    const failed = scripts
      .filter(({ script }) => script?.parsed !== true)
      .map(({ file }) => path.basename(path.dirname(file)))
    expect(failed.sort()).toEqual(['gitlab-unparsable-script-is-not-a-pass', 'unparsable-run-is-not-a-pass'])
  })
})

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true })
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter(
      (file) =>
        path.basename(file) === 'Dockerfile' ||
        file.endsWith('.gitlab-ci.yml') ||
        (file.includes(`${path.sep}.github${path.sep}workflows${path.sep}`) && /\.ya?ml$/.test(file)),
    )
}

describe('plain lines read without the parser', () => {
  it.each([
    'npm ci',
    'make -j4 test\n\ngo vet ./...',
    'docker build -t registry.example.com/app:1.2 .',
    'kubectl apply -f deploy/ --server-side=true',
  ])('reads %j exactly as the parser does', (script) => {
    const fast = parseShell(script)
    // A trailing `;` is no plain word, so the same script takes the parser's path.
    const slow = parseShell(
      script
        .split('\n')
        .map((line) => (line === '' ? line : `${line} ;`))
        .join('\n'),
    )
    expect(fast).toEqual(slow)
  })

  it.each([
    [['node', 'server.js']],
    [['/app/bin/api', '--port=8080', '--log-level', 'info']],
    [['if', 'then']],
    [['FOO=bar', 'run']],
    [['sh', '-c', 'apt-get update && apt-get install -y curl']],
    [['echo', 'two words', '', "it's"]],
    [['/bin/echo', '*.txt', '$HOME']],
  ])('reads exec form %j as its quoted words parse', (words) => {
    const quoted = parseShell(words.map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(' '))
    expect(parseExecForm(words)).toEqual(quoted)
    expect(quoted.parsed).toBe(true)
  })

  it('leaves assignments, reserved words, globs and shells to the parser', () => {
    const script = parseShell('A=1 make\nfor x in a; do echo $x; done\nrm -rf /tmp/*\nsudo sh -c ls')
    expect(commands(script).map(texts)).toEqual([
      ['make'],
      ['echo', '$x'],
      ['rm', '-rf', '/tmp/*'],
      ['sudo', 'sh', '-c', 'ls'],
      ['ls'],
    ])
  })
})
