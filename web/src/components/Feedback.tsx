import { messageOf } from '../api'

/** An error announced to screen readers as it appears, with the server's problem detail. */
export function ErrorMessage({ error }: { error: unknown }) {
  if (error === undefined || error === null) return null
  return (
    <p className="error" role="alert">
      {messageOf(error)}
    </p>
  )
}

export function Loading({ what = 'Loading…' }: { what?: string }) {
  return (
    <p className="muted" role="status">
      {what}
    </p>
  )
}

/** A polite confirmation after a save ("Saved."), read out without moving focus. */
export function Notice({ text }: { text: string | undefined }) {
  return (
    <p className="notice" role="status">
      {text ?? ''}
    </p>
  )
}
