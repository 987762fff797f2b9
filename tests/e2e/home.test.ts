import path from 'node:path'
import { type Browser, type BrowserContextOptions, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { translate } from '#src/i18n/i18n.ts'
import { createTestApp } from '../app.ts'
import { openBrowser, resultsDir } from '../chromium.ts'

const desktop = { width: 1280, height: 900 }
const phone = { width: 390, height: 844 }

describe('home page in Chromium', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>
  let closeBrowser: (() => Promise<void>) | undefined
  let browser: Browser
  let origin: string

  beforeAll(async () => {
    t = await createTestApp()
    ;({ browser, origin, close: closeBrowser } = await openBrowser(t))
  })

  afterAll(async () => {
    await closeBrowser?.()
    await t?.close()
  })

  /** A fresh browser profile whose console errors (CSP violations among them) are collected. */
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

  const heading = (page: Page) => page.locator('h1').innerText()
  const htmlLang = (page: Page) => page.locator('html').getAttribute('lang')

  it('shows the home page in Japanese and switches to English with the language link', async () => {
    const { context, page, errors } = await openPage({ locale: 'ja-JP', viewport: desktop })
    await page.goto(`${origin}/`)
    expect(await htmlLang(page)).toBe('ja')
    expect(await heading(page)).toBe(translate('ja', 'home.heading'))
    // The stylesheet loaded under the strict CSP: the page has its own background colour.
    const background = await page.evaluate<string>(
      'getComputedStyle(document.body).backgroundColor',
    )
    expect(background).toBe('rgb(251, 248, 244)')
    await page.screenshot({ path: path.join(resultsDir, 'home-ja.png'), fullPage: true })

    await page.getByRole('link', { name: 'English' }).click()
    await page.waitForURL(`${origin}/`)
    expect(await htmlLang(page)).toBe('en')
    expect(await heading(page)).toBe(translate('en', 'home.heading'))
    const cookies = await context.cookies()
    expect(cookies.find((cookie) => cookie.name === 'tomoni_locale')).toMatchObject({
      value: 'en',
      httpOnly: true,
      sameSite: 'Lax',
    })
    await page.screenshot({ path: path.join(resultsDir, 'home-en.png'), fullPage: true })

    // The choice sticks: the next visit is in English although the browser prefers Japanese.
    await page.goto(`${origin}/`)
    expect(await htmlLang(page)).toBe('en')
    expect(errors).toEqual([])
    await context.close()
  })

  it('answers in English to a browser that prefers English', async () => {
    const { context, page } = await openPage({ locale: 'en-GB', viewport: desktop })
    await page.goto(`${origin}/`)
    expect(await htmlLang(page)).toBe('en')
    expect(await heading(page)).toBe(translate('en', 'home.heading'))
    await context.close()
  })

  for (const locale of ['ja', 'en'] as const) {
    it(`fits a phone screen without sideways scrolling (${locale})`, async () => {
      const { context, page, errors } = await openPage({
        locale,
        viewport: phone,
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
      })
      await page.goto(`${origin}/`)
      expect(await htmlLang(page)).toBe(locale)
      const overflow = await page.evaluate<number>(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      )
      expect(overflow).toBe(0)
      await page.screenshot({
        path: path.join(resultsDir, `home-${locale}-phone.png`),
        fullPage: true,
      })
      expect(errors).toEqual([])
      await context.close()
    })
  }

  it('lets a keyboard user skip to the main content first', async () => {
    const { context, page } = await openPage({ locale: 'ja-JP', viewport: desktop })
    await page.goto(`${origin}/`)
    await page.keyboard.press('Tab')
    const skip = page.getByRole('link', { name: translate('ja', 'layout.skipLink') })
    await expect
      .poll(() => page.evaluate<string | undefined>('document.activeElement?.className'))
      .toBe('skip-link')
    expect(await skip.isVisible()).toBe(true)
    await page.keyboard.press('Enter')
    await expect
      .poll(() => page.evaluate<string | undefined>('document.activeElement?.id'))
      .toBe('main')
    await context.close()
  })

  it('submits the search form to /search with the query', async () => {
    const { context, page } = await openPage({ locale: 'ja-JP', viewport: desktop })
    await page.goto(`${origin}/`)
    await page.getByLabel(translate('ja', 'home.search.label')).fill('千葉 小児がん 親の会')
    await page.keyboard.press('Enter')
    await page.waitForURL((url) => url.pathname === '/search')
    expect(new URL(page.url()).searchParams.get('q')).toBe('千葉 小児がん 親の会')
    await context.close()
  })
})
