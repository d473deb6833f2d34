/**
 * The `rel="next"` URL of an HTTP Link header (RFC 8288), as paged APIs (GitHub, Okta) send it: one
 * header with a comma-separated list, or a list of headers the fetch API has joined with commas.
 */
export function nextLink(header: string | null): string | undefined {
  if (header === null) return undefined
  for (const part of header.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?([^";]+)"?/.exec(part.trim())
    if (match?.[2]?.split(/\s+/).includes('next') === true) return match[1]
  }
  return undefined
}
