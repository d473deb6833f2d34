import { rotateSigningKey } from '../../app/key-rotation.js'
import { loadConfig } from '../../app/load-config.js'

/** `trustctl key rotate`: a new signing key, endorsed in the ledger by the current one. */
export async function keyRotateCommand(
  options: { config?: string },
  io: { cwd: string; out: (text: string) => void },
): Promise<number> {
  const loaded = await loadConfig(options.config, io.cwd)
  const r = await rotateSigningKey(loaded, process.env, new Date())
  io.out(
    [
      `Rotated the signing key: ${r.previous.fingerprint.slice(0, 16)}… endorsed ${r.next.fingerprint.slice(0, 16)}… in run ${r.runId}.`,
      `  new key     ${r.keyFile} (keep it safe, out of the repository; the old key can be retired)`,
      '  trustctl.yaml  store.key points at it; ledger.endorsed lists it. Commit trustctl.yaml and trustctl.anchor.',
      ...(r.envOverride ? [`  TRUSTCTL_SIGNING_KEY is set: point it at ${r.keyFile}`] : []),
      '',
    ].join('\n'),
  )
  return 0
}
