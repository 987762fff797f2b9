import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../tests/app.ts'
import { createAccount, send } from '../../tests/accounts.ts'

/** Keys a client must never be able to set, mixed into every generated body. */
const dangerousKeys = [
  'role',
  'roles',
  'id',
  'user_id',
  'email_confirmed_at',
  'password_hash',
  'is_admin',
  'erased_at',
  '__proto__',
  'constructor',
  'prototype',
]

const jsonValue = fc.jsonValue({ maxDepth: 3 })
const body = fc.oneof(
  jsonValue,
  fc.dictionary(
    fc.oneof(fc.constantFrom(...dangerousKeys), fc.string({ maxLength: 12 })),
    jsonValue,
    {
      maxKeys: 8,
    },
  ),
  fc.record(
    {
      email: fc.oneof(fc.emailAddress(), fc.string()),
      password: fc.string({ maxLength: 200 }),
      display_name: fc.string({ maxLength: 80 }),
      locale: fc.constantFrom('ja', 'en', 'fr', ''),
      token: fc.string({ maxLength: 80 }),
      role: fc.constantFrom('admin', 'moderator'),
    },
    { requiredKeys: [] },
  ),
)

interface Operation {
  method: string
  path: string
}

describe('account routes under arbitrary input', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>
  let who: Awaited<ReturnType<typeof createAccount>>
  let operations: Operation[]
  beforeAll(async () => {
    t = await createTestApp()
    who = await createAccount(t)
    const doc = (await (await t.app.request('/api/openapi.json')).json()) as {
      paths: Record<string, Record<string, { requestBody?: unknown }>>
    }
    // Every API route that reads a JSON body, as the OpenAPI document describes it.
    operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([, op]) => op.requestBody)
        .map(([method, _op]) => ({
          method: method.toUpperCase(),
          path: path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000'),
        })),
    )
  })
  afterAll(() => t.close())

  it('covers the account routes', () => {
    expect(operations.map((o) => `${o.method} ${o.path}`)).toEqual(
      expect.arrayContaining([
        'POST /api/v1/auth/sign-up',
        'POST /api/v1/auth/sign-in',
        'PATCH /api/v1/me',
        'DELETE /api/v1/me',
        'POST /api/v1/me/password',
      ]),
    )
  })

  it('never answers with a 5xx or a stack trace, signed in or not', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...operations),
        body,
        fc.boolean(),
        async (operation, payload, signedIn) => {
          const res = await send(t, operation.method, operation.path, {
            body: payload,
            cookie: signedIn ? who.cookie : undefined,
          })
          const text = await res.text()
          expect(res.status, `${operation.method} ${operation.path} ${text}`).toBeLessThan(500)
          expect(text).not.toMatch(/\bat [^\s]+\.ts:\d+|node_modules/)
          if (res.status >= 400) {
            expect(JSON.parse(text)).toMatchObject({
              error: { code: expect.any(String) as unknown },
            })
          }
        },
      ),
      { numRuns: 300 },
    )
    // Whatever was sent, the account is still intact and still has no role.
    const me = await send(t, 'GET', '/api/v1/me', { cookie: who.cookie })
    expect(me.status).toBe(200)
    expect(await me.json()).toMatchObject({ id: who.id, email: who.email, roles: [] })
  })

  it('ignores extra fields in a profile change, whatever they are called', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom(...dangerousKeys), jsonValue, { minKeys: 1 }),
        async (extra) => {
          const raw = JSON.stringify({ ...extra, locale: 'ja' })
            // JSON.stringify drops a real __proto__ key; send one as the attacker would.
            .replace(/^\{/, '{"__proto__":{"role":"admin"},')
          const res = await t.app.request(
            '/api/v1/me',
            {
              method: 'PATCH',
              headers: { 'content-type': 'application/json', cookie: who.cookie },
              body: raw,
            },
            { incoming: { socket: { remoteAddress: '10.200.0.1' } } },
          )
          expect(res.status).toBe(200)
          const user = await t.deps.db
            .selectFrom('app_user')
            .select(['id', 'email', 'erased_at', 'email_confirmed_at'])
            .where('id', '=', who.id)
            .executeTakeFirstOrThrow()
          expect(user).toMatchObject({ id: who.id, email: who.email, erased_at: null })
          expect(user.email_confirmed_at).not.toBeNull()
          const roles = await t.deps.db.selectFrom('role_membership').select('id').execute()
          expect(roles).toEqual([])
        },
      ),
      { numRuns: 50 },
    )
    expect(({} as Record<string, unknown>).role).toBeUndefined()
  })
})
