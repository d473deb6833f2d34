import { useEffect, useRef, useState } from 'react'
import type { Job } from '../../../src/server/contract/types'
import { request } from '../api'
import { ErrorMessage } from './Feedback'

export function percentOf(job: Job): number {
  if (job.status === 'done') return 100
  const { done, total } = job.progress
  if (total <= 0) return 0
  return Math.max(0, Math.min(100, Math.round((done / total) * 100)))
}

/**
 * Polls a job every second until it is done or failed, showing a progress bar; `onFinished` is
 * called once with the final job (so the page can show what it produced).
 */
export function JobProgress({ job: started, onFinished }: { job: Job; onFinished: (job: Job) => void }) {
  const [job, setJob] = useState<Job>(started)
  const [error, setError] = useState<unknown>(undefined)
  const finished = job.status === 'done' || job.status === 'failed'
  // The caller's callback may change on every render; polling depends on the job only.
  const finishedCallback = useRef(onFinished)
  finishedCallback.current = onFinished

  useEffect(() => {
    if (finished) {
      finishedCallback.current(job)
      return
    }
    const timer = window.setTimeout(() => {
      request<Job>(`/api/jobs/${encodeURIComponent(job.id)}`).then(setJob, setError)
    }, 1000)
    return () => window.clearTimeout(timer)
  }, [job, finished])

  const percent = percentOf(job)
  const label = job.kind === 'assess' ? 'Assessment progress' : 'Package export progress'
  return (
    <div className="job">
      <div
        className="progress"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${percent}% — ${job.progress.step || job.status}`}
      >
        <span className="progress-fill" style={{ width: `${percent}%` }} />
      </div>
      <p className="muted" aria-live="polite">
        {job.status === 'done'
          ? 'Done.'
          : job.status === 'failed'
            ? 'Failed.'
            : `${percent}% — ${job.progress.step || (job.status === 'queued' ? 'Queued' : 'Working')}`}
      </p>
      {job.status === 'failed' ? (
        <p className="error" role="alert">
          {job.error ?? 'The job failed.'}
        </p>
      ) : null}
      <ErrorMessage error={error} />
    </div>
  )
}
