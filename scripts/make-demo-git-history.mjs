// Builds the demo estate's application repository at <estate>/.generated/app-repo, with the exports
// a team would pull from GitHub beside it (merged pull requests with reviews, CI results per commit).
// A git repository cannot live inside another one's tree, so `npm run demo` builds it each time.
//
//   node scripts/make-demo-git-history.mjs [estate folder, default examples/acme-saas]
//
// Deterministic: fixed people and dates, so the same commits (and shas) come out on every machine.
// The story, June to November 2026: 28 feature pull requests merged through GitHub, one of them
// approved only by its own author and one merged while CI failed; 2 commits pushed straight to main;
// one emergency hotfix merged without review and reviewed the next morning.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const estate = path.resolve(process.argv[2] ?? path.join(here, '..', 'examples', 'acme-saas'))
const generated = path.join(estate, '.generated')
const repo = path.join(generated, 'app-repo')

const people = {
  tomas: { name: 'Tomás Herrera', email: 'tomas.herrera@acme-analytics.example.com', login: 'therrera' },
  marcus: {
    name: 'Marcus Lindqvist',
    email: 'marcus.lindqvist@acme-analytics.example.com',
    login: 'mlindqvist',
  },
  priya: { name: 'Priya Raman', email: 'priya.raman@acme-analytics.example.com', login: 'praman' },
  aiko: { name: 'Aiko Tanaka', email: 'aiko.tanaka@acme-analytics.example.com', login: 'atanaka' },
  jon: { name: 'Jon Okoro', email: 'jon.okoro@acme-analytics.example.com', login: 'jokoro' },
}
const github = { name: 'GitHub', email: 'noreply@github.com' }
const authors = ['aiko', 'jon', 'tomas', 'marcus', 'aiko', 'jon', 'priya']
const features = [
  'Add event batching to the ingest endpoint',
  'Paginate the workspaces API',
  'Cache dashboard queries for 60 s',
  'Validate SDK payload schema at the edge',
  'Rotate ingest HMAC keys from KMS',
  'Add retention job for raw events',
  'Export funnels as CSV',
  'Add OpenTelemetry traces to the worker',
  'Move billing sync to a CronJob',
  'Rate-limit the public REST API',
  'Add audit log for workspace role changes',
  'Encrypt exports at rest',
  'Add SAML group mapping',
  'Drop the legacy v1 events route',
  'Add readiness probe to the web tier',
  'Batch Stripe usage records',
  'Add per-workspace ingest quotas',
  'Compress event archives with zstd',
  'Add data-deletion endpoint for customers',
  'Pin base images by digest',
  'Add SLO burn-rate alerts',
  'Retry failed webhook deliveries',
  'Add consent flag to user properties',
  'Reject oversized event payloads',
  'Add read replicas for dashboard queries',
  'Show last-seen time per SDK key',
  'Add workspace export audit trail',
  'Harden CSP headers on the dashboard',
]

let clock = Date.parse('2026-06-01T09:00:00Z')
const tick = (hours) => {
  clock += hours * 3600_000
  return clock
}
const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z')
const slug = (title) =>
  title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')

// The whole history goes through one `git fast-import` stream: a hundred separate git commands
// take half a minute on a busy machine, one stream a fraction of a second.
const stream = []
let marks = 0
const data = (text) => `data ${Buffer.byteLength(text)}\n${text}\n`
function commit({ ref, who, at, message, from, merge, file, content }) {
  const mark = ++marks
  const sig = `${who.name} <${who.email}> ${Math.floor(at / 1000)} +0000`
  stream.push(`commit ${ref}\nmark :${mark}\nauthor ${sig}\ncommitter ${sig}\n${data(message)}`)
  if (from !== undefined) stream.push(`from :${from}\n`)
  if (merge !== undefined) stream.push(`merge :${merge}\n`)
  if (file !== undefined) stream.push(`M 100644 inline ${file}\n${data(content)}`)
  stream.push('\n')
  return mark
}

let main = commit({
  ref: 'refs/heads/main',
  who: people.tomas,
  at: Date.parse('2026-05-04T10:00:00Z'),
  message: 'Initial import of the monorepo\n',
  file: 'README.md',
  content: '# acme-insights\n\nThe Acme Insights application: ingest, API, dashboard and workers.\n',
})

const pullRequests = []
const heads = new Map()
let number = 211

function mergePullRequest(title, author, { reviewers, ci = 'success', emergency = false, reviewedLater }) {
  const branch = `${author.login}/${slug(title)}`.slice(0, 60)
  const head = commit({
    ref: 'refs/heads/feature',
    who: author,
    at: tick(100),
    message: `${title}\n`,
    from: main,
    file: `src/${slug(title)}.ts`,
    content: `// ${title}\nexport const feature = ${JSON.stringify(slug(title))}\n`,
  })
  const reviewedAt = iso(tick(20))
  const mergedAt = tick(6)
  main = commit({
    ref: 'refs/heads/main',
    who: github,
    at: mergedAt,
    message: `Merge pull request #${number} from acme-analytics/${branch}\n\n${title}\n`,
    from: main,
    merge: head,
  })
  const reviews = reviewers.map((r) => ({
    author: { login: r.login },
    state: 'APPROVED',
    submittedAt: reviewedAt,
  }))
  if (reviewedLater !== undefined) {
    reviews.push({
      author: { login: reviewedLater.login },
      state: 'APPROVED',
      submittedAt: iso(mergedAt + 16 * 3600_000),
    })
  }
  pullRequests.push({
    number,
    title,
    author: { login: author.login },
    mergedAt: iso(mergedAt),
    mergeCommit: { oid: `:${main}` },
    headRefOid: `:${head}`,
    reviews,
    labels: emergency ? [{ name: 'emergency' }] : [],
  })
  heads.set(`:${head}`, ci)
  number++
}

function pushDirectly(title, who, file, content) {
  main = commit({
    ref: 'refs/heads/main',
    who,
    at: tick(30),
    message: `${title}\n`,
    from: main,
    file,
    content,
  })
}

features.forEach((title, i) => {
  const author = people[authors[i % authors.length]]
  const reviewer = author === people.marcus ? people.tomas : people.marcus
  if (i === 9) {
    // Approved only by its author: the review requirement was not enforced for admins then.
    mergePullRequest(title, people.jon, { reviewers: [people.jon] })
  } else if (i === 17) {
    mergePullRequest(title, author, { reviewers: [reviewer], ci: 'failure' })
  } else {
    mergePullRequest(title, author, { reviewers: [reviewer] })
  }
  if (i === 6) pushDirectly('Bump SDK version to 4.2.1', people.jon, 'sdk-version.txt', '4.2.1\n')
  if (i === 20)
    pushDirectly('Update on-call rota', people.marcus, 'ONCALL.md', '# On call\n\nWeek 44: Marcus, Aiko\n')
  if (i === 23) {
    mergePullRequest('hotfix: [emergency] stop logging full webhook URLs', people.priya, {
      reviewers: [],
      emergency: true,
      reviewedLater: people.tomas,
    })
  }
})

rmSync(repo, { recursive: true, force: true })
mkdirSync(repo, { recursive: true })
const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: os.devNull }
const git = (args, input) => execFileSync('git', args, { cwd: repo, env, input, encoding: 'utf8' })
git(['init', '-q', '-b', 'main'])
const marksFile = path.join(generated, 'app-repo.marks')
git(['fast-import', '--quiet', `--export-marks=${marksFile}`], stream.join(''))
git(['update-ref', '-d', 'refs/heads/feature'])
git(['checkout', '-q', '-f', 'main'])
const shas = new Map(
  readFileSync(marksFile, 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(' ')),
)
rmSync(marksFile)
const shaOf = (mark) => shas.get(mark) ?? mark
for (const pr of pullRequests) {
  pr.mergeCommit.oid = shaOf(pr.mergeCommit.oid)
  pr.headRefOid = shaOf(pr.headRefOid)
}
const ciStatus = Object.fromEntries([...heads].map(([mark, ci]) => [shaOf(mark), ci]))

writeFileSync(
  path.join(generated, 'app-repo-pull-requests.json'),
  `${JSON.stringify(pullRequests, null, 2)}\n`,
)
writeFileSync(path.join(generated, 'app-repo-ci-status.json'), `${JSON.stringify(ciStatus, null, 2)}\n`)
const count = git(['rev-list', '--first-parent', '--count', 'main']).trim()
console.log(
  `demo git history: ${path.relative(process.cwd(), repo)} (${count} commits on main, ${pullRequests.length} pull requests)`,
)
