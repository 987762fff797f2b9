import path from 'node:path'
import { type Browser, type BrowserContextOptions, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { system } from '#src/access/actor.ts'
import { importHsds } from '#src/directory/hsds-import.ts'
import { translate } from '#src/i18n/i18n.ts'
import { createTestApp } from '../app.ts'
import { openBrowser, resultsDir } from '../chromium.ts'

const bench = path.resolve(import.meta.dirname, '../fixtures')
const desktop = { width: 1280, height: 900 }
const phone = { width: 390, height: 844 }

describe('search page in Chromium (without JavaScript unless a test says so)', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>
  let closeBrowser: (() => Promise<void>) | undefined
  let browser: Browser
  let origin: string

  beforeAll(async () => {
    t = await createTestApp()
    const report = await importHsds(t.deps, system, path.join(bench, 'groups-dev.json'))
    expect(report.rejected).toEqual([])
    ;({ browser, origin, close: closeBrowser } = await openBrowser(t))
  })

  afterAll(async () => {
    await closeBrowser?.()
    await t?.close()
  })

  async function openPage(options: BrowserContextOptions) {
    const context = await browser.newContext({ javaScriptEnabled: false, ...options })
    const page = await context.newPage()
    const errors: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text())
    })
    page.on('pageerror', (error) => errors.push(error.message))
    return { context, page, errors }
  }

  const resultNames = (page: Page) => page.locator('.result-name').allInnerTexts()

  it('finds the Shizuoka childhood cancer parents group from the home page, in Japanese', async () => {
    const { context, page, errors } = await openPage({ locale: 'ja-JP', viewport: desktop })
    await page.goto(`${origin}/`)
    await page.getByLabel(translate('ja', 'home.search.label')).fill('静岡 小児がん 親の会')
    await page.keyboard.press('Enter')
    await page.waitForURL((url) => url.pathname === '/search')
    expect(await page.locator('html').getAttribute('lang')).toBe('ja')
    const names = await resultNames(page)
    // The parents' group first: for exactly the people asked for, where the hospital salon is for
    // parents and other family.
    expect(names[0]).toBe('しずおか 小児がん 親の会')
    // What the text was understood as, each removable.
    const chips = page.locator('.chip')
    expect(await chips.count()).toBe(3)
    const chipText = (await chips.allInnerTexts()).join(' ')
    expect(chipText).toContain('静岡県')
    expect(chipText).toContain('小児がん')
    expect(chipText).toContain('親')
    // Each card shows the five points to check before joining.
    const first = page.locator('.result-card').first()
    expect(await first.locator('.result-before dt').allInnerTexts()).toEqual([
      translate('ja', 'search.card.purpose'),
      translate('ja', 'search.card.conditions'),
      translate('ja', 'search.card.fee'),
      translate('ja', 'search.card.place'),
      translate('ja', 'search.card.contact'),
    ])
    await page.screenshot({ path: path.join(resultsDir, 'search-ja.png'), fullPage: true })

    // Taking the place away searches all of Japan: the chip is a plain link.
    await page.getByRole('link', { name: '「静岡県」を条件から外す' }).click()
    await page.waitForURL((url) => url.searchParams.get('q') === '小児がん 親の会')
    expect(await page.locator('.chip').count()).toBe(2)
    expect(errors).toEqual([])
    await context.close()
  })

  it('finds the Nottingham brain tumour parents group in English, and filters with the form', async () => {
    const { context, page, errors } = await openPage({ locale: 'en-GB', viewport: desktop })
    await page.goto(
      `${origin}/search?q=${encodeURIComponent('childhood brain tumour parents Nottingham')}`,
    )
    expect(await page.locator('html').getAttribute('lang')).toBe('en')
    const names = await resultNames(page)
    expect(names[0]).toBe('Jorja-Rose Foundation - Childhood Brain Tumour Parents (Nottingham)')
    await page.screenshot({ path: path.join(resultsDir, 'search-en.png'), fullPage: true })

    // Facets are a GET form: tick "Online" and apply.
    await page.goto(`${origin}/search?q=${encodeURIComponent('Pompe disease')}`)
    expect(await resultNames(page)).toEqual(
      expect.arrayContaining(['Pompe Families International (online)', 'つくば ポンペ病 家族会']),
    )
    await page.getByRole('radio', { name: /^Online/ }).check()
    await page.getByRole('button', { name: 'Apply' }).click()
    await page.waitForURL((url) => url.searchParams.get('attendance') === 'online')
    const online = await resultNames(page)
    expect(online[0]).toBe('Pompe Families International (online)')
    expect(online).not.toContain('つくば ポンペ病 家族会')
    expect(errors).toEqual([])
    await context.close()
  })

  it('pages through every group', async () => {
    const { context, page } = await openPage({ locale: 'en-GB', viewport: desktop })
    await page.goto(`${origin}/search`)
    expect(await page.locator('.result-card').count()).toBe(10)
    const first = await resultNames(page)
    await page
      .getByRole('navigation', { name: 'Result pages' })
      .getByRole('link', { name: 'Next' })
      .click()
    await page.waitForURL((url) => url.searchParams.get('page') === '2')
    const second = await resultNames(page)
    expect(second).toHaveLength(10)
    expect(second.filter((n) => first.includes(n))).toEqual([])
    await context.close()
  })

  it('suggests wider searches, with their counts, when nothing matches', async () => {
    const { context, page } = await openPage({ locale: 'ja-JP', viewport: desktop })
    await page.goto(
      `${origin}/search?q=${encodeURIComponent('東京 多系統萎縮症')}&attendance=in_person`,
    )
    expect(await page.locator('.result-card').count()).toBe(0)
    const suggestions = page.locator('.suggestions li')
    expect(await suggestions.count()).toBeGreaterThan(0)
    expect(await suggestions.allInnerTexts()).toEqual(
      expect.arrayContaining([expect.stringMatching(/オンラインのグループを表示\s*2件/)]),
    )
    await page.screenshot({ path: path.join(resultsDir, 'search-empty-ja.png'), fullPage: true })
    await page.getByRole('link', { name: 'オンラインのグループを表示' }).click()
    await page.waitForURL((url) => url.searchParams.get('attendance') === 'online')
    expect(await resultNames(page)).toContain('多系統萎縮症 オンライン交流会')
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
      const q = locale === 'ja' ? '熊本 きょうだい' : 'Down syndrome teens Tulsa'
      await page.goto(`${origin}/search?q=${encodeURIComponent(q)}`)
      expect(await page.locator('.result-card').count()).toBeGreaterThan(0)
      const overflow = await page.evaluate<number>(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      )
      expect(overflow).toBe(0)
      await page.screenshot({
        path: path.join(resultsDir, `search-${locale}-phone.png`),
        fullPage: true,
      })
      expect(errors).toEqual([])
      await context.close()
    })
  }

  it('offers conditions as a word is typed, with JavaScript, and completes that word', async () => {
    const { context, page, errors } = await openPage({
      locale: 'ja-JP',
      viewport: desktop,
      javaScriptEnabled: true,
    })
    await page.goto(`${origin}/`)
    const box = page.getByLabel(translate('ja', 'home.search.label'))
    await box.pressSequentially('千葉 ぜんそ', { delay: 20 })
    const options = page.locator('datalist option')
    await expect.poll(() => options.count(), { timeout: 5000 }).toBeGreaterThan(0)
    const values = await page.evaluate<string[]>(
      "[...document.querySelectorAll('datalist option')].map((o) => o.value)",
    )
    expect(values).toContain('千葉 喘息')
    expect(values.every((v) => v.startsWith('千葉 '))).toBe(true)
    // Fewer than two characters of a word: nothing offered.
    await box.fill('千葉 ぜ')
    await box.dispatchEvent('input')
    await expect.poll(() => options.count(), { timeout: 5000 }).toBe(0)
    expect(errors).toEqual([])
    await context.close()
  })
})
