import { type AnchorHTMLAttributes, type MouseEvent, useSyncExternalStore } from 'react'

/**
 * A very small router over the history API: the server answers every non-/api path with the
 * dashboard (SPA fallback), so deep links like /controls/CC6.1-xyz work on reload.
 */

export interface Location {
  path: string
  query: URLSearchParams
}

const listeners = new Set<() => void>()

function subscribe(listener: () => void): () => void {
  listeners.add(listener)
  window.addEventListener('popstate', listener)
  return () => {
    listeners.delete(listener)
    window.removeEventListener('popstate', listener)
  }
}

function snapshot(): string {
  return window.location.pathname + window.location.search
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === snapshot()) return
  if (options.replace === true) window.history.replaceState(null, '', to)
  else window.history.pushState(null, '', to)
  for (const listener of listeners) listener()
}

export function useLocation(): Location {
  const href = useSyncExternalStore(subscribe, snapshot)
  const url = new URL(href, window.location.origin)
  return { path: url.pathname, query: url.searchParams }
}

/** Matches `/controls/:id` against a path; params come back decoded. */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/')
  const got = path.replace(/\/+$/, '').split('/')
  if (pattern === '/' && (path === '/' || path === '')) return {}
  if (want.length !== got.length) return undefined
  const params: Record<string, string> = {}
  for (const [index, part] of want.entries()) {
    const actual = got[index] ?? ''
    if (part.startsWith(':')) {
      if (actual === '') return undefined
      params[part.slice(1)] = decodeURIComponent(actual)
    } else if (part !== actual) return undefined
  }
  return params
}

function isPlainLeftClick(event: MouseEvent<HTMLAnchorElement>): boolean {
  return event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }

/** An ordinary link (open in new tab, copy address all work) that navigates in place on a plain click. */
export function Link({ to, onClick, children, ...rest }: LinkProps) {
  return (
    <a
      {...rest}
      href={to}
      onClick={(event) => {
        onClick?.(event)
        if (event.defaultPrevented || !isPlainLeftClick(event)) return
        event.preventDefault()
        navigate(to)
        window.scrollTo(0, 0)
      }}
    >
      {children}
    </a>
  )
}
