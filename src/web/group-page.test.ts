import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { system } from '#src/access/actor.ts'
import { createGroup, saveOrganisation, updateGroup } from '#src/directory/groups.service.ts'
import { translate } from '#src/i18n/i18n.ts'
import { createTestApp } from '../../tests/app.ts'
import { fixtureGroup, fixtureOrganisation } from './group-page.fixtures.ts'

type Node = Record<string, unknown>

function jsonLdOf(body: string): { '@graph': Node[] } {
  const match = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(body)
  expect(match, 'a JSON-LD script').not.toBeNull()
  return JSON.parse(match![1]!) as { '@graph': Node[] }
}

const nodeOf = (doc: { '@graph': Node[] }, type: string) =>
  doc['@graph'].find((n) => n['@type'] === type)!

describe('group page', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>
  const get = (path: string, locale: 'ja' | 'en' = 'ja') =>
    t.app.request(path, { headers: { 'accept-language': locale } })
  const post = (path: string, form: Record<string, string>, ip = '10.9.9.9') =>
    t.app.request(
      path,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'accept-language': 'en',
          origin: 'http://localhost',
        },
        body: new URLSearchParams(form).toString(),
      },
      { incoming: { socket: { remoteAddress: ip } } },
    )

  beforeAll(async () => {
    t = await createTestApp()
    await saveOrganisation(t.deps, system, fixtureOrganisation, { source: 'tomoni' })
    await createGroup(t.deps, system, fixtureGroup())
    for (const [id, status] of [
      ['grp-closed', 'closed'],
      ['grp-hidden', 'active'],
    ] as const) {
      await createGroup(t.deps, system, fixtureGroup({ id, status, locations: [] }))
    }
    await t.deps.db
      .updateTable('grp')
      .set({ hidden_at: new Date() })
      .where('id', '=', 'grp-hidden')
      .execute()
    await saveOrganisation(
      t.deps,
      system,
      { id: 'org-closed-only', name: { original: 'en', en: 'Closed only' } },
      { source: 'tomoni' },
    )
    await createGroup(
      t.deps,
      system,
      fixtureGroup({
        id: 'grp-closed-only',
        organisation_id: 'org-closed-only',
        status: 'closed',
        locations: [],
      }),
    )
  })
  afterAll(() => t.close())

  it('shows the profile in Japanese with the five points to check before joining', async () => {
    const res = await get('/groups/grp-chiba-parents')
    expect(res.status).toBe(200)
    const body = await res.text()
    expect(body).toContain('<html lang="ja">')
    expect(body).toContain('<h1 lang="ja">ちば小児がん親の会 おしゃべり会</h1>')
    expect(body).toContain(translate('ja', 'group.join.heading'))
    for (const key of ['purpose', 'conditions', 'fee', 'place', 'contact'] as const) {
      expect(body).toContain(`id="join-${key}"`)
      expect(body).toContain(translate('ja', `group.join.${key}`))
    }
    expect(body).toContain('毎月第2土曜日 14:00–16:00（日本時間）')
    // The fake clock stands at 2026-11-22: the next meeting is the second Saturday of December.
    expect(body).toContain('2026年12月12日（土）14:00–16:00（日本時間）')
    // The exception date is named, and skipped in the list of meetings.
    expect(body).toContain('2027年1月9日はお休みです')
    expect(body).not.toContain('2027年1月9日（土）')
    expect(body).toContain('3,000円')
    expect(body).toContain('経済的な事情のある方は免除できます')
    expect(body).toContain(translate('ja', 'vocab.leadership.peer'))
    expect(body).toContain(translate('ja', 'group.cond.diagnosis'))
    expect(body).toContain(translate('ja', 'group.cond.observersWelcome'))
    // A named app says more than "a messaging app", and its link is there.
    expect(body).toContain(translate('ja', 'vocab.channel.line'))
    expect(body).not.toContain(translate('ja', 'vocab.channel.chat'))
    expect(body).toContain('href="https://line.me/ti/g/example-chiba-parents"')
    expect(body).toContain('3,000円（年額）')
    expect(body).toContain('300円（1回ごと）')
    expect(body).toContain(translate('ja', 'vocab.access.infection_control'))
    expect(body).toContain('小児がん')
    expect(body).toContain('白血病')
    expect(body).toContain('mailto:circle@chiba-parents.example.jp')
    expect(body).toContain(translate('ja', 'group.trust.neverConfirmed'))
    expect(body).toContain(translate('ja', 'group.ind.industryNone'))
  })

  it('shows the profile in English, the original where there is no translation, marked', async () => {
    const body = await (await get('/groups/grp-chiba-parents', 'en')).text()
    expect(body).toContain('<html lang="en">')
    expect(body).toContain('<h1 lang="en">Chiba childhood cancer parents’ circle</h1>')
    expect(body).toContain('<p class="alt-name" lang="ja">ちば小児がん親の会 おしゃべり会</p>')
    expect(body).toContain('Second Saturday of each month, 2–4 pm (Japan time)')
    expect(body).toContain('Saturday 12 December 2026, 2–4 pm (Japan time)')
    expect(body).toContain('¥3,000 a year')
    expect(body).toContain('Membership')
    expect(body).toContain('Families in financial difficulty need not pay.')
    // Medical advisers were written in Japanese only.
    expect(body).toMatch(/<div class="text-block" lang="ja">\s*<p>小児科医2名/)
    expect(body).toContain('Shown in the original Japanese.')
    // Short texts without a translation are shown in their own language, marked.
    expect(body).toContain('<span lang="ja">資料代</span>')
    expect(body).toContain('<span lang="ja">午後の部は自由参加です。</span>')
    expect(body).toContain(translate('en', 'group.join.heading'))
  })

  it('shows only the town of a meeting place kept for members', async () => {
    for (const locale of ['ja', 'en'] as const) {
      const body = await (await get('/groups/grp-chiba-parents', locale)).text()
      expect(body).toContain('千葉県千葉市中央区')
      expect(body).toContain(translate(locale, 'group.place.membersOnly'))
      expect(body).toContain(translate(locale, 'group.place.onlineMembers'))
      for (const secret of [
        '中央港1-1-1',
        '260-0024',
        '35.6073',
        '140.1063',
        'meet.example.org',
        '市民活動センター',
      ]) {
        expect(body, secret).not.toContain(secret)
      }
    }
  })

  it('carries JSON-LD: the group, its meetings with their schedule, and the coded conditions', async () => {
    const body = await (await get('/groups/grp-chiba-parents', 'en')).text()
    const doc = jsonLdOf(body)
    const group = nodeOf(doc, 'NGO')
    expect(group).toMatchObject({
      name: 'Chiba childhood cancer parents’ circle',
      alternateName: ['ちば小児がん親の会 おしゃべり会'],
      knowsLanguage: ['en', 'ja'],
      email: 'circle@chiba-parents.example.jp',
    })
    const conditions = group.knowsAbout as Node[]
    expect(conditions.map((c) => c.name)).toEqual(['Leukaemia', 'Childhood cancer'])
    const leukaemia = conditions[0]!
    expect(leukaemia['@type']).toBe('MedicalCondition')
    expect(leukaemia.code).toEqual(
      expect.arrayContaining([
        { '@type': 'MedicalCode', codeValue: '1240', codingSystem: 'DOID' },
        { '@type': 'MedicalCode', codeValue: 'C91', codingSystem: 'ICD-10' },
      ]),
    )
    const [event] = group.event as Node[]
    expect(event).toMatchObject({
      '@type': 'Event',
      startDate: '2026-12-12T14:00:00+09:00',
      eventAttendanceMode: 'https://schema.org/MixedEventAttendanceMode',
      eventStatus: 'https://schema.org/EventScheduled',
      isAccessibleForFree: false,
      offers: [
        {
          '@type': 'Offer',
          price: 3000,
          priceCurrency: 'JPY',
          priceSpecification: { '@type': 'UnitPriceSpecification', billingDuration: 'P1Y' },
        },
        { '@type': 'Offer', price: 300, priceCurrency: 'JPY' },
      ],
      maximumAttendeeCapacity: 20,
      eventSchedule: {
        '@type': 'Schedule',
        repeatFrequency: 'P1M',
        byDay: 'https://schema.org/Saturday',
        byMonthWeek: 2,
        startTime: '14:00',
        endTime: '16:00',
        scheduleTimezone: 'Asia/Tokyo',
        exceptDate: ['2027-01-09'],
      },
    })
    const [place, online] = event!.location as Node[]
    expect(place).toEqual({
      '@type': 'Place',
      address: {
        '@type': 'PostalAddress',
        addressLocality: '千葉市中央区',
        addressRegion: '千葉県',
        addressCountry: 'JP',
      },
    })
    expect(online).toEqual({ '@type': 'VirtualLocation' })
    expect((event!.audience as Node).healthCondition).toHaveLength(2)
    expect(nodeOf(doc, 'WebPage').url).toBe('http://localhost/groups/grp-chiba-parents')
    expect(nodeOf(doc, 'NGO').parentOrganization).toEqual({
      '@id': 'http://localhost/organisations/org-chiba-parents#organisation',
    })
  })

  it('escapes what a listing says so that it cannot close the JSON-LD script', async () => {
    await createGroup(
      t.deps,
      system,
      fixtureGroup({
        id: 'grp-xss',
        name: { original: 'en', en: 'Evil </script><script>alert(1)</script> group' },
        description: { original: 'en', en: '<img src=x onerror=alert(1)> & more' },
        locations: [],
      }),
    )
    const body = await (await get('/groups/grp-xss', 'en')).text()
    expect(body).not.toContain('<script>alert(1)')
    expect(body).not.toContain('<img src=x')
    const scripts = body.match(/<script[^>]*>/g) ?? []
    expect(scripts).toEqual(['<script type="application/ld+json">'])
    expect(nodeOf(jsonLdOf(body), 'NGO').name).toBe('Evil </script><script>alert(1)</script> group')
  })

  it('is shareable: canonical link, Open Graph title and description', async () => {
    const body = await (await get('/groups/grp-chiba-parents', 'en')).text()
    expect(body).toContain(
      '<link rel="canonical" href="http://localhost/groups/grp-chiba-parents" />',
    )
    expect(body).toContain(
      '<meta property="og:title" content="Chiba childhood cancer parents’ circle" />',
    )
    expect(body).toMatch(
      /<meta property="og:description" content="Parents of children who are being treated/,
    )
    expect(body).toMatch(/<meta name="description" content="Parents of children/)
    expect(body).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i)
  })

  it('answers 404 for groups that are closed, hidden by a moderator, long unconfirmed or unknown', async () => {
    for (const id of ['grp-closed', 'grp-hidden', 'no-such-group']) {
      const res = await get(`/groups/${id}`, 'en')
      expect(res.status, id).toBe(404)
      expect(await res.text()).toContain(translate('en', 'error.notFound.title'))
    }
    t.clock.advance(18 * 31 * 86_400_000)
    try {
      expect((await get('/groups/grp-chiba-parents')).status).toBe(404)
    } finally {
      t.clock.set(new Date('2026-11-22T00:00:00Z'))
    }
  })

  it('warns when nobody has confirmed the listing for a year', async () => {
    t.clock.set(new Date('2027-12-01T00:00:00Z'))
    try {
      const body = await (await get('/groups/grp-chiba-parents', 'en')).text()
      expect(body).toContain(translate('en', 'group.trust.stale'))
    } finally {
      t.clock.set(new Date('2026-11-22T00:00:00Z'))
    }
  })

  it('shows a paused group as paused, without a next meeting', async () => {
    await createGroup(
      t.deps,
      system,
      fixtureGroup({ id: 'grp-paused', status: 'paused', locations: [] }),
    )
    const body = await (await get('/groups/grp-paused', 'en')).text()
    expect(body).toContain(translate('en', 'group.status.paused'))
    expect(body).not.toContain('Saturday 12 December 2026')
    await updateGroup(t.deps, system, 'grp-paused', { status: 'closed' })
  })

  describe('organisation page and sitemap', () => {
    it('lists the organisation’s public groups', async () => {
      const res = await get('/organisations/org-chiba-parents', 'en')
      expect(res.status).toBe(200)
      const body = await res.text()
      expect(body).toContain('<h1 lang="en">Chiba Childhood Cancer Parents’ Association</h1>')
      expect(body).toContain('href="/groups/grp-chiba-parents"')
      expect(body).not.toContain('href="/groups/grp-closed"')
      expect(body).not.toContain('href="/groups/grp-hidden"')
      expect(body).toContain('Next meeting: Saturday 12 December 2026')
      expect(jsonLdOf(body)).toBeDefined()
    })

    it('answers 404 for an organisation whose every group is closed, and for an unknown one', async () => {
      expect((await get('/organisations/org-closed-only')).status).toBe(404)
      expect((await get('/organisations/nope')).status).toBe(404)
    })

    it('lists public groups and their organisations only', async () => {
      const res = await get('/sitemap.xml')
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toMatch(/^application\/xml/)
      const body = await res.text()
      expect(body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<urlset /)
      expect(body).toContain('<loc>http://localhost/groups/grp-chiba-parents</loc>')
      expect(body).toContain('<loc>http://localhost/organisations/org-chiba-parents</loc>')
      for (const hidden of ['grp-closed', 'grp-hidden', 'grp-closed-only', 'org-closed-only']) {
        expect(body).not.toContain(hidden)
      }
    })
  })

  describe('suggest an edit and report a concern', () => {
    const items = () =>
      t.deps.db
        .selectFrom('moderation_item')
        .select(['kind', 'reason', 'details', 'group_id', 'reporter_id', 'locale'])
        .orderBy('created_at')
        .execute()

    it('puts a report into the moderation queue and thanks the person', async () => {
      const res = await post('/groups/grp-chiba-parents/report', {
        reason: 'unscientific_treatment',
        details: 'They told me to stop chemotherapy.',
      })
      expect(res.status).toBe(303)
      expect(res.headers.get('location')).toBe('/groups/grp-chiba-parents?sent=1#feedback')
      const page = await (await get('/groups/grp-chiba-parents?sent=1', 'en')).text()
      expect(page).toContain(translate('en', 'group.feedback.thanks'))
      expect(await items()).toContainEqual({
        kind: 'report',
        reason: 'unscientific_treatment',
        details: 'They told me to stop chemotherapy.',
        group_id: 'grp-chiba-parents',
        reporter_id: null,
        locale: 'en',
      })
    })

    it('takes a suggested edit, and answers a bad one with the form and its errors', async () => {
      const bad = await post('/groups/grp-chiba-parents/suggest', { field: 'colour', details: '' })
      expect(bad.status).toBe(400)
      const page = await bad.text()
      expect(page).toContain(translate('en', 'group.error.choose'))
      expect(page).toContain(translate('en', 'group.error.details'))
      expect(page).toMatch(/<details class="disclosure" open>\s*<summary>Suggest an edit/)
      const good = await post('/groups/grp-chiba-parents/suggest', {
        field: 'schedule',
        details: 'They meet on the third Saturday now.',
      })
      expect(good.status).toBe(303)
      expect((await items()).filter((i) => i.kind === 'suggestion')).toHaveLength(1)
    })

    it('keeps nothing a bot sends through the hidden field', async () => {
      const before = (await items()).length
      const res = await post('/groups/grp-chiba-parents/report', {
        reason: 'other',
        details: 'buy cheap pills',
        website: 'http://spam.example',
      })
      expect(res.status).toBe(303)
      expect(await items()).toHaveLength(before)
    })

    it('refuses reports about groups the public cannot see', async () => {
      const res = await post('/groups/grp-hidden/report', { reason: 'closed' })
      expect(res.status).toBe(404)
    })

    it('limits how many reports one connection can send', async () => {
      let last = 0
      for (let i = 0; i < 11; i++) {
        last = (await post('/groups/grp-chiba-parents/report', { reason: 'other' }, '10.7.7.7'))
          .status
      }
      expect(last).toBe(429)
      const res = await post('/groups/grp-chiba-parents/report', { reason: 'other' }, '10.7.7.7')
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/)
      expect(await res.text()).toContain(translate('en', 'group.feedback.limited'))
    })
  })
})
