import { useState } from 'react'
import { shortHash } from '../labels'

type CopyState = 'idle' | 'copied' | 'failed'

/**
 * Copies text to the clipboard. The Clipboard API exists only in secure contexts (HTTPS or
 * localhost); elsewhere the button says so and the person selects the text by hand.
 */
function useCopy(value: string): [CopyState, () => void] {
  const [state, setState] = useState<CopyState>('idle')
  const copy = () => {
    if (navigator.clipboard === undefined) {
      setState('failed')
      return
    }
    navigator.clipboard.writeText(value).then(
      () => {
        setState('copied')
        window.setTimeout(() => setState('idle'), 2000)
      },
      () => setState('failed'),
    )
  }
  return [state, copy]
}

/** A hash shown short, with the full value in its title and a button that copies it. */
export function Hash({ value, label = 'hash' }: { value: string; label?: string }) {
  const [state, copy] = useCopy(value)
  return (
    <span className="hash">
      <code title={value}>{shortHash(value)}</code>{' '}
      <button type="button" className="link-button" onClick={copy} aria-label={`Copy full ${label} ${value}`}>
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : 'Copy'}
      </button>
    </span>
  )
}

/** A secret shown once (a new API token) with a copy button; never stored by the dashboard. */
export function Secret({ value }: { value: string }) {
  const [state, copy] = useCopy(value)
  return (
    <span className="secret">
      <code>{value}</code>{' '}
      <button type="button" onClick={copy}>
        {state === 'copied' ? 'Copied' : 'Copy token'}
      </button>
      {state === 'failed' ? (
        <span role="alert"> The browser refused to copy: select the token and copy it by hand.</span>
      ) : null}
    </span>
  )
}
