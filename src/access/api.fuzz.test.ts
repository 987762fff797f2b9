import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../tests/app.ts'
import { createAccount } from '../../tests/accounts.ts'
import { system } from '#src/access/actor.ts'
import { grantRole } from '#src/access/roles.service.ts'
import { hashToken, newToken } from '#src/accounts/user-session.ts'
import { consentTexts } from '#src/consent/consent.texts.ts'
import { saveGroup, saveOrganisation } from '#src/directory/groups.service.ts'
import { fixtureGroup, fixtureOrganisation } from '#src/web/group-page.fixtures.ts'

/**
 * Property-based fuzzing of every API route the OpenAPI document lists: arbitrary path
 * parameters, query strings and bodies (fc.anything(), JSON that is not an object, broken JSON,
 * the wrong content type, `__proto__`, `constructor` and `role` mixed in), anonymously, as a
 * member and as staff signed in with a second factor. Never a 5xx, never a stack trace, always
 * the contract's error shape, nothing polluted; and, for the writes, extra fields change nothing.
 */

type TestApp = Awaited<ReturnType<typeof createTestApp>>
interface Operation {
  method: string
  path: string
  params: string[]
  query: string[]
  body: boolean
}

const unknownUuid = '00000000-0000-4000-8000-000000000000'
const dangerousKeys = [
  '__proto__',
  'constructor',
  'prototype',
  'role',
  'roles',
  'id',
  'user_id',
  'is_admin',
  'admin',
  'verified',
  'verified_at',
  'claimed_at',
  'email_confirmed_at',
  'password_hash',
  'erased_at',
  'reporter_id',
  'resolved_by',
  'given_at',
  'withdrawn_at',
  'scope_type',
  'scope_id',
  'second_factor_at',
]
const prototypeNames = Object.getOwnPropertyNames(Object.prototype).sort()

/** Whatever an attacker might send as a body: any value, objects with keys that matter, text. */
const anyBody = fc.oneof(
  fc.anything({ maxDepth: 3 }).map((v) => ({ json: v })),
  fc
    .dictionary(
      fc.oneof(fc.constantFrom(...dangerousKeys), fc.string({ maxLength: 12 })),
      fc.anything({ maxDepth: 2 }),
      { maxKeys: 8 },
    )
    .map((v) => ({ json: v })),
  fc
    .record(
      {
        email: fc.oneof(fc.emailAddress(), fc.string()),
        password: fc.string({ maxLength: 200 }),
        display_name: fc.string({ maxLength: 80 }),
        locale: fc.constantFrom('ja', 'en', 'fr', ''),
        token: fc.string({ maxLength: 80 }),
        code: fc.string({ maxLength: 12 }),
        response: fc.anything({ maxDepth: 2 }),
        purpose: fc.constantFrom('health_data', 'contact_by_organisation', 'x'),
        kind: fc.constantFrom('report', 'suggestion', 'claim'),
        role: fc.constantFrom('admin', 'moderator'),
      },
      { requiredKeys: [] },
    )
    .map((v) => ({ json: v })),
  fc
    .constantFrom(
      '{"__proto__":{"polluted":true,"role":"admin"}}',
      '{"constructor":{"prototype":{"polluted":true}}}',
      '{"a":',
      'null',
      '[]',
      '"text"',
      '1e999',
      `${'['.repeat(500)}${']'.repeat(500)}`,
    )
    .map((raw) => ({ raw, type: undefined as string | undefined })),
  fc.string({ unit: 'binary', maxLength: 100 }).map((raw) => ({ raw, type: 'text/plain' })),
)

const anyParam = fc.oneof(
  fc.constantFrom('grp-fuzz', 'org-fuzz', unknownUuid, 'health_data', '..', '%00', 'a'.repeat(300)),
  fc.uuid(),
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
)

describe('every API route under arbitrary input', () => {
  let t: TestApp
  let operations: Operation[]
  let member: Awaited<ReturnType<typeof createAccount>>
  let staff: Awaited<ReturnType<typeof createAccount>>

  /** A session row made directly: each run gets its own, so one run's sign-out spoils no other. */
  async function session(userId: string, secondFactor: boolean) {
    const token = newToken()
    const now = t.clock.now()
    await t.deps.db
      .insertInto('user_session')
      .values({
        token_hash: hashToken(token),
        user_id: userId,
        created_at: now,
        last_seen_at: now,
        reauthenticated_at: now,
        expires_at: new Date(now.getTime() + 86_400_000),
        user_agent: null,
        stage: 'full',
        second_factor_at: secondFactor ? now : null,
      })
      .execute()
    return `__Host-tomoni_session=${token}`
  }

  beforeAll(async () => {
    t = await createTestApp()
    await saveOrganisation(
      t.deps,
      system,
      { ...fixtureOrganisation, id: 'org-fuzz' },
      {
        source: 'tomoni',
      },
    )
    await saveGroup(t.deps, system, fixtureGroup({ id: 'grp-fuzz', organisation_id: 'org-fuzz' }), {
      source: 'tomoni',
    })
    member = await createAccount(t)
    staff = await createAccount(t)
    await grantRole(t.deps, system, {
      userId: staff.id,
      scopeType: 'organisation',
      scopeId: 'org-fuzz',
      role: 'admin',
    })
    const doc = (await (await t.app.request('/api/openapi.json')).json()) as {
      paths: Record<
        string,
        Record<string, { requestBody?: unknown; parameters?: { name: string; in: string }[] }>
      >
    }
    operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        params: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
        query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
        body: !!op.requestBody,
      })),
    )
  })
  afterAll(() => t.close())

  it('lists every API route of the app', () => {
    const listed = new Set(
      operations.map((o) => `${o.method} ${o.path.replace(/\{(\w+)\}/g, ':$1')}`),
    )
    const api = t.app.routes
      .filter((r) => r.path.startsWith('/api/') && r.method !== 'ALL')
      .map((r) => `${r.method} ${r.path}`)
      // The HSDS API and the document itself are served outside the typed routers.
      .filter((k) => !k.includes('/api/hsds') && k !== 'GET /api/openapi.json')
    expect(api.filter((k) => !listed.has(k))).toEqual([])
    expect(operations.length).toBeGreaterThan(40)
  })

  it('answers 400 to what fuzzing once found a 500 for', async () => {
    const cookie = await session(member.id, false)
    const plainText = await t.app.request('/api/v1/organisations', {
      method: 'POST',
      headers: { cookie, 'content-type': 'text/plain' },
      body: '',
    })
    expect(plainText.status).toBe(400)
    expect(await plainText.json()).toMatchObject({ error: { code: 'invalid_input' } })
    // A NUL character, which PostgreSQL refuses in text.
    for (const path of ['/api/v1/groups/%00', '/api/v1/organisations/a%00b']) {
      const res = await t.app.request(path)
      expect(res.status, path).toBe(400)
      expect(await res.json()).toMatchObject({ error: { code: 'invalid_input' } })
    }
    expect((await t.app.request('/groups/%00')).status).toBe(400)
  })

  it('never answers with a 5xx or a stack trace, and pollutes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...operations),
        fc.array(anyParam, { minLength: 3, maxLength: 3 }),
        fc.dictionary(
          fc.oneof(
            fc.constantFrom('__proto__', 'constructor', 'role', 'q', 'limit', 'before'),
            fc.string({ maxLength: 10 }),
          ),
          fc.oneof(fc.string({ maxLength: 30 }), fc.integer().map(String), fc.constant('1e309')),
          { maxKeys: 5 },
        ),
        anyBody,
        fc.constantFrom('anonymous', 'member', 'staff'),
        async (op, params, query, body, who) => {
          let path = op.path
          op.params.forEach((name, i) => {
            path = path.replace(`{${name}}`, encodeURIComponent(params[i]!))
          })
          const search = new URLSearchParams(query).toString()
          const url = search ? `${path}?${search}` : path
          const cookie =
            who === 'member'
              ? await session(member.id, false)
              : who === 'staff'
                ? await session(staff.id, true)
                : undefined
          const headers: Record<string, string> = cookie ? { cookie } : {}
          let payload: string | undefined
          if ('raw' in body) {
            payload = body.raw
            headers['content-type'] = body.type ?? 'application/json'
          } else if (body.json !== undefined) {
            payload = JSON.stringify(body.json)
            headers['content-type'] = 'application/json'
          }
          const res = await t.app.request(
            url,
            { method: op.method, headers, body: op.method === 'GET' ? undefined : payload },
            { incoming: { socket: { remoteAddress: '10.250.0.1' } } },
          )
          const text = await res.text()
          const where = `${op.method} ${url} as ${who}: ${text.slice(0, 300)}`
          expect(res.status, where).toBeLessThan(500)
          expect(text, where).not.toMatch(/\bat [^\s]+\.ts:\d+|node_modules|\bError: /)
          if (res.status >= 400) {
            expect(JSON.parse(text), where).toMatchObject({
              error: {
                code: expect.any(String) as unknown,
                message: expect.any(String) as unknown,
              },
            })
          }
          expect(({} as Record<string, unknown>).polluted, where).toBeUndefined()
          expect(Object.getOwnPropertyNames(Object.prototype).sort(), where).toEqual(prototypeNames)
          // Counters are for their own tests; here they would only stop the fuzzing early.
          await t.deps.db.deleteFrom('rate_limit').execute()
        },
      ),
      { numRuns: 600 },
    )
    // Whatever was sent, both accounts are intact and hold only the roles they were given.
    const accounts = await t.deps.db
      .selectFrom('app_user')
      .select(['id', 'email', 'erased_at'])
      .where('id', 'in', [member.id, staff.id])
      .orderBy('email')
      .execute()
    expect(accounts.map((a) => a.erased_at)).toEqual([null, null])
    const roles = await t.deps.db
      .selectFrom('role_membership')
      .select(['user_id', 'scope_id', 'role'])
      .where('user_id', 'in', [member.id, staff.id])
      .where('scope_type', '<>', 'organisation')
      .execute()
    expect(roles).toEqual([])
  })

  /**
   * A valid write with extra fields mixed in (and a `__proto__` sent the way an attacker would)
   * does just what it does without them: what the extras name is never stored.
   */
  interface WriteCase {
    name: string
    who: 'member' | 'staff'
    method: string
    path: string
    body: () => Record<string, unknown>
    /** The answers the write may give: extras are ignored or, for strict schemas, refused. */
    statuses: number[]
    /** The state the extras could try to change, read after each attempt. */
    state: () => Promise<unknown>
    /** The state a plain write leaves; compared with `state()` after the write with extras. */
    expected: (status: number) => unknown
    cleanup?: () => Promise<void>
  }

  const writeCases = (): WriteCase[] => [
    {
      name: 'a profile change',
      who: 'member',
      method: 'PATCH',
      path: '/api/v1/me',
      body: () => ({ display_name: 'Fuzzed Name', locale: 'en' }),
      statuses: [200],
      state: async () => ({
        user: await t.deps.db
          .selectFrom('app_user')
          .select(['id', 'email', 'display_name', 'locale', 'erased_at', 'password_hash'])
          .where('id', '=', member.id)
          .executeTakeFirst(),
        roles: await t.deps.db
          .selectFrom('role_membership')
          .select('id')
          .where('user_id', '=', member.id)
          .execute(),
      }),
      expected: async () => ({
        user: {
          id: member.id,
          email: member.email,
          display_name: 'Fuzzed Name',
          locale: 'en',
          erased_at: null,
          password_hash: (
            await t.deps.db
              .selectFrom('app_user')
              .select('password_hash')
              .where('id', '=', member.id)
              .executeTakeFirstOrThrow()
          ).password_hash,
        },
        roles: [],
      }),
    },
    {
      name: 'a consent',
      who: 'member',
      method: 'POST',
      path: '/api/v1/me/consents',
      body: () => ({
        purpose: 'contact_by_organisation',
        text_version: consentTexts.contact_by_organisation.version,
        locale: 'en',
      }),
      statuses: [200],
      state: () =>
        t.deps.db
          .selectFrom('consent')
          .select(['user_id', 'purpose', 'given_at', 'withdrawn_at'])
          .where('user_id', '=', member.id)
          .where('withdrawn_at', 'is', null)
          .execute(),
      expected: () => [
        {
          user_id: member.id,
          purpose: 'contact_by_organisation',
          given_at: t.clock.now(),
          withdrawn_at: null,
        },
      ],
      cleanup: async () => {
        await t.deps.db.deleteFrom('consent').where('user_id', '=', member.id).execute()
      },
    },
    {
      name: 'a report',
      who: 'member',
      method: 'POST',
      path: '/api/v1/groups/grp-fuzz/feedback',
      body: () => ({ kind: 'report', reason: 'closed', details: 'fuzzed' }),
      statuses: [202],
      state: () =>
        t.deps.db
          .selectFrom('moderation_item')
          .select(['kind', 'status', 'reporter_id', 'resolved_by', 'resolution', 'group_id'])
          .execute(),
      expected: () => [
        {
          kind: 'report',
          status: 'open',
          reporter_id: member.id,
          resolved_by: null,
          resolution: null,
          group_id: 'grp-fuzz',
        },
      ],
      cleanup: async () => {
        await t.deps.db.deleteFrom('moderation_item').execute()
      },
    },
    {
      name: 'a change to a listing',
      who: 'staff',
      method: 'PATCH',
      path: '/api/v1/groups/grp-fuzz',
      body: () => ({ capacity: 17 }),
      statuses: [200, 400],
      state: () =>
        t.deps.db
          .selectFrom('grp')
          .select(['id', 'organisation_id', 'capacity', 'verified_at', 'hidden_at', 'source'])
          .where('id', '=', 'grp-fuzz')
          .executeTakeFirst(),
      expected: (status) => ({
        id: 'grp-fuzz',
        organisation_id: 'org-fuzz',
        capacity: status === 200 ? 17 : 12,
        verified_at: null,
        hidden_at: null,
        source: 'tomoni',
      }),
      cleanup: async () => {
        await t.deps.db
          .updateTable('grp')
          .set({ capacity: 12 })
          .where('id', '=', 'grp-fuzz')
          .execute()
      },
    },
  ]

  it('ignores extra fields in every write, whatever they are called', async () => {
    await t.deps.db.updateTable('grp').set({ capacity: 12 }).where('id', '=', 'grp-fuzz').execute()
    // The arbitrary-input test before this one may have filed claims or reports of its own.
    await t.deps.db.deleteFrom('moderation_item').execute()
    for (const c of writeCases()) {
      await fc.assert(
        fc.asyncProperty(
          fc.dictionary(fc.constantFrom(...dangerousKeys), fc.anything({ maxDepth: 2 }), {
            minKeys: 1,
          }),
          async (extra) => {
            const cookie = await session(
              c.who === 'member' ? member.id : staff.id,
              c.who === 'staff',
            )
            // JSON.stringify drops a real __proto__ key; send one as an attacker would.
            const raw = JSON.stringify({ ...extra, ...c.body() }).replace(
              /^\{/,
              '{"__proto__":{"role":"admin","polluted":true},',
            )
            const answer = await t.app.request(
              c.path,
              {
                method: c.method,
                headers: { 'content-type': 'application/json', cookie },
                body: raw,
              },
              { incoming: { socket: { remoteAddress: '10.250.0.2' } } },
            )
            const text = await answer.text()
            expect(c.statuses, `${c.name}: ${answer.status} ${text}`).toContain(answer.status)
            expect(await c.state(), c.name).toEqual(await c.expected(answer.status))
            expect(({} as Record<string, unknown>).polluted).toBeUndefined()
            expect(({} as Record<string, unknown>).role).toBeUndefined()
            await c.cleanup?.()
            await t.deps.db.deleteFrom('rate_limit').execute()
          },
        ),
        { numRuns: 40 },
      )
    }
  })
})
