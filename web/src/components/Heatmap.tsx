import type { Overview } from '../../../src/server/contract/types'
import { withQuery } from '../api'
import { labelOf, labels } from '../labels'
import { Link } from '../router'

const legend = ['ready', 'partial', 'not-ready', 'no-control', 'not-applicable'] as const

/** Criteria by category, each cell coloured by status and labelled with id, readiness and status word. */
export function Heatmap({
  categories,
  run,
}: {
  categories: Overview['categories']
  run?: string | undefined
}) {
  return (
    <div className="heatmap">
      <p className="muted">{labels().readinessExplanation}</p>
      <ul className="legend" aria-label="Legend">
        {legend.map((status) => (
          <li key={status}>
            <span className={`swatch cell-${status}`} aria-hidden="true" />
            {labels().criterionStatus[status]}
          </li>
        ))}
      </ul>
      {categories.map((category) => (
        <section key={category.id} aria-labelledby={`heat-${category.id}`} className="heat-category">
          <h3 id={`heat-${category.id}`}>
            {category.title} <span className="muted">· {category.readiness}% ready</span>
          </h3>
          <ul className="cells">
            {category.criteria.map((criterion) => (
              <li key={criterion.id}>
                <Link
                  to={withQuery('/controls', { criterion: criterion.id, run })}
                  className={`cell cell-${criterion.status}`}
                  title={`${criterion.id} ${criterion.title}`}
                  aria-label={`${criterion.id} ${criterion.title}: ${labelOf(labels().criterionStatus, criterion.status)}, ${criterion.readiness}% ready, ${criterion.controls.length} controls`}
                >
                  <strong>{criterion.id}</strong>
                  <span>{criterion.readiness}%</span>
                  <span className="cell-status">{labelOf(labels().criterionStatus, criterion.status)}</span>
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  )
}
