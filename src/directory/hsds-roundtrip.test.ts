/**
 * The HSDS round trip over groups written in Tomoni: the demo's example groups and a group with
 * every field set, confirmed, checked and verified. Export, import into an empty database, and the
 * directory is the same, down to the translations and the dates; members-only addresses never
 * leave, and importing the export back into the first database does not erase them.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { system } from '#src/access/actor.ts'
import { actOnGroup, verifyOrganisation } from '#src/moderation/moderation.service.ts'
import { fixtureGroup, fixtureOrganisation } from '#src/web/group-page.fixtures.ts'
import { createTestApp } from '../../tests/app.ts'
import { loadDemo } from './demo.ts'
import { directoryCommands } from './directory.cli.ts'
import { loadGroups, type LoadedGroup } from './groups.repo.ts'
import {
  confirmGroup,
  publicGroupIds,
  publicProfiles,
  saveGroup,
  saveOrganisation,
} from './groups.service.ts'
import { exportHsds, organisationsAsHsds } from './hsds-export.ts'
import { importHsds } from './hsds-import.ts'

type TestApp = Awaited<ReturnType<typeof createTestApp>>

const secrets = [
  '中央港1-1-1',
  '260-0024',
  '35.6073',
  '140.1063',
  'meet.example.org',
  'Civic Activity Centre',
]

/** What a public export may carry of a group: members-only places without what they withhold. */
function publicForm(g: LoadedGroup) {
  const { meta, ...group } = g
  return {
    ...group,
    meta: { ...meta, hidden_at: null },
    locations: group.locations.map((l) =>
      l.visibility === 'public'
        ? l
        : {
            ...l,
            name: null,
            lat: null,
            lon: null,
            url: null,
            address: l.address && {
              ...l.address,
              address_1: null,
              address_2: null,
              postal_code: null,
            },
          },
    ),
  }
}

async function organisations(t: TestApp) {
  return t.deps.db
    .selectFrom('organisation')
    .select([
      'id',
      'kind',
      'parent_id',
      'name',
      'description',
      'url',
      'email',
      'identifiers',
      'source',
      'claimed_at',
      'verified_at',
      'created_at',
      'updated_at',
    ])
    .orderBy('id')
    .execute()
}

describe('HSDS round trip of groups written in Tomoni', () => {
  let t: TestApp
  const dirs: string[] = []
  const tmp = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomoni-roundtrip-'))
    dirs.push(dir)
    return dir
  }

  beforeAll(async () => {
    t = await createTestApp()
    await loadDemo(t.deps, { records: [] })
    await saveOrganisation(t.deps, system, fixtureOrganisation, { source: 'tomoni' })
    const full = fixtureGroup({
      min_age: 18,
      max_age: 80,
      participation: {
        diagnosis_required: true,
        referral_required: true,
        screening_required: true,
        observers_welcome: false,
        text: { original: 'ja', ja: '事前に面談があります。', en: 'There is a talk beforehand.' },
      },
      schedules: [
        ...fixtureGroup().schedules!,
        {
          id: 'sch-chiba-summer',
          rrule: 'FREQ=YEARLY;BYMONTH=8;BYDAY=1SU',
          dtstart: '2026-08-02',
          timezone: 'Asia/Tokyo',
          opens_at: '10:00',
          closes_at: '15:00',
          exdates: ['2027-08-01', '2028-08-06'],
          description: {
            original: 'en',
            en: 'Summer outing for families',
            ja: '家族で夏の遠足',
          },
          hsds: { notes: 'bring lunch', attending_type: 'venue' },
        },
      ],
      service_areas: [
        { id: 'area-chiba', place: 'JP-12' },
        { id: 'area-online', name: '全国（オンライン）', place: 'JP' },
      ],
      locations: [
        ...fixtureGroup().locations!,
        {
          id: 'loc-chiba-hospital',
          kind: 'physical',
          name: { original: 'ja', ja: '千葉こども病院 2階', en: 'Chiba Children’s Hospital, 2F' },
          lat: 35.6,
          lon: 140.12,
          address: { address_1: '1-2-3', city: '千葉市', region: '千葉県', country: 'JP' },
          visibility: 'public',
        },
      ],
    })
    await saveGroup(t.deps, system, full, { source: 'tomoni' })
    t.clock.advance(86_400_000)
    await confirmGroup(t.deps, system, 'grp-chiba-parents')
    await actOnGroup(t.deps, system, 'grp-chiba-parents', {
      action: 'mark_verified',
      note: 'called the group',
    })
    await verifyOrganisation(t.deps, system, 'org-chiba-parents', 'met them')
    await t.deps.db
      .updateTable('organisation')
      .set({ claimed_at: t.clock.now() })
      .where('id', '=', 'org-chiba-parents')
      .execute()
    // A paused group, and one taken down by a moderator, which no export carries.
    await saveGroup(
      t.deps,
      system,
      fixtureGroup({ id: 'grp-paused', status: 'paused', accepting_members: false }),
      { source: 'tomoni' },
    )
    await saveGroup(t.deps, system, fixtureGroup({ id: 'grp-hidden' }), { source: 'tomoni' })
    await actOnGroup(t.deps, system, 'grp-hidden', { action: 'hide_listing', note: 'spam' })
    t.clock.advance(86_400_000)
  })
  afterAll(async () => {
    await t.close()
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
  })

  async function expectSameDirectory(other: TestApp) {
    const ids = await publicGroupIds(t.deps)
    expect(ids).not.toContain('grp-hidden')
    expect(ids.length).toBeGreaterThan(10)
    expect(await publicGroupIds(other.deps)).toEqual(ids)
    expect(await publicProfiles(other.deps, ids)).toEqual(await publicProfiles(t.deps, ids))
    const [mine, theirs] = [await loadGroups(t.deps.db, ids), await loadGroups(other.deps.db, ids)]
    for (const id of ids) expect(publicForm(theirs.get(id)!), id).toEqual(publicForm(mine.get(id)!))
    expect(await organisations(other)).toEqual(await organisations(t))
    expect(await organisationsAsHsds(other.deps)).toEqual(await organisationsAsHsds(t.deps))
  }

  it('carries every field of a group written here, and its trust dates', async () => {
    const [group] = (await loadGroups(t.deps.db, ['grp-chiba-parents'])).values()
    // The fixture does set every field: a test of the round trip is only as good as that.
    for (const [field, value] of Object.entries(group!)) {
      if (field === 'meta') continue
      expect(value, field).not.toBeNull()
      if (Array.isArray(value)) expect(value.length, field).toBeGreaterThan(0)
    }
    expect(group!.meta.verified_at).not.toBeNull()
    expect(group!.meta.last_confirmed_at).not.toBeNull()

    const dir = tmp()
    await exportHsds(t.deps, dir)
    const empty = await createTestApp()
    try {
      const report = await importHsds(empty.deps, system, dir)
      expect(report.rejected).toEqual([])
      expect(report.warnings).toEqual([])
      await expectSameDirectory(empty)
      // Importing it once more changes nothing.
      const again = await importHsds(empty.deps, system, dir)
      expect(again.groups.created + again.groups.updated).toBe(0)
      expect(again.organisations.created + again.organisations.updated).toBe(0)
    } finally {
      await empty.close()
    }
  })

  it('does the same through one JSON file (export-hsds --json)', async () => {
    const file = path.join(tmp(), 'directory.json')
    const code = await directoryCommands['export-hsds'].run([file, '--json'], t.deps)
    expect(code).toBe(0)
    const written = JSON.parse(fs.readFileSync(file, 'utf8')) as { services: unknown[] }[]
    expect(written.length).toBeGreaterThan(5)
    const empty = await createTestApp()
    try {
      const report = await importHsds(empty.deps, system, file)
      expect(report.rejected).toEqual([])
      await expectSameDirectory(empty)
    } finally {
      await empty.close()
    }
  })

  it('never writes what a members-only meeting place keeps for members', async () => {
    const dir = tmp()
    await exportHsds(t.deps, dir)
    const file = path.join(tmp(), 'directory.json')
    await directoryCommands['export-hsds'].run([file, '--json'], t.deps)
    const everything = [
      ...fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')),
      fs.readFileSync(file, 'utf8'),
    ].join('\n')
    for (const secret of secrets) expect(everything).not.toContain(secret)
    // The public one is there, with its name in both languages.
    expect(everything).toContain('千葉こども病院 2階')
    expect(everything).toContain('Chiba Children’s Hospital, 2F')
  })

  it('keeps the members-only details when the export is imported back where it came from', async () => {
    const dir = tmp()
    await exportHsds(t.deps, dir)
    const report = await importHsds(t.deps, system, dir)
    expect(report.rejected).toEqual([])
    expect(report.groups.updated).toBe(0)
    const [group] = (await loadGroups(t.deps.db, ['grp-chiba-parents'])).values()
    const hall = group!.locations.find((l) => l.id === 'loc-chiba-hall')!
    expect(hall.address?.address_1).toBe('中央港1-1-1')
    expect(hall.lat).toBe(35.6073)
    const online = group!.locations.find((l) => l.id === 'loc-chiba-online')!
    expect(online.url).toBe('https://meet.example.org/chiba-parents')
  })

  it('filters HSDS services by organization and by modification, and organizations by modification', async () => {
    const get = async (url: string) => {
      const res = await t.app.request(url)
      expect(res.status, url).toBe(200)
      return (await res.json()) as { total_items: number; contents: { id: string }[] }
    }
    const own = await get('/api/hsds/services?organization_id=org-chiba-parents&per_page=100')
    expect(own.contents.map((s) => s.id).sort()).toEqual(['grp-chiba-parents', 'grp-paused'])
    const none = await get('/api/hsds/services?organization_id=no-such-org')
    expect(none).toMatchObject({ total_items: 0, contents: [] })

    const before = t.clock.now().toISOString()
    t.clock.advance(60_000)
    await saveGroup(
      t.deps,
      system,
      { ...fixtureGroup({ id: 'grp-paused' }), capacity: 5 },
      {
        source: 'tomoni',
      },
    )
    await saveOrganisation(
      t.deps,
      system,
      { ...fixtureOrganisation, email: 'office@chiba-parents.example.jp' },
      { source: 'tomoni' },
    )
    const changed = await get(`/api/hsds/services?modified_after=${encodeURIComponent(before)}`)
    expect(changed.contents.map((s) => s.id)).toEqual(['grp-paused'])
    const both = await get(
      `/api/hsds/services?modified_after=${encodeURIComponent(before)}&organization_id=example-org-chiba-parents`,
    )
    expect(both.total_items).toBe(0)
    const orgs = await get(`/api/hsds/organizations?modified_after=${encodeURIComponent(before)}`)
    expect(orgs.contents.map((o) => o.id)).toEqual(['org-chiba-parents'])
    const later = await get(
      `/api/hsds/organizations?modified_after=${encodeURIComponent(t.clock.now().toISOString())}`,
    )
    expect(later.total_items).toBe(0)
    const bad = await t.app.request('/api/hsds/organizations?modified_after=not-a-date')
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({
      error: { code: 'invalid_input', fields: { modified_after: expect.any(String) as unknown } },
    })
  })
})
