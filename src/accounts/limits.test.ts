import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../tests/app.ts'
import { addSecondFactor, createAccount, person, send } from '../../tests/accounts.ts'
import { buildApp } from '#src/app.ts'
import type { RateLimitRule } from '#src/platform/rate-limit.ts'
import { accountLimits } from './accounts.limits.ts'

type TestApp = Awaited<ReturnType<typeof createTestApp>>

/**
 * Every limit on the account routes, with the fake clock: the attempt past the limit answers 429
 * with Retry-After (the seconds to the end of the window), and the next window lets in again.
 * Sign-in's own limits and sign-ups per IP are in sign-in.test.ts.
 */
interface Case {
  name: string
  rule: RateLimitRule
  /** What the case needs before it starts: accounts, sessions. */
  prepare: (t: TestApp) => Promise<Record<string, string>>
  /** The i-th attempt; each case decides which IP and address it comes from. */
  attempt: (t: TestApp, i: number, ctx: Record<string, string>) => Response | Promise<Response>
}

const sameIp = '192.0.2.201'
const newAddress = () => person().email

const cases: Case[] = [
  {
    name: 'sign-up, per address',
    rule: accountLimits.signUpEmail,
    prepare: () => Promise.resolve({ email: newAddress() }),
    attempt: (t, _i, { email }) =>
      send(t, 'POST', '/api/v1/auth/sign-up', { body: person({ email: email! }) }),
  },
  {
    name: 'password reset, per IP',
    rule: accountLimits.resetIp,
    prepare: () => Promise.resolve({}),
    attempt: (t) =>
      send(t, 'POST', '/api/v1/auth/reset-request', { ip: sameIp, body: { email: newAddress() } }),
  },
  {
    name: 'password reset, per address',
    rule: accountLimits.resetEmail,
    prepare: async (t) => ({ email: (await createAccount(t)).email }),
    attempt: (t, _i, { email }) =>
      send(t, 'POST', '/api/v1/auth/reset-request', { body: { email } }),
  },
  {
    name: 'second factor, per account',
    rule: accountLimits.secondFactorAccount,
    // A signed-in person stepping up their session with wrong codes, from many addresses.
    prepare: async (t) => {
      const who = await createAccount(t)
      return { cookie: (await addSecondFactor(t, who)).cookie }
    },
    attempt: (t, i, { cookie }) =>
      send(t, 'POST', '/api/v1/auth/second-factor', {
        cookie: cookie!,
        body: { recovery_code: `wrong-${i}` },
      }),
  },
  {
    name: 'second factor, per IP',
    rule: accountLimits.secondFactorIp,
    prepare: () => Promise.resolve({}),
    attempt: (t, i) =>
      send(t, 'POST', '/api/v1/auth/second-factor', { ip: sameIp, body: { code: String(i) } }),
  },
  {
    name: 'password change, per IP',
    rule: accountLimits.passwordIp,
    // Many accounts from one address, none of them past its own limit.
    prepare: async (t) => {
      const cookies: Record<string, string> = {}
      for (let i = 0; i < 3; i++) cookies[i] = (await createAccount(t)).cookie
      return cookies
    },
    attempt: (t, i, cookies) =>
      send(t, 'POST', '/api/v1/me/password', {
        ip: sameIp,
        cookie: cookies[i % 3]!,
        body: { current_password: `wrong ${i}`, new_password: 'a new passphrase 47' },
      }),
  },
  {
    name: 'e-mail change, per account',
    rule: accountLimits.passwordAccount,
    prepare: async (t) => ({ cookie: (await createAccount(t)).cookie }),
    attempt: (t, i, { cookie }) =>
      send(t, 'POST', '/api/v1/me/email', {
        cookie: cookie!,
        body: { new_email: newAddress(), password: `wrong ${i}` },
      }),
  },
  {
    name: 'e-mail change, per new address',
    rule: accountLimits.signUpEmail,
    // The right password each time, but one address mailed over and over.
    prepare: async (t) => {
      const who = await createAccount(t)
      return { cookie: who.cookie, password: who.password, target: newAddress() }
    },
    attempt: (t, _i, { cookie, password, target }) =>
      send(t, 'POST', '/api/v1/me/email', {
        cookie: cookie!,
        body: { new_email: target, password },
      }),
  },
  {
    name: 're-authentication, per account',
    rule: accountLimits.passwordAccount,
    prepare: async (t) => ({ cookie: (await createAccount(t)).cookie }),
    attempt: (t, i, { cookie }) =>
      send(t, 'POST', '/api/v1/auth/reauthenticate', {
        cookie: cookie!,
        body: { password: `wrong ${i}` },
      }),
  },
]

describe('rate limits on the account routes', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(() => t.close())

  /** Moves the clock to the start of the rule's next window. */
  function startOfWindow(rule: RateLimitRule) {
    const windowMs = rule.windowSeconds * 1000
    t.clock.set(new Date(Math.ceil((t.clock.now().getTime() + 1) / windowMs) * windowMs))
  }

  for (const c of cases) {
    it(`limits ${c.name} to ${c.rule.limit} in ${c.rule.windowSeconds} s`, async () => {
      const ctx = await c.prepare(t)
      startOfWindow(c.rule)
      for (let i = 0; i < c.rule.limit; i++) {
        const res = await c.attempt(t, i, ctx)
        expect(res.status, `attempt ${i + 1}: ${await res.clone().text()}`).not.toBe(429)
      }
      t.clock.advance(1000)
      const limited = await c.attempt(t, c.rule.limit, ctx)
      expect(limited.status).toBe(429)
      expect(await limited.json()).toMatchObject({ error: { code: 'rate_limited' } })
      expect(limited.headers.get('retry-after')).toBe(String(c.rule.windowSeconds - 1))
      t.clock.advance((c.rule.windowSeconds - 1) * 1000)
      const later = await c.attempt(t, c.rule.limit + 1, ctx)
      expect(later.status, await later.clone().text()).not.toBe(429)
    })
  }

  it('counts in the database, so that another instance of the server sees the same counts', async () => {
    const other = buildApp(t.deps)
    const rule = accountLimits.resetIp
    startOfWindow(rule)
    const ask = (app: typeof t.app) =>
      app.request(
        '/api/v1/auth/reset-request',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: newAddress() }),
        },
        { incoming: { socket: { remoteAddress: '192.0.2.202' } } },
      )
    for (let i = 0; i < rule.limit; i++) {
      expect((await ask(i % 2 ? other : t.app)).status).toBe(202)
    }
    expect((await ask(other)).status).toBe(429)
    expect((await ask(t.app)).status).toBe(429)
  })
})
