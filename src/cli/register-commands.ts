import type { Command, Option } from 'commander'
import { reportFormatsHelp } from '../app/write-report.js'
import type { CliIo } from './cli-io.js'
import { registerAccessReview } from './commands/access-review.js'
import { registerAdmission } from './commands/admission.js'
import { assessCommand } from './commands/assess.js'
import { collectCommand, defaultMaxBatchBytes } from './commands/collect.js'
import { crosswalkCommand } from './commands/crosswalk.js'
import { diffCommand } from './commands/diff.js'
import { explainCommand } from './commands/explain.js'
import { exportCommand } from './commands/export.js'
import { gapsCommand } from './commands/gaps.js'
import { historyCommand } from './commands/history.js'
import { initCommand } from './commands/init.js'
import { keyRotateCommand } from './commands/key.js'
import { matrixCommand } from './commands/matrix.js'
import { packageCommand } from './commands/package.js'
import { policiesListCommand, policiesRenderCommand } from './commands/policies.js'
import { populationCommand } from './commands/population.js'
import { reportCommand } from './commands/report.js'
import { sampleCommand } from './commands/sample.js'
import { serveCommand } from './commands/serve.js'
import { tokensCreateCommand, tokensListCommand, tokensRevokeCommand } from './commands/tokens.js'
import { usersAddCommand, usersListCommand } from './commands/users.js'
import { vendorsAddCommand, vendorsImportCommand, vendorsListCommand } from './commands/vendors.js'
import { verifyCommand } from './commands/verify.js'

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
        await initCommand(
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
    .action(async (options) => setExit(await assessCommand(options, io)))
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
    .action(async (options) => setExit(await collectCommand(options, io)))
}

/** `trustctl gaps`. */
function registerGaps(program: Command, { io, setExit, configOption }: Registration): void {
  program
    .command('gaps')
    .description('list gaps with remediation: what, why, owner, due date, severity')
    .addOption(configOption)
    .option('--format <format>', 'text or json', 'text')
    .option('--severity <severity>', 'only gaps at or above this severity')
    .action(async (options) => setExit(await gapsCommand(options, io)))
}

/** `trustctl report`. */
function registerReport(program: Command, { io, setExit, configOption }: Registration): void {
  program
    .command('report')
    .description('write the readiness report')
    .addOption(configOption)
    .option('--format <list>', reportFormatsHelp, 'md,html,json')
    .option('--out <dir>', 'output folder (default: report.out in trustctl.yaml, "reports")')
    .action(async (options) => setExit(await reportCommand(options, io)))
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
    .action(async (options) => setExit(await packageCommand(options, io)))
}

/** `trustctl explain`. */
function registerExplain(program: Command, { io, setExit, configOption }: Registration): void {
  program
    .command('explain <id>')
    .description('explain a criterion (CC6.1), control or check in plain words, with the latest result')
    .addOption(configOption)
    .option('--format <format>', 'text or json', 'text')
    .action(async (id: string, options) => setExit(await explainCommand(id, options, io)))
}

/** `trustctl matrix`. */
function registerMatrix(program: Command, { io, setExit, configOption }: Registration): void {
  program
    .command('matrix')
    .description('the responsibility matrix: every control in scope × every provider service in use')
    .addOption(configOption)
    .option('--format <format>', 'text, json, csv or svg', 'text')
    .option('--out <file>', 'write to a file instead of standard output')
    .action(async (options) => setExit(await matrixCommand(options, io)))
}

/** `trustctl vendors`. */
function registerVendors(program: Command, { io, setExit, configOption }: Registration): void {
  const vendors = program.command('vendors').description('the vendor register and its SOC 2 reports')
  vendors
    .command('list')
    .description("each vendor's report: period, opinion, bridge letter, CUECs mapped, gaps")
    .addOption(configOption)
    .option('--format <format>', 'text or json', 'text')
    .action(async (options) => setExit(await vendorsListCommand(options, io)))
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
    .action(async (name: string, options) => setExit(await vendorsAddCommand(name, options, io)))
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
    .action(async (file: string, options) => setExit(await vendorsImportCommand(file, options, io)))
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
    .action(async (options) => setExit(await crosswalkCommand(options, io)))
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
    .action(async (options) => setExit(await policiesListCommand(options, io)))
  policies
    .command('render')
    .description("write the policies filled in with the organization's details")
    .addOption(configOption)
    .requiredOption('--out <dir>', 'folder to write the Markdown files to')
    .option('--format <format>', 'text or json (what is printed)', 'text')
    .action(async (options) => setExit(await policiesRenderCommand(options, io)))
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
    .action(async (options) => setExit(await verifyCommand(options, io)))
}

/** `trustctl key`. */
function registerKey(program: Command, { io, setExit, configOption }: Registration): void {
  const key = program.command('key').description('the key that signs the ledger')
  key
    .command('rotate')
    .description('create a new signing key, endorsed in the ledger by the current one; update trustctl.yaml')
    .addOption(configOption)
    .action(async (options) => setExit(await keyRotateCommand(options, io)))
}

/** `trustctl history`. */
function registerHistory(program: Command, { io, setExit, configOption }: Registration): void {
  program
    .command('history')
    .description('readiness per stored run, oldest first')
    .addOption(configOption)
    .option('--format <format>', 'text or json', 'text')
    .action(async (options) => setExit(await historyCommand(options, io)))
}

/** `trustctl diff`. */
function registerDiff(program: Command, { io, setExit, configOption }: Registration): void {
  program
    .command('diff <runA> <runB>')
    .description('what got fixed, regressed, is new or is gone between two stored runs')
    .addOption(configOption)
    .option('--format <format>', 'text or json', 'text')
    .action(async (a: string, b: string, options) => setExit(await diffCommand(a, b, options, io)))
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
    .action(async (options) => setExit(await exportCommand(options, io)))
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
    .action(async (control: string, options) => setExit(await populationCommand(control, options, io)))
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
    .action(async (control: string, options) => setExit(await sampleCommand(control, options, io)))
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
    .action(async (options) => setExit(await serveCommand(options, io)))
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
    .action(async (options) => setExit(await usersAddCommand(options, io)))
  users
    .command('list')
    .description('every account with its role')
    .addOption(configOption)
    .option('--format <format>', 'text or json', 'text')
    .action(async (options) => setExit(await usersListCommand(options, io)))
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
    .action(async (options) => setExit(await tokensCreateCommand(options, io)))
  tokens
    .command('list')
    .description('every token (never its secret)')
    .addOption(configOption)
    .option('--format <format>', 'text or json', 'text')
    .action(async (options) => setExit(await tokensListCommand(options, io)))
  tokens
    .command('revoke <id>')
    .description('revoke a token: refused from the next request on')
    .addOption(configOption)
    .action(async (id: string, options) => setExit(await tokensRevokeCommand(id, options, io)))
}

/** Every command, in the order `trustctl --help` lists them. */
export const commandRegistrations: readonly ((program: Command, registration: Registration) => void)[] = [
  registerInit,
  registerAssess,
  registerCollect,
  registerGaps,
  registerReport,
  registerPackage,
  registerExplain,
  registerMatrix,
  registerVendors,
  registerCrosswalk,
  registerPolicies,
  registerVerify,
  registerKey,
  registerHistory,
  registerDiff,
  registerExport,
  registerPopulation,
  registerSample,
  registerServe,
  registerUsers,
  registerTokens,
  // issue 16: the admission webhook, its manifests and its policies (src/cli/commands/admission.ts).
  registerAdmission,
  // issue 17: access-review campaigns, each step signed into the ledger (src/cli/commands/access-review.ts).
  registerAccessReview,
]
