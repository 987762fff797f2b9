import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { system } from '#src/access/actor.ts'
import { grantRole } from '#src/access/roles.service.ts'
import { fixtureGroup, fixtureOrganisation } from '#src/web/group-page.fixtures.ts'
import { addSecondFactor, createAccount, send } from '../../tests/accounts.ts'
import { createTestApp } from '../../tests/app.ts'
import { loadGroup } from './groups.repo.ts'
import type { GroupInputRaw } from './groups.schema.ts'
import { saveGroup, saveOrganisation, updateGroup } from './groups.service.ts'

type TestApp = Awaited<ReturnType<typeof createTestApp>>

const minimal = (id: string, over: Partial<GroupInputRaw> = {}): GroupInputRaw => ({
  id,
  organisation_id: 'org-chiba-parents',
  name: { original: 'ja', ja: `${id} の会` },
  types: ['regional'],
  locations: [{ id: `${id}-loc`, kind: 'virtual', url: 'https://meet.example.org/x' }],
  ...over,
})

describe('structured fees, chat apps with links, translatable short texts', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp()
    await saveOrganisation(t.deps, system, fixtureOrganisation, { source: 'tomoni' })
  })
  afterAll(() => t.close())

  it('keeps a period and a waiver per cost, and takes plain strings to be in the name’s language', async () => {
    await saveGroup(
      t.deps,
      system,
      minimal('grp-fees', {
        fees: {
          options: [
            {
              id: 'fee-1',
              option: '年会費',
              amount: 3000,
              currency: 'jpy',
              period: 'annual',
              waiver_text: '事情のある方は免除します',
            },
          ],
        },
        locations: [
          {
            id: 'grp-fees-loc',
            kind: 'virtual',
            url: 'https://meet.example.org/x',
            name: 'ズーム',
          },
        ],
        schedules: [
          {
            id: 'grp-fees-sch',
            rrule: 'FREQ=WEEKLY;BYDAY=MO',
            dtstart: '2026-12-07',
            timezone: 'Asia/Tokyo',
            description: { original: 'en', en: 'Evenings', ja: '夜の部' },
          },
        ],
      }),
      { source: 'tomoni' },
    )
    const g = await loadGroup(t.deps.db, 'grp-fees')
    expect(g!.fees).toEqual({
      free: false,
      description: null,
      options: [
        {
          id: 'fee-1',
          option: { original: 'ja', ja: '年会費' },
          amount: 3000,
          currency: 'JPY',
          period: 'annual',
          amount_description: null,
          // A text saying how means it can be waived.
          waiver: true,
          waiver_text: { original: 'ja', ja: '事情のある方は免除します' },
        },
      ],
    })
    expect(g!.locations[0]!.name).toEqual({ original: 'ja', ja: 'ズーム' })
    expect(g!.schedules[0]!.description).toEqual({ original: 'en', en: 'Evenings', ja: '夜の部' })
  })

  it('means by free what it meant: a waiver does not make a group free', async () => {
    await saveGroup(
      t.deps,
      system,
      minimal('grp-zero', {
        fees: { options: [{ amount: 0, currency: 'JPY', period: 'per_meeting' }] },
      }),
      { source: 'tomoni' },
    )
    expect((await loadGroup(t.deps.db, 'grp-zero'))!.fees.free).toBe(true)
    const res = await send(t, 'GET', '/api/v1/groups?free=true&per_page=100')
    const ids = ((await res.json()) as { items: { id: string }[] }).items.map((i) => i.id)
    expect(ids).toContain('grp-zero')
    expect(ids).not.toContain('grp-fees')
    await expect(
      saveGroup(
        t.deps,
        system,
        minimal('grp-bad-period', {
          fees: { options: [{ amount: 1, currency: 'JPY', period: 'weekly' as never }] },
        }),
        { source: 'tomoni' },
      ),
    ).rejects.toMatchObject({
      code: 'invalid_input',
      fields: { 'fees.options.0.period': expect.any(String) as unknown },
    })
  })

  it('has the database refuse a cost option or a channel link of the wrong shape', async () => {
    for (const options of [
      [{ id: 'x', amount: -1, currency: 'JPY', period: null, waiver: false }],
      [{ id: 'x', amount: 1, currency: 'JPY', period: 'weekly', waiver: false }],
      [{ id: 'x', amount: 1, currency: 'JPY', period: null, waiver: 'yes' }],
    ]) {
      await expect(
        t.deps.db
          .updateTable('grp')
          .set({ cost_options: JSON.stringify(options) })
          .where('id', '=', 'grp-zero')
          .execute(),
      ).rejects.toMatchObject({ code: '23514' })
    }
    for (const links of [{ carrier_pigeon: 'https://x' }, { line: 1 }, []]) {
      await expect(
        t.deps.db
          .updateTable('grp')
          .set({ channel_links: JSON.stringify(links) })
          .where('id', '=', 'grp-zero')
          .execute(),
      ).rejects.toMatchObject({ code: '23514' })
    }
  })

  it('names chat apps, each also counted as chat, each with its link', async () => {
    await saveGroup(
      t.deps,
      system,
      minimal('grp-line', {
        channels: ['line'],
        channel_links: {
          line: 'https://line.me/ti/g/abc',
          whatsapp: 'https://chat.whatsapp.com/def',
          mailing_list: 'mailto:list@example.jp',
        },
      }),
      { source: 'tomoni' },
    )
    const g = await loadGroup(t.deps.db, 'grp-line')
    // A link for a channel says the group uses it.
    expect(g!.channels).toEqual(['chat', 'line', 'mailing_list', 'whatsapp'])
    const profile = (await (await send(t, 'GET', '/api/v1/groups/grp-line')).json()) as {
      channel_links: Record<string, string>
    }
    expect(profile.channel_links).toEqual({
      line: 'https://line.me/ti/g/abc',
      mailing_list: 'mailto:list@example.jp',
      whatsapp: 'https://chat.whatsapp.com/def',
    })
    await expect(
      updateGroup(t.deps, system, 'grp-line', { channel_links: { line: 'javascript:alert(1)' } }),
    ).rejects.toMatchObject({ fields: { 'channel_links.line': expect.any(String) as unknown } })
  })

  it('lets only moderators record when a listing was checked', async () => {
    await saveGroup(t.deps, system, fixtureGroup(), { source: 'tomoni' })
    const staff = await createAccount(t)
    await grantRole(t.deps, system, {
      userId: staff.id,
      scopeType: 'organisation',
      scopeId: 'org-chiba-parents',
      role: 'staff',
    })
    // Staff powers count in a session opened with a second factor.
    const { cookie } = await addSecondFactor(t, staff)
    const res = await send(t, 'PATCH', '/api/v1/groups/grp-chiba-parents', {
      cookie,
      body: { last_checked_at: '2026-11-01T00:00:00Z' },
    })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({
      error: { fields: { last_checked_at: expect.any(String) as unknown } },
    })
    // Their other edits still keep the moderator's check as it was.
    await updateGroup(t.deps, system, 'grp-chiba-parents', {
      last_checked_at: '2026-11-10T00:00:00Z',
    })
    const ok = await send(t, 'PATCH', '/api/v1/groups/grp-chiba-parents', {
      cookie,
      body: { capacity: 30 },
    })
    expect(ok.status).toBe(200)
    expect((await loadGroup(t.deps.db, 'grp-chiba-parents'))!.last_checked_at).toBe(
      '2026-11-10T00:00:00.000Z',
    )
  })
})
