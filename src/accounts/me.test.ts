import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../tests/app.ts'
import { createAccount, send, signIn } from '../../tests/accounts.ts'

describe('the signed-in account', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>
  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(() => t.close())

  it('shows the account to its holder and 401 to anyone else', async () => {
    const who = await createAccount(t)
    const res = await send(t, 'GET', '/api/v1/me', { cookie: who.cookie })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      id: who.id,
      email: who.email,
      display_name: who.display_name,
      locale: who.locale,
      created_at: expect.any(String) as unknown,
      roles: [],
      second_factor: { totp: false, passkeys: 0, recovery_codes_left: 0 },
    })
    const anonymous = await send(t, 'GET', '/api/v1/me')
    expect(anonymous.status).toBe(401)
    expect(await anonymous.json()).toMatchObject({ error: { code: 'unauthenticated' } })
    const forged = await send(t, 'GET', '/api/v1/me', { cookie: '__Host-tomoni_session=forged' })
    expect(forged.status).toBe(401)
  })

  it('changes the display name and language, and nothing else whatever else is sent', async () => {
    const who = await createAccount(t)
    const other = await createAccount(t)
    const raw = `{"display_name":"花子","locale":"ja","role":"admin","roles":[{"scope_type":"platform","scope_id":null,"role":"admin"}],"id":"${other.id}","email":"evil@example.test","email_confirmed_at":null,"password_hash":"x","__proto__":{"role":"admin","isAdmin":true},"constructor":{"prototype":{"isAdmin":true}}}`
    const res = await t.app.request(
      '/api/v1/me',
      {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', cookie: who.cookie },
        body: raw,
      },
      { incoming: { socket: { remoteAddress: '10.9.9.9' } } },
    )
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      id: who.id,
      email: who.email,
      display_name: '花子',
      locale: 'ja',
      created_at: expect.any(String) as unknown,
      roles: [],
      second_factor: { totp: false, passkeys: 0, recovery_codes_left: 0 },
    })
    expect(await t.deps.db.selectFrom('role_membership').selectAll().execute()).toEqual([])
    const stored = await t.deps.db
      .selectFrom('app_user')
      .select(['id', 'email', 'password_hash'])
      .where('id', 'in', [who.id, other.id])
      .orderBy('email')
      .execute()
    expect(stored.map((u) => u.email).sort()).toEqual([who.email, other.email].sort())
    expect(stored.every((u) => u.password_hash?.startsWith('$argon2id$'))).toBe(true)
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined()
  })

  it('lists the sessions, marks this one, and ends one or all', async () => {
    const who = await createAccount(t)
    const phone = await signIn(t, who)
    const list = await send(t, 'GET', '/api/v1/me/sessions', {
      cookie: who.cookie,
      headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko Firefox/140.0' },
    })
    const { items } = (await list.json()) as { items: { id: string; current: boolean }[] }
    expect(items).toHaveLength(2)
    expect(items.filter((s) => s.current)).toHaveLength(1)
    const phoneSession = items.find((s) => !s.current)!
    expect(
      (await send(t, 'DELETE', `/api/v1/me/sessions/${phoneSession.id}`, { cookie: who.cookie }))
        .status,
    ).toBe(204)
    expect((await send(t, 'GET', '/api/v1/me', { cookie: phone })).status).toBe(401)
    expect((await send(t, 'GET', '/api/v1/me', { cookie: who.cookie })).status).toBe(200)

    const again = await signIn(t, who)
    const all = await send(t, 'POST', '/api/v1/me/sessions/revoke-all', { cookie: who.cookie })
    expect(all.status).toBe(204)
    expect((await send(t, 'GET', '/api/v1/me', { cookie: again })).status).toBe(401)
    expect((await send(t, 'GET', '/api/v1/me', { cookie: who.cookie })).status).toBe(401)
  })

  it("answers 404 for another person's session, and leaves it alone", async () => {
    const me = await createAccount(t)
    const someoneElse = await createAccount(t)
    const theirs = await send(t, 'GET', '/api/v1/me/sessions', { cookie: someoneElse.cookie })
    const { items } = (await theirs.json()) as { items: { id: string }[] }
    const res = await send(t, 'DELETE', `/api/v1/me/sessions/${items[0]!.id}`, {
      cookie: me.cookie,
    })
    expect(res.status).toBe(404)
    expect((await send(t, 'GET', '/api/v1/me', { cookie: someoneElse.cookie })).status).toBe(200)
  })

  it('summarises the browser instead of keeping its whole User-Agent', async () => {
    const who = await createAccount(t)
    const res = await send(t, 'POST', '/api/v1/auth/sign-in', {
      body: { email: who.email, password: who.password },
      headers: {
        'user-agent':
          'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1',
      },
    })
    const cookie = res.headers.getSetCookie()[0]!.split(';')[0]!
    const list = await send(t, 'GET', '/api/v1/me/sessions', { cookie })
    const { items } = (await list.json()) as { items: { current: boolean; user_agent: string }[] }
    expect(items.find((s) => s.current)!.user_agent).toBe('Safari on iOS')
  })
})
