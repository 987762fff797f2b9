import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../tests/app.ts'
import { createAccount, lastMailedToken, person, send } from '../../tests/accounts.ts'

describe('changing the e-mail address', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>
  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(() => t.close())

  it('moves the account once the new mailbox confirms, and tells the old one', async () => {
    const who = await createAccount(t)
    const next = person().email
    const res = await send(t, 'POST', '/api/v1/me/email', {
      cookie: who.cookie,
      body: { new_email: next, password: who.password },
    })
    expect(res.status).toBe(202)
    const token = lastMailedToken(t, next)
    // Nothing moves before the new address is proven.
    expect(
      (
        (await (await send(t, 'GET', '/api/v1/me', { cookie: who.cookie })).json()) as {
          email: string
        }
      ).email,
    ).toBe(who.email)
    const done = await send(t, 'POST', '/api/v1/auth/confirm-email', { body: { token } })
    expect(done.status).toBe(204)
    expect(t.outbox().at(-1)).toMatchObject({
      to: who.email,
      subject: 'Tomoni: your e-mail address was changed',
    })
    const signInNew = await send(t, 'POST', '/api/v1/auth/sign-in', {
      body: { email: next, password: who.password },
    })
    expect(signInNew.status).toBe(200)
    const signInOld = await send(t, 'POST', '/api/v1/auth/sign-in', {
      body: { email: who.email, password: who.password },
    })
    expect(signInOld.status).toBe(401)
    const reuse = await send(t, 'POST', '/api/v1/auth/confirm-email', { body: { token } })
    expect(reuse.status).toBe(400)
  })

  it('voids a reset link sent to the address the account has left', async () => {
    const who = await createAccount(t)
    await send(t, 'POST', '/api/v1/auth/reset-request', { body: { email: who.email } })
    const resetToOld = lastMailedToken(t, who.email)
    const next = person().email
    await send(t, 'POST', '/api/v1/me/email', {
      cookie: who.cookie,
      body: { new_email: next, password: who.password },
    })
    await send(t, 'POST', '/api/v1/auth/confirm-email', {
      body: { token: lastMailedToken(t, next) },
    })
    const res = await send(t, 'POST', '/api/v1/auth/reset-confirm', {
      body: { token: resetToOld, password: 'a fresh passphrase 77' },
    })
    expect(res.status).toBe(400)
  })

  it('answers alike when the new address already has an account', async () => {
    const who = await createAccount(t)
    const taken = await createAccount(t)
    const free = person().email
    const a = await send(t, 'POST', '/api/v1/me/email', {
      cookie: who.cookie,
      body: { new_email: taken.email, password: who.password },
    })
    const b = await send(t, 'POST', '/api/v1/me/email', {
      cookie: who.cookie,
      body: { new_email: free, password: who.password },
    })
    expect(a.status).toBe(202)
    expect(await a.text()).toBe(await b.text())
    expect(
      t
        .outbox()
        .filter((m) => m.to === taken.email)
        .at(-1)!.subject,
    ).toBe('Tomoni: about your sign-up')
  })

  it('needs the password', async () => {
    const who = await createAccount(t)
    const res = await send(t, 'POST', '/api/v1/me/email', {
      cookie: who.cookie,
      body: { new_email: person().email, password: 'not my password' },
    })
    expect(res.status).toBe(400)
  })
})
