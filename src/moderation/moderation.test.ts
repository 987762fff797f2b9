import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { system } from '#src/access/actor.ts'
import { grantRole } from '#src/access/roles.service.ts'
import { createGroup, saveOrganisation } from '#src/directory/groups.service.ts'
import { translate } from '#src/i18n/i18n.ts'
import { fixtureGroup, fixtureOrganisation } from '#src/web/group-page.fixtures.ts'
import { addSecondFactor, createAccount, person, send } from '../../tests/accounts.ts'
import { createTestApp } from '../../tests/app.ts'

type Account = Awaited<ReturnType<typeof createAccount>>
interface Item {
  id: string
  kind: string
  reason: string | null
  group: { id: string } | null
  reporter: { id: string; email: string | null } | null
}

describe('the moderation queue', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>
  let moderator: Account
  let staff: Account
  let member: Account

  const report = (groupId: string, body: object, cookie?: string) => {
    // Items are listed oldest first; the fake clock would give them all the same time.
    t.clock.advance(1000)
    return send(t, 'POST', `/api/v1/groups/${groupId}/feedback`, { body, cookie })
  }
  const queue = async (query = '') => {
    const res = await send(t, 'GET', `/api/v1/moderation/items${query}`, {
      cookie: moderator.cookie,
    })
    expect(res.status).toBe(200)
    return ((await res.json()) as { items: Item[] }).items
  }
  const act = (itemId: string, body: object, cookie = moderator.cookie) =>
    send(t, 'POST', `/api/v1/moderation/items/${itemId}/actions`, { body, cookie })
  const page = (id: string) =>
    t.app.request(`/groups/${id}`, { headers: { 'accept-language': 'en' } })

  beforeAll(async () => {
    t = await createTestApp()
    moderator = await createAccount(t)
    staff = await createAccount(t)
    member = await createAccount(t, person({ email: 'secretary@kanagawa-heart.example.org' }))
    await grantRole(t.deps, system, {
      userId: moderator.id,
      scopeType: 'platform',
      scopeId: null,
      role: 'moderator',
    })
    // Moderating and staff work count only in a session opened with a second factor.
    moderator.cookie = (await addSecondFactor(t, moderator)).cookie
    staff.cookie = (await addSecondFactor(t, staff)).cookie
    await saveOrganisation(t.deps, system, fixtureOrganisation, { source: 'tomoni' })
    await grantRole(t.deps, system, {
      userId: staff.id,
      scopeType: 'organisation',
      scopeId: 'org-chiba-parents',
      role: 'staff',
    })
    for (const id of ['grp-a', 'grp-b', 'grp-c']) {
      await createGroup(t.deps, system, fixtureGroup({ id, locations: [] }))
    }
  })
  afterAll(() => t.close())

  it('takes reports and suggestions from anyone, and shows them to moderators only', async () => {
    expect((await report('grp-a', { kind: 'report', reason: 'closed' })).status).toBe(202)
    expect(
      (
        await report(
          'grp-b',
          { kind: 'suggestion', reason: 'schedule', details: 'Third Saturday now' },
          member.cookie,
        )
      ).status,
    ).toBe(202)
    expect(
      (await report('grp-c', { kind: 'report', reason: 'unscientific_treatment', details: 'x' }))
        .status,
    ).toBe(202)
    const bad = await report('grp-a', { kind: 'suggestion', reason: 'schedule', details: '' })
    expect(bad.status).toBe(400)
    expect((await report('nope', { kind: 'report', reason: 'closed' })).status).toBe(404)

    const items = await queue()
    expect(items.map((i) => [i.kind, i.reason, i.group?.id])).toEqual([
      ['report', 'closed', 'grp-a'],
      ['suggestion', 'schedule', 'grp-b'],
      ['report', 'unscientific_treatment', 'grp-c'],
    ])
    // Who reported is known by account only; their address is not shown.
    expect(items[1]!.reporter).toEqual({ id: member.id, display_name: null, email: null })

    expect((await send(t, 'GET', '/api/v1/moderation/items')).status).toBe(401)
    for (const who of [staff, member]) {
      const res = await send(t, 'GET', '/api/v1/moderation/items', { cookie: who.cookie })
      expect(res.status).toBe(404)
    }
  })

  it('refuses every moderation write to anyone but moderators', async () => {
    const [item] = await queue()
    const writes = [
      ['POST', `/api/v1/moderation/items/${item!.id}/actions`, { action: 'dismiss', note: 'x' }],
      ['POST', '/api/v1/moderation/groups/grp-a/actions', { action: 'hide_listing', note: 'x' }],
      ['POST', '/api/v1/moderation/organisations/org-chiba-parents/verify', { note: 'x' }],
      ['GET', '/api/v1/moderation/groups/grp-a/actions', undefined],
      ['GET', '/api/v1/moderation/organisations/org-chiba-parents/actions', undefined],
    ] as const
    // A moderator whose session was opened with the password alone is asked for the second factor.
    const unsecured = await createAccount(t)
    await grantRole(t.deps, system, {
      userId: unsecured.id,
      scopeType: 'platform',
      scopeId: null,
      role: 'moderator',
    })
    for (const [method, path, body] of writes) {
      expect((await send(t, method, path, { body })).status, `${path} anonymous`).toBe(401)
      for (const who of [staff, member]) {
        const res = await send(t, method, path, { body, cookie: who.cookie })
        expect(res.status, `${path} ${who.email}`).toBe(404)
      }
      const res = await send(t, method, path, { body, cookie: unsecured.cookie })
      expect(res.status, `${path} without a second factor`).toBe(403)
      expect(await res.json()).toMatchObject({ error: { code: 'second_factor_required' } })
    }
    expect(await queue()).toHaveLength(3)
  })

  it('asks for a note with every action', async () => {
    const [item] = await queue()
    const res = await act(item!.id, { action: 'dismiss', note: '' })
    expect(res.status).toBe(400)
  })

  it('applies a suggested edit through the directory’s write path, with the moderator in the history', async () => {
    const suggestion = (await queue('?kind=suggestion'))[0]!
    const res = await act(suggestion.id, {
      action: 'apply_edit',
      note: 'Confirmed with the group by phone.',
      patch: {
        schedules: [
          {
            id: 'grp-b-sch-chiba',
            rrule: 'FREQ=MONTHLY;BYDAY=3SA',
            dtstart: '2026-01-17',
            timezone: 'Asia/Tokyo',
            opens_at: '14:00',
            closes_at: '16:00',
          },
        ],
      },
    })
    expect(res.status).toBe(200)
    const body = await (await page('grp-b')).text()
    expect(body).toContain('Third Saturday of each month, 2–4 pm (Japan time)')
    const history = await t.deps.db
      .selectFrom('field_history')
      .select(['field', 'actor'])
      .where('entity_id', '=', 'grp-b')
      .execute()
    expect(history).toEqual([{ field: 'schedules', actor: `user:${moderator.id}` }])
    expect(await queue('?kind=suggestion')).toEqual([])
    const resolved = await queue('?status=resolved')
    expect(resolved.map((i) => i.id)).toEqual([suggestion.id])
    // An item dealt with cannot be acted on again.
    expect((await act(suggestion.id, { action: 'dismiss', note: 'again' })).status).toBe(409)
  })

  it('marks a listing verified, which keeps it fresh and shows on its page', async () => {
    const res = await send(t, 'POST', '/api/v1/moderation/groups/grp-c/actions', {
      cookie: moderator.cookie,
      body: { action: 'mark_verified', note: 'Spoke to the organiser; the listing is right.' },
    })
    expect(res.status).toBe(200)
    const body = await (await page('grp-c')).text()
    expect(body).toContain(translate('en', 'group.trust.verified'))
    expect(body).toContain('Last checked by a moderator: 22 November 2026')
  })

  it('hides a listing that promotes treatments without a scientific basis, and can restore it', async () => {
    const concern = (await queue()).find((i) => i.reason === 'unscientific_treatment')!
    const res = await act(concern.id, {
      action: 'hide_listing',
      note: 'The group tells members to stop chemotherapy; hidden while we talk to them.',
    })
    expect(res.status).toBe(200)
    expect((await page('grp-c')).status).toBe(404)
    expect((await send(t, 'GET', '/api/v1/groups/grp-c')).status).toBe(404)
    const listed = async () =>
      (
        (await (await send(t, 'GET', '/api/v1/groups?per_page=100')).json()) as {
          items: { id: string }[]
        }
      ).items.map((i) => i.id)
    expect(await listed()).not.toContain('grp-c')
    expect((await send(t, 'GET', '/api/hsds/services/grp-c')).status).toBe(404)
    expect(await (await t.app.request('/sitemap.xml')).text()).not.toContain('grp-c')
    // The organisation's own edits cannot bring it back.
    const edit = await send(t, 'PATCH', '/api/v1/groups/grp-c', {
      cookie: staff.cookie,
      body: { status: 'active', capacity: 5 },
    })
    expect(edit.status).toBe(200)
    expect((await page('grp-c')).status).toBe(404)

    const restore = await send(t, 'POST', '/api/v1/moderation/groups/grp-c/actions', {
      cookie: moderator.cookie,
      body: { action: 'restore_listing', note: 'They have changed their materials.' },
    })
    expect(restore.status).toBe(200)
    expect((await page('grp-c')).status).toBe(200)
    expect(await listed()).toContain('grp-c')
    const log = await send(t, 'GET', '/api/v1/moderation/groups/grp-c/actions', {
      cookie: moderator.cookie,
    })
    expect(
      ((await log.json()) as { items: { action: string; note: string }[] }).items.map(
        (a) => a.action,
      ),
    ).toEqual(['mark_verified', 'hide_listing', 'restore_listing'])
  })

  it('closes a group reported as closed', async () => {
    const closed = (await queue()).find((i) => i.reason === 'closed')!
    expect(
      (await act(closed.id, { action: 'close_group', note: 'The web site says so.' })).status,
    ).toBe(200)
    expect((await page('grp-a')).status).toBe(404)
    expect(await queue()).toEqual([])
  })

  it('verifies an organisation, with a note on how', async () => {
    const res = await send(t, 'POST', '/api/v1/moderation/organisations/org-chiba-parents/verify', {
      cookie: moderator.cookie,
      body: { note: 'Checked against the NPO register and called the office.' },
    })
    expect(res.status).toBe(200)
    expect(await (await page('grp-b')).text()).toContain(translate('en', 'group.trust.orgVerified'))
  })

  it('approves or rejects a claim, giving the person a role only when approved', async () => {
    await saveOrganisation(
      t.deps,
      system,
      { id: 'org-heart', name: { original: 'en', en: 'Kanagawa Heart' }, email: 'info@gmail.com' },
      { source: 'public_register' },
    )
    const claimant = await createAccount(t)
    for (const who of [member, claimant]) {
      t.clock.advance(1000)
      const res = await send(t, 'POST', '/api/v1/organisations/org-heart/claim', {
        cookie: who.cookie,
        body: { message: 'Please call me.' },
      })
      expect(res.status).toBe(202)
    }
    const claims = await queue('?kind=claim')
    expect(claims).toHaveLength(2)
    // A claim is about who the person is: moderators see their address.
    expect(claims[0]!.reporter?.email).toBe(member.email)
    expect((await act(claims[0]!.id, { action: 'dismiss', note: 'x' })).status).toBe(400)
    expect(
      (await act(claims[0]!.id, { action: 'approve_claim', note: 'Called the office to check.' }))
        .status,
    ).toBe(200)
    expect(
      (await act(claims[1]!.id, { action: 'reject_claim', note: 'Could not reach them.' })).status,
    ).toBe(200)
    const roles = await t.deps.db
      .selectFrom('role_membership')
      .select(['user_id', 'role'])
      .where('scope_id', '=', 'org-heart')
      .execute()
    expect(roles).toEqual([{ user_id: member.id, role: 'admin' }])
    // The new admin can now edit the organisation, once signed in with a second factor.
    const body = { url: 'https://kanagawa-heart.example.org/' }
    const without = await send(t, 'PATCH', '/api/v1/organisations/org-heart', {
      cookie: member.cookie,
      body,
    })
    expect(without.status).toBe(403)
    const { cookie } = await addSecondFactor(t, member)
    const edit = await send(t, 'PATCH', '/api/v1/organisations/org-heart', { cookie, body })
    expect(edit.status).toBe(200)
  })
})
