import type { Command, Option } from 'commander'
import { reportFormatsHelp } from '../app/report-formats.js'
import type { CliIo } from './cli-io.js'

/**
 * Registration holds metadata only: each action imports its command module when it runs, so
 * `--version`, `--help` and a light command never load the AWS SDK, Fastify, pdfmake or ExcelJS.
 */

/** The largest batch `collect --push` sends by default, in bytes. */
export const defaultMaxBatchBytes = 4 * 1024 * 1024

/** What every command's registration needs: where it writes, how it reports its exit code, --config. */
export interface Registration {
  io: CliIo
  setExit: (code: number) => void
  configOption: Option
}

/** Commander's accumulator for a repeatable option. */
const collect = (value: string, previous: string[]): string[] => [...previous, value]

/** `trustctl init`. */
function registerInit(program: Command, { io, setExit }: Registration): void {
  program
    .command('init')
    .description('write a commented trustctl.yaml (asks on a terminal; flags otherwise)')
    .option('--dir <dir>', 'folder to write trustctl.yaml in', '.')
    .option('--organization <name>', 'service organization')
    .option('--system <name>', 'system name')
    .option('--description <text>', 'system description')
    .option('--categories <list>', 'categories in scope besides security, comma-separated')
    .option('--as-of <date>', 'as-of date, YYYY-MM-DD (default: today)')
    .option('--source <path>', 'a source path (repeatable)', collect, [])
    .option('--provider <spec>', 'name:model[:services] with model iaas|paas|saas (repeatable)', collect, [])
    .option(
      '--owner <role=person>',
      'control owner, e.g. security="Jane Doe <jane@example.com>" (repeatable)',
      collect,
      [],
    )
    .option('--no-secrets', 'do not scan the repository for secrets')
    .option('--secrets-history', 'also scan every commit for secrets')
    .option('--git-history', 'read the git history as change evidence (default: when .git exists)')
    .option('--no-git-history', 'do not read the git history')
    .option(
      '--allowed-registry <prefix>',
      'approved image registry (repeatable; default: those in use; none for none)',
      collect,
      [],
    )
    .option(
      '--package-service <text>',
      'a service the system provides, for the package (repeatable)',
      collect,
      [],
    )
    .option(
      '--commitment <text>',
      'a commitment made to customers, for the package (repeatable)',
      collect,
      [],
    )
    .option('--management <"name, title">', "who signs management's assertion")
    .option('--force', 'overwrite an existing trustctl.yaml')
    .option('--no-input', 'never prompt, even on a terminal')
    .action(async (options) => {
      const interactive =
        options.input !== false && process.stdin.isTTY === true && process.stdout.isTTY === true
      setExit(
        await (await import('./commands/init.js')).initCommand(
          { ...options, interactive },
          { ...io, today: new Date().toISOString().slice(0, 10) },
        ),
      )
    })
}

/** `trustctl assess`. */
function registerAssess(program: Command, { io, setExit, configOption }: Registration): void {
  program
    .command('assess')
    .description('collect evidence, run the tests of controls, store the run and print a summary')
    .addOption(configOption)
    .option('--format <format>', 'text or json', 'text')
    .option(
      '--fail-on <severity>',
      'exit 1 when a test fails at or above this severity (critical, high, medium, low, info)',
    )
    .option(
      '--gitlab-codequality <file>',
      'write the failing findings (at or above --fail-on, if given) as a GitLab Code Quality report',
    )
    .action(async (options) =>
      setExit(await (await import('./commands/assess.js')).assessCommand(options, io)),
    )
}

/** `trustctl collect`. */
function registerCollect(program: Command, { io, setExit, configOption }: Registration): void {
  program
    .command('collect')
    .description('read the configured sources and push the evidence to a team server (remote collector)')
    .addOption(configOption)
    .requiredOption('--push <url>', 'the team server, e.g. https://trustctl.example.com')
    .option('--token-env <name>', 'environment variable holding the collector token', 'TRUSTCTL_TOKEN')
    .option('--name <collector>', "its token's name (default: TRUSTCTL_COLLECTOR_NAME, else the host name)")
    .option('--max-batch-bytes <n>', 'largest batch to send, in bytes', String(defaultMaxBatchBytes))
    .option('--allow-insecure-http', 'allow plain http:// to a host other than this machine')
    .option('--format <format>', 'text or json', 'text')
    .action(async (options) =>
      setExit(await (await import('./commands/collect.js')).collectCommand(options, io)),
    )
}

/** `trustctl gaps`. */
function registerGaps(program: Command, { io, setExit, configOption }: Registration): void {
  program
    .command('gaps')
    .description('list gaps with remediation: what, why, owner, due date, severity')
    .addOption(configOption)
    .option('--format <format>', 'text or json', 'text')
    .option('--severity <severity>', 'only gaps at or above this severity')
    .option('--owner <owner>', "only this owner's gaps (a name from owners:, or a role)")
    .option('--criterion <id>', 'only gaps that leave this criterion unmet, e.g. CC6.1')
    .option('--top <n>', 'only the n gaps that bring the most readiness if closed')
    .option('--record', 'also store this run in the ledger, as assess does (default: store nothing)')
    .action(async (options) => setExit(await (await import('./commands/gaps.js')).gapsCommand(options, io)))
}

/** `trustctl plan`. */
function registerPlan(program: Command, { io, setExit, configOption }: Registration): void {
  program
    .command('plan')
    .description('order the gaps into remediation cycles, with the readiness once each cycle is closed')
    .addOption(configOption)
    .option('--format <format>', 'text or json', 'text')
    .option('--per-cycle <n>', 'gaps per cycle', '10')
    .option('--cycles <n>', 'at most this many cycles (default: until no gap changes readiness)')
    .option('--record', 'also store this run in the ledger, as assess does (default: store nothing)')
    .action(async (options) => setExit(await (await import('./commands/plan.js')).planCommand(options, io)))
}

/** `trustctl report`. */
function registerReport(program: Command, { io, setExit, configOption }: Registration): void {
  program
    .command('report')
    .description('write the readiness report')
    .addOption(configOption)
    .option('--format <list>', reportFormatsHelp, 'md,html,json')
    .option('--out <dir>', 'output folder (default: report.out in trustctl.yaml, "reports")')
    .option('--record', 'also store this run in the ledger, as assess does (default: store nothing)')
    .action(async (options) =>
      setExit(await (await import('./commands/report.js')).reportCommand(options, io)),
    )
}

/** `trustctl package`. */
function registerPackage(program: Command, { io, setExit, configOption }: Registration): void {
  program
    .command('package')
    .description(
      'write the SOC 2 package: PDF, HTML, Markdown, OSCAL, SARIF, JUnit, XLSX, CSV and a manifest',
    )
    .addOption(configOption)
    .option('--type <type>', 'SOC 2 report type: 1 (as of a date) or 2 (a period)', '1')
    .option('--as-of <date>', 'Type 1 date, YYYY-MM-DD (default: scope.asOf in trustctl.yaml)')
    .option('--from <date>', 'Type 2 period start, YYYY-MM-DD')
    .option('--to <date>', 'Type 2 period end, YYYY-MM-DD')
    .option('--out <dir>', 'package folder (default: <report.out>/soc2-type<N>-<date>)')
    .action(async (options) =>
      setExit(await (await import('./commands/package.js')).packageCommand(options, io)),
    )
}

/** `trustctl explain`. */
function registerExplain(program: Command, { io, setExit, configOption }: Registration): void {
  program
    .command('explain <id>')
    .description('explain a criterion (CC6.1), control or check in plain words, with the latest result')
    .addOption(configOption)
    .option('--format <format>', 'text or json', 'text')
    .option('--record', 'also store this run in the ledger, as assess does (default: store nothing)')
    .action(async (id: string, options) =>
      setExit(await (await import('./commands/explain.js')).explainCommand(id, options, io)),
    )
}

/** `trustctl matrix`. */
function registerMatrix(program: Command, { io, setExit, configOption }: Registration): void {
  program
    .command('matrix')
    .description('the responsibility matrix: every control in scope × every provider service in use')
    .addOption(configOption)
    .option('--format <format>', 'text, json, csv or svg', 'text')
    .option('--out <file>', 'write to a file instead of standard output')
    .action(async (options) =>
      setExit(await (await import('./commands/matrix.js')).matrixCommand(options, io)),
    )
}

/** `trustctl vendors`. */
function registerVendors(program: Command, { io, setExit, configOption }: Registration): void {
  const vendors = program.command('vendors').description('the vendor register and its SOC 2 reports')
  vendors
    .command('list')
    .description("each vendor's report: period, opinion, bridge letter, CUECs mapped, gaps")
    .addOption(configOption)
    .option('--format <format>', 'text or json', 'text')
    .action(async (options) =>
      setExit(await (await import('./commands/vendors.js')).vendorsListCommand(options, io)),
    )
  vendors
    .command('add <name>')
    .description('add a vendor to trustctl.yaml')
    .addOption(configOption)
    .requiredOption('--criticality <level>', 'critical, high, medium or low')
    .option('--services <list>', 'services used, comma-separated')
    .option('--data <list>', 'data shared with it, comma-separated')
    .option('--model <model>', 'iaas, paas or saas')
    .option('--provider <name>', 'the providers entry it is, if any')
    .option('--subprocessor', 'it processes customer personal data for us')
    .option('--format <format>', 'text or json', 'text')
    .action(async (name: string, options) =>
      setExit(await (await import('./commands/vendors.js')).vendorsAddCommand(name, options, io)),
    )
  vendors
    .command('import <report-file>')
    .description("record a vendor report's metadata and SHA-256 in trustctl.yaml (the report is not copied)")
    .addOption(configOption)
    .requiredOption('--vendor <name>', 'the vendor the report belongs to')
    .option('--type <n>', 'SOC 2 type: 1 or 2')
    .option('--period-start <date>', 'first day of the period, YYYY-MM-DD')
    .option('--period-end <date>', 'last day of the period (type 1: the as-of date), YYYY-MM-DD')
    .option('--opinion <opinion>', 'unqualified, qualified, adverse or disclaimer')
    .option('--store-report', 'also keep a copy in the store folder, named by its hash')
    .option('--format <format>', 'text or json', 'text')
    .action(async (file: string, options) =>
      setExit(await (await import('./commands/vendors.js')).vendorsImportCommand(file, options, io)),
    )
}

/** `trustctl crosswalk`. */
function registerCrosswalk(program: Command, { io, setExit, configOption }: Registration): void {
  program
    .command('crosswalk')
    .description('which SOC 2 criteria the controls you already run in another framework meet')
    .addOption(configOption)
    .requiredOption('--from <framework>', 'iso27001, nist80053, ccm, or the id of your own mapping')
    .option('--controls <file>', 'your existing controls, one id per line (default: crosswalks.existing)')
    .option('--format <format>', 'text or json', 'text')
    .action(async (options) =>
      setExit(await (await import('./commands/crosswalk.js')).crosswalkCommand(options, io)),
    )
}

/** `trustctl policies`. */
function registerPolicies(program: Command, { io, setExit, configOption }: Registration): void {
  const policies = program
    .command('policies')
    .description('policy and procedure templates and their approvals')
  policies
    .command('list')
    .description('each policy with its owner, version, approval and next review')
    .addOption(configOption)
    .option('--format <format>', 'text or json', 'text')
    .action(async (options) =>
      setExit(await (await import('./commands/policies.js')).policiesListCommand(options, io)),
    )
  policies
    .command('render')
    .description("write the policies filled in with the organization's details")
    .addOption(configOption)
    .requiredOption('--out <dir>', 'folder to write the Markdown files to')
    .option('--format <format>', 'text or json (what is printed)', 'text')
    .action(async (options) =>
      setExit(await (await import('./commands/policies.js')).policiesRenderCommand(options, io)),
    )
}

/** `trustctl checks list` and `trustctl controls list`: the ids trustctl.yaml and explain accept. */
function registerCatalogLists(program: Command, { io, setExit }: Registration): void {
  program
    .command('checks')
    .description('the automated checks')
    .command('list')
    .description('every check id with its title, severity, and the controls and criteria it serves')
    .option('--format <format>', 'text or json', 'text')
    .action(async (options) =>
      setExit(await (await import('./commands/catalog-lists.js')).checksListCommand(options, io)),
    )
  program
    .command('controls')
    .description('the control library')
    .command('list')
    .description('every control id with its title, owner, criteria, checks and evidence from people')
    .option('--format <format>', 'text or json', 'text')
    .action(async (options) =>
      setExit(await (await import('./commands/catalog-lists.js')).controlsListCommand(options, io)),
    )
}

/** `trustctl verify`. */
function registerVerify(program: Command, { io, setExit, configOption }: Registration): void {
  program
    .command('verify')
    .description('re-hash every record and blob of the ledger, walk the chain, check every signature')
    .addOption(configOption)
    .option('--bundle <dir>', 'verify an exported bundle instead of the store')
    .option('--package <dir>', 'verify a SOC 2 package folder (its signed manifest.json) instead')
    .option(
      '--key <key>',
      'require this signing key (fingerprint or PEM file) instead of ledger.key in trustctl.yaml',
    )
    .option('--chain-head <hash>', 'a record hash from a report that must be in the chain', collect, [])
    .option('--format <format>', 'text or json', 'text')
    .action(async (options) =>
      setExit(await (await import('./commands/verify.js')).verifyCommand(options, io)),
    )
}

/** `trustctl key`. */
function registerKey(program: Command, { io, setExit, configOption }: Registration): void {
  const key = program.command('key').description('the key that signs the ledger')
  key
    .command('rotate')
    .description('create a new signing key, endorsed in the ledger by the current one; update trustctl.yaml')
    .addOption(configOption)
    .action(async (options) =>
      setExit(await (await import('./commands/key.js')).keyRotateCommand(options, io)),
    )
}

/** `trustctl history`. */
function registerHistory(program: Command, { io, setExit, configOption }: Registration): void {
  program
    .command('history')
    .description('readiness per stored run, oldest first')
    .addOption(configOption)
    .option('--format <format>', 'text or json', 'text')
    .action(async (options) =>
      setExit(await (await import('./commands/history.js')).historyCommand(options, io)),
    )
}

/** `trustctl diff`. */
function registerDiff(program: Command, { io, setExit, configOption }: Registration): void {
  program
    .command('diff <runA> <runB>')
    .description('what got fixed, regressed, is new or is gone between two stored runs')
    .addOption(configOption)
    .option('--format <format>', 'text or json', 'text')
    .action(async (a: string, b: string, options) =>
      setExit(await (await import('./commands/diff.js')).diffCommand(a, b, options, io)),
    )
}

/** `trustctl export`. */
function registerExport(program: Command, { io, setExit, configOption }: Registration): void {
  program
    .command('export')
    .description("write a period's ledger as a bundle that verify --bundle checks anywhere")
    .addOption(configOption)
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD')
    .requiredOption('--to <date>', 'last day, YYYY-MM-DD')
    .requiredOption('--out <dir>', 'new, empty folder for the bundle')
    .action(async (options) =>
      setExit(await (await import('./commands/export.js')).exportCommand(options, io)),
    )
}

/** `trustctl population`. */
function registerPopulation(program: Command, { io, setExit, configOption }: Registration): void {
  program
    .command('population <control>')
    .description("a control's full population over a period, with the hash proving it complete")
    .addOption(configOption)
    .option('--from <date>', 'first day, YYYY-MM-DD (default: a year before --to)')
    .option('--to <date>', 'last day, YYYY-MM-DD (default: today)')
    .option('--format <format>', 'text or json', 'text')
    .action(async (control: string, options) =>
      setExit(await (await import('./commands/population.js')).populationCommand(control, options, io)),
    )
}

/** `trustctl sample`. */
function registerSample(program: Command, { io, setExit, configOption }: Registration): void {
  program
    .command('sample <control>')
    .description('a reproducible sample of the population, sized by control frequency, recorded')
    .addOption(configOption)
    .option('--seed <n>', 'seed of the draw (required): the same seed redraws the same sample')
    .option('--from <date>', 'first day, YYYY-MM-DD (default: a year before --to)')
    .option('--to <date>', 'last day, YYYY-MM-DD (default: today)')
    .option('--risk <risk>', 'normal or higher (higher draws the upper size of the usual range)', 'normal')
    .option('--format <format>', 'text or json', 'text')
    .action(async (control: string, options) =>
      setExit(await (await import('./commands/sample.js')).sampleCommand(control, options, io)),
    )
}

/** `trustctl serve`. */
function registerServe(program: Command, { io, setExit, configOption }: Registration): void {
  program
    .command('serve')
    .description('start the team server and dashboard over the configured store (127.0.0.1 by default)')
    .addOption(configOption)
    .option('--host <host>', 'address to listen on (default: server.host); non-loopback only if given here')
    .option('--port <port>', 'port to listen on (default: server.port, 8700)')
    .option('--log-level <level>', 'request log: silent, error, warn, info', 'warn')
    .option(
      '--trust-proxy [hops|addresses]',
      'behind a TLS proxy: trust X-Forwarded-Proto/-For from that many hops (alone: 1) or from these addresses/CIDRs',
    )
    .option(
      '--worker',
      'no HTTP: only work the scheduled jobs shared through the PostgreSQL store (beside other servers and workers)',
    )
    .action(async (options) => setExit(await (await import('./commands/serve.js')).serveCommand(options, io)))
}

/** `trustctl users`. */
function registerUsers(program: Command, { io, setExit, configOption }: Registration): void {
  const users = program.command('users').description('local accounts of the team server')
  users
    .command('add')
    .description('add an account; prints a generated password once unless --password-stdin')
    .addOption(configOption)
    .requiredOption('--email <email>', 'sign-in email')
    .requiredOption('--name <name>', 'full name')
    .requiredOption('--role <role>', 'admin, editor, auditor or collector')
    .option('--from <date>', 'auditor: first day of the audit period, YYYY-MM-DD')
    .option('--to <date>', 'auditor: last day of the audit period, YYYY-MM-DD')
    .option('--password-stdin', 'read the password from the first line of standard input')
    .action(async (options) =>
      setExit(await (await import('./commands/users.js')).usersAddCommand(options, io)),
    )
  users
    .command('list')
    .description('every account with its role')
    .addOption(configOption)
    .option('--format <format>', 'text or json', 'text')
    .action(async (options) =>
      setExit(await (await import('./commands/users.js')).usersListCommand(options, io)),
    )
}

/** `trustctl tokens`. */
function registerTokens(program: Command, { io, setExit, configOption }: Registration): void {
  const tokens = program.command('tokens').description('API tokens for scripts and remote collectors')
  tokens
    .command('create')
    .description('create a token; its secret is printed once and stored only as a hash')
    .addOption(configOption)
    .requiredOption('--name <name>', 'what uses it (a collector token: the cluster, account or pipeline)')
    .requiredOption('--role <role>', 'admin, editor, auditor or collector')
    .option('--from <date>', 'auditor: first day of the audit period, YYYY-MM-DD')
    .option('--to <date>', 'auditor: last day of the audit period, YYYY-MM-DD')
    .option(
      '--kinds <patterns>',
      "collector: the evidence kinds it may push, comma-separated globs ('k8s.*,aws.*'; default: all)",
    )
    .action(async (options) =>
      setExit(await (await import('./commands/tokens.js')).tokensCreateCommand(options, io)),
    )
  tokens
    .command('list')
    .description('every token (never its secret)')
    .addOption(configOption)
    .option('--format <format>', 'text or json', 'text')
    .action(async (options) =>
      setExit(await (await import('./commands/tokens.js')).tokensListCommand(options, io)),
    )
  tokens
    .command('revoke <id>')
    .description('revoke a token: refused from the next request on')
    .addOption(configOption)
    .action(async (id: string, options) =>
      setExit(await (await import('./commands/tokens.js')).tokensRevokeCommand(id, options, io)),
    )
}

/** `trustctl admission serve|manifests|policies`: the webhook, its manifests and its policies. */
function registerAdmission(program: Command, { io, setExit, configOption }: Registration): void {
  const admission = program
    .command('admission')
    .description('the Kubernetes admission webhook: the same checks at the cluster door')
  admission
    .command('serve')
    .description('serve the validating admission webhook over TLS (POST /validate, GET /healthz)')
    .addOption(configOption)
    .option('--host <host>', 'address to listen on', '0.0.0.0')
    .option('--port <port>', 'port to listen on', '8443')
    .option('--tls-cert <file>', 'serving certificate (PEM); default: a generated one kept beside the store')
    .option('--tls-key <file>', 'its private key (PEM)')
    .option(
      '--tls-ca <file>',
      'the CA bundle to print for the webhook configuration (default: the certificate)',
    )
    .option(
      '--dns-name <name>',
      'a name of the generated certificate (repeatable; default: the in-cluster Service)',
      collect,
      [],
    )
    .action(async (options) =>
      setExit(await (await import('./commands/admission.js')).admissionServeCommand(options, io)),
    )
  admission
    .command('manifests')
    .description(
      'the webhook as Kubernetes resources: Deployment, PDB, Service, NetworkPolicy, RBAC, webhook configuration',
    )
    .addOption(configOption)
    .requiredOption('--image <ref>', 'the trustctl image, pinned by digest (registry/trustctl@sha256:…)')
    .option('--namespace <name>', 'namespace to run in', 'trustctl')
    .option('--ca-file <file>', 'CA bundle (PEM) of your own serving certificate; default: the generated one')
    .option('--cert-manager', 'let cert-manager make the serving certificate and inject the CA bundle')
    .option('--database-port <port>', 'port of the PostgreSQL ledger (egress is opened to it only)', '5432')
    .option('--out <file>', 'write to a file instead of standard output')
    .action(async (options) =>
      setExit(await (await import('./commands/admission.js')).admissionManifestsCommand(options, io)),
    )
  admission
    .command('policies')
    .description(
      'the checks CEL can express, as ValidatingAdmissionPolicies with bindings (no webhook needed)',
    )
    .addOption(configOption)
    .option('--out <file>', 'write to a file instead of standard output')
    .action(async (options) =>
      setExit(await (await import('./commands/admission.js')).admissionPoliciesCommand(options, io)),
    )
}

/** `trustctl access-review start|decide|list|close`: campaigns, each step signed into the ledger. */
function registerAccessReview(program: Command, { io, setExit, configOption }: Registration): void {
  const review = program
    .command('access-review')
    .description('access-review campaigns: open over the latest account snapshot, decide, close (signed)')
  review
    .command('start')
    .description("open a campaign over the latest snapshot of one system's accounts")
    .addOption(configOption)
    .option('--system <system>', 'okta, github, aws, google or entra')
    .option('--reviewer <user>', 'who reviews (the system owner)')
    .option('--due <date>', 'date the campaign must close by, YYYY-MM-DD')
    .option('--format <format>', 'text or json', 'text')
    .action(async (options) =>
      setExit(await (await import('./commands/access-review.js')).accessReviewStartCommand(options, io)),
    )
  review
    .command('decide')
    .description('record a decision on one account: keep, revoke or change, with a reason')
    .addOption(configOption)
    .option('--campaign <id>', 'the campaign')
    .option('--account <id>', 'the account id as the campaign lists it')
    .option('--decision <decision>', 'keep, revoke or change')
    .option('--reason <text>', 'why')
    .option('--by <user>', 'who decided (default: the campaign reviewer)')
    .option('--format <format>', 'text or json', 'text')
    .action(async (options) =>
      setExit(await (await import('./commands/access-review.js')).accessReviewDecideCommand(options, io)),
    )
  review
    .command('list')
    .description('campaigns and their progress; with --campaign, its accounts and decisions')
    .addOption(configOption)
    .option('--campaign <id>', 'one campaign')
    .option(
      '--format <format>',
      'text or json (json is a campaigns file the access-reviews source reads)',
      'text',
    )
    .action(async (options) =>
      setExit(await (await import('./commands/access-review.js')).accessReviewListCommand(options, io)),
    )
  review
    .command('close')
    .description('close a campaign whose accounts are all decided; records it signed')
    .addOption(configOption)
    .option('--campaign <id>', 'the campaign')
    .option('--format <format>', 'text or json', 'text')
    .action(async (options) =>
      setExit(await (await import('./commands/access-review.js')).accessReviewCloseCommand(options, io)),
    )
}

/** A registration and the names of the top-level commands it adds. */
export interface CommandRegistration {
  names: readonly string[]
  register: (program: Command, registration: Registration) => void
}

/** Every command, in the order `trustctl --help` lists them (a test checks each entry's names). */
export const commandRegistrations: readonly CommandRegistration[] = [
  { names: ['init'], register: registerInit },
  { names: ['assess'], register: registerAssess },
  { names: ['collect'], register: registerCollect },
  { names: ['gaps'], register: registerGaps },
  { names: ['plan'], register: registerPlan },
  { names: ['report'], register: registerReport },
  { names: ['package'], register: registerPackage },
  { names: ['explain'], register: registerExplain },
  { names: ['matrix'], register: registerMatrix },
  { names: ['vendors'], register: registerVendors },
  { names: ['crosswalk'], register: registerCrosswalk },
  { names: ['policies'], register: registerPolicies },
  { names: ['checks', 'controls'], register: registerCatalogLists },
  { names: ['verify'], register: registerVerify },
  { names: ['key'], register: registerKey },
  { names: ['history'], register: registerHistory },
  { names: ['diff'], register: registerDiff },
  { names: ['export'], register: registerExport },
  { names: ['population'], register: registerPopulation },
  { names: ['sample'], register: registerSample },
  { names: ['serve'], register: registerServe },
  { names: ['users'], register: registerUsers },
  { names: ['tokens'], register: registerTokens },
  { names: ['admission'], register: registerAdmission },
  { names: ['access-review'], register: registerAccessReview },
]

/**
 * The registrations a command line needs: only the one adding the command it names first, as a run
 * of that command parses and shows nothing of the others (building all of commander's two dozen
 * commands and their options was several milliseconds of every start). Anything else (no command,
 * `--help`, `help <command>`, a misspelt name commander suggests a command for) gets them all.
 */
export function registrationsFor(argv: readonly string[]): readonly CommandRegistration[] {
  const first = argv[0]
  const named = commandRegistrations.filter((entry) => first !== undefined && entry.names.includes(first))
  return named.length > 0 ? named : commandRegistrations
}
