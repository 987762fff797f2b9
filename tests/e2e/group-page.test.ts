import { existsSync, mkdirSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { serve, type ServerType } from '@hono/node-server'
import { chromium, type Browser, type BrowserContextOptions } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { translate } from '#src/i18n/i18n.ts'
import { fixtureGroup, fixtureOrganisation } from '#src/web/group-page.fixtures.ts'
import { addSecondFactor, createAccount, person, send } from '../accounts.ts'
import { createTestApp } from '../app.ts'

const withoutId = <T extends { id?: unknown }>({ id: _id, ...rest }: T) => rest

const chromiumPath = '/usr/bin/chromium'
const resultsDir = path.resolve(import.meta.dirname, '../../test-results')
const desktop = { width: 1280, height: 900 }
const phone = { width: 390, height: 844 }

describe('a group’s page in Chromium', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>
  let server: ServerType
  let browser: Browser
  let origin: string
  let groupPath: string

  beforeAll(async () => {
    if (!existsSync(chromiumPath)) {
      throw new Error(`Chromium is not installed at ${chromiumPath}: apt-get install -y chromium`)
    }
    mkdirSync(resultsDir, { recursive: true })
    t = await createTestApp()

    // A person signs up, adds their organisation (becoming its admin) and lists a group.
    const staff = await createAccount(t, person({ email: 'sato@chiba-parents.example.jp' }))
    const organisation = withoutId(fixtureOrganisation)
    const created = await send(t, 'POST', '/api/v1/organisations', {
      cookie: staff.cookie,
      body: organisation,
    })
    expect(created.status).toBe(201)
    const org = (await created.json()) as { id: string; claimed: boolean }
    expect(org.claimed).toBe(true)
    const group = withoutId(fixtureGroup())
    // Listing a group is staff work: it needs a session opened with a second factor.
    const { cookie } = await addSecondFactor(t, staff)
    const listed = await send(t, 'POST', '/api/v1/groups', {
      cookie,
      body: { ...group, organisation_id: org.id },
    })
    expect(listed.status).toBe(201)
    groupPath = ((await listed.json()) as { url: string }).url

    const port = await new Promise<number>((resolve) => {
      server = serve({ fetch: t.app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) =>
        resolve(info.port),
      )
    })
    origin = `http://127.0.0.1:${port}`
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
      ],
    })
  })

  afterAll(async () => {
    await browser?.close()
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
    await t?.close()
  })

  async function openPage(options: BrowserContextOptions) {
    const context = await browser.newContext(options)
    const page = await context.newPage()
    const errors: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text())
    })
    page.on('pageerror', (error) => errors.push(error.message))
    return { context, page, errors }
  }

  for (const locale of ['ja', 'en'] as const) {
    it(`shows the group in ${locale === 'ja' ? 'Japanese' : 'English'}, with no CSP error`, async () => {
      const { context, page, errors } = await openPage({ locale, viewport: desktop })
      await page.goto(`${origin}${groupPath}`)
      expect(await page.locator('html').getAttribute('lang')).toBe(locale)
      expect(await page.locator('h1').innerText()).toBe(
        locale === 'ja'
          ? 'ちば小児がん親の会 おしゃべり会'
          : 'Chiba childhood cancer parents’ circle',
      )
      const panel = page.locator('#before-you-join')
      expect(await panel.getByRole('heading', { level: 2 }).innerText()).toBe(
        translate(locale, 'group.join.heading'),
      )
      expect(await panel.locator('.join-point').count()).toBe(5)
      expect(await panel.innerText()).toContain(
        locale === 'ja'
          ? '毎月第2土曜日 14:00–16:00（日本時間）'
          : 'Second Saturday of each month, 2–4 pm (Japan time)',
      )
      // The JSON-LD is data, not a script: it is there, parses, and the CSP had nothing to say.
      const jsonLd = await page.locator('script[type="application/ld+json"]').textContent()
      expect(JSON.parse(jsonLd ?? '')).toHaveProperty('@graph')
      const background = await page.evaluate<string>(
        'getComputedStyle(document.querySelector(".before-join")).borderTopStyle',
      )
      expect(background).toBe('solid')
      await page.screenshot({ path: path.join(resultsDir, `group-${locale}.png`), fullPage: true })
      expect(errors).toEqual([])
      await context.close()
    })

    it(`fits a phone screen (${locale})`, async () => {
      const { context, page, errors } = await openPage({
        locale,
        viewport: phone,
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
      })
      await page.goto(`${origin}${groupPath}`)
      const overflow = await page.evaluate<number>(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      )
      expect(overflow).toBe(0)
      await page.screenshot({
        path: path.join(resultsDir, `group-${locale}-phone.png`),
        fullPage: true,
      })
      expect(errors).toEqual([])
      await context.close()
    })
  }

  it('prints the listing without the site’s navigation and forms', async () => {
    const { context, page } = await openPage({ locale: 'ja', viewport: desktop })
    await page.goto(`${origin}${groupPath}`)
    await page.emulateMedia({ media: 'print' })
    expect(await page.locator('.site-header').isVisible()).toBe(false)
    expect(await page.locator('#feedback').isVisible()).toBe(false)
    expect(await page.locator('#before-you-join').isVisible()).toBe(true)
    await page.screenshot({ path: path.join(resultsDir, 'group-print.png'), fullPage: true })
    await context.close()
  })

  it('sends a report through the form without JavaScript', async () => {
    const { context, page } = await openPage({
      locale: 'en',
      viewport: desktop,
      javaScriptEnabled: false,
    })
    await page.goto(`${origin}${groupPath}`)
    await page.getByText(translate('en', 'group.report.summary')).click()
    await page.getByLabel(translate('en', 'group.report.reason.closed')).check()
    await page
      .getByLabel(translate('en', 'group.report.details'))
      .fill('The last meeting was in 2025.')
    await page.getByRole('button', { name: translate('en', 'group.report.submit') }).click()
    await page.waitForURL((url) => url.searchParams.get('sent') === '1')
    expect(await page.getByRole('status').innerText()).toBe(
      translate('en', 'group.feedback.thanks'),
    )
    const items = await t.deps.db
      .selectFrom('moderation_item')
      .select(['reason', 'details'])
      .execute()
    expect(items).toEqual([{ reason: 'closed', details: 'The last meeting was in 2025.' }])
    await context.close()
  })
})
