import type { Hono } from 'hono'
import { Secret, TOTP } from 'otpauth'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../tests/app.ts'
import {
  addSecondFactor,
  createAccount,
  lastMailedToken,
  send,
  sessionCookieOf,
  signIn,
} from '../../tests/accounts.ts'
import { buildApp } from '#src/app.ts'
import { policy } from '#src/access/route-policy.ts'
import { grantRole, revokeRole } from '#src/access/roles.service.ts'
import { system } from '#src/access/actor.ts'
import type { AppEnv } from '#src/platform/http.ts'
import { reauthenticationWindowMs, secondFactorStepMs } from './user-session.ts'

describe('second factor: authenticator app and recovery codes', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>
  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(() => t.close())

  const codeFor = (secret: string, offsetMs = 0) =>
    new TOTP({
      secret: Secret.fromBase32(secret),
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
    }).generate({
      timestamp: t.clock.now().getTime() + offsetMs,
    })

  /** An account with an authenticator app set up; answers its secret and recovery codes. */
  async function withApp() {
    const who = await createAccount(t)
    const begin = await send(t, 'POST', '/api/v1/me/second-factor/totp', { cookie: who.cookie })
    expect(begin.status).toBe(200)
    const { secret, otpauth_uri } = (await begin.json()) as { secret: string; otpauth_uri: string }
    expect(otpauth_uri).toMatch(/^otpauth:\/\/totp\/Tomoni:/)
    const confirm = await send(t, 'POST', '/api/v1/me/second-factor/totp/confirm', {
      cookie: who.cookie,
      body: { code: codeFor(secret) },
    })
    expect(confirm.status).toBe(200)
    const { recovery_codes } = (await confirm.json()) as { recovery_codes: string[] }
    // The enrolment code is spent; sign-ins start on the next step.
    t.clock.advance(30_000)
    return { ...who, secret, recoveryCodes: recovery_codes, cookie: sessionCookieOf(confirm) }
  }

  async function passwordStep(who: { email: string; password: string }) {
    const res = await send(t, 'POST', '/api/v1/auth/sign-in', {
      body: { email: who.email, password: who.password },
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ second_factor_required: true })
    return sessionCookieOf(res)
  }

  it('sets up an app with one code and hands out ten recovery codes once', async () => {
    const who = await createAccount(t)
    const begin = await send(t, 'POST', '/api/v1/me/second-factor/totp', { cookie: who.cookie })
    const { secret } = (await begin.json()) as { secret: string }
    const wrong = await send(t, 'POST', '/api/v1/me/second-factor/totp/confirm', {
      cookie: who.cookie,
      body: { code: '000000' === codeFor(secret) ? '111111' : '000000' },
    })
    expect(wrong.status).toBe(400)
    const right = await send(t, 'POST', '/api/v1/me/second-factor/totp/confirm', {
      cookie: who.cookie,
      body: { code: codeFor(secret) },
    })
    const { recovery_codes } = (await right.json()) as { recovery_codes: string[] }
    expect(recovery_codes).toHaveLength(10)
    expect(new Set(recovery_codes).size).toBe(10)
    // The session is renewed, under a new id, as one opened with the second factor.
    expect((await send(t, 'GET', '/api/v1/me', { cookie: who.cookie })).status).toBe(401)
    const me = await send(t, 'GET', '/api/v1/me', { cookie: sessionCookieOf(right) })
    expect(await me.json()).toMatchObject({
      second_factor: { totp: true, recovery_codes_left: 10 },
    })
    // The secret is stored sealed, not as it was shown.
    const stored = await t.deps.db
      .selectFrom('totp_credential')
      .select('secret_encrypted')
      .where('user_id', '=', who.id)
      .executeTakeFirstOrThrow()
    expect(stored.secret_encrypted).not.toContain(secret)
  })

  it('asks for the second factor after the password, and the half-done session grants nothing', async () => {
    const who = await withApp()
    const pending = await passwordStep(who)
    expect((await send(t, 'GET', '/api/v1/me', { cookie: pending })).status).toBe(401)
    const wrong = await send(t, 'POST', '/api/v1/auth/second-factor', {
      cookie: pending,
      body: { code: '123456' === codeFor(who.secret) ? '654321' : '123456' },
    })
    expect(wrong.status).toBe(401)
    const right = await send(t, 'POST', '/api/v1/auth/second-factor', {
      cookie: pending,
      body: { code: codeFor(who.secret) },
    })
    expect(right.status).toBe(200)
    const full = sessionCookieOf(right)
    expect(full).not.toBe(pending)
    expect((await send(t, 'GET', '/api/v1/me', { cookie: full })).status).toBe(200)
    expect((await send(t, 'GET', '/api/v1/me', { cookie: pending })).status).toBe(401)
  })

  it('accepts a code once: a replay within its 30 seconds is refused', async () => {
    const who = await withApp()
    const code = codeFor(who.secret)
    const first = await send(t, 'POST', '/api/v1/auth/second-factor', {
      cookie: await passwordStep(who),
      body: { code },
    })
    expect(first.status).toBe(200)
    const replay = await send(t, 'POST', '/api/v1/auth/second-factor', {
      cookie: await passwordStep(who),
      body: { code },
    })
    expect(replay.status).toBe(401)
    t.clock.advance(30_000)
    const next = await send(t, 'POST', '/api/v1/auth/second-factor', {
      cookie: await passwordStep(who),
      body: { code: codeFor(who.secret) },
    })
    expect(next.status).toBe(200)
  })

  it('takes each recovery code once', async () => {
    const who = await withApp()
    const code = who.recoveryCodes[3]!
    const used = await send(t, 'POST', '/api/v1/auth/second-factor', {
      cookie: await passwordStep(who),
      body: { recovery_code: code.toUpperCase().replace('-', ' ') },
    })
    expect(used.status).toBe(200)
    expect(await used.json()).toMatchObject({ user: { second_factor: { recovery_codes_left: 9 } } })
    const again = await send(t, 'POST', '/api/v1/auth/second-factor', {
      cookie: await passwordStep(who),
      body: { recovery_code: code },
    })
    expect(again.status).toBe(401)
  })

  it('gives the second step five minutes', async () => {
    const who = await withApp()
    const pending = await passwordStep(who)
    t.clock.advance(secondFactorStepMs + 1000)
    const late = await send(t, 'POST', '/api/v1/auth/second-factor', {
      cookie: pending,
      body: { code: codeFor(who.secret) },
    })
    expect(late.status).toBe(401)
  })

  it('still asks for the second factor after a password reset', async () => {
    const who = await withApp()
    await send(t, 'POST', '/api/v1/auth/reset-request', { body: { email: who.email } })
    await send(t, 'POST', '/api/v1/auth/reset-confirm', {
      body: { token: lastMailedToken(t, who.email), password: 'a brand new passphrase 5' },
    })
    await passwordStep({ email: who.email, password: 'a brand new passphrase 5' })
  })

  it('limits guesses at the code per account', async () => {
    const who = await withApp()
    const now = t.clock.now().getTime()
    t.clock.set(new Date(Math.ceil(now / 900_000) * 900_000))
    const statuses: number[] = []
    for (let i = 0; i < 11; i++) {
      const res = await send(t, 'POST', '/api/v1/auth/second-factor', {
        cookie: await passwordStep(who),
        body: { code: String(100000 + i) },
      })
      statuses.push(res.status)
    }
    expect(statuses.at(-1)).toBe(429)
  })

  it('needs a recent password to set up, and the password to remove', async () => {
    const who = await createAccount(t)
    t.clock.advance(reauthenticationWindowMs + 1000)
    const stale = await send(t, 'POST', '/api/v1/me/second-factor/totp', { cookie: who.cookie })
    expect(stale.status).toBe(401)
    expect(await stale.json()).toMatchObject({ error: { code: 'reauth_required' } })

    const withSecond = await withApp()
    const signedIn = await send(t, 'POST', '/api/v1/auth/second-factor', {
      cookie: await passwordStep(withSecond),
      body: { code: codeFor(withSecond.secret) },
    })
    const cookie = sessionCookieOf(signedIn)
    const wrong = await send(t, 'DELETE', '/api/v1/me/second-factor', {
      cookie,
      body: { password: 'not the password' },
    })
    expect(wrong.status).toBe(400)
    const removed = await send(t, 'DELETE', '/api/v1/me/second-factor', {
      cookie,
      body: { password: withSecond.password },
    })
    expect(removed.status).toBe(204)
    const plain = await send(t, 'POST', '/api/v1/auth/sign-in', {
      body: { email: withSecond.email, password: withSecond.password },
    })
    expect(await plain.json()).toMatchObject({ second_factor_required: false })
  })

  it('lets staff through staff routes only in a session opened with a second factor', async () => {
    const app = buildApp(t.deps) as unknown as Hono<AppEnv>
    app.get('/api/v1/staff-only', policy('staff'), (c) => c.json({ ok: true }))
    const ask = (cookie?: string) =>
      app.request('/api/v1/staff-only', { headers: cookie ? { cookie } : {} })

    const member = await createAccount(t)
    expect((await ask()).status).toBe(401)
    expect((await ask(member.cookie)).status).toBe(403)

    const facilitator = await createAccount(t)
    // Another browser, signed in with the password before any second factor existed.
    const earlier = await signIn(t, facilitator)
    await grantRole(t.deps, system, {
      userId: facilitator.id,
      scopeType: 'group',
      scopeId: 'grp-staff',
      role: 'facilitator',
    })
    const refused = await ask(facilitator.cookie)
    expect(refused.status).toBe(403)
    expect(await refused.json()).toMatchObject({ error: { code: 'second_factor_required' } })

    // Setting up the app in this session proves it here: the renewed session has the powers.
    const { secret, cookie: here } = await addSecondFactor(t, facilitator)
    expect((await ask(here)).status).toBe(200)
    expect((await ask(earlier)).status).toBe(403)
    // The other browser steps up with a code, under a new session id.
    const stepUp = await send(t, 'POST', '/api/v1/auth/second-factor', {
      cookie: earlier,
      body: { code: codeFor(secret) },
    })
    expect(stepUp.status).toBe(200)
    expect((await ask(sessionCookieOf(stepUp))).status).toBe(200)
    expect((await ask(earlier)).status).toBe(401)

    // Re-authentication renews the session and keeps the second factor it was opened with.
    const reauth = await send(t, 'POST', '/api/v1/auth/reauthenticate', {
      cookie: here,
      body: { password: facilitator.password },
    })
    expect((await ask(sessionCookieOf(reauth))).status).toBe(200)
  })

  it('keeps staff from removing their last second factor; removing one ends staff powers everywhere', async () => {
    const app = buildApp(t.deps) as unknown as Hono<AppEnv>
    app.get('/api/v1/staff-only', policy('staff'), (c) => c.json({ ok: true }))
    const ask = async (cookie: string) =>
      (await app.request('/api/v1/staff-only', { headers: { cookie } })).status

    const who = await withApp()
    const signedIn = await send(t, 'POST', '/api/v1/auth/second-factor', {
      cookie: await passwordStep(who),
      body: { code: codeFor(who.secret) },
    })
    const other = sessionCookieOf(signedIn)
    const role = {
      userId: who.id,
      scopeType: 'organisation',
      scopeId: 'org-staff',
      role: 'admin',
    } as const
    await grantRole(t.deps, system, role)
    const refused = await send(t, 'DELETE', '/api/v1/me/second-factor', {
      cookie: who.cookie,
      body: { password: who.password },
    })
    expect(refused.status).toBe(409)
    expect(await ask(other)).toBe(200)

    // Without the role the app may go; then no session of theirs counts as having it, so the
    // role given back brings no powers until they sign in with a second factor again.
    await revokeRole(t.deps, system, role)
    const removed = await send(t, 'DELETE', '/api/v1/me/second-factor', {
      cookie: who.cookie,
      body: { password: who.password },
    })
    expect(removed.status).toBe(204)
    await grantRole(t.deps, system, role)
    expect(await ask(other)).toBe(403)
    expect(await ask(who.cookie)).toBe(403)
    const sessions = await t.deps.db
      .selectFrom('user_session')
      .select('second_factor_at')
      .where('user_id', '=', who.id)
      .execute()
    expect(sessions.length).toBeGreaterThanOrEqual(2)
    expect(sessions.every((s) => s.second_factor_at === null)).toBe(true)
    const audit = await t.deps.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'second_factor_disabled')
      .where('subject_id', '=', who.id)
      .execute()
    expect(audit).toEqual([{ details: { kind: 'totp' } }])
  })

  it('is erased with the account', async () => {
    const who = await withApp()
    const res = await send(t, 'POST', '/api/v1/auth/second-factor', {
      cookie: await passwordStep(who),
      body: { code: codeFor(who.secret) },
    })
    const cookie = sessionCookieOf(res)
    expect(
      (await send(t, 'DELETE', '/api/v1/me', { cookie, body: { password: who.password } })).status,
    ).toBe(204)
    for (const table of ['totp_credential', 'recovery_code'] as const) {
      const rows = await t.deps.db
        .selectFrom(table)
        .select('user_id')
        .where('user_id', '=', who.id)
        .execute()
      expect(rows, table).toEqual([])
    }
  })
})
