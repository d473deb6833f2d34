import type { RunSummary } from '../../../src/server/contract/types'
import { formatTime } from '../labels'

const width = 480
const height = 200
const margin = { top: 16, right: 44, bottom: 36, left: 44 }

/** Where each run's readiness falls on the chart: runs evenly spaced, oldest on the left. */
export function trendPoints(items: readonly RunSummary[]): { x: number; y: number; run: RunSummary }[] {
  const innerWidth = width - margin.left - margin.right
  const innerHeight = height - margin.top - margin.bottom
  const step = items.length > 1 ? innerWidth / (items.length - 1) : 0
  return items.map((run, index) => ({
    x: margin.left + (items.length > 1 ? index * step : innerWidth / 2),
    y: margin.top + innerHeight * (1 - Math.max(0, Math.min(100, run.readiness)) / 100),
    run,
  }))
}

/** The chart in one sentence: what a screen reader announces and everyone reads below it. */
export function trendSummary(items: readonly RunSummary[]): string {
  const first = items[0]
  const last = items[items.length - 1]
  if (first === undefined || last === undefined) return 'No assessment runs yet.'
  if (items.length === 1) return `One run so far: ${first.readiness}% as of ${first.asOf}.`
  return `Readiness over ${items.length} runs, from ${first.readiness}% as of ${first.asOf} to ${last.readiness}% as of ${last.asOf}.`
}

/** Readiness over assessment runs: an SVG line chart, with the same figures as a table. */
export function TrendChart({ items }: { items: readonly RunSummary[] }) {
  if (items.length === 0) return <p className="muted">No assessment runs yet.</p>
  const points = trendPoints(items)
  const line = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ')
  const summary = trendSummary(items)
  return (
    <figure className="trend">
      <svg
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-labelledby="trend-title trend-desc"
        className="trend-chart"
      >
        <title id="trend-title">Readiness trend</title>
        <desc id="trend-desc">{summary}</desc>
        {[0, 25, 50, 75, 100].map((tick) => {
          const y = margin.top + (height - margin.top - margin.bottom) * (1 - tick / 100)
          return (
            <g key={tick}>
              <line x1={margin.left} x2={width - margin.right} y1={y} y2={y} className="grid-line" />
              <text x={margin.left - 8} y={y + 4} textAnchor="end" className="axis-label">
                {tick}%
              </text>
            </g>
          )
        })}
        <path d={line} className="trend-line" />
        {points.map((p) => (
          <g key={p.run.runId}>
            <circle cx={p.x} cy={p.y} r={4} className="trend-point">
              <title>{`Run ${p.run.runId}, as of ${p.run.asOf}: ${p.run.readiness}%`}</title>
            </circle>
            {points.length <= 12 ? (
              <text x={p.x} y={height - 12} textAnchor="middle" className="axis-label">
                run {p.run.runId}
              </text>
            ) : null}
          </g>
        ))}
      </svg>
      <figcaption className="muted">{summary}</figcaption>
      <details>
        <summary>Trend as a table</summary>
        <table>
          <caption className="visually-hidden">Readiness by assessment run</caption>
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col">As of</th>
              <th scope="col">Generated</th>
              <th scope="col">Readiness</th>
              <th scope="col">Gaps</th>
            </tr>
          </thead>
          <tbody>
            {items.map((run) => (
              <tr key={run.runId}>
                <th scope="row">{run.runId}</th>
                <td className="nowrap">{run.asOf}</td>
                <td>
                  <time className="nowrap">{formatTime(run.generatedAt)}</time>
                </td>
                <td>{run.readiness}%</td>
                <td>{run.gaps}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  )
}
