import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { system } from '#src/access/actor.ts'
import { grantRole } from '#src/access/roles.service.ts'
import { fixtureGroup, fixtureOrganisation } from '#src/web/group-page.fixtures.ts'
import { addSecondFactor, createAccount, person, send } from '../../tests/accounts.ts'
import { createTestApp } from '../../tests/app.ts'
import { saveOrganisation } from './groups.service.ts'

const withoutId = <T extends { id?: unknown }>({ id: _id, ...rest }: T) => rest

type Account = Awaited<ReturnType<typeof createAccount>>

describe('organisation self-service', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>
  let admin: Account // created the organisation
  let colleague: Account // staff of it, added later
  let stranger: Account
  let otherStaff: Account // staff of another organisation
  let moderator: Account
  let orgId: string
  let groupId: string

  const organisationBody = withoutId(fixtureOrganisation)
  const groupBody = withoutId(fixtureGroup())

  beforeAll(async () => {
    t = await createTestApp()
    admin = await createAccount(t, person({ email: 'sato@chiba-parents.example.jp' }))
    colleague = await createAccount(t)
    stranger = await createAccount(t)
    otherStaff = await createAccount(t)
    moderator = await createAccount(t)
    await grantRole(t.deps, system, {
      userId: moderator.id,
      scopeType: 'platform',
      scopeId: null,
      role: 'moderator',
    })
    await saveOrganisation(
      t.deps,
      system,
      { id: 'org-other', name: { original: 'en', en: 'Other' } },
      { source: 'tomoni' },
    )
    await grantRole(t.deps, system, {
      userId: otherStaff.id,
      scopeType: 'organisation',
      scopeId: 'org-other',
      role: 'staff',
    })
    // Staff powers count only in a session opened with a second factor.
    for (const who of [admin, colleague, otherStaff, moderator]) {
      who.cookie = (await addSecondFactor(t, who)).cookie
    }
  })
  afterAll(() => t.close())

  it('lets a signed-in person add their organisation and become its admin', async () => {
    const res = await send(t, 'POST', '/api/v1/organisations', {
      cookie: admin.cookie,
      body: { ...organisationBody, id: 'chosen-by-client' },
    })
    expect(res.status).toBe(201)
    const body = (await res.json()) as { id: string; role: string; claimed: boolean }
    // The id is ours to give; the address is at the organisation's domain, so it counts as claimed.
    expect(body).toMatchObject({ role: 'admin', claimed: true })
    expect(body.id).not.toBe('chosen-by-client')
    orgId = body.id
    const roles = await t.deps.db
      .selectFrom('role_membership')
      .select(['scope_id', 'role'])
      .where('user_id', '=', admin.id)
      .execute()
    expect(roles).toEqual([{ scope_id: orgId, role: 'admin' }])
    await grantRole(t.deps, system, {
      userId: colleague.id,
      scopeType: 'organisation',
      scopeId: orgId,
      role: 'staff',
    })
  })

  it('refuses to make someone’s organisation a chapter of one they do not run', async () => {
    const res = await send(t, 'POST', '/api/v1/organisations', {
      cookie: stranger.cookie,
      body: { ...organisationBody, parent_id: 'org-other' },
    })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({
      error: { fields: { parent_id: expect.any(String) as unknown } },
    })
  })

  it('lets the organisation’s staff add a group, with field errors for bad input', async () => {
    const bad = await send(t, 'POST', '/api/v1/groups', {
      cookie: colleague.cookie,
      body: { ...groupBody, organisation_id: orgId, types: ['club'], languages: ['Japanese'] },
    })
    expect(bad.status).toBe(400)
    expect(Object.keys(((await bad.json()) as { error: { fields: object } }).error.fields)).toEqual(
      expect.arrayContaining(['types.0', 'languages.0']),
    )
    const res = await send(t, 'POST', '/api/v1/groups', {
      cookie: colleague.cookie,
      body: { ...groupBody, organisation_id: orgId },
    })
    expect(res.status).toBe(201)
    const body = (await res.json()) as { id: string; url: string }
    groupId = body.id
    expect(body.url).toBe(`/groups/${groupId}`)
    expect((await send(t, 'GET', `/api/v1/groups/${groupId}`)).status).toBe(200)
  })

  it('lets staff edit and confirm, and shows them who changed what', async () => {
    const edit = await send(t, 'PATCH', `/api/v1/groups/${groupId}`, {
      cookie: colleague.cookie,
      body: { capacity: 25, accepting_members: false },
    })
    expect(edit.status).toBe(200)
    expect(await edit.json()).toEqual({ id: groupId, result: 'updated' })
    t.clock.advance(60_000)
    const confirm = await send(t, 'POST', `/api/v1/groups/${groupId}/confirm`, {
      cookie: admin.cookie,
    })
    expect(confirm.status).toBe(200)
    const history = await send(t, 'GET', `/api/v1/groups/${groupId}/history`, {
      cookie: admin.cookie,
    })
    expect(history.status).toBe(200)
    const items = ((await history.json()) as { items: { field: string; actor_name: string }[] })
      .items
    expect(items.map((i) => [i.field, i.actor_name])).toEqual([
      ['accepting_members', colleague.display_name],
      ['capacity', colleague.display_name],
      ['last_confirmed_at', admin.display_name],
    ])
    const profile = (await (await send(t, 'GET', `/api/v1/groups/${groupId}`)).json()) as {
      trust: { last_confirmed_at: string }
    }
    expect(profile.trust.last_confirmed_at).toBe(t.clock.now().toISOString())
  })

  it('lets staff edit the organisation and read its history', async () => {
    const res = await send(t, 'PATCH', `/api/v1/organisations/${orgId}`, {
      cookie: colleague.cookie,
      body: { url: 'https://chiba-parents.example.jp/about' },
    })
    expect(res.status).toBe(200)
    const history = await send(t, 'GET', `/api/v1/organisations/${orgId}/history`, {
      cookie: colleague.cookie,
    })
    expect(((await history.json()) as { items: { field: string }[] }).items).toEqual([
      expect.objectContaining({ field: 'url' }),
    ])
  })

  it('answers 401 to every write without a session, and 404 to everyone who may not write', async () => {
    const writes = () =>
      [
        ['PATCH', `/api/v1/organisations/${orgId}`, { url: 'https://evil.example/' }],
        ['GET', `/api/v1/organisations/${orgId}/history`, undefined],
        ['POST', '/api/v1/groups', { ...groupBody, organisation_id: orgId }],
        ['PATCH', `/api/v1/groups/${groupId}`, { capacity: 1 }],
        ['POST', `/api/v1/groups/${groupId}/confirm`, undefined],
        ['GET', `/api/v1/groups/${groupId}/history`, undefined],
        ['PATCH', '/api/v1/groups/no-such-group', { capacity: 1 }],
      ] as const
    for (const [method, path, body] of writes()) {
      const res = await send(t, method, path, { body })
      expect(res.status, `${method} ${path} anonymous`).toBe(401)
      for (const who of [stranger, otherStaff]) {
        const refused = await send(t, method, path, { body, cookie: who.cookie })
        expect(refused.status, `${method} ${path} ${who.email}`).toBe(404)
      }
    }
    // Claiming is the one write open to anyone signed in (it asks, or proves, that they run it):
    // 401 without a session, a request for a moderator from a stranger, "yours already" for staff.
    const claim = `/api/v1/organisations/${orgId}/claim`
    expect((await send(t, 'POST', claim, { body: { message: 'hello' } })).status).toBe(401)
    for (const who of [stranger, otherStaff]) {
      const res = await send(t, 'POST', claim, { cookie: who.cookie, body: { message: 'hello' } })
      expect(res.status, who.email).toBe(202)
    }
    const mine = await send(t, 'POST', claim, { cookie: colleague.cookie })
    expect(await mine.json()).toEqual({ status: 'already' })
    const roles = await t.deps.db
      .selectFrom('role_membership')
      .select('user_id')
      .where('scope_id', '=', orgId)
      .execute()
    expect(roles.map((r) => r.user_id).sort()).toEqual([admin.id, colleague.id].sort())
    // A group moved into an organisation the person does not run is refused the same way.
    const moved = await send(t, 'PATCH', `/api/v1/groups/${groupId}`, {
      cookie: colleague.cookie,
      body: { organisation_id: 'org-other' },
    })
    expect(moved.status).toBe(404)
    // Nothing changed.
    const group = await t.deps.db
      .selectFrom('grp')
      .select(['capacity', 'organisation_id'])
      .where('id', '=', groupId)
      .executeTakeFirstOrThrow()
    expect(group).toEqual({ capacity: 25, organisation_id: orgId })
  })

  it('asks staff signed in without a second factor to use one, and changes nothing', async () => {
    const unsecured = await createAccount(t)
    await grantRole(t.deps, system, {
      userId: unsecured.id,
      scopeType: 'organisation',
      scopeId: orgId,
      role: 'admin',
    })
    for (const [method, path, body] of [
      ['PATCH', `/api/v1/organisations/${orgId}`, { url: 'https://evil.example/' }],
      ['PATCH', `/api/v1/groups/${groupId}`, { capacity: 2 }],
      ['GET', `/api/v1/groups/${groupId}/history`, undefined],
    ] as const) {
      const res = await send(t, method, path, { body, cookie: unsecured.cookie })
      expect(res.status, `${method} ${path}`).toBe(403)
      expect(await res.json()).toMatchObject({ error: { code: 'second_factor_required' } })
    }
    const group = await t.deps.db
      .selectFrom('grp')
      .select('capacity')
      .where('id', '=', groupId)
      .executeTakeFirstOrThrow()
    expect(group.capacity).toBe(25)
  })

  it('lets a platform moderator write to any organisation', async () => {
    const res = await send(t, 'PATCH', `/api/v1/groups/${groupId}`, {
      cookie: moderator.cookie,
      body: { capacity: 30 },
    })
    expect(res.status).toBe(200)
    const org = await send(t, 'GET', `/api/v1/organisations/${orgId}/history`, {
      cookie: moderator.cookie,
    })
    expect(org.status).toBe(200)
  })

  it('shows the organisation publicly with its listed groups', async () => {
    const res = await send(t, 'GET', `/api/v1/organisations/${orgId}`)
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({
      id: orgId,
      claimed: true,
      verified: false,
      groups: [{ id: groupId, url: `/groups/${groupId}` }],
    })
  })

  describe('claiming a listing', () => {
    beforeAll(async () => {
      for (const [id, url, email] of [
        ['org-claim-domain', 'https://www.kanagawa-als.example.org/', null],
        ['org-claim-gmail', null, 'kanagawa.als@gmail.com'],
      ] as const) {
        await saveOrganisation(
          t.deps,
          system,
          { id, name: { original: 'ja', ja: 'かながわALSの会' }, url, email },
          { source: 'public_register' },
        )
      }
    })

    it('grants it at once to an address at the organisation’s own domain', async () => {
      const staff = await createAccount(t, person({ email: 'kato@kanagawa-als.example.org' }))
      const res = await send(t, 'POST', '/api/v1/organisations/org-claim-domain/claim', {
        cookie: staff.cookie,
      })
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({ status: 'claimed', role: 'admin' })
      const second = await createAccount(t, person({ email: 'ito@mail.kanagawa-als.example.org' }))
      const again = await send(t, 'POST', '/api/v1/organisations/org-claim-domain/claim', {
        cookie: second.cookie,
      })
      expect(await again.json()).toEqual({ status: 'claimed', role: 'staff' })
      const org = await t.deps.db
        .selectFrom('organisation')
        .select('claimed_at')
        .where('id', '=', 'org-claim-domain')
        .executeTakeFirstOrThrow()
      expect(org.claimed_at).not.toBeNull()
      const actions = await t.deps.db
        .selectFrom('moderation_action')
        .select(['action', 'actor_id'])
        .where('subject_id', '=', 'org-claim-domain')
        .execute()
      expect(actions).toEqual([
        { action: 'claim_by_domain', actor_id: staff.id },
        { action: 'claim_by_domain', actor_id: second.id },
      ])
    })

    it('sends anyone else’s claim to the moderators, even from the same free-mail service', async () => {
      const someone = await createAccount(t, person({ email: 'someone@gmail.com' }))
      for (const id of ['org-claim-gmail', 'org-claim-domain']) {
        const res = await send(t, 'POST', `/api/v1/organisations/${id}/claim`, {
          cookie: someone.cookie,
          body: { message: 'I am the secretary; call me on the number on our web site.' },
        })
        expect(res.status, id).toBe(202)
        expect(await res.json()).toMatchObject({
          status: 'pending',
          request_id: expect.any(String) as unknown,
        })
      }
      // Asking again does not queue a second request.
      const again = await send(t, 'POST', '/api/v1/organisations/org-claim-gmail/claim', {
        cookie: someone.cookie,
      })
      expect(again.status).toBe(202)
      const items = await t.deps.db
        .selectFrom('moderation_item')
        .select(['kind', 'organisation_id', 'reporter_id'])
        .where('kind', '=', 'claim')
        .where('organisation_id', 'in', ['org-claim-gmail', 'org-claim-domain'])
        .execute()
      expect(items).toHaveLength(2)
      const roles = await t.deps.db
        .selectFrom('role_membership')
        .select('id')
        .where('user_id', '=', someone.id)
        .execute()
      expect(roles).toEqual([])
    })

    it('answers 404 for an organisation that does not exist, and 401 without a session', async () => {
      expect(
        (await send(t, 'POST', '/api/v1/organisations/nope/claim', { cookie: stranger.cookie }))
          .status,
      ).toBe(404)
      expect((await send(t, 'POST', '/api/v1/organisations/org-claim-gmail/claim')).status).toBe(
        401,
      )
    })
  })
})
