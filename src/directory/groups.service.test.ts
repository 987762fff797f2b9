import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { system, type Actor } from '#src/access/actor.ts'
import { AppError } from '#src/platform/errors.ts'
import { createTestApp } from '../../tests/app.ts'
import type { GroupInputRaw } from './groups.schema.ts'
import {
  confirmGroup,
  createGroup,
  fieldHistory,
  getGroupProfile,
  saveOrganisation,
  updateGroup,
} from './groups.service.ts'

const organisation = {
  id: 'org-chiba',
  kind: 'patient_advocacy' as const,
  name: { original: 'ja', ja: 'ちば 小児がん 親の会', en: 'Chiba Childhood Cancer Parents' },
}

const group = (over: Partial<GroupInputRaw> = {}): GroupInputRaw => ({
  id: 'grp-chiba',
  organisation_id: 'org-chiba',
  name: { original: 'ja', ja: 'ちば 小児がん 親の会 交流会' },
  description: { original: 'ja', ja: '毎月第2土曜日に千葉市で集まります。' },
  types: ['family', 'regional'],
  leadership: 'peer',
  audience: ['parents'],
  conditions: ['nando:2100001'],
  activities: ['peer_support', 'information_sharing'],
  participation: { diagnosis_required: true, observers_welcome: true },
  fees: { options: [{ amount: 0, currency: 'JPY', option: '参加費' }] },
  languages: ['ja'],
  channels: ['in_person'],
  accessibility: ['wheelchair'],
  locations: [
    {
      id: 'loc-chiba',
      kind: 'physical',
      lat: 35.6073,
      lon: 140.1063,
      address: {
        address_1: '中央区千葉港1-1',
        city: '千葉市中央区',
        region: '千葉県',
        country: 'JP',
      },
      visibility: 'members',
    },
    { id: 'loc-zoom', kind: 'virtual', url: 'https://meet.example.org/chiba' },
  ],
  service_areas: [{ id: 'area-chiba', place: 'JP-12' }],
  schedules: [
    {
      id: 'sch-1',
      rrule: 'FREQ=MONTHLY;BYDAY=2SA',
      dtstart: '2026-01-01',
      timezone: 'Asia/Tokyo',
      opens_at: '10:00',
      closes_at: '12:00',
    },
  ],
  ...over,
})

describe('the directory services', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>
  const actor: Actor = system
  beforeAll(async () => {
    t = await createTestApp()
    await saveOrganisation(t.deps, actor, organisation, { source: 'tomoni' })
  })
  afterAll(() => t.close())

  it('refuses bad input with a field error for each bad field and saves nothing', async () => {
    const bad = group({
      id: 'grp-bad',
      types: ['support_circle' as never],
      languages: ['Japanese'],
      locations: [{ kind: 'virtual' }],
      schedules: [{ rrule: 'every other tuesday', dtstart: '2026-01-01', timezone: 'Tokyo' }],
      name: { original: 'en', ja: '名前' },
    })
    const error = await createGroup(t.deps, actor, bad).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).code).toBe('invalid_input')
    expect(Object.keys((error as AppError).fields ?? {}).sort()).toEqual([
      'languages.0',
      'locations.0.url',
      'name.original',
      'schedules.0.rrule',
      'schedules.0.timezone',
      'types.0',
    ])
    // Rules across fields are checked once each field is valid on its own.
    await expect(
      createGroup(t.deps, actor, group({ id: 'grp-bad', min_age: 30, max_age: 10 })),
    ).rejects.toMatchObject({ fields: { max_age: 'must not be below min_age' } })
    const saved = await t.deps.db
      .selectFrom('grp')
      .select('id')
      .where('id', '=', 'grp-bad')
      .execute()
    expect(saved).toEqual([])
  })

  it('saves nothing when the database refuses part of a group', async () => {
    // Another organisation's meeting place: the group row is written first, then refused.
    await saveOrganisation(
      t.deps,
      actor,
      { ...organisation, id: 'org-other' },
      { source: 'tomoni' },
    )
    const first = group({
      id: 'grp-other',
      organisation_id: 'org-other',
      service_areas: [],
      schedules: [],
      locations: [{ id: 'loc-shared', kind: 'virtual', url: 'https://x.example/' }],
    })
    await createGroup(t.deps, actor, first)
    const second = group({
      id: 'grp-thief',
      locations: [{ id: 'loc-shared', kind: 'virtual', url: 'https://y.example/' }],
    })
    await expect(createGroup(t.deps, actor, second)).rejects.toMatchObject({ code: 'conflict' })
    const rows = await t.deps.db
      .selectFrom('grp')
      .select('id')
      .where('id', '=', 'grp-thief')
      .execute()
    expect(rows).toEqual([])
  })

  it('has the database refuse values outside the vocabularies, as the last line of defence', async () => {
    const row = {
      id: 'grp-direct',
      organisation_id: 'org-chiba',
      name: JSON.stringify({ original: 'ja', ja: '直接' }),
      types: ['support_circle'],
      audience: [],
      condition_codes: [],
      condition_ids: [],
      activities: [],
      participation: '{}',
      free: true,
      cost_options: '[]',
      languages: [],
      channels: [],
      accessibility: [],
      status: 'active',
      accepting_members: true,
      source: 'tomoni',
      created_at: new Date(),
      updated_at: new Date(),
    }
    await expect(t.deps.db.insertInto('grp').values(row).execute()).rejects.toMatchObject({
      code: '23514',
    })
    const untranslated = { ...row, types: [], name: JSON.stringify({ original: 'en', ja: '直接' }) }
    await expect(t.deps.db.insertInto('grp').values(untranslated).execute()).rejects.toMatchObject({
      code: '23514',
    })
  })

  it('creates a group and serves its public profile without members-only addresses', async () => {
    await createGroup(t.deps, actor, group())
    const profile = await getGroupProfile(t.deps, actor, 'grp-chiba')
    expect(profile).toMatchObject({
      id: 'grp-chiba',
      url: '/groups/grp-chiba',
      attendance: 'hybrid',
      fees: { free: true },
      conditions: [{ code: 'NANDO:2100001' }],
      service_areas: [{ id: 'area-chiba', name: null, place: 'JP-12' }],
      next_meeting: '2026-12-12T10:00:00+09:00',
      trust: { freshness: 'fresh', source: 'tomoni' },
    })
    const physical = profile.locations.find((l) => l.kind === 'physical')
    expect(physical).toEqual({
      id: 'loc-chiba',
      kind: 'physical',
      name: null,
      visibility: 'members',
      area: { city: '千葉市中央区', region: '千葉県', country: 'JP' },
    })
    expect(JSON.stringify(profile)).not.toContain('千葉港')
    expect(JSON.stringify(profile)).not.toContain('35.6073')
  })

  it('records who changed which field, old and new, and nothing when nothing changed', async () => {
    t.clock.advance(60_000)
    const result = await updateGroup(t.deps, actor, 'grp-chiba', {
      audience: ['parents', 'family'],
      accepting_members: false,
    })
    expect(result.result).toBe('updated')
    const again = await updateGroup(t.deps, actor, 'grp-chiba', { audience: ['family', 'parents'] })
    expect(again.result).toBe('unchanged')
    const history = await fieldHistory(t.deps, system, 'group', 'grp-chiba')
    expect(history.map((h) => [h.field, h.old, h.new, h.actor])).toEqual([
      ['audience', ['parents'], ['family', 'parents'], 'system'],
      ['accepting_members', true, false, 'system'],
    ])
  })

  it('lets only the organisation’s staff and moderators change a group', async () => {
    const stranger: Actor = {
      kind: 'user',
      userId: '00000000-0000-4000-8000-0000000000a1',
      sessionId: 's1',
      roles: [{ scopeType: 'organisation', scopeId: 'org-other', role: 'staff' }],
      reauthenticatedAt: new Date(),
      secondFactorAt: new Date(),
    }
    // Another organisation's private side does not exist for them.
    await expect(updateGroup(t.deps, stranger, 'grp-chiba', { capacity: 5 })).rejects.toMatchObject(
      { code: 'not_found' },
    )
    await expect(
      updateGroup(t.deps, { kind: 'anonymous' }, 'grp-chiba', { capacity: 5 }),
    ).rejects.toMatchObject({
      code: 'unauthenticated',
    })
    const staff: Actor = {
      ...stranger,
      roles: [{ scopeType: 'organisation', scopeId: 'org-chiba', role: 'staff' }],
    }
    // Staff powers need a session opened with a second factor.
    await expect(
      updateGroup(t.deps, { ...staff, secondFactorAt: null }, 'grp-chiba', { capacity: 5 }),
    ).rejects.toMatchObject({ code: 'second_factor_required' })
    await expect(updateGroup(t.deps, staff, 'grp-chiba', { capacity: 5 })).resolves.toMatchObject({
      result: 'updated',
    })
  })

  it('hides a group unconfirmed for 18 months until it is confirmed again', async () => {
    const start = t.clock.now()
    t.clock.set(new Date('2027-12-01T00:00:00Z'))
    expect((await getGroupProfile(t.deps, actor, 'grp-chiba')).trust.freshness).toBe('stale')
    t.clock.set(new Date('2028-05-23T00:00:00Z'))
    await expect(getGroupProfile(t.deps, actor, 'grp-chiba')).rejects.toMatchObject({
      code: 'not_found',
    })
    await confirmGroup(t.deps, actor, 'grp-chiba')
    expect((await getGroupProfile(t.deps, actor, 'grp-chiba')).trust.freshness).toBe('fresh')
    t.clock.set(start)
  })
})
