import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { type PolicyDetails, renderPolicy } from '../../core/third-parties/policies.js'
import { type CommandIo, loadThirdPartyView, parseFormat } from './matrix.js'

export interface PoliciesOptions {
  config?: string
  format: string
}

/** `trustctl policies list`: each policy with its owner, version, approval and review state. */
export async function policiesListCommand(options: PoliciesOptions, io: CommandIo): Promise<number> {
  const format = parseFormat(options.format, ['text', 'json'] as const)
  const view = await loadThirdPartyView(options.config, io.cwd)
  const policies = view.section.policies
  if (format === 'json') {
    io.out(`${JSON.stringify(policies, null, 2)}\n`)
    return 0
  }
  const pad = (s: string, n: number): string => s.padEnd(n)
  const lines = [
    `${pad('policy', 32)} ${pad('owner role', 12)} ${pad('version', 8)} ${pad('approved', 11)} ${pad('next review', 12)} state`,
  ]
  for (const p of policies)
    lines.push(
      `${pad(p.id, 32)} ${pad(p.ownerRole, 12)} ${pad(p.version, 8)} ${pad(p.approval?.date ?? '—', 11)} ${pad(p.nextReview ?? '—', 12)} ${p.state}`,
    )
  io.out(`${lines.join('\n')}\n`)
  return 0
}

export interface PoliciesRenderOptions extends PoliciesOptions {
  out: string
}

/** `trustctl policies render --out DIR`: writes each policy filled in with the organization's details. */
export async function policiesRenderCommand(options: PoliciesRenderOptions, io: CommandIo): Promise<number> {
  const format = parseFormat(options.format, ['text', 'json'] as const)
  const view = await loadThirdPartyView(options.config, io.cwd)
  const config = view.loaded.config
  const details: PolicyDetails = {
    organization: config.organization,
    system: config.system.name,
    systemDescription: config.system.description,
    owners: config.owners,
    asOf: config.scope.asOf,
  }
  const outDir = path.resolve(io.cwd, options.out)
  await mkdir(outDir, { recursive: true })
  const written: string[] = []
  for (const template of view.thirdParties.policies) {
    const file = path.join(outDir, `${template.meta.id}.md`)
    await writeFile(file, renderPolicy(template, details, config.policies[template.meta.id]))
    written.push(file)
  }
  io.out(
    format === 'json'
      ? `${JSON.stringify({ written }, null, 2)}\n`
      : `${written.length} policies written to ${path.relative(io.cwd, outDir) || outDir}\n`,
  )
  return 0
}
