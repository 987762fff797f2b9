import { type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../app.ts'
import { openBrowser, screenshots } from '../chromium.ts'
import { createAccount, person } from '../accounts.ts'

/**
 * Passkeys in Chromium with a virtual authenticator (DevTools' WebAuthn domain): added from the
 * security page, used as the second step after the password, and alone.
 */
describe('passkeys in Chromium', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>
  let closeBrowser: (() => Promise<void>) | undefined
  let browser: Browser
  let origin: string

  beforeAll(async () => {
    t = await createTestApp()
    ;({ browser, origin, close: closeBrowser } = await openBrowser(t, { host: 'localhost' }))
  })

  afterAll(async () => {
    await closeBrowser?.()
    await t?.close()
  })

  const shot = screenshots('passkeys-')
  const heading = (page: Page) => page.locator('h1').innerText()

  it('adds a passkey, signs in with it after the password and on its own, and removes it', async () => {
    const who = await createAccount(t, person({ display_name: 'Keiko' }))
    const context = await browser.newContext({ locale: 'en-GB' })
    const page = await context.newPage()
    page.setDefaultTimeout(8000)
    const errors: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().includes('status of 400')) errors.push(m.text())
    })
    const cdp = await context.newCDPSession(page)
    await cdp.send('WebAuthn.enable')
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    })

    const signInWithPassword = async () => {
      await page.goto(`${origin}/sign-in`)
      await page.getByLabel('E-mail address').fill(who.email)
      await page.getByLabel('Password').fill(who.password)
      await page.getByRole('button', { name: 'Sign in', exact: true }).click()
    }
    await signInWithPassword()
    await expect.poll(() => heading(page)).toBe('You are signed in')

    await page.goto(`${origin}/account/security`)
    const passkeys = page.getByRole('region', { name: 'Passkeys' })
    await passkeys.getByLabel('Name for the passkey').fill('Test laptop')
    await passkeys.getByLabel('Password').fill(who.password)
    await passkeys.getByRole('button', { name: 'Add a passkey' }).click()
    await expect.poll(() => heading(page)).toBe('Create your passkey')
    // With the script, the form shows and the line about needing it does not.
    await expect.poll(() => page.locator('.passkey-unsupported').isVisible()).toBe(false)
    await shot(page, 'create')
    await page.getByRole('button', { name: 'Create the passkey' }).click()
    // The first second factor comes with recovery codes.
    await expect.poll(() => heading(page)).toBe('Keep these recovery codes')
    expect(await page.getByRole('status').innerText()).toContain('Test laptop')
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId })
    expect(credentials).toHaveLength(1)
    expect(credentials[0]!.isResidentCredential).toBe(true)

    // Password, then the passkey as the second step.
    await page.getByRole('button', { name: 'Sign out' }).click()
    await signInWithPassword()
    await expect.poll(() => heading(page)).toBe('Second step of signing in')
    await shot(page, 'second-step')
    await page.getByRole('button', { name: 'Use a passkey' }).click()
    await expect.poll(() => heading(page)).toBe('You are signed in')

    // The passkey alone: the authenticator verifies the person and names the account.
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.goto(`${origin}/sign-in`)
    await shot(page, 'sign-in')
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click()
    await expect.poll(() => heading(page)).toBe('You are signed in')
    const stored = await t.deps.db
      .selectFrom('passkey_credential')
      .select(['counter', 'last_used_at'])
      .where('user_id', '=', who.id)
      .executeTakeFirstOrThrow()
    // Two sign-ins, each counted by the authenticator.
    expect(Number(stored.counter)).toBeGreaterThanOrEqual(2)
    expect(stored.last_used_at).not.toBeNull()

    await page.goto(`${origin}/account/security`)
    await shot(page, 'security')
    expect(await passkeys.innerText()).toContain('Test laptop')
    const removal = page.getByRole('region', { name: 'Passkeys' })
    await removal.locator('#remove-password').fill(who.password)
    await removal.getByRole('button', { name: 'Remove the passkey' }).click()
    await expect.poll(() => page.getByRole('status').innerText()).toBe('The passkey was removed.')
    expect(errors).toEqual([])
    await context.close()
  })

  it('says without JavaScript that passkeys need it, and keeps the password way in', async () => {
    const context = await browser.newContext({ locale: 'en-GB', javaScriptEnabled: false })
    const page = await context.newPage()
    await page.goto(`${origin}/sign-in`)
    expect(await page.getByRole('button', { name: 'Sign in with a passkey' }).count()).toBe(0)
    expect(await page.getByRole('button', { name: 'Sign in', exact: true }).isVisible()).toBe(true)
    await context.close()
  })
})
