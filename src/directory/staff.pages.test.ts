import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { system } from '#src/access/actor.ts'
import { grantRole } from '#src/access/roles.service.ts'
import { translate } from '#src/i18n/i18n.ts'
import { fixtureGroup } from '#src/web/group-page.fixtures.ts'
import { person } from '../../tests/accounts.ts'
import { createTestApp } from '../../tests/app.ts'
import { scrapeForm } from '../../tests/form-scrape.ts'
import { browser, hidden, signedInBrowser } from '../../tests/page-browser.ts'
import { loadGroup } from './groups.repo.ts'
import { fieldHistory, saveGroup, saveOrganisation } from './groups.service.ts'

type TestApp = Awaited<ReturnType<typeof createTestApp>>

const en = (key: Parameters<typeof translate>[1], values?: Record<string, string>) =>
  translate('en', key, values)

describe('staff pages: organisations and groups without JavaScript', () => {
  let t: TestApp
  let admin: Awaited<ReturnType<typeof signedInBrowser>>
  let orgId: string

  beforeAll(async () => {
    t = await createTestApp()
    admin = await signedInBrowser(t, 'sato@chiba-parents.example.jp')
  })
  afterAll(() => t.close())

  it('adds an organisation through its form, and the person becomes its admin', async () => {
    const { html } = await admin.b.get('/manage/organisations/new')
    // A bad web address: the form again, with the message by the field and the rest kept.
    const bad = await admin.b.post('/manage/organisations/new', {
      ...hidden(html),
      'name.ja': 'ちば小児がん親の会',
      'name.en': 'Chiba Childhood Cancer Parents’ Association',
      'name.original': 'ja',
      kind: 'patient_advocacy',
      url: 'chiba-parents',
      email: 'info@chiba-parents.example.jp',
    })
    expect(bad.res.status).toBe(400)
    expect(bad.html).toContain('id="f-url-error"')
    expect(bad.html).toContain(en('staff.error.url'))
    expect(bad.html).toContain('value="ちば小児がん親の会"')
    expect(await t.deps.db.selectFrom('organisation').select('id').execute()).toEqual([])

    const good = await admin.b.post('/manage/organisations/new', {
      ...hidden(bad.html),
      'name.ja': 'ちば小児がん親の会',
      'name.en': 'Chiba Childhood Cancer Parents’ Association',
      'name.original': 'ja',
      kind: 'patient_advocacy',
      url: 'https://chiba-parents.example.jp/',
      email: 'info@chiba-parents.example.jp',
    })
    expect(good.res.status).toBe(303)
    expect(good.res.headers.get('location')).toBe('/manage?done=created')
    const org = await t.deps.db
      .selectFrom('organisation')
      .select(['id', 'claimed_at', 'name'])
      .executeTakeFirstOrThrow()
    orgId = org.id
    // Its address is at the organisation's domain: it counts as run by the organisation.
    expect(org.claimed_at).not.toBeNull()
    expect(org.name).toEqual({
      original: 'ja',
      ja: 'ちば小児がん親の会',
      en: 'Chiba Childhood Cancer Parents’ Association',
    })
    const dashboard = await admin.b.get('/manage?done=created')
    expect(dashboard.html).toContain(en('staff.org.created'))
    expect(dashboard.html).toContain('Chiba Childhood Cancer Parents’ Association')
    expect(dashboard.html).toContain(`/manage/organisations/${orgId}/groups/new`)
  })

  it('shows every field of a group in its form, so that saving it unchanged changes nothing', async () => {
    // A group with every field set, made through the service.
    await saveGroup(t.deps, system, fixtureGroup({ organisation_id: orgId }), { source: 'tomoni' })
    const before = await loadGroup(t.deps.db, 'grp-chiba-parents')
    const page = await admin.b.get('/manage/groups/grp-chiba-parents/edit')
    expect(page.res.status).toBe(200)
    const fields = scrapeForm(page.html, '/manage/groups/grp-chiba-parents/edit')
    const saved = await admin.b.post('/manage/groups/grp-chiba-parents/edit', fields)
    expect(saved.res.status, saved.html.slice(saved.html.indexOf('form-problems'), 2000)).toBe(303)
    const after = await loadGroup(t.deps.db, 'grp-chiba-parents')
    expect(after).toEqual(before)
    expect(await fieldHistory(t.deps, system, 'group', 'grp-chiba-parents')).toEqual([])
  })

  it('adds a group with every part of the form, choosing its condition by name', async () => {
    const path = `/manage/organisations/${orgId}/groups/new`
    const { html } = await admin.b.get(path)
    const form: [string, string][] = [
      ...Object.entries(hidden(html)),
      ['name.ja', 'サロン'],
      ['name.en', 'Salon'],
      ['name.original', 'ja'],
      ['description.ja', '月に一度のサロンです。'],
      ['url', 'https://chiba-parents.example.jp/salon'],
      ['phone', '043-000-0001'],
      ['types', 'regional'],
      ['types', 'family'],
      ['leadership', 'professional'],
      ['audience', 'parents'],
      ['min_age', '18'],
      ['condition_query', 'diabetes'],
      ['activities', 'social'],
      ['participation.referral_required', '1'],
      ['participation.observers_welcome', 'no'],
      ['participation.text.en', 'Ask your nurse for a referral.'],
      ['participation.text.original', 'en'],
      ['fees.options.0.amount', '500'],
      ['fees.options.0.currency', 'jpy'],
      ['fees.options.0.period', 'per_meeting'],
      ['fees.options.0.option.ja', '参加費'],
      ['fees.options.0.option.original', 'ja'],
      ['locations.0.kind', 'virtual'],
      ['locations.0.url', 'https://meet.example.org/salon'],
      ['locations.0.name.ja', 'オンライン'],
      ['locations.0.name.original', 'ja'],
      ['service_areas.0.place', 'jp'],
      ['schedules.0.freq', 'WEEKLY'],
      ['schedules.0.interval', '2'],
      ['schedules.0.day', 'TU'],
      ['schedules.0.day', 'TH'],
      ['schedules.0.dtstart', '2026-12-01'],
      ['schedules.0.timezone', 'Asia/Tokyo'],
      ['schedules.0.opens_at', '19:00'],
      ['schedules.0.exdates', '2026-12-29, 2026-12-31'],
      ['schedules.1.freq', 'custom'],
      ['schedules.1.rrule', 'FREQ=YEARLY;BYMONTH=8;BYDAY=1SU;COUNT=3'],
      ['schedules.1.dtstart', '2027-08-01'],
      ['schedules.1.timezone', 'Asia/Tokyo'],
      ['channels', 'video'],
      ['channels', 'whatsapp'],
      ['channel_links.whatsapp', 'https://chat.whatsapp.com/example'],
      ['languages', 'ja'],
      ['languages_other', 'fr, de'],
      ['accessibility', 'captions'],
      ['independence', 'hospital_sponsored'],
      ['industry_funding_pct', '10'],
      ['medical_advisers.ja', '看護師が同席します。'],
      ['evidence_policy.en', 'No treatment advice.'],
      ['status', 'active'],
      ['accepting_members', '1'],
      ['capacity', '12'],
    ]
    // "Diabetes" names two concepts: the form comes back with both to choose from.
    const ambiguous = await admin.b.post(path, form)
    expect(ambiguous.res.status).toBe(400)
    expect(ambiguous.html).toContain(en('staff.condition.which'))
    expect(ambiguous.html).toContain('value="DOID:9351"')
    expect(ambiguous.html).toContain('value="サロン"')
    const chosen = await admin.b.post(path, [...form, ['condition_choice', 'DOID:9351']])
    expect(chosen.res.status, chosen.html.slice(chosen.html.indexOf('form-problems'), 3000)).toBe(
      303,
    )
    const id = /\/manage\/groups\/([^/]+)\/edit/.exec(chosen.res.headers.get('location')!)![1]!
    const group = await loadGroup(t.deps.db, decodeURIComponent(id))
    expect(group).toMatchObject({
      name: { original: 'ja', ja: 'サロン', en: 'Salon' },
      types: ['family', 'regional'],
      leadership: 'professional',
      min_age: 18,
      max_age: null,
      conditions: ['DOID:9351'],
      participation: {
        referral_required: true,
        observers_welcome: false,
        text: { original: 'en', en: 'Ask your nurse for a referral.' },
      },
      fees: {
        free: false,
        options: [
          {
            amount: 500,
            currency: 'JPY',
            period: 'per_meeting',
            option: { original: 'ja', ja: '参加費' },
            waiver: false,
          },
        ],
      },
      locations: [{ kind: 'virtual', url: 'https://meet.example.org/salon', visibility: 'public' }],
      service_areas: [{ place: 'JP', name: null }],
      channels: ['chat', 'video', 'whatsapp'],
      channel_links: { whatsapp: 'https://chat.whatsapp.com/example' },
      languages: ['de', 'fr', 'ja'],
      accessibility: ['captions'],
      independence: 'hospital_sponsored',
      industry_funding_pct: 10,
      medical_advisers: { original: 'ja', ja: '看護師が同席します。' },
      evidence_policy: { original: 'en', en: 'No treatment advice.' },
      capacity: 12,
      meta: { attendance: 'online' },
    })
    expect(group!.schedules.map((s) => [s.rrule, s.exdates, s.opens_at])).toEqual(
      expect.arrayContaining([
        ['FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH', ['2026-12-29', '2026-12-31'], '19:00'],
        ['FREQ=YEARLY;BYMONTH=8;BYDAY=1SU;COUNT=3', [], null],
      ]),
    )
  })

  it('sends a form with problems back filled in, each message by its field, and saves nothing', async () => {
    const path = '/manage/groups/grp-chiba-parents/edit'
    const page = await admin.b.get(path)
    const fields = scrapeForm(page.html, path).filter(
      ([name]) =>
        !['min_age', 'max_age', 'capacity', 'email', 'fees.options.0.amount'].includes(name),
    )
    const res = await admin.b.post(path, [
      ...fields,
      ['min_age', '40'],
      ['max_age', '12'],
      ['email', 'not an address'],
      ['fees.options.0.amount', '3000'],
      ['capacity', 'twenty'],
    ])
    expect(res.res.status).toBe(400)
    // "twenty" is not a number: said before anything is saved.
    expect(res.html).toContain('id="f-capacity-error"')
    expect(res.html).toContain(en('staff.error.capacity'))
    const second = await admin.b.post(path, [
      ...fields,
      ['min_age', '40'],
      ['max_age', '12'],
      ['email', 'not an address'],
      ['fees.options.0.amount', '3000'],
      ['capacity', '20'],
    ])
    expect(second.res.status).toBe(400)
    for (const name of ['max_age', 'email']) expect(second.html).toContain(`id="f-${name}-error"`)
    expect(second.html).toContain(en('staff.error.max_age'))
    expect(second.html).toContain(en('staff.error.email'))
    expect(second.html).toContain('value="not an address"')
    expect(second.html).toContain('value="40"')
    // The summary links to each field.
    expect(second.html).toContain('href="#f-max_age"')
    const stored = await loadGroup(t.deps.db, 'grp-chiba-parents')
    expect(stored).toMatchObject({ min_age: null, email: 'circle@chiba-parents.example.jp' })
  })

  it('adds one more blank slot on "add another", keeping what was typed', async () => {
    const path = `/manage/organisations/${orgId}/groups/new`
    const { html } = await admin.b.get(path)
    expect(html.match(/id="f-locations-\d+"/g)).toHaveLength(1)
    const more = await admin.b.post(path, {
      ...hidden(html),
      'name.ja': '下書き',
      'locations.0.address.city': '千葉市',
      add: 'locations',
    })
    expect(more.res.status).toBe(200)
    expect(more.html.match(/id="f-locations-\d+"/g)).toHaveLength(2)
    expect(more.html).toContain('value="千葉市"')
    expect(more.html).toContain('value="下書き"')
  })

  it('shows who changed what, and lets staff say the listing is still current from its page', async () => {
    await admin.b.post('/manage/groups/grp-chiba-parents/edit', [
      ...scrapeForm(
        (await admin.b.get('/manage/groups/grp-chiba-parents/edit')).html,
        '/manage/groups/grp-chiba-parents/edit',
      ).filter(([name]) => name !== 'capacity'),
      ['capacity', '25'],
    ])
    const history = await admin.b.get('/manage/groups/grp-chiba-parents/history')
    expect(history.html).toContain(en('staff.history.field.capacity'))
    expect(history.html).toContain(admin.display_name)

    const page = await admin.b.get('/groups/grp-chiba-parents')
    expect(page.html).toContain(en('staff.panel.heading'))
    const confirmed = await admin.b.post(
      '/manage/groups/grp-chiba-parents/confirm',
      hidden(page.html),
    )
    expect(confirmed.res.status).toBe(303)
    expect(confirmed.res.headers.get('location')).toBe('/groups/grp-chiba-parents?confirmed=1')
    const group = await loadGroup(t.deps.db, 'grp-chiba-parents')
    expect(group!.meta.last_confirmed_at).toEqual(t.clock.now())
    // Nobody else sees the panel, nor the staff pages.
    const stranger = await signedInBrowser(t)
    expect((await stranger.b.get('/groups/grp-chiba-parents')).html).not.toContain(
      en('staff.panel.heading'),
    )
    for (const path of [
      '/manage/groups/grp-chiba-parents/edit',
      '/manage/groups/grp-chiba-parents/history',
      `/manage/organisations/${orgId}`,
      `/manage/organisations/${orgId}/staff`,
    ]) {
      expect((await stranger.b.get(path)).res.status, path).toBe(404)
    }
  })

  it('invites a colleague by e-mail; only the invited address can accept', async () => {
    const people = await admin.b.get(`/manage/organisations/${orgId}/staff`)
    const colleagueEmail = person().email
    const sent = await admin.b.post(`/manage/organisations/${orgId}/staff/invite`, {
      ...hidden(people.html),
      email: colleagueEmail,
      role: 'staff',
      locale: 'ja',
    })
    expect(sent.res.status).toBe(303)
    const mail = t
      .outbox()
      .filter((m) => m.to === colleagueEmail)
      .at(-1)!
    expect(mail.subject).toContain('ちば小児がん親の会')
    const link = /\/manage\/invitation\?token=[\w-]+/.exec(mail.text)![0]
    const token = link.split('=')[1]!

    // Someone else who got hold of the link cannot use it.
    const other = await signedInBrowser(t)
    const shown = await other.b.get(link)
    expect(shown.res.status).toBe(200)
    const refused = await other.b.post('/manage/invitation', { ...hidden(shown.html), token })
    expect(refused.res.status).toBe(403)
    expect(refused.html).toContain(en('staff.refused.title'))

    const colleague = await signedInBrowser(t, colleagueEmail)
    const accepted = await colleague.b.post('/manage/invitation', {
      ...hidden((await colleague.b.get(link)).html),
      token,
    })
    expect(accepted.res.headers.get('location')).toBe('/manage?done=joined')
    const roles = await t.deps.db
      .selectFrom('role_membership')
      .select(['scope_id', 'role'])
      .where('user_id', '=', colleague.id)
      .execute()
    expect(roles).toEqual([{ scope_id: orgId, role: 'staff' }])
    // Used once only.
    expect((await colleague.b.get(link)).res.status).toBe(404)
    const history = await fieldHistory(t.deps, system, 'organisation', orgId)
    expect(history.at(-1)).toMatchObject({
      field: 'staff',
      new: { user: colleague.id, role: 'staff' },
    })

    // The colleague, being staff and not an admin, may not invite: the page says why.
    const theirs = await colleague.b.get(`/manage/organisations/${orgId}/staff`)
    expect(theirs.html).toContain(en('staff.people.adminsOnly'))
    const notAdmin = await colleague.b.post(`/manage/organisations/${orgId}/staff/invite`, {
      ...hidden(theirs.html),
      email: person().email,
      role: 'admin',
      locale: 'en',
    })
    expect(notAdmin.res.status).toBe(403)
    expect(notAdmin.html).toContain(en('staff.refused.other'))

    // The admin removes the colleague; the last admin cannot be removed.
    const removed = await admin.b.post(`/manage/organisations/${orgId}/staff/remove`, {
      ...hidden(people.html),
      user_id: colleague.id,
      role: 'staff',
    })
    expect(removed.res.status).toBe(303)
    const last = await admin.b.post(`/manage/organisations/${orgId}/staff/remove`, {
      ...hidden(people.html),
      user_id: admin.id,
      role: 'admin',
    })
    expect(last.res.status).toBe(409)
    expect(last.html).toContain(en('staff.people.lastAdmin'))
    expect(
      await t.deps.db
        .selectFrom('role_membership')
        .select('role')
        .where('scope_id', '=', orgId)
        .execute(),
    ).toEqual([{ role: 'admin' }])
  })

  it('claims a listing: at once from the organisation’s own domain, else through a moderator', async () => {
    await saveOrganisation(
      t.deps,
      system,
      {
        id: 'org-register',
        name: { original: 'en', en: 'Kanagawa ALS Society' },
        url: 'https://www.kanagawa-als.example.org/',
      },
      { source: 'public_register' },
    )
    const insider = await signedInBrowser(t, 'kato@kanagawa-als.example.org')
    const search = await insider.b.get('/manage/claim?q=kanagawa')
    expect(search.html).toContain('/manage/organisations/org-register/claim')
    const form = await insider.b.get('/manage/organisations/org-register/claim')
    const claimed = await insider.b.post('/manage/organisations/org-register/claim', {
      ...hidden(form.html),
      message: '',
    })
    expect(claimed.res.headers.get('location')).toBe('/manage?done=claimed')
    expect((await insider.b.get('/manage')).html).toContain('Kanagawa ALS Society')

    const outsider = await signedInBrowser(t, 'someone@gmail.com')
    const asked = await outsider.b.post('/manage/organisations/org-register/claim', {
      ...hidden((await outsider.b.get('/manage/organisations/org-register/claim')).html),
      message: 'I am the secretary.',
    })
    expect(asked.res.status).toBe(200)
    expect(asked.html).toContain(en('staff.claim.pending'))
    const items = await t.deps.db
      .selectFrom('moderation_item')
      .select(['kind', 'details'])
      .where('organisation_id', '=', 'org-register')
      .execute()
    expect(items).toEqual([{ kind: 'claim', details: 'I am the secretary.' }])
  })

  it('speaks Japanese to a Japanese reader', async () => {
    const ja = browser(t, 'ja')
    for (const [k, v] of admin.b.jar) ja.jar.set(k, v)
    const page = await ja.get('/manage/groups/grp-chiba-parents/edit')
    expect(page.html).toContain('<html lang="ja">')
    expect(page.html).toContain(translate('ja', 'staff.group.editTitle'))
    expect(page.html).toContain(translate('ja', 'staff.fee.waiver'))
    await grantRole(t.deps, system, {
      userId: admin.id,
      scopeType: 'organisation',
      scopeId: 'org-register',
      role: 'admin',
    })
    expect((await ja.get('/manage')).html).toContain(translate('ja', 'staff.dashboard.title'))
  })
})
