import { Secret, TOTP } from 'otpauth'
import { type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../app.ts'
import { openBrowser, screenshots } from '../chromium.ts'

const desktop = { width: 1280, height: 900 }
const phone = { width: 390, height: 844 }

describe('an account from sign-up to erasure, in Chromium', () => {
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

  const shot = screenshots('account-')

  it('signs up, confirms from the mail, sets up TOTP, signs in with it, exports and erases', async () => {
    const context = await browser.newContext({
      locale: 'en-GB',
      viewport: desktop,
      acceptDownloads: true,
    })
    const page = await context.newPage()
    page.setDefaultTimeout(8000)
    const errors: string[] = []
    page.on('console', (m) => {
      // A form sent back with a message answers 400, which Chromium reports; anything else counts.
      if (m.type() === 'error' && !m.text().includes('status of 400')) errors.push(m.text())
    })
    const email = `e2e-${Date.now()}@example.jp`
    const password = 'a long and quiet afternoon'

    await page.goto(`${origin}/`)
    await page.getByRole('link', { name: 'Sign in' }).click()
    await page.getByRole('link', { name: /Create one/ }).click()
    await page.getByLabel('Name shown to others').fill('Hanako')
    await page.getByLabel('E-mail address').fill(email)
    await page.getByLabel('Password').fill('short')
    await page.getByRole('button', { name: 'Create the account' }).click()
    expect(await page.getByLabel('E-mail address').inputValue()).toBe(email)
    await shot(page, 'sign-up-error')
    await page.getByLabel('Password').fill(password)
    await page.getByRole('button', { name: 'Create the account' }).click()
    await expect.poll(() => page.locator('h1').innerText()).toBe('Please check your mail')
    await shot(page, 'sign-up-done')

    await t.deps.background.idle()
    const mail = t
      .outbox()
      .filter((m) => m.to === email)
      .at(-1)!
    const link = /https?:\/\/[^/\s]+(\/auth\/confirm\?token=[\w-]+)/.exec(mail.text)![1]!
    await page.goto(`${origin}${link}`)
    await page.getByLabel('Password').fill(password)
    await page.getByRole('button', { name: 'Finish' }).click()
    await expect.poll(() => page.locator('h1').innerText()).toBe('Your account is ready')

    await page.goto(`${origin}/account`)
    await shot(page, 'settings')
    await page.getByRole('link', { name: 'Second step at sign-in' }).click()
    const app = page.getByRole('region', { name: 'Authenticator app' })
    await app.getByLabel('Password').fill(password)
    await app.getByRole('button', { name: 'Set up an authenticator app' }).click()
    await shot(page, 'totp')
    const secret = await page.locator('input[name="secret"]').getAttribute('value')
    const totp = new TOTP({ secret: Secret.fromBase32(secret!) })
    const code = () => totp.generate({ timestamp: t.clock.now().getTime() })
    await page.getByLabel('Code from the app').fill(code())
    await page.getByRole('button', { name: 'Turn it on' }).click()
    await expect.poll(() => page.locator('h1').innerText()).toBe('Keep these recovery codes')
    expect(await page.locator('.recovery-codes li').count()).toBe(10)
    await shot(page, 'recovery-codes')

    await page.getByRole('button', { name: 'Sign out' }).click()
    t.clock.advance(30_000)
    await page.getByRole('link', { name: 'Sign in' }).click()
    await page.getByLabel('E-mail address').fill(email)
    await page.getByLabel('Password').fill(password)
    await page.getByRole('button', { name: 'Sign in', exact: true }).click()
    await page.getByLabel('Code from the app').fill(code())
    await shot(page, 'second-factor')
    await page.getByRole('button', { name: 'Continue' }).click()
    await expect.poll(() => page.locator('h1').innerText()).toBe('You are signed in')

    await page.goto(`${origin}/account/sessions`)
    await shot(page, 'sessions')
    await page.goto(`${origin}/account/export`)
    await page.getByLabel('Password').fill(password)
    const downloading = page.waitForEvent('download')
    await page.getByRole('button', { name: 'Download' }).click()
    const download = await downloading
    expect(download.suggestedFilename()).toMatch(/^tomoni-export-.*\.json$/)

    await page.goto(`${origin}/account/erase`)
    await shot(page, 'erase')
    await page.getByLabel('Password').fill(password)
    await page.getByRole('button', { name: 'Erase my account' }).click()
    await expect.poll(() => page.locator('h1').innerText()).toBe('Your account was erased')
    expect(errors).toEqual([])
    await context.close()
  })

  it('lays the forms out on a phone, in Japanese', async () => {
    const context = await browser.newContext({ locale: 'ja-JP', viewport: phone })
    const page = await context.newPage()
    await page.goto(`${origin}/sign-up`)
    await page.getByRole('button', { name: '登録する' }).click()
    await shot(page, 'sign-up-phone-ja')
    const width = await page.evaluate<number>('document.documentElement.scrollWidth')
    expect(width).toBeLessThanOrEqual(phone.width)
    await context.close()
  })
})
