import type { SampleRecord } from '../../../src/server/contract/types'
import { formatTime } from '../labels'
import { Link } from '../router'
import { Hash } from './Hash'

function periodOf(sample: SampleRecord): string {
  const content = sample.content
  const from = content?.from ?? content?.population?.from
  const to = content?.to ?? content?.population?.to
  return from === undefined && to === undefined ? '—' : `${from ?? '…'} to ${to ?? '…'}`
}

/** Verified: the stored bytes re-hash to the ledger record. Shown as a word and a mark, not colour alone. */
export function Verified({ verified }: { verified: boolean }) {
  return verified ? (
    <span className="badge tone-pass">✓ verified</span>
  ) : (
    <span className="badge tone-fail">✗ not verified</span>
  )
}

/** Recorded populations and the samples drawn from them, with where the ledger keeps each. */
export function SamplesTable({
  items,
  showControl,
}: {
  items: readonly SampleRecord[]
  showControl: boolean
}) {
  if (items.length === 0) return <p className="muted">No populations or samples are recorded.</p>
  return (
    <table className="data">
      <thead>
        <tr>
          <th scope="col">Record</th>
          <th scope="col">Kind</th>
          {showControl ? <th scope="col">Control</th> : null}
          <th scope="col">Period</th>
          <th scope="col">Recorded</th>
          <th scope="col">Ledger record</th>
          <th scope="col">Verify</th>
        </tr>
      </thead>
      <tbody>
        {items.map((sample) => (
          <tr key={`${sample.runId}-${sample.recordSeq}`}>
            <th scope="row">{sample.id}</th>
            <td>{sample.kind === 'sample' ? 'Sample' : 'Population'}</td>
            {showControl ? (
              <td>
                {sample.control !== undefined ? (
                  <Link to={`/controls/${encodeURIComponent(sample.control)}`}>{sample.control}</Link>
                ) : (
                  '—'
                )}
              </td>
            ) : null}
            <td>{periodOf(sample)}</td>
            <td>
              <time className="nowrap">{formatTime(sample.recordedAt)}</time>
            </td>
            <td>
              run {sample.runId}, seq {sample.recordSeq}
              <div>
                <Hash value={sample.recordHash} label="record hash" />
              </div>
            </td>
            <td>
              <Verified verified={sample.verified} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
