/**
 * Escaping for the markup trustctl writes (HTML reports, SVG figures, JUnit XML), in one place so
 * every output escapes the same characters the same way.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly what XML 1.0 forbids
const forbiddenInXml = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g

function escapeMarkup(text: string | number, apostrophe: string): string {
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, apostrophe)
}

/** Escapes text for XML (SVG, JUnit) content and attribute values, dropping characters XML 1.0 forbids. */
export function escapeXml(text: string | number): string {
  return escapeMarkup(String(text).replace(forbiddenInXml, ''), '&apos;')
}

/** Escapes text for HTML element content and attribute values (`&#39;`, which every HTML version reads). */
export function escapeHtml(text: string | number): string {
  return escapeMarkup(text, '&#39;')
}
