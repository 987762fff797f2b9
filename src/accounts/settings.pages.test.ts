import { Secret, TOTP } from 'otpauth'
import { consentTexts } from '#src/consent/consent.texts.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../tests/app.ts'
import { lastMailedToken, person } from '../../tests/accounts.ts'
import { browser, hidden, type TestApp } from '../../tests/page-browser.ts'

describe('the account pages, without JavaScript', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(() => t.close())

  /** A browser signed in to a new account made through the pages. */
  async function signedIn(locale: 'ja' | 'en') {
    const who = person({ locale })
    const b = browser(t, locale)
    const form = await b.get('/sign-up')
    await b.post('/sign-up', {
      ...hidden(form.html),
      display_name: who.display_name,
      email: who.email,
      password: who.password,
    })
    await t.deps.background.idle()
    const confirm = await b.get(`/auth/confirm?token=${lastMailedToken(t, who.email)}`)
    const done = await b.post('/auth/confirm', { ...hidden(confirm.html), password: who.password })
    expect(done.res.status).toBe(200)
    return { who, b }
  }

  const pages = [
    '/account',
    '/account/sessions',
    '/account/security',
    '/account/consents',
    '/account/export',
    '/account/erase',
  ]

  it('sends a visitor who is not signed in to the sign-in page', async () => {
    const b = browser(t, 'en')
    for (const path of pages) {
      const res = await b.get(path)
      expect(res.res.status, path).toBe(303)
      expect(res.res.headers.get('location')).toBe('/sign-in')
    }
  })

  it('renders every page in both languages, without scripts', async () => {
    for (const [locale, word] of [
      ['ja', 'アカウント'],
      ['en', 'Your account'],
    ] as const) {
      const { b } = await signedIn(locale)
      for (const path of pages) {
        const res = await b.get(path)
        expect(res.res.status, path).toBe(200)
        expect(res.html).toContain(`<html lang="${locale}">`)
        expect(res.html).toContain(word)
        expect(res.html).not.toContain('<script')
        expect(res.res.headers.get('cache-control')).toContain('no-store')
      }
    }
  })

  it('saves the name, and keeps a refused e-mail change next to its field', async () => {
    const { b } = await signedIn('en')
    const form = await b.get('/account')
    const saved = await b.post('/account/profile', {
      ...hidden(form.html),
      display_name: 'Hanako Y.',
      locale: 'en',
    })
    expect(saved.res.status).toBe(303)
    expect((await b.get('/account')).html).toContain('value="Hanako Y."')

    const refused = await b.post('/account/email', {
      ...hidden(form.html),
      new_email: 'new-address@example.jp',
      password: 'not my password',
    })
    expect(refused.res.status).toBe(400)
    expect(refused.html).toContain('value="new-address@example.jp"')
    expect(refused.html).not.toContain('not my password')
    expect(refused.html).toContain('id="password-error"')

    const wrong = await b.post('/account/password', {
      ...hidden(form.html),
      current_password: 'not my password',
      new_password: 'a brand new long passphrase',
    })
    expect(wrong.res.status).toBe(400)
    expect(wrong.html).toContain('aria-describedby="current_password-error"')
  })

  it('sets up an authenticator app with a QR code and shows the recovery codes once', async () => {
    const { who, b } = await signedIn('en')
    const form = await b.get('/account/security')
    const begin = await b.post('/account/security/begin', {
      ...hidden(form.html),
      password: who.password,
    })
    expect(begin.res.status).toBe(200)
    expect(begin.html).toContain('<svg')
    const secret = hidden(begin.html).secret!
    const wrong = await b.post('/account/security/confirm', {
      ...hidden(begin.html),
      code: '000000',
    })
    expect(wrong.res.status).toBe(400)
    expect(wrong.html).toContain('id="code-error"')
    const code = new TOTP({ secret: Secret.fromBase32(secret) }).generate({
      timestamp: t.clock.now().getTime(),
    })
    const ok = await b.post('/account/security/confirm', { ...hidden(wrong.html), code })
    expect(ok.res.status).toBe(200)
    expect(ok.html).toContain('Keep these recovery codes')
    expect((await b.get('/account/security')).html).toContain('Recovery codes left: 10.')
  })

  it('gives and withdraws a consent, lists sessions and signs out everywhere', async () => {
    const { b } = await signedIn('ja')
    const consents = await b.get('/account/consents')
    const fields = hidden(consents.html)
    const given = await b.post('/account/consents', {
      ...fields,
      purpose: 'health_data',
      text_version: consentTexts.health_data.version,
    })
    expect(given.res.status).toBe(303)
    expect((await b.get('/account/consents')).html).toContain('同意を取り消す')

    const sessions = await b.get('/account/sessions')
    expect(sessions.html).toContain('この端末')
    const out = await b.post('/account/sessions/revoke-all', hidden(sessions.html))
    expect(out.res.status).toBe(303)
    expect((await b.get('/account')).res.status).toBe(303)
  })

  it('exports after the password, then erases the account', async () => {
    const { who, b } = await signedIn('en')
    const form = await b.get('/account/export')
    const wrong = await b.post('/account/export', { ...hidden(form.html), password: 'nope nope' })
    expect(wrong.res.status).toBe(400)
    const ok = await b.post('/account/export', { ...hidden(form.html), password: who.password })
    expect(ok.res.status).toBe(200)
    expect(ok.res.headers.get('content-disposition')).toContain('attachment')
    expect(JSON.parse(ok.html)).toMatchObject({})

    const erase = await b.get('/account/erase')
    expect(erase.html).toContain('an empty record under a random number')
    const gone = await b.post('/account/erase', { ...hidden(erase.html), password: who.password })
    expect(gone.res.status).toBe(200)
    expect(gone.html).toContain('Your account was erased')
    expect((await b.get('/account')).res.status).toBe(303)
  })
})
