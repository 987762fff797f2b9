import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../tests/app.ts'
import { createAccount, lastMailedToken, person, send } from '../../tests/accounts.ts'

describe('sign-up and e-mail confirmation', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>
  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(() => t.close())

  it('mails a link, and the link with the password creates the account and signs in', async () => {
    const who = person({ locale: 'ja', display_name: 'はなこ' })
    const res = await send(t, 'POST', '/api/v1/auth/sign-up', { body: who })
    expect(res.status).toBe(202)
    const mail = t.outbox().at(-1)!
    expect(mail.to).toBe(who.email)
    expect(mail.subject).toBe('Tomoni：メールアドレスの確認')
    expect(mail.text).toContain('/auth/confirm?token=')

    // Nothing exists until the address is proven.
    expect(await t.deps.db.selectFrom('app_user').select('id').execute()).toEqual([])
    const confirm = await send(t, 'POST', '/api/v1/auth/confirm', {
      body: { token: lastMailedToken(t, who.email), password: who.password },
    })
    expect(confirm.status).toBe(200)
    expect(await confirm.json()).toMatchObject({
      user: { email: who.email, display_name: 'はなこ', locale: 'ja', roles: [] },
    })
    const stored = await t.deps.db
      .selectFrom('app_user')
      .select(['password_hash', 'email_confirmed_at'])
      .where('email', '=', who.email)
      .executeTakeFirstOrThrow()
    expect(stored.password_hash).toMatch(/^\$argon2id\$/)
    expect(stored.email_confirmed_at).not.toBeNull()
  })

  it('answers sign-up alike for a known and an unknown address, and tells only the mailbox', async () => {
    const known = await createAccount(t, person({ locale: 'en' }))
    const fresh = person()
    const a = await send(t, 'POST', '/api/v1/auth/sign-up', {
      body: { ...person(), email: known.email },
    })
    const b = await send(t, 'POST', '/api/v1/auth/sign-up', { body: fresh })
    expect(a.status).toBe(b.status)
    expect(await a.text()).toBe(await b.text())
    expect([...a.headers.keys()].sort()).toEqual([...b.headers.keys()].sort())
    const toKnown = t
      .outbox()
      .filter((m) => m.to === known.email)
      .at(-1)!
    expect(toKnown.subject).toBe('Tomoni: about your sign-up')
    expect(toKnown.text).not.toContain('token=')
    // The existing account is untouched: its password still works.
    const signIn = await send(t, 'POST', '/api/v1/auth/sign-in', {
      body: { email: known.email, password: known.password },
    })
    expect(signIn.status).toBe(200)
  })

  it('normalises the address, so case and spaces do not make a second account', async () => {
    const known = await createAccount(t)
    const res = await send(t, 'POST', '/api/v1/auth/sign-up', {
      body: { ...person(), email: `  ${known.email.toUpperCase()} ` },
    })
    expect(res.status).toBe(202)
    expect(t.outbox().at(-1)!.subject).toBe('Tomoni: about your sign-up')
  })

  it('refuses a token used once already', async () => {
    const who = person()
    await send(t, 'POST', '/api/v1/auth/sign-up', { body: who })
    const token = lastMailedToken(t, who.email)
    const first = await send(t, 'POST', '/api/v1/auth/confirm', {
      body: { token, password: who.password },
    })
    expect(first.status).toBe(200)
    const again = await send(t, 'POST', '/api/v1/auth/confirm', {
      body: { token, password: who.password },
    })
    expect(again.status).toBe(400)
    expect(await again.json()).toMatchObject({
      error: { code: 'invalid_input', fields: { token: expect.any(String) as unknown } },
    })
  })

  it('refuses a token after 24 hours, and accepts it just before', async () => {
    const early = person()
    const late = person()
    await send(t, 'POST', '/api/v1/auth/sign-up', { body: early })
    await send(t, 'POST', '/api/v1/auth/sign-up', { body: late })
    const earlyToken = lastMailedToken(t, early.email)
    const lateToken = lastMailedToken(t, late.email)
    t.clock.advance(24 * 3600_000 - 1000)
    const inTime = await send(t, 'POST', '/api/v1/auth/confirm', {
      body: { token: earlyToken, password: early.password },
    })
    expect(inTime.status).toBe(200)
    t.clock.advance(2000)
    const expired = await send(t, 'POST', '/api/v1/auth/confirm', {
      body: { token: lateToken, password: late.password },
    })
    expect(expired.status).toBe(400)
  })

  it('refuses a confirmation token at the reset endpoint and a reset token at confirmation', async () => {
    const who = person()
    await send(t, 'POST', '/api/v1/auth/sign-up', { body: who })
    const confirmToken = lastMailedToken(t, who.email)
    const asReset = await send(t, 'POST', '/api/v1/auth/reset-confirm', {
      body: { token: confirmToken, password: 'a brand new passphrase' },
    })
    expect(asReset.status).toBe(400)

    const account = await createAccount(t)
    await send(t, 'POST', '/api/v1/auth/reset-request', { body: { email: account.email } })
    const resetToken = lastMailedToken(t, account.email)
    const asConfirm = await send(t, 'POST', '/api/v1/auth/confirm', {
      body: { token: resetToken, password: account.password },
    })
    expect(asConfirm.status).toBe(400)
    // Both still work for their own purpose: a wrong use spends nothing.
    expect(
      (
        await send(t, 'POST', '/api/v1/auth/confirm', {
          body: { token: confirmToken, password: who.password },
        })
      ).status,
    ).toBe(200)
  })

  it('makes a stranger who signed up first with my address unable to own my account', async () => {
    const mine = person()
    await send(t, 'POST', '/api/v1/auth/sign-up', {
      body: { ...mine, password: 'the strangers passphrase' },
    })
    const strangersLink = lastMailedToken(t, mine.email)
    await send(t, 'POST', '/api/v1/auth/sign-up', { body: mine })
    const myLink = lastMailedToken(t, mine.email)
    // I open the stranger's mail by mistake: my password does not match it, so nothing happens.
    const wrong = await send(t, 'POST', '/api/v1/auth/confirm', {
      body: { token: strangersLink, password: mine.password },
    })
    expect(wrong.status).toBe(400)
    const right = await send(t, 'POST', '/api/v1/auth/confirm', {
      body: { token: myLink, password: mine.password },
    })
    expect(right.status).toBe(200)
    // The stranger's pending sign-up died with my confirmation.
    const late = await send(t, 'POST', '/api/v1/auth/confirm', {
      body: { token: strangersLink, password: 'the strangers passphrase' },
    })
    expect(late.status).toBe(400)
  })

  describe('password rules', () => {
    const signUpWith = (password: string) =>
      send(t, 'POST', '/api/v1/auth/sign-up', { body: { ...person(), password } })

    it.each([
      ['7 characters', 'abcdefg', 400],
      ['8 characters', 'qz8!kd#p', 202],
      ['a common password, any case', 'Password123', 400],
      ['another common one', 'iloveyou2', 400],
      ['64 characters', 'x7'.repeat(32), 202],
      ['128 characters', 'パスワード'.repeat(25) + 'abc', 202],
      ['129 characters', 'パスワード'.repeat(25) + 'abcd', 400],
      ['a 1000-byte UTF-8 password', 'あ'.repeat(333) + 'z', 400],
      ['spaces and emoji, no composition rules', 'my cat 🐈 sleeps all day', 202],
      ['the name of the site', 'Tomoni2026!', 400],
    ])('%s → %s', async (_name, password, status) => {
      const res = await signUpWith(password)
      expect(res.status).toBe(status)
      if (status === 400) {
        expect(await res.json()).toMatchObject({
          error: { fields: { password: expect.any(String) as unknown } },
        })
      }
    })

    it('refuses the address itself as the password', async () => {
      const who = person()
      const res = await send(t, 'POST', '/api/v1/auth/sign-up', {
        body: { ...who, password: who.email },
      })
      expect(res.status).toBe(400)
    })
  })

  it('names every bad field, and never answers a bad body with a 5xx', async () => {
    const res = await send(t, 'POST', '/api/v1/auth/sign-up', {
      body: { email: 'not-an-address', password: 5, display_name: '', locale: 'fr' },
    })
    expect(res.status).toBe(400)
    const body = (await res.json()) as { error: { fields: Record<string, string> } }
    expect(Object.keys(body.error.fields).sort()).toEqual([
      'display_name',
      'email',
      'locale',
      'password',
    ])
    for (const raw of ['', '{', 'null', '[]', '"x"', '{"email":{"$gt":""}}']) {
      const r = await t.app.request('/api/v1/auth/sign-up', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: raw,
      })
      expect(r.status, raw).toBe(400)
    }
  })
})
