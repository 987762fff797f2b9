import type { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../tests/app.ts'
import { addSecondFactor, createAccount, send } from '../../tests/accounts.ts'
import { system } from '#src/access/actor.ts'
import { grantRole } from '#src/access/roles.service.ts'
import { buildApp } from '#src/app.ts'
import { saveGroup, saveOrganisation } from '#src/directory/groups.service.ts'
import { actOnGroup } from '#src/moderation/moderation.service.ts'
import type { AppEnv } from '#src/platform/http.ts'
import { fixtureGroup, fixtureOrganisation } from '#src/web/group-page.fixtures.ts'
import { auditConfidentialRead, type OrganisationAuditEntry } from './audit-view.ts'

type Account = Awaited<ReturnType<typeof createAccount>>
interface Page {
  items: OrganisationAuditEntry[]
  next_before: string | null
}

describe('an organisation’s audit log, for its admins', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>
  let adminA: Account
  let adminB: Account
  let staffA: Account
  let member: Account
  let platformAdmin: Account

  /** A person with a role, signed in with a second factor. */
  async function holding(
    scopeType: 'organisation' | 'platform',
    scopeId: string | null,
    role: string,
  ) {
    const who = await createAccount(t)
    await grantRole(t.deps, system, { userId: who.id, scopeType, scopeId, role: role as never })
    return { ...who, cookie: (await addSecondFactor(t, who)).cookie }
  }

  const log = async (org: string, cookie: string, query = '') => {
    const res = await send(t, 'GET', `/api/v1/organisations/${org}/audit${query}`, { cookie })
    return { status: res.status, body: (await res.json()) as Page & { error?: { code: string } } }
  }

  beforeAll(async () => {
    t = await createTestApp()
    for (const org of ['org-audit-a', 'org-audit-b']) {
      await saveOrganisation(
        t.deps,
        system,
        { ...fixtureOrganisation, id: org },
        { source: 'tomoni' },
      )
    }
    for (const [id, org] of [
      ['grp-audit-a1', 'org-audit-a'],
      ['grp-audit-a2', 'org-audit-a'],
      ['grp-audit-b1', 'org-audit-b'],
    ]) {
      await saveGroup(t.deps, system, fixtureGroup({ id, organisation_id: org }), {
        source: 'tomoni',
      })
    }
    adminA = await holding('organisation', 'org-audit-a', 'admin')
    adminB = await holding('organisation', 'org-audit-b', 'admin')
    staffA = await holding('organisation', 'org-audit-a', 'staff')
    platformAdmin = await holding('platform', null, 'admin')
    member = await createAccount(t)

    // What happens in A: a group role given, a listing changed and confirmed, a record read.
    await grantRole(t.deps, system, {
      userId: member.id,
      scopeType: 'group',
      scopeId: 'grp-audit-a2',
      role: 'co_facilitator',
    })
    expect(
      (
        await send(t, 'PATCH', '/api/v1/groups/grp-audit-a1', {
          cookie: staffA.cookie,
          body: { capacity: 12 },
        })
      ).status,
    ).toBe(200)
    expect(
      (await send(t, 'POST', '/api/v1/groups/grp-audit-a1/confirm', { cookie: staffA.cookie }))
        .status,
    ).toBe(200)
    await auditConfidentialRead(t.deps, system, {
      organisationId: 'org-audit-a',
      subjectType: 'progress_note',
      subjectId: 'note-1',
    })
    // What happens in B: a claim, and a moderator hiding a listing.
    const claimed = await send(t, 'POST', '/api/v1/organisations/org-audit-b/claim', {
      cookie: member.cookie,
      body: { message: 'I run it' },
    })
    expect(claimed.status).toBe(202)
    await actOnGroup(t.deps, system, 'grp-audit-b1', { action: 'hide_listing', note: 'Checked.' })
  })
  afterAll(() => t.close())

  it('shows an admin their organisation’s entries, groups included, and none of another’s', async () => {
    const { status, body } = await log('org-audit-a', adminA.cookie)
    expect(status).toBe(200)
    const actions = body.items.map((i) => i.action)
    expect(actions).toEqual(
      expect.arrayContaining([
        'role_granted',
        'listing_changed',
        'listing_confirmed',
        'confidential_record_read',
      ]),
    )
    expect(actions).not.toContain('claim_requested')
    expect(actions).not.toContain('listing_moderated')
    const subjects = body.items.map((i) => i.subject?.id)
    expect(subjects).not.toContain('grp-audit-b1')
    expect(subjects).not.toContain('org-audit-b')
    // Newest first; who did it and to whom, by name; the fields changed, not their values.
    expect(body.items[0]!.action).toBe('confidential_record_read')
    const grant = body.items.find((i) => i.action === 'role_granted' && i.subject?.id === member.id)
    expect(grant).toMatchObject({
      actor: null,
      subject: { type: 'user', display_name: member.display_name },
      details: { role: 'co_facilitator', scope: 'group:grp-audit-a2' },
    })
    expect(body.items.find((i) => i.action === 'listing_changed')).toMatchObject({
      actor: { id: staffA.id, display_name: staffA.display_name },
      subject: { type: 'group', id: 'grp-audit-a1' },
      details: { fields: ['capacity'] },
    })

    const other = await log('org-audit-b', adminB.cookie)
    expect(other.body.items.map((i) => i.action).sort()).toEqual(
      expect.arrayContaining(['claim_requested', 'listing_moderated']),
    )
    expect(other.body.items.map((i) => i.subject?.id)).not.toContain('grp-audit-a1')
    expect(JSON.stringify(other.body)).not.toContain('I run it')
  })

  it('is not there for another organisation’s admin, its staff or members, and asks admins for the second factor', async () => {
    expect((await log('org-audit-a', adminB.cookie)).status).toBe(404)
    expect((await log('org-audit-a', staffA.cookie)).status).toBe(404)
    expect((await log('org-audit-a', member.cookie)).status).toBe(404)
    expect((await send(t, 'GET', '/api/v1/organisations/org-audit-a/audit')).status).toBe(401)
    expect((await log('org-audit-a', platformAdmin.cookie)).status).toBe(200)
    const unsecured = await createAccount(t)
    await grantRole(t.deps, system, {
      userId: unsecured.id,
      scopeType: 'organisation',
      scopeId: 'org-audit-a',
      role: 'admin',
    })
    const refused = await log('org-audit-a', unsecured.cookie)
    expect(refused.status).toBe(403)
    expect(refused.body.error?.code).toBe('second_factor_required')
    expect((await log('org-nowhere', platformAdmin.cookie)).status).toBe(404)
  })

  it('pages from newest to oldest', async () => {
    const all = (await log('org-audit-a', adminA.cookie)).body.items.map((i) => i.id)
    const first = (await log('org-audit-a', adminA.cookie, '?limit=2')).body
    expect(first.items.map((i) => i.id)).toEqual(all.slice(0, 2))
    const second = (
      await log('org-audit-a', adminA.cookie, `?limit=2&before=${first.next_before!}`)
    ).body
    expect(second.items.map((i) => i.id)).toEqual(all.slice(2, 4))
  })

  it('is a page too, and staff without a second factor are sent to it', async () => {
    const res = await t.app.request('/organisations/org-audit-a/audit', {
      headers: { cookie: adminA.cookie, 'accept-language': 'en' },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const html = await res.text()
    expect(html).toContain('Activity log')
    expect(html).toContain('Listing changed')
    expect(html).toContain(staffA.display_name)
    const hidden = await t.app.request('/organisations/org-audit-a/audit', {
      headers: { cookie: adminB.cookie, 'accept-language': 'en' },
    })
    expect(hidden.status).toBe(404)

    const unsecured = await createAccount(t)
    await grantRole(t.deps, system, {
      userId: unsecured.id,
      scopeType: 'organisation',
      scopeId: 'org-audit-a',
      role: 'admin',
    })
    const app = buildApp(t.deps) as unknown as Hono<AppEnv>
    const page = (cookie: string) =>
      app.request('/organisations/org-audit-a/audit', {
        headers: { cookie, 'accept-language': 'en' },
      })
    const setUp = await page(unsecured.cookie)
    expect(setUp.status).toBe(403)
    const setUpHtml = await setUp.text()
    expect(setUpHtml).toContain('This needs the second step of signing in')
    expect(setUpHtml).toContain('href="/account/security"')
    // With a factor set up but this session opened without it: the way to use it now.
    const secured = await addSecondFactor(t, unsecured)
    await revokeSecondFactorOf(unsecured.id)
    const useIt = await page(secured.cookie)
    expect(useIt.status).toBe(403)
    expect(await useIt.text()).toContain(
      `href="/sign-in/second-factor?next=${encodeURIComponent('/organisations/org-audit-a/audit')}"`,
    )
  })

  /** As after the person removed one of two factors: no session counts as having one. */
  async function revokeSecondFactorOf(userId: string) {
    await t.deps.db
      .updateTable('user_session')
      .set({ second_factor_at: null })
      .where('user_id', '=', userId)
      .execute()
  }
})
