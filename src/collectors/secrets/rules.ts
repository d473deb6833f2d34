/**
 * The curated secret rules. Every pattern starts with a fixed string (a token prefix or a keyword)
 * because one combined alternation scans at 100+ MB/s only while each branch can be rejected on its
 * first characters; a branch that opens with a character class halves that.
 *
 * `detect` is a fragment without capturing groups or backreferences: besides running alone, the rules
 * without `requires` are screened for together by their leads (scan-text.ts). `secret` (optional)
 * runs on the matched text to pick out the value that is fingerprinted, and `accept` rejects
 * look-alikes (placeholders, low-entropy words).
 */
export interface SecretRule {
  id: string
  title: string
  detect: string
  /** Picks the secret out of the match (group 1); the whole match when absent. */
  secret?: RegExp
  /** Extra test on the secret value; false drops the match. */
  accept?: (value: string) => boolean
  /** False when the match may follow a word character (the default requires a boundary before it). */
  boundary?: boolean
  /**
   * Match keywords in any case with the `i` flag. Measured here: 5x faster than spelling every letter
   * as a class (`[Pp][Aa]…`), which keeps the engine from skipping ahead on a literal.
   */
  ignoreCase?: boolean
  /**
   * What every match begins with, as a fragment like `detect` (no capturing groups): the scan looks
   * for the leads of all rules at once and tries a rule only where its lead matched. It must hold
   * wherever `detect` matches (a prefix of it, or a wider form of one): a lead that does not loses
   * matches. Absent, the whole of `detect` is its own lead. Rules sharing one lead are screened as
   * one branch, which is what makes a shared lead pay (see `assignmentLead`).
   */
  lead?: string
  /**
   * A literal every match contains or sits near: a text without it (without any of them, for a list)
   * skips the rule (`://` for connection strings).
   */
  requires?: string | readonly string[]
  /**
   * Drops a match whose line, up to the match, says it is code rather than configuration (`const `,
   * `let `): tested on matches only, which keeps it out of the scan's hot loop (as a lookbehind in
   * `detect` it made the rule four times slower).
   */
  rejectLine?: RegExp
}

/** Shannon entropy in bits per character: random tokens score above ~3.5, words and placeholders below. */
export function shannonEntropy(value: string): number {
  const counts = new Map<string, number>()
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1)
  let bits = 0
  for (const n of counts.values()) {
    const p = n / value.length
    bits -= p * Math.log2(p)
  }
  return bits
}

const placeholder =
  /^(?:x+|\*+|\.+|-+|<[^>]*>|\{[^}]*\}|\$\{?[A-Za-z_][\w.]*\}?|%\([^)]*\)s|changeme|example|redacted|your[-_].*|.*(?:EXAMPLE|example|dummy|placeholder|xxxx|change_?me).*)$/i
const notPlaceholder = (value: string): boolean => !placeholder.test(value)
const hasDigitAndLetter = (value: string): boolean => /\d/.test(value) && /[A-Za-z]/.test(value)

/** Generic assignments need a threshold: `password = "hunter2"` is too weak a signal on its own. */
export const genericEntropyThreshold = 3.5

/** Secret-like names, matched in any case (`ignoreCase`): `DB_PASSWORD`, `clientSecret`, `apiKey`. */
const keywordAlternatives = [
  // `db_pass`, `PASSWD`, `passphrase`, but not `passthrough` or `compass_heading`.
  'pass(?:word|wd|phrase)?(?![a-z])',
  'pwd(?![a-z])',
  'secret',
  'token',
  'api[_-]?key',
  'access[_-]?key',
  'credential',
].join('|')

/**
 * Where every assignment rule below begins: a secret-like name, up to 24 more name characters, maybe a
 * closing quote, spaces, then `:` or `=` (`:=` and `=>` begin with one). Each of those rules opens with
 * a narrower form of this (the password names are among the keywords; `[A-Za-z0-9_-]` and `[ \t]*`
 * are within `[A-Za-z0-9_.-]` and `["']?\s*`), so where this does not match, none of them does. Code
 * names these words everywhere (`token.refresh()`, `passwordHash`): screening for this one lead
 * instead of the four rules' own beginnings measured 2.7 times faster (bench/secrets-regex.bench.ts).
 *
 * The lookahead after the name changes nothing it matches (what follows the name must begin with a
 * quote, a space, `:` or `=`), but where a keyword is followed by a name that is not assigned
 * (`token.refresh(`), the engine gives up each shorter length of the name on one character test
 * instead of trying the optional quote, the spaces and `[:=]` there: the screen's keyword part took
 * 183 ms instead of 212 ms on the whole-process bench's 50 MB tree (one thread, best of 3), whose
 * code names `token` and `password` 1.3 million times.
 */
const assignmentLead = `(?:${keywordAlternatives})[A-Za-z0-9_.-]{0,24}(?=["'\\s:=])["']?\\s*[:=]`

/** A value assigned to a secret-like name that is a secret, not a reference, placeholder or name. */
function looksAssigned(v: string): boolean {
  return (
    // Template references (`${VAR}`, `{{ .Values.x }}`, `%(name)s`) are where a secret goes, not one.
    notPlaceholder(v) &&
    !/\$\{|\{\{|%\(|^\$[A-Za-z_]/.test(v) &&
    // Words joined by separators (`session-cache-token`) are names, not secrets.
    !/^[A-Za-z]+(?:[-_.:/ ][A-Za-z]+)*$/.test(v) &&
    shannonEntropy(v) >= genericEntropyThreshold
  )
}

/** Password-like names: a value given to one of them is a password even when a person chose it. */
const passwordAlternatives = 'pass(?:word|wd|phrase)?(?![a-z])|pwd(?![a-z])'

/**
 * An unquoted value that is not a secret by its shape: a path, a YAML tag, anchor or alias, a SOPS
 * or Ansible Vault envelope, a Kubernetes `$(VAR)` reference, a boolean.
 */
const notSecretShape = (v: string): boolean =>
  !/^(?:\.{0,2}\/|~\/|[!&*|>=]|ENC\[|\$ANSIBLE_VAULT|\$\(|(?:true|false|null|none|yes|no)$)/i.test(v) &&
  !isBase64Blob(v) &&
  !isCode(v)

/**
 * Source code, not configuration: a call (`cache.get(123)`), an index (`os.environ[KEY]`), a property
 * path (`config.auth.token`) or a statement end. Unquoted assignments in code are expressions.
 */
const isCode = (v: string): boolean =>
  /[()[\]{}]|[;,]$/.test(v) || /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/.test(v)

/** A line that declares a variable in code up to the match (`const token = …`, `let password = …`). */
const declaration = /(?:^|[\s(;{])(?:const|let|var|val|final|auto|def)\s+[A-Za-z0-9_.$-]*$/

/**
 * A canonical base64 blob of 40 characters or more: a Kubernetes Secret's `data` (judged by the
 * Kubernetes check that decodes it), a SealedSecret's ciphertext, a certificate. No password a person
 * chose looks like one, and machine tokens that do carry a vendor prefix the rules above know.
 */
const isBase64Blob = (v: string): boolean =>
  v.length >= 40 && v.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(v)

/**
 * A password a person chose (`Sup3rS3cret2024`) scores about 3.2 bits a character, below the 3.5 the
 * generic rule needs; under a password-like name a value with letters and digits or symbols is a
 * password in clear all the same, unless it is a reference, a placeholder, words or a path.
 */
function looksLikePassword(v: string): boolean {
  return (
    notPlaceholder(v) &&
    notSecretShape(v) &&
    !/\$\{|\{\{|%\(|^\$[A-Za-z_]/.test(v) &&
    !/^[A-Za-z]+(?:[-_.:/ ][A-Za-z]+)*$/.test(v) &&
    /[A-Za-z]/.test(v) &&
    /[^A-Za-z]/.test(v) &&
    // A short value cannot reach 3 bits a character (9 characters top out at 3.17): the bar scales
    // with the length, so `Orbit45ry` and `Winter44#nn` count while `aaaa1111` does not.
    shannonEntropy(v) >= Math.min(3, 0.85 * Math.log2(v.length))
  )
}

/**
 * The default of a Terraform variable named as a password (`variable "db_password"`): the name says what
 * it is, so a value a person typed (`Aa1234321Bb`) counts without the entropy bar. Letters and digits,
 * eight characters or more; references, placeholders and lower-case slugs (`app-v2`, `eu-west-1`) do not.
 */
function looksLikeChosenPassword(v: string): boolean {
  return (
    notPlaceholder(v) &&
    notSecretShape(v) &&
    !/\$\{|\{\{|%\(|^\$[A-Za-z_]/.test(v) &&
    hasDigitAndLetter(v) &&
    v.length >= 8 &&
    !/^[a-z0-9]+(?:[-_.][a-z0-9]+)*$/.test(v)
  )
}

/** A SaaS token recognised by its documented prefix alone. */
function vendorToken(id: string, title: string, detect: string): SecretRule[] {
  return [{ id, title, detect: `${detect}(?![A-Za-z0-9_-])`, accept: (v) => shannonEntropy(v) > 3 }]
}

export const secretRules: readonly SecretRule[] = [
  {
    id: 'aws-access-key-id',
    title: 'AWS access key id',
    detect: '(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])',
    accept: (v) => !v.endsWith('EXAMPLE'),
  },
  {
    id: 'aws-secret-access-key',
    title: 'AWS secret access key',
    ignoreCase: true,
    lead: 'aws_?secret_?access_?key',
    detect: `aws_?secret_?access_?key["']?\\s*[:=]>?\\s*["']?[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])`,
    secret: /([A-Za-z0-9/+]{40})$/,
    accept: (v) => !v.includes('EXAMPLEKEY') && shannonEntropy(v) > 3.5,
  },
  {
    // A secret access key written with no name to give it away (`RUN echo <key> > ~/.aws/credentials`):
    // a token of exactly 40 base64 characters within 300 characters of an access key id, either side.
    // It opens with a class, not a literal, so it runs only on a text that holds a key id at all; and
    // the token must mix lower case, upper case and a digit, `/` or `+`, which git hashes (lower-case
    // hex) and key ids (upper case) do not. Not a digit alone: one real key in a thousand has none
    // (0.84^39), and a key that slips through is stored in clear.
    id: 'aws-secret-access-key-near-key-id',
    title: 'AWS secret access key (next to an access key id)',
    requires: ['AKIA', 'ASIA'],
    detect:
      '(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=]))(?=[A-Za-z0-9/+]{0,39}[0-9/+])(?=[A-Za-z0-9/+]{0,39}[a-z])(?=[A-Za-z0-9/+]{0,39}[A-Z])' +
      '(?:(?<=(?:AKIA|ASIA)[A-Z0-9]{16}[\\s\\S]{0,300})|(?=[A-Za-z0-9/+]{40}[\\s\\S]{0,300}(?:AKIA|ASIA)[A-Z0-9]{16}))' +
      '[A-Za-z0-9/+]{40}',
    boundary: false,
    accept: (v) => !v.includes('EXAMPLEKEY') && shannonEntropy(v) > 4,
  },
  {
    id: 'gcp-service-account-key',
    title: 'Google Cloud service-account key',
    detect: '"private_key_id"\\s*:\\s*"[0-9a-f]{40}"',
    secret: /"([0-9a-f]{40})"$/,
    boundary: false,
  },
  {
    id: 'gcp-api-key',
    title: 'Google API key',
    detect: 'AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])',
  },
  {
    id: 'azure-storage-account-key',
    title: 'Azure storage account key',
    detect: 'AccountKey=[A-Za-z0-9+/]{86}==',
    secret: /AccountKey=(.+)$/,
  },
  {
    id: 'github-token',
    title: 'GitHub token',
    detect: 'gh[pousr]_[A-Za-z0-9]{36,251}(?![A-Za-z0-9])',
  },
  {
    id: 'github-fine-grained-token',
    title: 'GitHub fine-grained personal access token',
    detect: 'github_pat_[A-Za-z0-9_]{82}(?![A-Za-z0-9_])',
  },
  {
    id: 'gitlab-token',
    title: 'GitLab token',
    detect: 'gl(?:pat|dt|rt|ptt|cbt|oas)-[A-Za-z0-9_-]{20,128}(?![A-Za-z0-9_-])',
  },
  {
    id: 'private-key',
    title: 'Private key (PEM block)',
    detect: '-----BEGIN (?:RSA |DSA |EC |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----',
    boundary: false,
  },
  {
    id: 'slack-token',
    title: 'Slack token',
    detect: 'xox[abposr]-(?:\\d-)?[A-Za-z0-9]{1,40}(?:-[A-Za-z0-9]{1,40}){1,4}(?![A-Za-z0-9-])',
    accept: (v) => v.length >= 24 && hasDigitAndLetter(v),
  },
  {
    id: 'slack-webhook',
    title: 'Slack incoming webhook',
    detect:
      'hooks\\.slack\\.com/(?:services|workflows|triggers)/[A-Za-z0-9_]{8,}/[A-Za-z0-9_]{8,}/[A-Za-z0-9_]{16,}',
    boundary: false,
  },
  {
    id: 'stripe-key',
    title: 'Stripe secret or restricted key',
    detect: '(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{24,99}(?![A-Za-z0-9])',
  },
  {
    id: 'twilio-api-key',
    title: 'Twilio API key',
    detect: 'SK[0-9a-f]{32}(?![0-9A-Za-z])',
    accept: (v) => shannonEntropy(v) > 3,
  },
  {
    id: 'sendgrid-api-key',
    title: 'SendGrid API key',
    detect: 'SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])',
  },
  {
    id: 'npm-token',
    title: 'npm access token',
    detect: 'npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])',
    accept: hasDigitAndLetter,
  },
  {
    id: 'anthropic-api-key',
    title: 'Anthropic API key',
    detect: 'sk-ant-(?:api|admin)\\d\\d-[A-Za-z0-9_-]{80,128}(?![A-Za-z0-9_-])',
  },
  {
    id: 'openai-style-key',
    title: 'OpenAI-style API key (sk-…)',
    detect: 'sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{32,200}(?![A-Za-z0-9_-])',
    accept: (v) => hasDigitAndLetter(v) && shannonEntropy(v) > 4,
  },
  {
    id: 'connection-string-password',
    title: 'Password in a database or broker connection string',
    detect:
      '(?:postgres(?:ql)?|mysqlx?|mongodb(?:\\+srv)?|rediss?|amqps?|mssql|sqlserver)://[^:/\\s@"\']{1,100}:[^@/\\s"\']{3,200}@',
    requires: '://',
    secret: /:([^:@]+)@$/,
    accept: (v) => notPlaceholder(v) && !/^(?:pass(?:word)?|secret|\*+|\$\{?[A-Za-z_].*)$/i.test(v),
    boundary: false,
  },
  ...vendorToken('huggingface-token', 'Hugging Face access token', 'hf_[A-Za-z]{34}'),
  ...vendorToken('groq-api-key', 'Groq API key', 'gsk_[A-Za-z0-9]{52}'),
  ...vendorToken('shopify-token', 'Shopify access token', 'shp(?:pa|ca|at|ss)_[A-Za-z0-9]{32,64}'),
  ...vendorToken('docker-hub-token', 'Docker Hub personal access token', 'dckr_pat_[A-Za-z0-9_-]{27}'),
  ...vendorToken('databricks-token', 'Databricks API token', 'dapi[a-f0-9]{32}(?:-\\d)?'),
  ...vendorToken('figma-token', 'Figma personal access token', 'figd_[A-Za-z0-9_-]{40,200}'),
  ...vendorToken('linear-api-key', 'Linear API key', 'lin_api_[A-Za-z0-9_]{32,128}'),
  ...vendorToken('notion-token', 'Notion integration token', 'ntn_\\d{11}[A-Za-z0-9]{35}'),
  ...vendorToken('vercel-token', 'Vercel token', 'vc[pircak]_[A-Za-z0-9]{20,60}'),
  ...vendorToken('vault-token', 'HashiCorp Vault token', 'hv[sbr]\\.[A-Za-z0-9_-]{90,300}'),
  ...vendorToken(
    'grafana-token',
    'Grafana Cloud or service-account token',
    'gl(?:c_[A-Za-z0-9+/]{32,400}={0,2}|sa_[A-Za-z0-9]{32}_[a-fA-F0-9]{8})',
  ),
  ...vendorToken('1password-token', '1Password service-account token', 'ops_ey[A-Za-z0-9+/=]{100,1280}'),
  ...vendorToken(
    'tailscale-key',
    'Tailscale key',
    'tskey-[a-z]{2,20}-[0-9A-Za-z_]{8,40}-[0-9A-Za-z_]{16,60}',
  ),
  ...vendorToken('cloudflare-token', 'Cloudflare API token', 'cf(?:k|ut|at)_[A-Za-z0-9]{40}[0-9a-f]{8}'),
  {
    id: 'jwt',
    title: 'JSON Web Token',
    detect: 'eyJ[A-Za-z0-9_-]{10,}\\.eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}',
  },
  {
    // A Kubernetes env entry (`- name: DB_PASSWORD` then `value: …` on the next line, or both in one
    // flow mapping): the name gives the secret away, but not on the line that holds it.
    id: 'secret-named-env-value',
    title: 'High-entropy value of an env entry with a secret-like name',
    ignoreCase: true,
    // Up to three other keys of the same entry may stand between the name and the value.
    lead: 'name:',
    detect: `name:\\s*["']?[A-Za-z0-9_.-]{0,40}(?:${keywordAlternatives})s?["']?(?:\\n[ \\t]+[A-Za-z]\\w*:[^\\n]*){0,3}\\s*[,\\n]\\s*value:\\s*["']?[^"'\\s,}]{12,200}`,
    secret: /value:\s*["']?([^"'\s,}]{12,200})$/i,
    accept: looksAssigned,
  },
  {
    // The same env entry written value first (`kubectl get -o yaml` sorts keys; some generators
    // do not): `- value: …` then `name: DB_PASSWORD` on the next line.
    id: 'secret-named-env-value-before-name',
    title: 'High-entropy value of an env entry with a secret-like name',
    ignoreCase: true,
    lead: 'value:',
    detect: `value:[ \\t]*["']?[^"'\\s,}]{12,200}["']?[ \\t]*\\n[ \\t]+name:[ \\t]*["']?[A-Za-z0-9_.-]{0,40}(?:${keywordAlternatives})s?["']?[ \\t]*(?=\\n|$)`,
    secret: /^value:[ \t]*["']?([^"'\s,}]{12,200})/i,
    accept: looksAssigned,
  },
  {
    // A Terraform variable whose name says it is a secret, with the secret as its default.
    id: 'secret-named-variable-default',
    title: 'High-entropy default of a Terraform variable with a secret-like name',
    ignoreCase: true,
    // One level of nested braces (`type = object({…})`, a `validation { … }` block) may come first.
    lead: 'variable\\s',
    detect: `variable\\s+"[A-Za-z0-9_-]{0,40}(?:${keywordAlternatives})s?"\\s*\\{(?:[^{}]|\\{[^{}]{0,300}\\}){0,600}?default\\s*=\\s*"[^"\\s]{8,200}"`,
    secret: /default\s*=\s*"([^"\s]{8,200})"$/i,
    accept: (v) => looksAssigned(v) || looksLikeChosenPassword(v),
  },
  {
    id: 'generic-secret-assignment',
    title: 'High-entropy value assigned to a secret-like name',
    // The keyword may end a longer name (`DB_PASSWORD`, `clientSecret`): no boundary before it.
    ignoreCase: true,
    lead: assignmentLead,
    detect: `(?:${keywordAlternatives})[A-Za-z0-9_-]{0,24}["']?\\s*(?::=|=>|[:=])\\s*["'][^"'\\s]{12,200}["']`,
    secret: /["']([^"'\s]{12,200})["']$/,
    accept: looksAssigned,
    boundary: false,
  },
  {
    // `.env`, `.properties`, YAML and INI write values unquoted: `DB_PASSWORD=…`,
    // `spring.datasource.password=…`, `postgresPassword: …`. The value runs to the end of the line
    // (a trailing `# comment` aside) and holds no space, so prose that mentions a password is no match;
    // nor angle brackets, so a value that runs into markup (`secret.scan: 1</td>` in HTML) is none either.
    id: 'unquoted-password-assignment',
    title: 'Password assigned unquoted in a configuration file',
    ignoreCase: true,
    // `#` opens a comment only after a space (dotenv, YAML and .properties agree): `Maple-4477#dr`
    // is one value.
    lead: assignmentLead,
    detect: `(?:${passwordAlternatives})[A-Za-z0-9_.-]{0,24}[ \\t]*[:=][ \\t]*[^\\s"'#<>][^\\s"'<>]{7,199}(?=[ \\t]*(?:#[^\\n]*)?(?:\\r?\\n|$))`,
    secret: /[:=][ \t]*([^\s"'#<>][^\s"'<>]{7,199})$/,
    accept: looksLikePassword,
    rejectLine: declaration,
    boundary: false,
  },
  {
    // The same for tokens, keys and secrets, which are machine-made: the generic entropy bar holds.
    id: 'unquoted-secret-assignment',
    title: 'High-entropy value assigned unquoted to a secret-like name',
    ignoreCase: true,
    lead: assignmentLead,
    detect: `(?:${keywordAlternatives})[A-Za-z0-9_.-]{0,24}[ \\t]*[:=][ \\t]*[^\\s"'#<>][^\\s"'<>]{11,199}(?=[ \\t]*(?:#[^\\n]*)?(?:\\r?\\n|$))`,
    secret: /[:=][ \t]*([^\s"'#<>][^\s"'<>]{11,199})$/,
    accept: (v) => looksAssigned(v) && notSecretShape(v),
    rejectLine: declaration,
    boundary: false,
  },
  {
    // A quoted password a person chose, below the generic entropy bar: `"password": "Sup3rS3cret2024"`.
    id: 'quoted-password-assignment',
    title: 'Password assigned in a configuration file',
    ignoreCase: true,
    lead: assignmentLead,
    detect: `(?:${passwordAlternatives})[A-Za-z0-9_-]{0,24}["']?\\s*(?::=|=>|[:=])\\s*["'][^"'\\s]{8,200}["']`,
    secret: /["']([^"'\s]{8,200})["']$/,
    accept: looksLikePassword,
    boundary: false,
  },
]
