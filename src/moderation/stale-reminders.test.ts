import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { system } from '#src/access/actor.ts'
import { grantRole, revokeRole } from '#src/access/roles.service.ts'
import { createGroup, saveOrganisation } from '#src/directory/groups.service.ts'
import { fixtureGroup, fixtureOrganisation } from '#src/web/group-page.fixtures.ts'
import { createAccount, person } from '../../tests/accounts.ts'
import { createTestApp } from '../../tests/app.ts'
import { remindStaleListings } from './stale-reminders.ts'

describe('reminders for stale listings', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>
  let admin: Awaited<ReturnType<typeof createAccount>>
  let colleague: Awaited<ReturnType<typeof createAccount>>
  let mailsBefore = 0

  const newMail = () => {
    const all = t.outbox()
    const fresh = all.slice(mailsBefore)
    mailsBefore = all.length
    return fresh
  }
  const at = (iso: string) => t.clock.set(new Date(iso))
  const linkIn = (text: string) => /http\S+\/confirm\?\S+/.exec(text)![0]

  beforeAll(async () => {
    t = await createTestApp()
    admin = await createAccount(t, person({ locale: 'ja' }))
    colleague = await createAccount(t, person({ locale: 'en' }))
    const stranger = await createAccount(t)
    await saveOrganisation(t.deps, system, fixtureOrganisation, { source: 'tomoni' })
    await grantRole(t.deps, system, {
      userId: admin.id,
      scopeType: 'organisation',
      scopeId: 'org-chiba-parents',
      role: 'admin',
    })
    await createGroup(t.deps, system, fixtureGroup({ locations: [] }))
    await grantRole(t.deps, system, {
      userId: colleague.id,
      scopeType: 'organisation',
      scopeId: 'org-chiba-parents',
      role: 'staff',
    })
    // A group's facilitator does not keep the listing: the organisation's admins and staff do.
    await grantRole(t.deps, system, {
      userId: stranger.id,
      scopeType: 'group',
      scopeId: 'grp-chiba-parents',
      role: 'facilitator',
    })
    await saveOrganisation(
      t.deps,
      system,
      { id: 'org-nobody', name: { original: 'en', en: 'Nobody runs this' } },
      { source: 'public_register' },
    )
    await createGroup(
      t.deps,
      system,
      fixtureGroup({ id: 'grp-nobody', organisation_id: 'org-nobody', locations: [] }),
    )
    mailsBefore = t.outbox().length
  })
  afterAll(() => t.close())

  it('sends nothing while listings are fresh', async () => {
    at('2027-11-21T00:00:00Z')
    expect(await remindStaleListings(t.deps)).toEqual({
      stale: 0,
      reminded: 0,
      messages: 0,
      withoutKeepers: [],
    })
    expect(newMail()).toEqual([])
  })

  it('mails the organisation’s admins and staff once a listing is a year old, once', async () => {
    at('2027-11-23T00:00:00Z')
    const report = await remindStaleListings(t.deps)
    expect(report).toEqual({
      stale: 2,
      reminded: 1,
      messages: 2,
      withoutKeepers: ['grp-nobody'],
    })
    const mail = newMail()
    expect(mail.map((m) => m.to).sort()).toEqual([admin.email, colleague.email].sort())
    const ja = mail.find((m) => m.to === admin.email)!
    expect(ja.subject).toBe('Tomoni：掲載情報の確認のお願い')
    expect(ja.text).toContain('ちば小児がん親の会 おしゃべり会')
    expect(ja.text).toContain('2028年5月22日に非公開になります')
    const en = mail.find((m) => m.to === colleague.email)!
    expect(en.subject).toBe('Tomoni: please check that your listing is still right')
    expect(en.text).toContain('/groups/grp-chiba-parents/confirm?u=')

    // Run again the same day, or the next: nothing new.
    expect((await remindStaleListings(t.deps)).messages).toBe(0)
    at('2027-11-24T00:00:00Z')
    expect(await remindStaleListings(t.deps)).toMatchObject({ messages: 0, withoutKeepers: [] })
    expect(newMail()).toEqual([])
  })

  it('mails again a month before the listing would be hidden', async () => {
    at('2028-04-23T00:00:00Z')
    const report = await remindStaleListings(t.deps)
    expect(report).toMatchObject({ reminded: 1, messages: 2 })
    const mail = newMail()
    expect(mail.find((m) => m.to === admin.email)!.subject).toBe(
      'Tomoni：掲載情報がまもなく非公開になります',
    )
  })

  it('confirms the listing in one click from the mail, and the link then stops working', async () => {
    at('2028-04-23T00:00:00Z')
    await remindStaleListings(t.deps)
    const mails = t.outbox().filter((m) => m.to === colleague.email)
    const link = new URL(linkIn(mails.at(-1)!.text))
    const path = `${link.pathname}${link.search}`
    const page = await t.app.request(path, { headers: { 'accept-language': 'en' } })
    expect(page.status).toBe(200)
    expect(page.headers.get('cache-control')).toBe('no-store')
    const body = await page.text()
    expect(body).toContain(
      'Is the listing of “Chiba childhood cancer parents’ circle” still right?',
    )
    // Opening the link changes nothing: only the button does (mail scanners open links).
    const group = () =>
      t.deps.db
        .selectFrom('grp')
        .select(['last_confirmed_at'])
        .where('id', '=', 'grp-chiba-parents')
        .executeTakeFirstOrThrow()
    expect((await group()).last_confirmed_at).toBeNull()

    const confirmed = await t.app.request(path, {
      method: 'POST',
      headers: { 'accept-language': 'en', origin: 'http://localhost' },
    })
    expect(confirmed.status).toBe(200)
    expect(await confirmed.text()).toContain(
      'Thank you. The listing is confirmed as right on 23 April 2028.',
    )
    expect((await group()).last_confirmed_at).toEqual(new Date('2028-04-23T00:00:00Z'))
    const history = await t.deps.db
      .selectFrom('field_history')
      .select(['field', 'actor'])
      .where('entity_id', '=', 'grp-chiba-parents')
      .execute()
    expect(history).toEqual([{ field: 'last_confirmed_at', actor: `user:${colleague.id}` }])

    expect((await t.app.request(path)).status).toBe(404)
    expect((await t.app.request(path, { method: 'POST' })).status).toBe(404)
    // Fresh again: no reminder until a year after the confirmation.
    at('2029-04-22T00:00:00Z')
    expect(await remindStaleListings(t.deps)).toMatchObject({ reminded: 0 })
  })

  it('refuses a link that is forged, or whose holder has lost their role', async () => {
    at('2029-04-24T00:00:00Z')
    await remindStaleListings(t.deps)
    const mail = t.outbox().filter((m) => m.to === admin.email)
    const link = new URL(linkIn(mail.at(-1)!.text))
    const forged = new URL(link)
    forged.searchParams.set('u', colleague.id)
    expect((await t.app.request(`${forged.pathname}${forged.search}`)).status).toBe(404)
    await revokeRole(t.deps, system, {
      userId: admin.id,
      scopeType: 'organisation',
      scopeId: 'org-chiba-parents',
      role: 'admin',
    })
    expect((await t.app.request(`${link.pathname}${link.search}`)).status).toBe(404)
  })
})
