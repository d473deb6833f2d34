import { type ReactNode, useEffect, useRef } from 'react'

// The first page after loading the dashboard keeps the browser's own focus start; later ones move it.
let pagesShown = 0

/**
 * The page's one h1. It takes focus when the page opens, so a screen-reader user hears where a
 * link took them (a client-side navigation announces nothing by itself).
 */
export function PageTitle({ children, title }: { children: ReactNode; title: string }) {
  const heading = useRef<HTMLHeadingElement>(null)
  useEffect(() => {
    document.title = `${title} · trustctl`
  }, [title])
  useEffect(() => {
    if (pagesShown++ > 0) heading.current?.focus({ preventScroll: true })
  }, [])
  return (
    <h1 ref={heading} tabIndex={-1}>
      {children}
    </h1>
  )
}
