import type { Risk } from '../config-third-parties.js'
import { didYouMean } from '../did-you-mean.js'
import { ConfigError } from '../errors.js'

export interface RiskEntry {
  id: string
  title: string
  likelihood: number
  impact: number
  /** likelihood × impact, 1–25. */
  score: number
  level: 'low' | 'medium' | 'high'
  treatment: Risk['treatment']
  controls: string[]
  owner?: string
  reviewedOn?: string
}

/** The risk register (CC3): each risk scored, its linked controls checked against the library. */
export function assessRisks(
  risks: readonly Risk[],
  controlIds: ReadonlySet<string>,
  where: string,
): RiskEntry[] {
  const ids = new Set<string>()
  return risks.map((risk, i) => {
    if (ids.has(risk.id)) throw new ConfigError(`${where}: risks[${i}].id: '${risk.id}' is used twice`)
    ids.add(risk.id)
    risk.controls.forEach((control, j) => {
      if (!controlIds.has(control))
        throw new ConfigError(
          `${where}: risks[${i}].controls[${j}]: no such control '${control}'${didYouMean(control, controlIds)}`,
          {
            hint: 'use a control id of the library (trustctl explain <control-id>)',
          },
        )
    })
    if (risk.treatment === 'mitigate' && risk.controls.length === 0)
      throw new ConfigError(
        `${where}: risks[${i}].controls: a mitigated risk names the controls that mitigate it`,
      )
    const score = risk.likelihood * risk.impact
    return {
      id: risk.id,
      title: risk.title,
      likelihood: risk.likelihood,
      impact: risk.impact,
      score,
      // Thresholds of a common 5×5 heat map: 15 and above high, 8 and above medium.
      level: score >= 15 ? 'high' : score >= 8 ? 'medium' : 'low',
      treatment: risk.treatment,
      controls: risk.controls,
      ...(risk.owner === undefined ? {} : { owner: risk.owner }),
      ...(risk.reviewedOn === undefined ? {} : { reviewedOn: risk.reviewedOn }),
    }
  })
}
