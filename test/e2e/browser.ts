import { existsSync } from 'node:fs'
import { type Browser, type BrowserContext, chromium } from 'playwright-core'

/** Debian's Chromium (apt `chromium`); never a browser downloaded by a test tool. */
export const chromiumPath = '/usr/bin/chromium'

/** The dashboard is built for a laptop screen; screenshots are taken at this size too. */
export const laptopViewport = { width: 1280, height: 800 }

// No sandbox: CI containers run as root, where Chromium's sandbox cannot start. The rest keeps the
// browser from calling home (component updates, field trials) so a test talks to our server only.
const launchArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
]

/**
 * Why the browser tests cannot run here, or undefined when they can. In CI a missing Chromium is a
 * failure (`.ci/run` installs it), so this only ever lets a laptop without Chromium skip.
 */
export function browserUnavailable(
  env: NodeJS.ProcessEnv = process.env,
  executable = chromiumPath,
): string | undefined {
  if (existsSync(executable)) return undefined
  const message = `${executable} is missing: install Debian's chromium (apt-get install chromium) to run the dashboard tests`
  if (env.CI) throw new Error(message)
  return message
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: launchArgs })
}

/** A fresh context per test: no cookie, storage or cache carries over from another test. */
export function newContext(browser: Browser, baseURL: string): Promise<BrowserContext> {
  return browser.newContext({ baseURL, viewport: laptopViewport, locale: 'en-US', timezoneId: 'UTC' })
}
