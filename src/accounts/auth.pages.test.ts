import { Secret, TOTP } from 'otpauth'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../tests/app.ts'
import { createAccount, lastMailedToken, person, send } from '../../tests/accounts.ts'
import { browser, hidden, type TestApp } from '../../tests/page-browser.ts'

describe('sign-up, sign-in and sign-out pages, without JavaScript', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(() => t.close())

  it('renders the sign-up and sign-in forms in both languages', async () => {
    for (const [locale, signUp, signIn] of [
      ['ja', 'アカウント登録', 'ログイン'],
      ['en', 'Create an account', 'Sign in'],
    ] as const) {
      const b = browser(t, locale)
      const up = await b.get('/sign-up')
      expect(up.res.status).toBe(200)
      expect(up.html).toContain(`<html lang="${locale}">`)
      expect(up.html).toContain(signUp)
      expect(up.html).not.toContain('<script')
      expect(hidden(up.html).form_token).toBeTruthy()
      const inPage = await b.get('/sign-in')
      expect(inPage.res.status).toBe(200)
      expect(inPage.html).toContain(signIn)
      expect(inPage.html).toContain('href="/sign-in"')
    }
  })

  it('keeps what was typed, except the password, next to the field that needs fixing', async () => {
    const b = browser(t, 'en')
    const form = await b.get('/sign-up')
    const res = await b.post('/sign-up', {
      ...hidden(form.html),
      display_name: 'Hanako',
      email: 'not an address',
      password: 'correct horse battery staple',
    })
    expect(res.res.status).toBe(400)
    expect(res.html).toContain('value="Hanako"')
    expect(res.html).toContain('value="not an address"')
    expect(res.html).not.toContain('correct horse')
    expect(res.html).toContain('aria-describedby="email-error"')
    expect(res.html).toContain('id="email-error"')
    expect(res.html).toContain('Enter an e-mail address.')
  })

  it('signs up from the page, then signs in and out', async () => {
    const who = person({ locale: 'ja' })
    const b = browser(t, 'ja')
    const form = await b.get('/sign-up')
    const done = await b.post('/sign-up', {
      ...hidden(form.html),
      display_name: who.display_name,
      email: who.email,
      password: who.password,
    })
    expect(done.res.status).toBe(200)
    expect(done.html).toContain('メールを確認してください')
    await t.deps.background.idle()
    const token = lastMailedToken(t, who.email)
    const confirm = await b.get(`/auth/confirm?token=${token}`)
    await b.post('/auth/confirm', { ...hidden(confirm.html), password: who.password })

    const out = await b.post('/sign-out', hidden((await b.get('/')).html))
    expect(out.res.status).toBe(303)
    expect((await b.get('/sign-in/done')).res.status).toBe(303)

    const signInForm = await b.get('/sign-in')
    const wrong = await b.post('/sign-in', {
      ...hidden(signInForm.html),
      email: who.email,
      password: 'not the password',
    })
    expect(wrong.res.status).toBe(400)
    expect(wrong.html).toContain('メールアドレスかパスワードが違います')
    expect(wrong.html).toContain(`value="${who.email}"`)

    const ok = await b.post('/sign-in', {
      ...hidden(wrong.html),
      email: who.email,
      password: who.password,
    })
    expect(ok.res.status).toBe(303)
    expect(ok.res.headers.get('location')).toBe('/sign-in/done')
    const welcome = await b.get('/sign-in/done')
    expect(welcome.res.status).toBe(200)
    expect(welcome.html).toContain('action="/sign-out"')
    expect(welcome.html).toContain('href="/account"')
  })

  it('asks for the app code when the account has a second factor', async () => {
    const who = await createAccount(t, person())
    const begin = await send(t, 'POST', '/api/v1/me/second-factor/totp', { cookie: who.cookie })
    const { secret } = (await begin.json()) as { secret: string }
    const code = () =>
      new TOTP({ secret: Secret.fromBase32(secret) }).generate({
        timestamp: t.clock.now().getTime(),
      })
    await send(t, 'POST', '/api/v1/me/second-factor/totp/confirm', {
      cookie: who.cookie,
      body: { code: code() },
    })
    t.clock.advance(30_000)

    const b = browser(t, 'en')
    const form = await b.get('/sign-in')
    const step = await b.post('/sign-in', {
      ...hidden(form.html),
      email: who.email,
      password: who.password,
    })
    expect(step.res.status).toBe(303)
    expect(step.res.headers.get('location')).toBe('/sign-in/second-factor')
    const second = await b.get('/sign-in/second-factor')
    expect(second.html).toContain('Second step of signing in')
    const wrong = await b.post('/sign-in/second-factor', { ...hidden(second.html), code: '000000' })
    expect(wrong.res.status).toBe(400)
    expect(wrong.html).toContain('This code is not right')
    const ok = await b.post('/sign-in/second-factor', { ...hidden(wrong.html), code: code() })
    expect(ok.res.status).toBe(303)
    expect((await b.get('/sign-in/done')).res.status).toBe(200)
  })
})
