import type { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../tests/app.ts'
import { addSecondFactor, createAccount, send, sessionCookieOf } from '../../tests/accounts.ts'
import { createPasskey, usePasskey, type SoftPasskey } from '../../tests/webauthn.ts'
import { system } from '#src/access/actor.ts'
import { policy } from '#src/access/route-policy.ts'
import { grantRole } from '#src/access/roles.service.ts'
import { buildApp } from '#src/app.ts'
import type { AppEnv } from '#src/platform/http.ts'
import { reauthenticationWindowMs } from './user-session.ts'

const origin = 'http://localhost'

describe('passkeys (WebAuthn)', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>
  let staffOnly: (cookie: string) => Promise<number>
  beforeAll(async () => {
    t = await createTestApp()
    const app = buildApp(t.deps) as unknown as Hono<AppEnv>
    app.get('/api/v1/staff-only', policy('staff'), (c) => c.json({ ok: true }))
    staffOnly = async (cookie) =>
      (await app.request('/api/v1/staff-only', { headers: { cookie } })).status
  })
  afterAll(() => t.close())

  async function options(path: string, cookie?: string) {
    const res = await send(t, 'POST', path, cookie ? { cookie } : {})
    expect(res.status, await res.clone().text()).toBe(200)
    return (await res.json()) as {
      challenge: string
      rp: { id: string }
      user: { id: string; name: string }
      rpId?: string
      allowCredentials?: { id: string }[]
      excludeCredentials?: { id: string }[]
      userVerification?: string
    }
  }

  /** A new account with one passkey; `cookie` is the session renewed by registering it. */
  async function withPasskey(settings: { counter?: number | null } = {}) {
    const who = await createAccount(t)
    const creation = await options('/api/v1/me/passkeys/options', who.cookie)
    expect(creation.rp.id).toBe('localhost')
    expect(creation.user.name).toBe(who.email)
    const { passkey, response } = createPasskey(creation, origin, settings)
    const res = await send(t, 'POST', '/api/v1/me/passkeys', {
      cookie: who.cookie,
      body: { response, name: 'My phone' },
    })
    expect(res.status, await res.clone().text()).toBe(201)
    const body = (await res.json()) as {
      passkey: { id: string; name: string }
      recovery_codes: string[] | null
    }
    return {
      ...who,
      passkey,
      id: who.id,
      passkeyId: body.passkey.id,
      body,
      cookie: sessionCookieOf(res),
    }
  }

  async function passwordStep(who: { email: string; password: string }) {
    const res = await send(t, 'POST', '/api/v1/auth/sign-in', {
      body: { email: who.email, password: who.password },
    })
    expect(await res.json()).toEqual({ second_factor_required: true })
    return sessionCookieOf(res)
  }

  async function answer(passkey: SoftPasskey, cookie?: string, settings = {}) {
    const request = await options('/api/v1/auth/passkey/options', cookie)
    return send(t, 'POST', '/api/v1/auth/passkey', {
      ...(cookie ? { cookie } : {}),
      body: { response: usePasskey(passkey, request, origin, settings) },
    })
  }

  it('registers a passkey after a recent password, with recovery codes as the first factor', async () => {
    const who = await withPasskey()
    expect(who.body.passkey.name).toBe('My phone')
    expect(who.body.recovery_codes).toHaveLength(10)
    const list = await send(t, 'GET', '/api/v1/me/passkeys', { cookie: who.cookie })
    expect(await list.json()).toMatchObject({ items: [{ id: who.passkeyId, name: 'My phone' }] })
    const me = await send(t, 'GET', '/api/v1/me', { cookie: who.cookie })
    expect(await me.json()).toMatchObject({
      second_factor: { totp: false, passkeys: 1, recovery_codes_left: 10 },
    })
    // Registering again offers to exclude the passkey the account has.
    const again = await options('/api/v1/me/passkeys/options', who.cookie)
    expect(again.excludeCredentials?.map((c) => c.id)).toEqual([who.passkey.credentialId])

    // A second passkey brings no new codes; the password must be recent.
    t.clock.advance(reauthenticationWindowMs + 1000)
    const stale = await send(t, 'POST', '/api/v1/me/passkeys/options', { cookie: who.cookie })
    expect(stale.status).toBe(401)
    expect(await stale.json()).toMatchObject({ error: { code: 'reauth_required' } })
  })

  it('refuses an answer to another challenge, from another origin, or made twice', async () => {
    const who = await createAccount(t)
    const creation = await options('/api/v1/me/passkeys/options', who.cookie)
    const post = (response: unknown) =>
      send(t, 'POST', '/api/v1/me/passkeys', { cookie: who.cookie, body: { response } })
    const forged = createPasskey({ ...creation, challenge: 'bm90IHRoZSBjaGFsbGVuZ2U' }, origin)
    expect((await post(forged.response)).status).toBe(400)
    const elsewhere = createPasskey(creation, 'https://evil.example')
    // Spent by the refused answer: the right one must start again.
    expect((await post(elsewhere.response)).status).toBe(400)
    const late = await options('/api/v1/me/passkeys/options', who.cookie)
    t.clock.advance(5 * 60_000 + 1000)
    expect((await post(createPasskey(late, origin).response)).status).toBe(400)
    const fresh = await send(t, 'POST', '/api/v1/auth/reauthenticate', {
      cookie: who.cookie,
      body: { password: who.password },
    })
    const cookie = sessionCookieOf(fresh)
    const good = createPasskey(await options('/api/v1/me/passkeys/options', cookie), origin)
    const first = await send(t, 'POST', '/api/v1/me/passkeys', {
      cookie,
      body: { response: good.response },
    })
    expect(first.status).toBe(201)
    const replay = await send(t, 'POST', '/api/v1/me/passkeys', {
      cookie: sessionCookieOf(first),
      body: { response: good.response },
    })
    expect(replay.status).toBe(400)
    const malformed = await send(t, 'POST', '/api/v1/me/passkeys', {
      cookie: sessionCookieOf(first),
      body: { response: { id: 'x', response: {} } },
    })
    expect(malformed.status).toBe(400)
  })

  it('is the second step of signing in, and the session it opens has staff powers', async () => {
    const who = await withPasskey()
    await grantRole(t.deps, system, {
      userId: who.id,
      scopeType: 'group',
      scopeId: 'grp-passkey',
      role: 'facilitator',
    })
    const pending = await passwordStep(who)
    // Half signed in, nothing is granted.
    expect((await send(t, 'GET', '/api/v1/me', { cookie: pending })).status).toBe(401)
    const request = await options('/api/v1/auth/passkey/options', pending)
    expect(request.allowCredentials?.map((c) => c.id)).toEqual([who.passkey.credentialId])
    const res = await send(t, 'POST', '/api/v1/auth/passkey', {
      cookie: pending,
      body: { response: usePasskey(who.passkey, request, origin) },
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ user: { id: who.id }, second_factor_required: false })
    expect(await staffOnly(sessionCookieOf(res))).toBe(200)
  })

  it('checks the signature counter: an answer replayed or not counting up is refused', async () => {
    const who = await withPasskey({ counter: 5 })
    const request = await options('/api/v1/auth/passkey/options', await passwordStep(who))
    const pending = await passwordStep(who)
    const fresh = await options('/api/v1/auth/passkey/options', pending)
    const signed = usePasskey(who.passkey, fresh, origin)
    const ok = await send(t, 'POST', '/api/v1/auth/passkey', {
      cookie: pending,
      body: { response: signed },
    })
    expect(ok.status).toBe(200)
    // The same answer again: its challenge is spent.
    const pendingAgain = await passwordStep(who)
    const replay = await send(t, 'POST', '/api/v1/auth/passkey', {
      cookie: pendingAgain,
      body: { response: signed },
    })
    expect(replay.status).toBe(401)
    // A fresh challenge signed with the counter where it was: a cloned key.
    const cloned = await answer(who.passkey, pendingAgain, { repeatCounter: true })
    expect(cloned.status).toBe(401)
    // A challenge handed to an earlier sign-in of the same person is no good to this one.
    const stolen = await send(t, 'POST', '/api/v1/auth/passkey', {
      cookie: await passwordStep(who),
      body: { response: usePasskey(who.passkey, request, origin) },
    })
    expect(stolen.status).toBe(401)
    const failures = await t.deps.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'second_factor_failed')
      .where('subject_id', '=', who.id)
      .execute()
    expect(failures.length).toBeGreaterThanOrEqual(1)
  })

  it('accepts authenticators that count nothing, again and again', async () => {
    const who = await withPasskey({ counter: null })
    for (let i = 0; i < 2; i++) {
      expect((await answer(who.passkey, await passwordStep(who))).status).toBe(200)
    }
  })

  it('signs in without a password when the passkey verified the person', async () => {
    const who = await withPasskey()
    const request = await options('/api/v1/auth/passkey/options')
    expect(request.allowCredentials ?? []).toEqual([])
    expect(request.userVerification).toBe('required')
    const res = await send(t, 'POST', '/api/v1/auth/passkey', {
      body: { response: usePasskey(who.passkey, request, origin) },
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ user: { id: who.id } })
    // Touching the key is not enough on its own.
    const presenceOnly = await answer(who.passkey, undefined, { userVerified: false })
    expect(presenceOnly.status).toBe(401)
    // Another person's pending sign-in cannot be finished with this passkey.
    const other = await withPasskey()
    const theirs = await answer(who.passkey, await passwordStep(other))
    expect(theirs.status).toBe(401)
  })

  it('removes a passkey with the password; staff keep their last second factor', async () => {
    const who = await withPasskey()
    const other = await signInBoth(who)
    const wrong = await send(t, 'DELETE', `/api/v1/me/passkeys/${who.passkeyId}`, {
      cookie: who.cookie,
      body: { password: 'not it' },
    })
    expect(wrong.status).toBe(400)

    await grantRole(t.deps, system, {
      userId: who.id,
      scopeType: 'organisation',
      scopeId: 'org-passkey',
      role: 'staff',
    })
    const last = await send(t, 'DELETE', `/api/v1/me/passkeys/${who.passkeyId}`, {
      cookie: who.cookie,
      body: { password: who.password },
    })
    expect(last.status).toBe(409)
    expect(await staffOnly(other)).toBe(200)

    // With an app added, the passkey may go; and every session loses its staff powers.
    const app = await addSecondFactor(t, who)
    expect(await staffOnly(app.cookie)).toBe(200)
    const removed = await send(t, 'DELETE', `/api/v1/me/passkeys/${who.passkeyId}`, {
      cookie: app.cookie,
      body: { password: who.password },
    })
    expect(removed.status).toBe(204)
    expect(await staffOnly(app.cookie)).toBe(403)
    expect(await staffOnly(other)).toBe(403)
    const list = await send(t, 'GET', '/api/v1/me/passkeys', { cookie: app.cookie })
    expect(await list.json()).toEqual({ items: [] })
    // Someone else's passkey is as good as none.
    const stranger = await withPasskey()
    const theirs = await send(t, 'DELETE', `/api/v1/me/passkeys/${stranger.passkeyId}`, {
      cookie: app.cookie,
      body: { password: who.password },
    })
    expect(theirs.status).toBe(404)
  })

  /** A second session of the person, opened with password and passkey. */
  async function signInBoth(who: { email: string; password: string; passkey: SoftPasskey }) {
    const res = await answer(who.passkey, await passwordStep(who))
    expect(res.status).toBe(200)
    return sessionCookieOf(res)
  }

  it('goes with the account when it is erased', async () => {
    const who = await withPasskey()
    await send(t, 'POST', '/api/v1/auth/passkey/options', { cookie: await passwordStep(who) })
    const erase = await send(t, 'DELETE', '/api/v1/me', {
      cookie: who.cookie,
      body: { password: who.password },
    })
    expect(erase.status).toBe(204)
    for (const table of ['passkey_credential', 'webauthn_challenge'] as const) {
      const rows = await t.deps.db
        .selectFrom(table)
        .select('user_id')
        .where('user_id', '=', who.id)
        .execute()
      expect(rows, table).toEqual([])
    }
    expect((await answer(who.passkey)).status).toBe(401)
  })
})
