import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../tests/app.ts'
import { createAccount, person, send, sessionCookieOf, signIn } from '../../tests/accounts.ts'
import { parseEnv } from '#src/platform/env.ts'
import { sessionLimits } from './user-session.ts'

describe('sign-in, sessions and cookies', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>
  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(() => t.close())

  it('sets a __Host- cookie: HttpOnly, Secure, SameSite=Lax, Path=/, no Domain', async () => {
    const who = await createAccount(t)
    const res = await send(t, 'POST', '/api/v1/auth/sign-in', {
      body: { email: who.email, password: who.password },
    })
    expect(res.status).toBe(200)
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('__Host-tomoni_session='))!
    expect(cookie).toBeDefined()
    const attributes = cookie
      .split(';')
      .slice(1)
      .map((a) => a.trim().toLowerCase())
    expect(attributes).toEqual(
      expect.arrayContaining(['httponly', 'secure', 'samesite=lax', 'path=/']),
    )
    expect(attributes.some((a) => a.startsWith('domain='))).toBe(false)
    expect(res.headers.get('cache-control')).toBe('no-store')
  })

  it('gives a new session id at every sign-in, ending the one the browser had', async () => {
    const who = await createAccount(t)
    const before = await signIn(t, who)
    const res = await send(t, 'POST', '/api/v1/auth/sign-in', {
      body: { email: who.email, password: who.password },
      cookie: before,
    })
    const after = sessionCookieOf(res)
    expect(after).not.toBe(before)
    expect((await send(t, 'GET', '/api/v1/me', { cookie: before })).status).toBe(401)
    expect((await send(t, 'GET', '/api/v1/me', { cookie: after })).status).toBe(200)
  })

  it('answers an unknown address, a wrong password and an unconfirmed sign-up alike', async () => {
    const known = await createAccount(t)
    const pending = person()
    await send(t, 'POST', '/api/v1/auth/sign-up', { body: pending })
    const attempts = [
      { email: 'nobody-here@example.test', password: 'whatever it is 1' },
      { email: known.email, password: 'not the right one 1' },
      { email: pending.email, password: pending.password },
    ]
    const answers = []
    for (const body of attempts) {
      const res = await send(t, 'POST', '/api/v1/auth/sign-in', { body })
      answers.push({
        status: res.status,
        body: await res.text(),
        headers: [...res.headers.keys()].sort().join(),
      })
    }
    expect(answers[0]!.status).toBe(401)
    expect(answers[1]).toEqual(answers[0])
    expect(answers[2]).toEqual(answers[0])
  })

  it('ends the session at sign-out: the old cookie no longer works', async () => {
    const who = await createAccount(t)
    const cookie = await signIn(t, who)
    const out = await send(t, 'POST', '/api/v1/auth/sign-out', { cookie })
    expect(out.status).toBe(204)
    expect(out.headers.getSetCookie().join()).toMatch(/__Host-tomoni_session=;/)
    expect((await send(t, 'GET', '/api/v1/me', { cookie })).status).toBe(401)
  })

  it('marks every answer to a signed-in request no-store, errors included', async () => {
    const who = await createAccount(t)
    for (const path of ['/api/v1/me', '/api/v1/me/sessions', '/api/v1/nothing', '/healthz']) {
      const res = await send(t, 'GET', path, { cookie: who.cookie })
      expect(res.headers.get('cache-control'), path).toBe('no-store')
    }
  })

  it('ends a member session idle for longer than the idle limit, not before', async () => {
    const who = await createAccount(t)
    const cookie = await signIn(t, who)
    t.clock.advance(sessionLimits.member.idleMs - 1000)
    expect((await send(t, 'GET', '/api/v1/me', { cookie })).status).toBe(200)
    t.clock.advance(sessionLimits.member.idleMs + 1000)
    expect((await send(t, 'GET', '/api/v1/me', { cookie })).status).toBe(401)
  })

  it('ends a session at the absolute limit however busy it is', async () => {
    const who = await createAccount(t)
    const cookie = await signIn(t, who)
    const step = sessionLimits.member.idleMs / 2
    let elapsed = 0
    while (elapsed + step < sessionLimits.member.absoluteMs) {
      t.clock.advance(step)
      elapsed += step
      expect((await send(t, 'GET', '/api/v1/me', { cookie })).status).toBe(200)
    }
    t.clock.advance(sessionLimits.member.absoluteMs - elapsed + 1000)
    expect((await send(t, 'GET', '/api/v1/me', { cookie })).status).toBe(401)
  })

  it('gives staff the short limits', async () => {
    const who = await createAccount(t)
    await t.deps.db
      .insertInto('role_membership')
      .values({
        user_id: who.id,
        scope_type: 'group',
        scope_id: 'grp-1',
        role: 'facilitator',
        granted_at: t.clock.now(),
        granted_by: null,
      })
      .execute()
    const cookie = await signIn(t, who)
    t.clock.advance(sessionLimits.staff.idleMs + 1000)
    expect((await send(t, 'GET', '/api/v1/me', { cookie })).status).toBe(401)
  })

  describe('rate limits', () => {
    it('answers 429 with Retry-After past 25 sign-ins per IP in 5 minutes, then lets in again', async () => {
      const who = await createAccount(t)
      // Start at the beginning of a window, so the whole test stays inside one.
      const now = t.clock.now().getTime()
      t.clock.set(new Date(Math.ceil(now / 300_000) * 300_000))
      const ip = '192.0.2.7'
      for (let i = 0; i < 25; i++) {
        const res = await send(t, 'POST', '/api/v1/auth/sign-in', {
          ip,
          body: { email: `someone${i}@example.test`, password: 'wrong password here' },
        })
        expect(res.status).toBe(401)
      }
      const limited = await send(t, 'POST', '/api/v1/auth/sign-in', {
        ip,
        body: { email: who.email, password: who.password },
      })
      expect(limited.status).toBe(429)
      expect(limited.headers.get('retry-after')).toBe('300')
      expect(await limited.json()).toMatchObject({ error: { code: 'rate_limited' } })
      // Another address is not held back by this one's guesses.
      expect(
        (
          await send(t, 'POST', '/api/v1/auth/sign-in', {
            ip: '192.0.2.8',
            body: { email: who.email, password: who.password },
          })
        ).status,
      ).toBe(200)
      t.clock.advance(300_000)
      const later = await send(t, 'POST', '/api/v1/auth/sign-in', {
        ip,
        body: { email: who.email, password: who.password },
      })
      expect(later.status).toBe(200)
    })

    it('counts one IPv6 /64 as one client', async () => {
      const now = t.clock.now().getTime()
      t.clock.set(new Date(Math.ceil(now / 300_000) * 300_000))
      for (let i = 0; i < 25; i++) {
        await send(t, 'POST', '/api/v1/auth/sign-in', {
          ip: `2001:db8:1:2::${(i + 1).toString(16)}`,
          body: { email: 'x@example.test', password: 'wrong password here' },
        })
      }
      const res = await send(t, 'POST', '/api/v1/auth/sign-in', {
        ip: '2001:db8:1:2:ffff::1',
        body: { email: 'x@example.test', password: 'wrong password here' },
      })
      expect(res.status).toBe(429)
    })

    it('ignores X-Forwarded-For unless told a proxy of ours sets it', async () => {
      const now = t.clock.now().getTime()
      t.clock.set(new Date(Math.ceil(now / 300_000) * 300_000))
      let last = 0
      for (let i = 0; i < 26; i++) {
        const res = await send(t, 'POST', '/api/v1/auth/sign-in', {
          ip: '192.0.2.99',
          headers: { 'x-forwarded-for': `198.51.100.${i}` },
          body: { email: 'y@example.test', password: 'wrong password here' },
        })
        last = res.status
      }
      expect(last).toBe(429)
    })

    it('limits guesses at one address per hour across IPs, known or unknown alike', async () => {
      const known = await createAccount(t)
      const now = t.clock.now().getTime()
      t.clock.set(new Date(Math.ceil(now / 3600_000) * 3600_000))
      const statuses: Record<string, number> = {}
      for (const email of [known.email, 'unknown-address@example.test']) {
        for (let i = 0; i < 26; i++) {
          const res = await send(t, 'POST', '/api/v1/auth/sign-in', {
            body: { email, password: `wrong password ${i}` },
          })
          statuses[email] = res.status
        }
      }
      expect(statuses[known.email]).toBe(429)
      expect(statuses['unknown-address@example.test']).toBe(429)
    })

    it('limits sign-ups per IP', async () => {
      const now = t.clock.now().getTime()
      t.clock.set(new Date(Math.ceil(now / 1800_000) * 1800_000))
      const statuses = []
      for (let i = 0; i < 11; i++) {
        const res = await send(t, 'POST', '/api/v1/auth/sign-up', {
          ip: '192.0.2.50',
          body: person(),
        })
        statuses.push(res.status)
      }
      expect(statuses.slice(0, 10).every((s) => s === 202)).toBe(true)
      expect(statuses[10]).toBe(429)
    })
  })
})

describe('the session cookie in development over plain HTTP', () => {
  it('drops the __Host- prefix and Secure, which browsers refuse without HTTPS', async () => {
    const dev = await createTestApp({ env: parseEnv({ NODE_ENV: 'development' }) })
    try {
      const who = await createAccount(dev)
      const res = await send(dev, 'POST', '/api/v1/auth/sign-in', {
        body: { email: who.email, password: who.password },
      })
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith('tomoni_session='))!
      expect(cookie).toBeDefined()
      expect(cookie.toLowerCase()).not.toContain('secure')
      expect(cookie.toLowerCase()).toContain('httponly')
    } finally {
      await dev.close()
    }
  })
})
