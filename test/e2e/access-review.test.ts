import type { Browser, BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browserUnavailable, launchBrowser, newContext } from './browser.js'
import { type DemoServer, missingBuild, startDemoServer } from './demo-server.js'

// A reviewer decides an access-review item in the dashboard: the campaign is opened with the CLI
// (as a person would), decided in Chromium, and the CLI then reads the signed decision back.

const unavailable = browserUnavailable()
const stepTimeout = 180_000

describe.skipIf(unavailable !== undefined)('an access review decided in the dashboard', () => {
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
    'records keep/revoke/change with a reason, signed into the ledger the CLI reads',
    async () => {
      const started = await server.cli(
        'access-review',
        'start',
        '--system',
        'okta',
        '--reviewer',
        server.editor.email,
        '--format',
        'json',
      )
      expect(started.code, started.stderr).toBe(0)
      const campaign = JSON.parse(started.stdout) as { id: string; accounts: { accountId: string }[] }

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
        .getByRole('link', { name: 'Access reviews', exact: true })
        .click()
      await page.getByRole('heading', { level: 1, name: 'Access reviews' }).waitFor()

      const first = page.getByRole('form').first()
      await first.getByLabel('Decision').selectOption('revoke')
      await first.getByLabel('Reason').fill('left the analytics team in November')
      await first.getByRole('button', { name: 'Record decision' }).click()
      await page.getByText('Decision signed into the ledger.').waitFor()
      await page.getByText('revoke: left the analytics team in November').waitFor()

      const listed = await server.cli('access-review', 'list', '--format', 'json')
      expect(listed.code, listed.stderr).toBe(0)
      const campaigns = (JSON.parse(listed.stdout) as { campaigns: { id: string; decisions: unknown[] }[] })
        .campaigns
      expect(campaigns.find((c) => c.id === campaign.id)?.decisions).toEqual([
        expect.objectContaining({
          decision: 'revoke',
          reason: 'left the analytics team in November',
          decidedBy: server.editor.email,
        }),
      ])
      const verified = await server.cli('verify')
      expect(verified.code, verified.stdout + verified.stderr).toBe(0)
    },
    stepTimeout,
  )
})
