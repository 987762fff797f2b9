import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../tests/app.ts'
import { createAccount, lastMailedToken, person, send } from '../../tests/accounts.ts'
import { browser, hidden, type TestApp } from '../../tests/page-browser.ts'

describe('the pages mail links open, without JavaScript', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(() => t.close())

  it('finishes a sign-up from the mailed link, in Japanese, and signs in', async () => {
    const who = person({ locale: 'ja' })
    await send(t, 'POST', '/api/v1/auth/sign-up', { body: who })
    const link = /http:\/\/[^/]+(\/auth\/confirm\?token=[\w-]+)/.exec(t.outbox().at(-1)!.text)![1]!
    const b = browser(t, 'ja')
    const form = await b.get(link)
    expect(form.res.status).toBe(200)
    expect(form.html).toContain('アカウント登録の完了')
    expect(form.html).not.toContain('<script')
    expect(form.res.headers.get('content-security-policy')).toContain("default-src 'self'")

    const wrong = await b.post('/auth/confirm', { ...hidden(form.html), password: 'not it at all' })
    expect(wrong.res.status).toBe(400)
    expect(wrong.html).toContain('パスワードが違います')

    const ok = await b.post('/auth/confirm', { ...hidden(wrong.html), password: who.password })
    expect(ok.res.status).toBe(200)
    expect(ok.html).toContain('登録が完了しました')
    const session = [...b.jar].find(([name]) => name.includes('tomoni_session'))!
    const me = await send(t, 'GET', '/api/v1/me', { cookie: `${session[0]}=${session[1]}` })
    expect(me.status).toBe(200)
  })

  it('refuses a form posted without its form token, or from another site', async () => {
    const who = person()
    await send(t, 'POST', '/api/v1/auth/sign-up', { body: who })
    const token = lastMailedToken(t, who.email)
    const b = browser(t, 'en')
    await b.get(`/auth/confirm?token=${token}`)
    const forged = await b.post('/auth/confirm', {
      token,
      form_token: 'made-up',
      password: who.password,
    })
    expect(forged.res.status).toBe(400)
    expect(forged.html).toContain('This form has expired')
    const crossSite = await t.app.request('/auth/confirm', {
      method: 'POST',
      headers: {
        origin: 'https://evil.test',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ token, password: who.password }).toString(),
    })
    expect(crossSite.status).toBe(403)
    // The link still works for its owner.
    const form = await b.get(`/auth/confirm?token=${token}`)
    const ok = await b.post('/auth/confirm', { ...hidden(form.html), password: who.password })
    expect(ok.res.status).toBe(200)
  })

  it('asks for a reset link and sets a new password from it, in English', async () => {
    const who = await createAccount(t)
    const b = browser(t, 'en')
    const ask = await b.get('/auth/reset')
    expect(ask.html).toContain('Forgot your password?')
    const sent = await b.post('/auth/reset', { ...hidden(ask.html), email: who.email })
    expect(sent.html).toContain('Please check your mail')
    const unknown = await b.post('/auth/reset', {
      ...hidden(ask.html),
      email: 'nobody-here@example.test',
    })
    expect(unknown.html).toBe(sent.html)

    const token = lastMailedToken(t, who.email)
    const form = await b.get(`/auth/reset?token=${token}`)
    expect(form.html).toContain('Set a new password')
    const weak = await b.post('/auth/reset', { ...hidden(form.html), new_password: 'password1' })
    expect(weak.res.status).toBe(400)
    expect(weak.html).toContain('This password cannot be used')
    const ok = await b.post('/auth/reset', {
      ...hidden(weak.html),
      new_password: 'a page-made passphrase',
    })
    expect(ok.html).toContain('Your password was changed')
    const signIn = await send(t, 'POST', '/api/v1/auth/sign-in', {
      body: { email: who.email, password: 'a page-made passphrase' },
    })
    expect(signIn.status).toBe(200)
  })

  it('confirms a change of address from the link', async () => {
    const who = await createAccount(t)
    const next = person().email
    await send(t, 'POST', '/api/v1/me/email', {
      cookie: who.cookie,
      body: { new_email: next, password: who.password },
    })
    const b = browser(t, 'en')
    const form = await b.get(`/auth/confirm-email?token=${lastMailedToken(t, next)}`)
    const ok = await b.post('/auth/confirm-email', hidden(form.html))
    expect(ok.html).toContain('Your address was changed')
    const again = await b.post('/auth/confirm-email', hidden(form.html))
    expect(again.res.status).toBe(400)
    expect(again.html).toContain('This link does not work any more')
  })
})
