import type { AssessmentModel } from '../assessment.js'
import type { LedgerReference, ThirdPartyReference } from './model.js'

/** The ledger entry of the run, as the package cites it: the key that verifies it and the chain head. */
export function ledgerOf(model: AssessmentModel): LedgerReference | undefined {
  const ledger = model.ledger
  if (ledger === undefined) return undefined
  return {
    algorithm: 'Ed25519',
    publicKey: ledger.publicKey,
    keyId: ledger.publicKeyFingerprint,
    head: ledger.chainHead,
  }
}

/** Vendors' reports, the responsibility matrix and the vendors' CUECs, from the third-party section. */
export function thirdPartiesOf(model: AssessmentModel): ThirdPartyReference | undefined {
  const section = model.thirdParties
  if (section === undefined) return undefined
  const providersByControl = new Map<string, Set<string>>()
  for (const cell of section.matrix.cells) {
    if (String(cell.owner) === 'us') continue
    const set = providersByControl.get(cell.control) ?? new Set<string>()
    set.add(cell.provider)
    providersByControl.set(cell.control, set)
  }
  return {
    attestations: section.vendors
      .filter((v) => v.reportRequired || v.report !== undefined)
      .map((v) => {
        const r = v.report
        const row: ThirdPartyReference['attestations'][number] = {
          vendor: v.name,
          report: r === undefined ? 'none on file' : `SOC 2 Type ${r.type}`,
          period: r === undefined ? String(v.coverage) : `${r.periodStart ?? '…'} to ${r.periodEnd}`,
          opinion: r?.opinion ?? '',
        }
        if (r?.bridgeLetterEnd !== undefined) row.bridgeLetter = `through ${r.bridgeLetterEnd}`
        if (r?.reviewedOn !== undefined) row.reviewedOn = r.reviewedOn
        return row
      }),
    responsibilities: section.matrix.controls.map((c) => {
      const providers = [...(providersByControl.get(c.control) ?? [])]
      const row: ThirdPartyReference['responsibilities'][number] = {
        control: c.control,
        responsibility: String(c.owner),
      }
      if (providers.length > 0) row.provider = providers.join(', ')
      return row
    }),
    providerUserControls: section.vendors.flatMap((v) =>
      v.cuecs.map((cuec) => {
        const row: ThirdPartyReference['providerUserControls'][number] = {
          provider: v.name,
          control: cuec.text,
        }
        if (cuec.mappedTo !== undefined) row.addressedBy = cuec.mappedTo
        return row
      }),
    ),
  }
}
