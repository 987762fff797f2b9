import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { system } from '#src/access/actor.ts'
import { grantRole } from '#src/access/roles.service.ts'
import { saveGroup, saveOrganisation } from '#src/directory/groups.service.ts'
import { translate } from '#src/i18n/i18n.ts'
import { fixtureGroup, fixtureOrganisation } from '#src/web/group-page.fixtures.ts'
import { send } from '../../tests/accounts.ts'
import { createTestApp } from '../../tests/app.ts'
import { browser, hidden, signedInBrowser } from '../../tests/page-browser.ts'

type TestApp = Awaited<ReturnType<typeof createTestApp>>

const en = (key: Parameters<typeof translate>[1]) => translate('en', key)

describe('the moderators’ page', () => {
  let t: TestApp
  let moderator: Awaited<ReturnType<typeof signedInBrowser>>

  beforeAll(async () => {
    t = await createTestApp()
    await saveOrganisation(t.deps, system, fixtureOrganisation, { source: 'tomoni' })
    await saveGroup(t.deps, system, fixtureGroup(), { source: 'tomoni' })
    moderator = await signedInBrowser(t)
    await grantRole(t.deps, system, {
      userId: moderator.id,
      scopeType: 'platform',
      scopeId: null,
      role: 'moderator',
    })
  })
  afterAll(() => t.close())

  const items = () =>
    t.deps.db.selectFrom('moderation_item').select(['id', 'kind', 'status', 'resolution']).execute()

  it('is not there for anyone else', async () => {
    const someone = await signedInBrowser(t)
    expect((await someone.b.get('/moderation')).res.status).toBe(404)
    expect((await browser(t, 'en').get('/moderation')).res.status).toBe(303)
  })

  it('lists a report and records what the moderator did, a note required', async () => {
    const report = await send(t, 'POST', '/api/v1/groups/grp-chiba-parents/feedback', {
      body: { kind: 'report', reason: 'unscientific_treatment', details: 'They sell a cure.' },
    })
    expect(report.status).toBe(202)
    const [item] = await items()
    const page = await moderator.b.get('/moderation')
    expect(page.res.status).toBe(200)
    expect(page.html).toContain('They sell a cure.')
    expect(page.html).toContain(`action="/moderation/items/${item!.id}"`)

    const noNote = await moderator.b.post(`/moderation/items/${item!.id}`, {
      ...hidden(page.html),
      action: 'hide_listing',
      note: '',
    })
    expect(noNote.res.status).toBe(400)
    expect(noNote.html).toContain(en('moderation.error.note'))
    expect((await items())[0]!.status).toBe('open')

    const done = await moderator.b.post(`/moderation/items/${item!.id}`, {
      ...hidden(page.html),
      action: 'hide_listing',
      note: 'Promotes an unproven cure; asked them to change it.',
    })
    expect(done.res.status).toBe(303)
    expect((await items())[0]).toMatchObject({ status: 'resolved', resolution: 'hide_listing' })
    const hidden_ = await t.deps.db
      .selectFrom('grp')
      .select('hidden_at')
      .where('id', '=', 'grp-chiba-parents')
      .executeTakeFirstOrThrow()
    expect(hidden_.hidden_at).not.toBeNull()
    const after = await moderator.b.get('/moderation?done=done')
    expect(after.html).toContain(en('moderation.done'))
    expect(after.html).toContain('Promotes an unproven cure')
    expect(after.html).toContain(moderator.display_name)
  })

  it('acts on a listing by its id, and says so when there is no such listing', async () => {
    const page = await moderator.b.get('/moderation')
    const typo = await moderator.b.post('/moderation/groups', {
      ...hidden(page.html),
      group_id: 'grp-no-such',
      action: 'restore_listing',
      note: 'The group changed its page.',
    })
    expect(typo.res.status).toBe(400)
    expect(typo.html).toContain(en('moderation.error.groupId'))
    const restored = await moderator.b.post('/moderation/groups', {
      ...hidden(page.html),
      group_id: 'grp-chiba-parents',
      action: 'restore_listing',
      note: 'The group changed its page.',
    })
    expect(restored.res.status).toBe(303)
    expect((await send(t, 'GET', '/api/v1/groups/grp-chiba-parents')).status).toBe(200)
  })

  it('applies a suggested edit given as JSON, refusing one that is not', async () => {
    const suggestion = await send(t, 'POST', '/api/v1/groups/grp-chiba-parents/feedback', {
      body: { kind: 'suggestion', reason: 'contact', details: 'The phone is 043-111-1111.' },
    })
    expect(suggestion.status).toBe(202)
    const item = (await items()).find((i) => i.kind === 'suggestion')!
    const page = await moderator.b.get('/moderation')
    const bad = await moderator.b.post(`/moderation/items/${item.id}`, {
      ...hidden(page.html),
      action: 'apply_edit',
      patch: '{phone: 043}',
      note: 'Phoned them.',
    })
    expect(bad.res.status).toBe(400)
    expect(bad.html).toContain(en('moderation.error.patch'))
    const good = await moderator.b.post(`/moderation/items/${item.id}`, {
      ...hidden(page.html),
      action: 'apply_edit',
      patch: '{"phone": "043-111-1111"}',
      note: 'Phoned them.',
    })
    expect(good.res.status).toBe(303)
    const group = await t.deps.db
      .selectFrom('grp')
      .select('phone')
      .where('id', '=', 'grp-chiba-parents')
      .executeTakeFirstOrThrow()
    expect(group.phone).toBe('043-111-1111')
  })

  it('approves a claim, giving the person a role, and verifies an organisation', async () => {
    const claimant = await signedInBrowser(t, 'someone@gmail.com')
    const asked = await send(t, 'POST', '/api/v1/organisations/org-chiba-parents/claim', {
      cookie: claimant.cookie,
      body: { message: 'I am the treasurer.' },
    })
    expect(asked.status).toBe(202)
    const item = (await items()).find((i) => i.kind === 'claim')!
    const page = await moderator.b.get('/moderation')
    // Claims are about who the person is: the moderator sees their address.
    expect(page.html).toContain('someone@gmail.com')
    const approved = await moderator.b.post(`/moderation/items/${item.id}`, {
      ...hidden(page.html),
      action: 'approve_claim',
      note: 'Called the number on their web site.',
    })
    expect(approved.res.status).toBe(303)
    const roles = await t.deps.db
      .selectFrom('role_membership')
      .select(['scope_id', 'role'])
      .where('user_id', '=', claimant.id)
      .execute()
    expect(roles).toEqual([{ scope_id: 'org-chiba-parents', role: 'admin' }])

    expect(page.html).toContain('action="/moderation/organisations/org-chiba-parents/verify"')
    const verified = await moderator.b.post('/moderation/organisations/org-chiba-parents/verify', {
      ...hidden(page.html),
      note: 'Registered charity; spoke to the chair.',
    })
    expect(verified.res.headers.get('location')).toBe('/moderation?done=verified')
    const org = await t.deps.db
      .selectFrom('organisation')
      .select('verified_at')
      .where('id', '=', 'org-chiba-parents')
      .executeTakeFirstOrThrow()
    expect(org.verified_at).not.toBeNull()
    expect((await moderator.b.get('/moderation')).html).not.toContain(
      'action="/moderation/organisations/org-chiba-parents/verify"',
    )
  })
})
