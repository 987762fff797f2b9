import type { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../tests/app.ts'
import { createAccount, send } from '../../tests/accounts.ts'
import { browser, hidden } from '../../tests/page-browser.ts'
import { system } from '#src/access/actor.ts'
import { policy } from '#src/access/route-policy.ts'
import { buildApp } from '#src/app.ts'
import { saveGroup, saveOrganisation } from '#src/directory/groups.service.ts'
import { isActiveMember } from '#src/membership/membership.access.ts'
import type { AppEnv } from '#src/platform/http.ts'
import { fixtureGroup, fixtureOrganisation } from '#src/web/group-page.fixtures.ts'
import { requireConsent } from './consent.service.ts'
import { consentTexts } from './consent.texts.ts'

describe('consent enforcement', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>
  let app: Hono<AppEnv>
  beforeAll(async () => {
    t = await createTestApp()
    // Stand-ins for the processing later features do, each asking for its consent first.
    app = buildApp(t.deps)
    app.post('/api/v1/test-health-note', policy('signed-in'), async (c) => {
      await requireConsent(c.get('deps'), c.get('actor'), 'health_data')
      return c.json({ kept: true })
    })
    app.get('/test-health-page', policy('signed-in'), async (c) => {
      await requireConsent(c.get('deps'), c.get('actor'), 'health_data')
      return c.text('the page')
    })
    await saveOrganisation(t.deps, system, fixtureOrganisation, { source: 'tomoni' })
    for (const id of ['grp-consent-a', 'grp-consent-b']) {
      await saveGroup(t.deps, system, fixtureGroup({ id }), { source: 'tomoni' })
    }
  })
  afterAll(() => t.close())

  const give = (cookie: string) =>
    send(t, 'POST', '/api/v1/me/consents', {
      cookie,
      body: {
        purpose: 'health_data',
        text_version: consentTexts.health_data.version,
        locale: 'en',
      },
    })

  it('answers 409 consent_required on the API until the consent is given, and after it is withdrawn', async () => {
    const who = await createAccount(t)
    const ask = () =>
      app.request('/api/v1/test-health-note', {
        method: 'POST',
        headers: { cookie: who.cookie, origin: 'http://localhost' },
      })
    const before = await ask()
    expect(before.status).toBe(409)
    expect(await before.json()).toMatchObject({
      error: { code: 'consent_required', fields: { purpose: 'health_data' } },
    })
    expect((await give(who.cookie)).status).toBe(200)
    expect((await ask()).status).toBe(200)
    await send(t, 'DELETE', '/api/v1/me/consents/health_data', { cookie: who.cookie })
    expect((await ask()).status).toBe(409)
    await expect(
      requireConsent(t.deps, { kind: 'anonymous' }, 'health_data'),
    ).rejects.toMatchObject({ code: 'unauthenticated' })
  })

  it('shows the consent form on a page, and comes back to it once given', async () => {
    const who = await createAccount(t)
    const b = browser(t, 'en')
    b.jar.set(...(who.cookie.split('=') as [string, string]))
    const first = await app.request('/test-health-page', {
      headers: { cookie: who.cookie, 'accept-language': 'en' },
    })
    expect(first.status).toBe(409)
    const html = await first.text()
    expect(html).toContain('Your consent is needed first')
    expect(html).toContain(consentTexts.health_data.en.text)
    const fields = hidden(html)
    expect(fields).toMatchObject({
      purpose: 'health_data',
      text_version: consentTexts.health_data.version,
      action: 'give',
      return_to: '/test-health-page',
    })
    // The form token was set with the page: take the cookie the way a browser keeps it.
    for (const header of first.headers.getSetCookie()) {
      const [name = '', value = ''] = header.split(';')[0]!.split('=')
      b.jar.set(name, value)
    }
    const given = await b.post('/account/consents', fields)
    expect(given.res.status).toBe(303)
    expect(given.res.headers.get('location')).toBe('/test-health-page')
    const after = await app.request('/test-health-page', { headers: { cookie: who.cookie } })
    expect(after.status).toBe(200)
    // Only a path on this site is a place to come back to.
    const elsewhere = await b.post('/account/consents', {
      ...fields,
      purpose: 'contact_by_organisation',
      text_version: consentTexts.contact_by_organisation.version,
      return_to: '//evil.example/',
    })
    expect(elsewhere.res.headers.get('location')).toBe('/account/consents')
  })

  it('ends the memberships it covered when the health-data consent is withdrawn', async () => {
    const who = await createAccount(t)
    expect((await give(who.cookie)).status).toBe(200)
    const now = t.clock.now()
    for (const [groupId, state] of [
      ['grp-consent-a', 'active'],
      ['grp-consent-b', 'waitlisted'],
    ] as const) {
      const m = await t.deps.db
        .insertInto('membership')
        .values({
          group_id: groupId,
          user_id: who.id,
          state,
          display_name: 'Hana',
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await t.deps.db
        .insertInto('membership_event')
        .values({
          membership_id: m.id,
          from_state: null,
          to_state: state,
          actor: 'system',
          at: now,
        })
        .execute()
    }
    expect(await isActiveMember(t.deps.db, 'grp-consent-a', who.id)).toBe(true)
    t.clock.advance(60_000)
    const withdrawn = await send(t, 'DELETE', '/api/v1/me/consents/health_data', {
      cookie: who.cookie,
    })
    expect(withdrawn.status).toBe(200)
    expect(await isActiveMember(t.deps.db, 'grp-consent-a', who.id)).toBe(false)
    const memberships = await t.deps.db
      .selectFrom('membership')
      .select(['group_id', 'state'])
      .where('user_id', '=', who.id)
      .orderBy('group_id')
      .execute()
    expect(memberships).toEqual([
      { group_id: 'grp-consent-a', state: 'left' },
      { group_id: 'grp-consent-b', state: 'left' },
    ])
    const events = await t.deps.db
      .selectFrom('membership_event as e')
      .innerJoin('membership as m', 'm.id', 'e.membership_id')
      .select(['m.group_id', 'e.from_state', 'e.to_state', 'e.reason'])
      .where('m.user_id', '=', who.id)
      .where('e.to_state', '=', 'left')
      .orderBy('m.group_id')
      .execute()
    expect(events).toEqual([
      {
        group_id: 'grp-consent-a',
        from_state: 'active',
        to_state: 'left',
        reason: 'consent_withdrawn',
      },
      {
        group_id: 'grp-consent-b',
        from_state: 'waitlisted',
        to_state: 'left',
        reason: 'consent_withdrawn',
      },
    ])
    // Withdrawing the other consent leaves memberships alone: it covers something else.
    const other = await createAccount(t)
    await give(other.cookie)
    await send(t, 'POST', '/api/v1/me/consents', {
      cookie: other.cookie,
      body: {
        purpose: 'contact_by_organisation',
        text_version: consentTexts.contact_by_organisation.version,
        locale: 'en',
      },
    })
    await t.deps.db
      .insertInto('membership')
      .values({
        group_id: 'grp-consent-a',
        user_id: other.id,
        state: 'active',
        display_name: 'Ken',
        created_at: now,
        updated_at: now,
      })
      .execute()
    await send(t, 'DELETE', '/api/v1/me/consents/contact_by_organisation', {
      cookie: other.cookie,
    })
    expect(await isActiveMember(t.deps.db, 'grp-consent-a', other.id)).toBe(true)
  })
})
