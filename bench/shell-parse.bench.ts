// `node --expose-gc dist/bench/shell-parse.bench.js`: what parsing shell commands costs the Dockerfile
// and workflow collectors, on the demo estate's and the check cases' real files, measured in this run.
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { parseDockerfile } from '../src/collectors/dockerfile/parse-dockerfile.js'
import { parseWorkflow } from '../src/collectors/github-actions/parse-workflow.js'
import { parseGitLabCi } from '../src/collectors/gitlab-ci/parse-gitlab-ci.js'
import { parseShell } from '../src/collectors/shell/parse-shell.js'
import { timeMedian } from './median.js'

const runs = Number(process.env.BENCH_RUNS ?? 7)
const rounds = Number(process.env.BENCH_ROUNDS ?? 20)
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..')

const files = ['examples', 'checks'].flatMap((dir) =>
  readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter(
      (file) =>
        path.basename(file) === 'Dockerfile' ||
        /\.gitlab-ci\.yml$|\.github\/workflows\/.*\.ya?ml$/.test(file),
    ),
)
const texts = files.map((file) => ({ file, text: readFileSync(file, 'utf8') }))

function collect(): number {
  let scripts = 0
  for (const { file, text } of texts) {
    if (path.basename(file) === 'Dockerfile') {
      for (const stage of parseDockerfile(text, file).evidence[0]?.stages ?? [])
        scripts += stage.instructions.length
    } else if (file.endsWith('.gitlab-ci.yml')) parseGitLabCi(text, file)
    else parseWorkflow(text, file)
  }
  return scripts
}

// The script texts the collectors hand to the parser, gathered once.
const scripts: string[] = []
let commands = 0
for (const { file, text } of texts) {
  const evidence =
    path.basename(file) === 'Dockerfile'
      ? []
      : file.endsWith('.gitlab-ci.yml')
        ? parseGitLabCi(text, file).evidence
        : parseWorkflow(text, file).evidence
  for (const step of evidence.flatMap((workflow) => workflow.jobs.flatMap((job) => job.steps))) {
    if (step.run !== undefined) scripts.push(step.run)
  }
  if (path.basename(file) === 'Dockerfile') {
    for (const stage of parseDockerfile(text, file).evidence[0]?.stages ?? []) {
      for (const instruction of stage.instructions)
        if (instruction.keyword === 'RUN') scripts.push(instruction.args)
    }
  }
}
for (const script of scripts) {
  const parsed = parseShell(script)
  if (parsed.parsed) commands += parsed.commands.length
}

console.log(
  `shell parse bench: ${files.length} files, ${scripts.length} scripts, ${commands} commands, node ${process.version}`,
)
const parseOnly = await timeMedian(`parseShell x${rounds}`, runs, () => {
  for (let i = 0; i < rounds; i++) for (const script of scripts) parseShell(script)
})
const whole = await timeMedian(`collectors (with parsing) x${rounds}`, runs, () => {
  for (let i = 0; i < rounds; i++) collect()
})
const perSecond = (commands * rounds) / (parseOnly / 1000)
console.log(
  `  ${(perSecond / 1000).toFixed(0)}k commands/s, ${((scripts.length * rounds) / (parseOnly / 1000) / 1000).toFixed(1)}k scripts/s`,
)
console.log(
  `  collectors without the shell parser would take about ${(whole - parseOnly).toFixed(0)} ms: ${(whole / Math.max(whole - parseOnly, 1)).toFixed(2)}x with it`,
)
