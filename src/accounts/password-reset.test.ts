import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../tests/app.ts'
import { createAccount, lastMailedToken, send, signIn } from '../../tests/accounts.ts'

describe('password reset and change', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>
  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(() => t.close())

  it('answers a reset request alike for a known and an unknown address', async () => {
    const known = await createAccount(t)
    const mailsBefore = t.outbox().length
    const a = await send(t, 'POST', '/api/v1/auth/reset-request', { body: { email: known.email } })
    const b = await send(t, 'POST', '/api/v1/auth/reset-request', {
      body: { email: 'no-account-here@example.test' },
    })
    expect(a.status).toBe(202)
    expect(b.status).toBe(202)
    expect(await a.text()).toBe(await b.text())
    expect([...a.headers.keys()].sort()).toEqual([...b.headers.keys()].sort())
    // Only the real mailbox hears of it.
    expect(
      t
        .outbox()
        .slice(mailsBefore)
        .map((m) => m.to),
    ).toEqual([known.email])
  })

  it('sets a new password from the link, once, and ends every session', async () => {
    const who = await createAccount(t)
    const session = await signIn(t, who)
    await send(t, 'POST', '/api/v1/auth/reset-request', { body: { email: who.email } })
    const token = lastMailedToken(t, who.email)
    const res = await send(t, 'POST', '/api/v1/auth/reset-confirm', {
      body: { token, password: 'a fresh passphrase 42' },
    })
    expect(res.status).toBe(204)
    expect((await send(t, 'GET', '/api/v1/me', { cookie: session })).status).toBe(401)
    expect((await send(t, 'GET', '/api/v1/me', { cookie: who.cookie })).status).toBe(401)
    await signIn(t, { email: who.email, password: 'a fresh passphrase 42' })
    const oldPassword = await send(t, 'POST', '/api/v1/auth/sign-in', {
      body: { email: who.email, password: who.password },
    })
    expect(oldPassword.status).toBe(401)
    const reuse = await send(t, 'POST', '/api/v1/auth/reset-confirm', {
      body: { token, password: 'yet another passphrase' },
    })
    expect(reuse.status).toBe(400)
    expect(t.outbox().at(-1)).toMatchObject({
      to: who.email,
      subject: 'Tomoni: your password was changed',
    })
  })

  it('keeps the link when the new password is refused, and lets only the newest link work', async () => {
    const who = await createAccount(t)
    await send(t, 'POST', '/api/v1/auth/reset-request', { body: { email: who.email } })
    const older = lastMailedToken(t, who.email)
    await send(t, 'POST', '/api/v1/auth/reset-request', { body: { email: who.email } })
    const newer = lastMailedToken(t, who.email)
    const stale = await send(t, 'POST', '/api/v1/auth/reset-confirm', {
      body: { token: older, password: 'a fresh passphrase 43' },
    })
    expect(stale.status).toBe(400)
    const weak = await send(t, 'POST', '/api/v1/auth/reset-confirm', {
      body: { token: newer, password: 'password1' },
    })
    expect(weak.status).toBe(400)
    expect(await weak.json()).toMatchObject({
      error: { fields: { password: expect.any(String) as unknown } },
    })
    const ok = await send(t, 'POST', '/api/v1/auth/reset-confirm', {
      body: { token: newer, password: 'a fresh passphrase 43' },
    })
    expect(ok.status).toBe(204)
  })

  it('refuses a link after an hour', async () => {
    const who = await createAccount(t)
    await send(t, 'POST', '/api/v1/auth/reset-request', { body: { email: who.email } })
    const token = lastMailedToken(t, who.email)
    t.clock.advance(60 * 60_000 + 1000)
    const res = await send(t, 'POST', '/api/v1/auth/reset-confirm', {
      body: { token, password: 'a fresh passphrase 44' },
    })
    expect(res.status).toBe(400)
  })

  it('refuses a link sent to an address the account no longer has', async () => {
    const who = await createAccount(t)
    await send(t, 'POST', '/api/v1/auth/reset-request', { body: { email: who.email } })
    const token = lastMailedToken(t, who.email)
    await t.deps.db
      .updateTable('app_user')
      .set({ email: `changed-${who.email}` })
      .where('id', '=', who.id)
      .execute()
    const res = await send(t, 'POST', '/api/v1/auth/reset-confirm', {
      body: { token, password: 'a fresh passphrase 45' },
    })
    expect(res.status).toBe(400)
  })

  it('changes the password with the current one, ending the other sessions but not this one', async () => {
    const who = await createAccount(t)
    const elsewhere = await signIn(t, who)
    const wrong = await send(t, 'POST', '/api/v1/me/password', {
      cookie: who.cookie,
      body: { current_password: 'not my password', new_password: 'a new passphrase 46' },
    })
    expect(wrong.status).toBe(400)
    expect(await wrong.json()).toMatchObject({
      error: { fields: { current_password: expect.any(String) as unknown } },
    })
    const res = await send(t, 'POST', '/api/v1/me/password', {
      cookie: who.cookie,
      body: { current_password: who.password, new_password: 'a new passphrase 46' },
    })
    expect(res.status).toBe(204)
    const renewed = res.headers.getSetCookie().find((c) => c.includes('tomoni_session='))!
    const cookie = renewed.split(';')[0]!
    expect((await send(t, 'GET', '/api/v1/me', { cookie })).status).toBe(200)
    expect((await send(t, 'GET', '/api/v1/me', { cookie: elsewhere })).status).toBe(401)
    expect((await send(t, 'GET', '/api/v1/me', { cookie: who.cookie })).status).toBe(401)
  })

  it('limits password changes per account', async () => {
    const who = await createAccount(t)
    const now = t.clock.now().getTime()
    t.clock.set(new Date(Math.ceil(now / 3600_000) * 3600_000))
    let last = 0
    for (let i = 0; i < 11; i++) {
      const res = await send(t, 'POST', '/api/v1/me/password', {
        cookie: who.cookie,
        body: { current_password: `wrong ${i} password`, new_password: 'a new passphrase 47' },
      })
      last = res.status
      if (i < 10) expect(res.status).toBe(400)
    }
    expect(last).toBe(429)
  })
})
