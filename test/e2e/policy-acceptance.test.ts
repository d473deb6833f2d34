import type { Browser, BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browserUnavailable, launchBrowser, newContext } from './browser.js'
import { type DemoServer, missingBuild, startDemoServer } from './demo-server.js'

// A person accepts a policy in the dashboard: the acceptance is signed into the ledger, shown after a
// fresh load from the server, and `trustctl verify` still proves the ledger whole.

const unavailable = browserUnavailable()
const stepTimeout = 180_000

describe.skipIf(unavailable !== undefined)('a policy accepted in the dashboard', () => {
  let server: DemoServer
  let browser: Browser
  let context: BrowserContext | undefined

  beforeAll(async () => {
    const missing = missingBuild()
    if (missing) throw new Error(`the dashboard tests drive the built app: ${missing}`)
    server = await startDemoServer()
    browser = await launchBrowser()
  }, 240_000)

  afterAll(async () => {
    await context?.close()
    await browser?.close()
    await server?.stop()
  })

  it(
    'shows each policy as not accepted, records the Accept click, and shows it accepted after a reload',
    async () => {
      context = await newContext(browser, server.url)
      const page = await context.newPage()
      page.setDefaultTimeout(30_000)
      await page.goto('/')
      await page.getByLabel('Email').fill(server.editor.email)
      await page.getByLabel('Password').fill(server.editor.password)
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.getByRole('button', { name: 'Sign out' }).waitFor()
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Policies', exact: true })
        .click()
      await page.getByRole('heading', { level: 1, name: 'Policies' }).waitFor()

      const row = page.getByRole('row', { name: /Information Security Policy/ })
      await row.getByText('not accepted').waitFor()
      await row.getByRole('button', { name: 'Accept Information Security Policy' }).click()
      await page.getByText('Acceptance signed into the ledger.').waitFor()
      await row.getByText(/^accepted \d{4}-\d{2}-\d{2}$/).waitFor()

      // A fresh load reads it back from the server's ledger, with who accepted it.
      await page.reload()
      const listed = page.getByRole('table', { name: 'Acceptances' })
      await listed.getByText(server.editor.email).waitFor()
      expect(await page.getByRole('button', { name: 'Accept Information Security Policy' }).count()).toBe(0)
      // Other policies are still to accept.
      expect(await page.getByRole('button', { name: /^Accept / }).count()).toBeGreaterThan(0)

      const verified = await server.cli('verify')
      expect(verified.code, verified.stdout + verified.stderr).toBe(0)
    },
    stepTimeout,
  )
})
