import { execFileSync } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ConfigError } from '../../core/errors.js'

/** The serving certificate and key the webhook listens with, and the CA bundle the API server trusts. */
export interface WebhookTls {
  cert: string
  key: string
  /** PEM of the CA that signed the serving certificate (caBundle, base64 of it, in the configuration). */
  caBundle: string
  /** Where the files are, for the operator. */
  files: { cert: string; key: string; ca?: string }
  generated: boolean
}

/** Reads a certificate and key given on the command line; names the file that is wrong. */
export function readTlsFiles(certFile: string, keyFile: string, caFile?: string): WebhookTls {
  const cert = readPem(certFile, '--tls-cert')
  const key = readPem(keyFile, '--tls-key')
  try {
    new X509Certificate(cert)
  } catch (error) {
    throw new ConfigError(`--tls-cert ${certFile}: not a PEM certificate (${(error as Error).message})`)
  }
  // Without a separate CA the certificate chain in the file is the bundle (self-signed or full chain).
  const caBundle = caFile === undefined ? cert : readPem(caFile, '--tls-ca')
  return {
    cert,
    key,
    caBundle,
    files: { cert: certFile, key: keyFile, ...(caFile === undefined ? {} : { ca: caFile }) },
    generated: false,
  }
}

/** A CA bundle file (PEM), checked to hold a certificate. */
export function readCaBundle(file: string): string {
  const pem = readPem(file, '--ca-file')
  try {
    new X509Certificate(pem)
  } catch (error) {
    throw new ConfigError(`--ca-file ${file}: not a PEM certificate (${(error as Error).message})`)
  }
  return pem
}

function readPem(file: string, flag: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    throw new ConfigError(
      `${flag} ${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? error})`,
    )
  }
}

/**
 * The certificate kept in `dir` (beside the store), made on first use: a CA of its own and a serving
 * certificate for `dnsNames` signed by it. Node's crypto makes keys but not certificates, and no X.509
 * library is among the dependencies, so the certificates are made by the `openssl` command; without it
 * the operator is told to pass --tls-cert and --tls-key. A certificate within 30 days of expiry, or not
 * naming every requested host, is made again.
 */
export function ensureGeneratedTls(dir: string, dnsNames: readonly string[], now: Date): WebhookTls {
  const files = {
    cert: path.join(dir, 'tls.crt'),
    key: path.join(dir, 'tls.key'),
    ca: path.join(dir, 'ca.crt'),
  }
  if (existsSync(files.cert) && existsSync(files.key) && existsSync(files.ca)) {
    const cert = readFileSync(files.cert, 'utf8')
    if (stillGood(cert, dnsNames, now)) {
      return {
        cert,
        key: readFileSync(files.key, 'utf8'),
        caBundle: readFileSync(files.ca, 'utf8'),
        files,
        generated: false,
      }
    }
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const work = mkdtempSync(path.join(os.tmpdir(), 'trustctl-tls-'))
  try {
    const ca = { key: path.join(dir, 'ca.key'), cert: files.ca }
    // The CA is kept while it is good: its bundle is in the cluster's webhook configuration, and a new
    // serving certificate (other names, near expiry) must not force that to change.
    if (!caStillGood(ca, now))
      openssl([
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        ca.key,
        '-out',
        ca.cert,
        '-days',
        '3650',
        '-subj',
        '/CN=trustctl admission webhook CA',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      ])
    const csr = path.join(work, 'tls.csr')
    openssl([
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      files.key,
      '-out',
      csr,
      '-subj',
      `/CN=${dnsNames[0] ?? 'localhost'}`,
    ])
    const extensions = path.join(work, 'ext.cnf')
    writeFileSync(
      extensions,
      [
        'basicConstraints=critical,CA:FALSE',
        'keyUsage=critical,digitalSignature',
        'extendedKeyUsage=serverAuth',
        `subjectAltName=${dnsNames.map(altName).join(',')}`,
      ].join('\n'),
    )
    openssl([
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      ca.cert,
      '-CAkey',
      ca.key,
      '-CAcreateserial',
      '-CAserial',
      path.join(work, 'ca.srl'),
      '-out',
      files.cert,
      '-days',
      '397',
      '-extfile',
      extensions,
    ])
    chmodSync(ca.key, 0o600)
    chmodSync(files.key, 0o600)
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
  return {
    cert: readFileSync(files.cert, 'utf8'),
    key: readFileSync(files.key, 'utf8'),
    caBundle: readFileSync(files.ca, 'utf8'),
    files,
    generated: true,
  }
}

/** `DNS:name` or `IP:address`, as subjectAltName takes them. */
function altName(name: string): string {
  return /^[\d.]+$/.test(name) || name.includes(':') ? `IP:${name}` : `DNS:${name}`
}

function caStillGood(ca: { key: string; cert: string }, now: Date): boolean {
  if (!existsSync(ca.key) || !existsSync(ca.cert)) return false
  try {
    const cert = new X509Certificate(readFileSync(ca.cert, 'utf8'))
    return cert.ca && now.getTime() < new Date(cert.validTo).getTime() - 400 * 24 * 3600 * 1000
  } catch {
    return false
  }
}

function stillGood(pem: string, dnsNames: readonly string[], now: Date): boolean {
  try {
    const cert = new X509Certificate(pem)
    const renewBy = new Date(cert.validTo).getTime() - 30 * 24 * 3600 * 1000
    const names = cert.subjectAltName ?? ''
    return (
      now.getTime() < renewBy &&
      dnsNames.every((n) => names.includes(altName(n).replace('IP:', 'IP Address:')))
    )
  } catch {
    return false
  }
}

function openssl(args: string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') {
      throw new ConfigError('cannot make a certificate: the openssl command is not installed', {
        hint: 'install openssl, or pass --tls-cert and --tls-key (e.g. from cert-manager)',
      })
    }
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim() ?? ''
    throw new ConfigError(`openssl ${args[0]} failed: ${stderr || String(error)}`)
  }
}
