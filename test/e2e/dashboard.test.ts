import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js'
import { browserUnavailable, launchBrowser, newContext } from './browser.js'
import { type Account, type DemoServer, missingBuild, startDemoServer } from './demo-server.js'

// The dashboard as people use it: the real `trustctl serve` (a child process over a copy of the
// demo's store) and the built dashboard, driven in Debian's Chromium. Steps share the server and
// what earlier steps chose (the failing control, its gap); each step has its own browser context.

const screenshots = path.resolve(import.meta.dirname, '..', '..', 'artifacts', 'screenshots')
const unavailable = browserUnavailable()
if (unavailable) console.warn(`dashboard e2e skipped: ${unavailable}`)

/** Long enough for a busy 2-core machine; actions that wait for the server say so themselves. */
const stepTimeout = 120_000

describe.skipIf(unavailable !== undefined)('the dashboard in Chromium', () => {
  let server: DemoServer
  let browser: Browser
  let context: BrowserContext | undefined
  /** What the admin's walk through the dashboard picked, for the later steps. */
  const picked: { control?: string; gap?: string } = {}

  beforeAll(async () => {
    const missing = missingBuild()
    if (missing) throw new Error(`the dashboard tests drive the built app: ${missing}`)
    mkdirSync(screenshots, { recursive: true })
    server = await startDemoServer()
    browser = await launchBrowser()
  }, 240_000)

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  afterEach(async () => {
    await context?.close()
    context = undefined
  })

  async function openPage(): Promise<Page> {
    context = await newContext(browser, server.url)
    const page = await context.newPage()
    page.setDefaultTimeout(30_000)
    return page
  }

  async function signIn(page: Page, account: Account): Promise<void> {
    await page.goto('/')
    await page.getByLabel('Email').fill(account.email)
    await page.getByLabel('Password').fill(account.password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('button', { name: 'Sign out' }).waitFor()
  }

  async function goTo(page: Page, navItem: string): Promise<void> {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: navItem, exact: true })
      .click()
    await page.getByRole('heading', { level: 1, name: navItem }).waitFor()
  }

  async function shoot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: false })
  }

  /** The CSRF token of the page's session, as the dashboard itself gets it. */
  async function csrfToken(page: Page): Promise<string> {
    const me = await (await page.request.get('/api/me')).json()
    return String(me.csrfToken)
  }

  it(
    'shows the admin the demo readiness trustctl assess printed',
    async () => {
      const page = await openPage()
      await signIn(page, server.admin)
      await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor()
      const main = page.getByRole('main')
      // The big figure is the readiness `trustctl assess` printed, and the API agrees.
      await main.getByText(`${server.readiness}%`, { exact: true }).first().waitFor()
      const overview = await (await page.request.get('/api/overview')).json()
      expect(overview.summary.readiness).toBe(server.readiness)
      await shoot(page, 'overview')
    },
    stepTimeout,
  )

  it(
    'opens a failing control with its tests and verified evidence',
    async () => {
      const page = await openPage()
      await signIn(page, server.admin)
      await goTo(page, 'Controls')
      await shoot(page, 'controls')
      await page.getByLabel('Status').selectOption('fail')
      const firstControl = page.getByRole('main').getByRole('table').getByRole('link').first()
      const controlId = (await firstControl.textContent())?.trim() ?? ''
      expect(controlId).not.toBe('')
      await firstControl.click()
      await page.getByRole('heading', { level: 1 }).filter({ hasText: controlId }).waitFor()
      picked.control = controlId

      const main = page.getByRole('main')
      await main.getByRole('heading', { name: /tests/i }).first().waitFor()
      // Evidence: the full SHA-256 behind each short hash, and the server's verification of it.
      const hashes = main.locator('code[title]')
      await hashes.first().waitFor()
      expect(await hashes.first().getAttribute('title')).toMatch(/^[0-9a-f]{64}$/)
      await main.getByText('✓ verified').first().waitFor()
      await expect.poll(() => main.getByText('checking…').count(), { timeout: 30_000 }).toBe(0)
      expect(await main.getByText('✗').count()).toBe(0)
      // The attestation form an editor uses (and the auditor must not get: checked below).
      expect(await main.getByText('Record an attestation').count()).toBeGreaterThan(0)
      await shoot(page, 'control')

      const detail = await (await page.request.get(`/api/controls/${encodeURIComponent(controlId)}`)).json()
      expect(detail.control.status).toBe('fail')
      expect(detail.gaps.length).toBeGreaterThan(0)
      picked.gap = detail.gaps[0]
      // The page names what failed, not only how many: the first failing subject and its reason.
      expect(detail.failingTotal).toBeGreaterThan(0)
      const [first] = detail.failing
      const failing = main.getByRole('region', { name: 'Where the tests failed' })
      await failing.getByRole('row').filter({ hasText: first.name }).first().waitFor()
      // No raw ISO duration or backtick reaches a person.
      expect(await main.getByText(/\bP\d+[YMWD]\b/).count()).toBe(0)
      expect(await main.locator('p, td, dd').filter({ hasText: '`' }).count()).toBe(0)
    },
    stepTimeout,
  )

  it(
    "assigns the control's gap, and the change persists and is recorded in the ledger naming the admin",
    async () => {
      const { control, gap } = picked
      if (!control || !gap) throw new Error('needs the failing control picked by the previous step')
      const page = await openPage()
      await signIn(page, server.admin)
      await page.goto(`/controls/${encodeURIComponent(control)}`)
      await page.getByRole('link', { name: `Gap ${gap} on the gaps board` }).click()
      await page.getByRole('heading', { level: 1, name: 'Gaps' }).waitFor()

      const editor = page.getByRole('dialog')
      await editor.getByLabel('Owner').waitFor()
      await editor.getByLabel('Owner').fill('jordan.reyes@acme-analytics.example.com')
      await editor.getByLabel('Due date').fill('2026-12-15')
      await editor.getByLabel('Status').selectOption('in-progress')
      await editor.getByLabel('Comment').fill('Patching the base image this sprint.')
      await editor.getByRole('button', { name: 'Save' }).click()
      await editor.getByText('Saved.').waitFor()

      await page.reload()
      await page.getByRole('heading', { level: 1, name: 'Gaps' }).waitFor()
      // The card moved to the In progress column with its new owner and due date; the comment stayed.
      await page.getByRole('dialog').getByText('Patching the base image this sprint.').waitFor()
      await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click()
      const column = page.getByRole('main').getByRole('region', { name: /^In progress/ })
      const card = column.getByRole('listitem').filter({ hasText: 'jordan.reyes@acme-analytics.example.com' })
      await card.getByText('2026-12-15').waitFor()
      expect(await page.getByRole('region', { name: /^Open/ }).getByText('jordan.reyes@').count()).toBe(0)
      await shoot(page, 'gaps')
      // The board fills the width: the open gaps sit side by side, not in one tall column.
      const openCards = page.getByRole('region', { name: /^Open/ }).getByRole('listitem')
      const [a, b] = [await openCards.nth(0).boundingBox(), await openCards.nth(1).boundingBox()]
      expect(a && b && Math.abs(a.y - b.y) < 1 && b.x > a.x).toBe(true)
      await page.screenshot({ path: path.join(screenshots, 'gaps-full.png'), fullPage: true })

      const saved = await (await page.request.get(`/api/gaps/${encodeURIComponent(gap)}`)).json()
      expect(saved.remediation).toMatchObject({
        owner: 'jordan.reyes@acme-analytics.example.com',
        dueDate: '2026-12-15',
        status: 'in-progress',
      })
      expect(saved.comments.map((c: { body: string }) => c.body)).toContain(
        'Patching the base image this sprint.',
      )

      const changes = await changeRecords(server)
      const update = changes.find((c) => c.action === 'gap.update' && c.target === gap)
      expect(update?.actor).toMatchObject({ name: server.admin.email, role: 'admin' })
      expect(changes.some((c) => c.action === 'gap.comment' && c.target === gap)).toBe(true)
      const verified = await server.cli('verify')
      expect(verified.code, verified.stdout + verified.stderr).toBe(0)

      // The edit reaches the command line through the signed change records: `gaps` and `report`.
      const listed = await server.cli('gaps', '--format', 'json')
      const cliGap = (JSON.parse(listed.stdout) as { id: string }[]).find((g) => g.id === gap)
      expect(cliGap, listed.stderr).toMatchObject({
        owner: 'jordan.reyes@acme-analytics.example.com',
        dueDate: '2026-12-15',
        tracking: {
          status: 'in-progress',
          updatedBy: server.admin.email,
          comments: [{ author: server.admin.email, body: 'Patching the base image this sprint.' }],
        },
      })
      const out = path.join(server.dir, 'edited-report')
      const reported = await server.cli('report', '--format', 'md', '--out', out)
      expect(reported.stderr).not.toMatch(/error/i)
      const row = readFileSync(path.join(out, 'readiness.md'), 'utf8')
        .split('\n')
        .find((line) => line.includes('jordan.reyes@acme-analytics.example.com'))
      expect(row).toContain('2026-12-15')
      expect(row).toContain('In progress')
      expect(row).toContain('Patching the base image this sprint.')
    },
    stepTimeout,
  )

  it(
    'exports a Type 1 package with progress, and a downloaded file matches its listed sha256',
    async () => {
      const page = await openPage()
      await signIn(page, server.admin)
      // A package the command line wrote is listed too, and its remediation plan carries the edit.
      const packaged = await server.cli('package', '--type', '1')
      expect(packaged.code, packaged.stderr).toBe(0)
      const cliPackage = 'soc2-type1-2026-11-30'
      const plan = readFileSync(path.join(server.dir, 'reports', cliPackage, 'soc2-package.md'), 'utf8')
      const planRows = plan.slice(plan.lastIndexOf('Remediation plan for open gaps')).split('\n')
      const planRow = planRows.find((l) => l.startsWith('|') && l.includes('jordan.reyes'))
      expect(planRow).toContain('In progress')
      expect(planRow).toContain('Patching the base image this sprint.')
      expect(readdirSync(path.join(server.dir, 'reports', cliPackage))).toContain('manifest.json')

      await goTo(page, 'Packages')
      await page.getByRole('region', { name: `Package ${cliPackage} ` }).waitFor()
      // The export form starts at the as-of date trustctl.yaml names, not today.
      expect(await page.getByLabel('As of', { exact: true }).inputValue()).toBe('2026-11-30')
      const listed = async () => (await (await page.request.get('/api/packages')).json()).items
      const before: { id: string }[] = await listed()
      await page.getByRole('button', { name: 'Export package' }).click()

      // The progress bar polls the job until it is done; the values it showed only ever grow.
      const progress = page.getByRole('progressbar', { name: 'Package export progress' })
      await progress.waitFor()
      const seen: number[] = []
      await expect
        .poll(
          async () => {
            seen.push(Number(await progress.getAttribute('aria-valuenow')))
            return seen.at(-1)
          },
          { timeout: 180_000, interval: 250 },
        )
        .toBe(100)
      expect(seen).toEqual([...seen].sort((a, b) => a - b))
      await page.getByRole('main').getByText('Done.').waitFor()
      // Finished: a person can export again without reloading the page.
      expect(await page.getByRole('button', { name: 'Export package' }).isEnabled()).toBe(true)

      const after: { id: string; type: number; files: { name: string; sha256: string }[] }[] = await listed()
      const exported = after.find((p) => !before.some((b) => b.id === p.id))
      if (!exported) throw new Error('the export finished but no new package is listed')
      expect(exported.type).toBe(1)
      expect(exported.files.map((f) => f.name)).toEqual(expect.arrayContaining(['manifest.json']))
      const file = exported.files.find((f) => f.name === 'manifest.json') ?? exported.files[0]
      if (!file) throw new Error('the new package lists no file')
      const section = page.getByRole('region', { name: `Package ${exported.id} ` })
      const link = section.getByRole('link', { name: file.name, exact: true })
      await link.waitFor({ timeout: 30_000 })
      await section.locator(`code[title="${file.sha256}"]`).waitFor()
      await shoot(page, 'packages')

      const [download] = await Promise.all([page.waitForEvent('download'), link.click()])
      const saved = await download.path()
      const digest = createHash('sha256').update(readFileSync(saved)).digest('hex')
      expect(digest).toBe(file.sha256)
    },
    2 * stepTimeout,
  )

  it(
    'shows every other main page to the admin',
    async () => {
      const page = await openPage()
      await signIn(page, server.admin)
      for (const [navItem, name] of [
        ['Findings', 'findings'],
        ['Vendors', 'vendors'],
        ['Responsibility', 'responsibility'],
        ['Runs', 'runs'],
        ['Admin', 'admin'],
      ] as const) {
        await goTo(page, navItem)
        await page.waitForLoadState('networkidle')
        if (navItem === 'Responsibility') {
          const matrix = page.getByRole('main').getByRole('img', { name: /responsibility/i })
          await expect
            .poll(() => matrix.evaluate((img) => (img as HTMLImageElement).naturalWidth), { timeout: 10_000 })
            .toBeGreaterThan(0)
        }
        await shoot(page, name)
        // What the auditor must not have, the admin has: the absence checked later means something.
        if (navItem === 'Vendors') expect(await page.getByText('Record a review').count()).toBeGreaterThan(0)
      }
      await page.getByRole('button', { name: 'Sign out' }).click()
      await page.getByRole('button', { name: 'Sign in' }).waitFor()
      expect((await page.request.get('/api/me')).status()).toBe(401)
    },
    stepTimeout,
  )

  it(
    'gives the auditor a read-only view, and the server refuses their writes',
    async () => {
      const page = await openPage()
      await signIn(page, server.auditor)
      const main = page.getByRole('main')
      await main
        .getByText(/read-only/i)
        .first()
        .waitFor()
      await main.getByText(server.auditPeriod.from).first().waitFor()
      await shoot(page, 'auditor')

      const nav = page.getByRole('navigation', { name: 'Main' })
      expect(await nav.getByRole('link', { name: 'Gaps', exact: true }).count()).toBe(0)
      expect(await nav.getByRole('link', { name: 'Admin', exact: true }).count()).toBe(0)
      // Deep links to the board (with a gap's editor open) and to Admin show no board and no field.
      for (const address of [`/gaps?gap=${encodeURIComponent(picked.gap ?? 'any-gap')}`, '/admin']) {
        await page.goto(address)
        await page.getByRole('button', { name: 'Sign out' }).waitFor()
        await page.waitForLoadState('networkidle')
        expect(await page.getByRole('region', { name: /^Open/ }).count()).toBe(0)
        expect(await page.getByRole('button', { name: 'Save' }).count()).toBe(0)
        expect(await main.locator('input,select,textarea').count()).toBe(0)
      }
      if (picked.control) {
        await page.goto(`/controls/${encodeURIComponent(picked.control)}`)
        await main.getByRole('heading', { name: 'Evidence', exact: true }).waitFor()
        expect(await main.locator('form').count()).toBe(0)
        expect(await main.getByText('Record an attestation').count()).toBe(0)
      }
      await goTo(page, 'Vendors')
      await page.waitForLoadState('networkidle')
      await main.getByRole('table').first().waitFor()
      // Absent from the page, not merely hidden or disabled (the admin's page has them: see above).
      expect(await main.locator('form').count()).toBe(0)
      expect(await main.getByText('Record a review').count()).toBe(0)
      await goTo(page, 'Packages')
      await page.waitForLoadState('networkidle')
      expect(await main.getByRole('button', { name: 'Export package' }).count()).toBe(0)
      expect(await main.getByRole('button', { name: 'Run assessment now' }).count()).toBe(0)
      expect(await main.locator('input,select,textarea').count()).toBe(0)

      const gap = picked.gap ?? 'any-gap'
      const write = await page.request.patch(`/api/gaps/${encodeURIComponent(gap)}`, {
        headers: { 'X-CSRF-Token': await csrfToken(page), Origin: server.url },
        data: { status: 'resolved' },
      })
      expect(write.status()).toBe(403)
      expect((await write.json()).code).toBe('forbidden')
      const job = await page.request.post('/api/jobs', {
        headers: { 'X-CSRF-Token': await csrfToken(page), Origin: server.url },
        data: { kind: 'package', type: 1 },
      })
      expect(job.status()).toBe(403)
      expect((await job.json()).code).toBe('forbidden')

      await page.getByRole('button', { name: 'Sign out' }).click()
      await page.getByRole('button', { name: 'Sign in' }).waitFor()
    },
    stepTimeout,
  )

  it(
    'signs in and reaches a control with the keyboard only',
    async () => {
      const page = await openPage()
      await page.goto('/')
      await page.getByRole('button', { name: 'Sign in' }).waitFor()
      await tabUntilFocused(page, page.getByLabel('Email'))
      await page.keyboard.type(server.editor.email)
      await page.keyboard.press('Tab')
      await page.keyboard.type(server.editor.password)
      await page.keyboard.press('Enter')
      await page.getByRole('button', { name: 'Sign out' }).waitFor()

      const controlsLink = page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Controls', exact: true })
      await tabUntilFocused(page, controlsLink)
      // Where the keyboard is must be visible: the focused link draws an outline.
      expect(await controlsLink.evaluate((link) => getComputedStyle(link).outlineStyle)).not.toBe('none')
      await page.keyboard.press('Enter')
      await page.getByRole('heading', { level: 1, name: 'Controls' }).waitFor()
      const firstControl = page.getByRole('main').getByRole('table').getByRole('link').first()
      await firstControl.waitFor()
      const controlId = (await firstControl.textContent())?.trim() ?? ''
      await tabUntilFocused(page, firstControl)
      await page.keyboard.press('Enter')
      await page.getByRole('heading', { level: 1 }).filter({ hasText: controlId }).waitFor()
    },
    stepTimeout,
  )

  it(
    'labels every form control on every page',
    async () => {
      const page = await openPage()
      await page.goto('/')
      await page.getByRole('button', { name: 'Sign in' }).waitFor()
      const unlabelled: string[] = await unlabelledControls(page)
      await signIn(page, server.admin)
      for (const navItem of ['Overview', 'Controls', 'Findings', 'Gaps', 'Vendors', 'Packages', 'Admin']) {
        await goTo(page, navItem)
        await page.waitForLoadState('networkidle')
        unlabelled.push(...(await unlabelledControls(page)).map((c) => `${navItem}: ${c}`))
      }
      // The forms that open from a page: a control's attestation form, a gap's editor.
      const { control, gap } = picked
      if (control && gap) {
        await page.goto(`/controls/${encodeURIComponent(control)}`)
        await page.getByRole('main').getByText('Record an attestation').waitFor()
        unlabelled.push(...(await unlabelledControls(page)).map((c) => `control page: ${c}`))
        await page.goto(`/gaps?gap=${encodeURIComponent(gap)}`)
        await page.getByRole('dialog').getByLabel('Comment').waitFor()
        unlabelled.push(...(await unlabelledControls(page)).map((c) => `gap editor: ${c}`))
      }
      expect(unlabelled).toEqual([])
    },
    stepTimeout,
  )

  it(
    'announces a failed sign-in',
    async () => {
      const page = await openPage()
      await page.goto('/')
      await page.getByLabel('Email').fill(server.admin.email)
      await page.getByLabel('Password').fill('not-the-password')
      await page.getByRole('button', { name: 'Sign in' }).click()
      const alert = page.getByRole('alert')
      await alert.waitFor()
      expect((await alert.textContent())?.trim()).not.toBe('')
      expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0)
    },
    stepTimeout,
  )
})

/** Presses Tab until `target` has the focus (a keyboard user's way there), at most 60 times. */
async function tabUntilFocused(page: Page, target: ReturnType<Page['locator']>): Promise<void> {
  for (let presses = 0; presses < 60; presses++) {
    if (await target.evaluate((element) => element === document.activeElement)) return
    await page.keyboard.press('Tab')
  }
  throw new Error('60 presses of Tab never reached the element')
}

/** Inputs, selects and text areas without an accessible name (label, aria-label or aria-labelledby). */
async function unlabelledControls(page: Page): Promise<string[]> {
  const controls = page.locator('input:not([type=hidden]),select,textarea')
  const found: string[] = []
  for (const control of await controls.all()) {
    const name = await control.evaluate((element) => {
      const field = element as HTMLInputElement
      const byLabel = Array.from(field.labels ?? [], (l) => l.textContent ?? '').join(' ')
      const byRef = (field.getAttribute('aria-labelledby') ?? '')
        .split(/\s+/)
        .map((id) => document.getElementById(id)?.textContent ?? '')
        .join(' ')
      return `${field.getAttribute('aria-label') ?? ''} ${byLabel} ${byRef}`.trim()
    })
    if (name === '') found.push(await control.evaluate((element) => element.outerHTML.slice(0, 120)))
  }
  return found
}

interface ChangeRecord {
  action: string
  target: string
  actor: { name: string; role: string }
}

/** The `change` records of the demo's ledger, read straight from its SQLite file. */
async function changeRecords(server: DemoServer): Promise<ChangeRecord[]> {
  const store = new SqliteStore(path.join(server.dir, '.trustctl', 'trustctl.db'))
  try {
    const changes: ChangeRecord[] = []
    for await (const { blob } of store.scan({ kinds: ['change'] })) {
      if (blob) changes.push(JSON.parse(Buffer.from(blob).toString('utf8')))
    }
    return changes
  } finally {
    await store.close()
  }
}
