import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { system } from '#src/access/actor.ts'
import { createTestApp } from '../../tests/app.ts'
import { fieldHistory, publicGroupIds, publicProfiles } from './groups.service.ts'
import { exportHsds } from './hsds-export.ts'
import { importHsds, importOrganizations, type ImportReport } from './hsds-import.ts'
import type { Hsds } from './hsds-map.ts'

const devFixture = path.resolve(import.meta.dirname, '../../tests/fixtures/groups-dev.json')

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tomoni-hsds-'))

describe('HSDS import and export', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>
  let first: ImportReport
  const dirs: string[] = []
  beforeAll(async () => {
    t = await createTestApp()
    first = await importHsds(t.deps, system, devFixture)
  })
  afterAll(async () => {
    await t.close()
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
  })

  it('imports the 40 groups of the development directory', async () => {
    expect(first.rejected).toEqual([])
    expect(first.organisations).toEqual({ created: 40, updated: 0, unchanged: 0 })
    expect(first.groups).toEqual({ created: 40, updated: 0, unchanged: 0 })
    const [pompe] = await publicProfiles(t.deps, ['ce5477f9-bb88-5f25-af34-f2aaa4e91b66'])
    expect(pompe).toMatchObject({
      name: { original: 'en', en: 'Pompe Families International (online)' },
      types: ['international', 'online'],
      conditions: [{ code: 'ORPHA:365' }],
      attendance: 'online',
      fees: { free: true },
      languages: ['en'],
      trust: { source: 'hsds_import' },
    })
    // A numeric HSDS offset in a country without daylight saving becomes that country's zone.
    const [shizuoka] = await publicProfiles(t.deps, ['5aa7425b-1b0c-5a6a-bb1b-1598ed1ce3f8'])
    expect(shizuoka!.schedules[0]).toMatchObject({
      rrule: 'FREQ=MONTHLY;BYDAY=2SA',
      timezone: 'Asia/Tokyo',
      opens_at: '10:00',
    })
    expect(shizuoka!.next_meeting).toBe('2026-12-12T10:00:00+09:00')
    // The English alternate name of a Japanese-named group is its translation, and back.
    const [tsukuba] = await publicProfiles(t.deps, ['05df9764-1426-5abc-93c5-714441f89ed2'])
    expect(tsukuba!.name).toEqual({
      original: 'en',
      en: 'Tsukuba International Families (rare conditions, English)',
      ja: 'つくば 国際家族の会（英語）',
    })
  })

  it('changes nothing when the same file is imported again', async () => {
    const again = await importHsds(t.deps, system, devFixture)
    expect(again.rejected).toEqual([])
    expect(again.organisations).toEqual({ created: 0, updated: 0, unchanged: 40 })
    expect(again.groups).toEqual({ created: 0, updated: 0, unchanged: 40 })
    const history = await t.deps.db.selectFrom('field_history').select('id').execute()
    expect(history).toEqual([])
  })

  it('updates what changed, and records it in the field history', async () => {
    const organizations = JSON.parse(fs.readFileSync(devFixture, 'utf8')) as Hsds[]
    const service = (organizations[0]!.services as Hsds[])[0]!
    service.description = '小児がんのお子さんを持つ静岡県の親の会です。毎月第2土曜日に集まります。'
    service.status = 'temporarily closed'
    const report = await importOrganizations(t.deps, system, organizations)
    expect(report.groups).toEqual({ created: 0, updated: 1, unchanged: 39 })
    const history = await fieldHistory(t.deps, system, 'group', String(service.id))
    expect(history.map((h) => h.field)).toEqual(['description', 'status'])
    expect(history[1]).toMatchObject({ old: 'active', new: 'paused', actor: 'system' })
    // Back as it was, for the tests below.
    await importHsds(t.deps, system, devFixture)
  })

  it('survives a round trip: export, then import into an empty database, gives the same directory', async () => {
    const dir = tmp()
    dirs.push(dir)
    const written = await exportHsds(t.deps, dir)
    expect(written).toMatchObject({ organisations: 40, groups: 40 })
    expect(fs.readdirSync(dir).sort()).toContain('datapackage.json')
    const schedule = fs.readFileSync(path.join(dir, 'schedule.csv'), 'utf8')
    expect(schedule).toContain('Asia/Tokyo')

    const empty = await createTestApp()
    try {
      const report = await importHsds(empty.deps, system, dir)
      expect(report.rejected).toEqual([])
      expect(report.groups).toEqual({ created: 40, updated: 0, unchanged: 0 })
      const ids = await publicGroupIds(t.deps)
      expect(await publicGroupIds(empty.deps)).toEqual(ids)
      expect(await publicProfiles(empty.deps, ids)).toEqual(await publicProfiles(t.deps, ids))

      // And once more: the second database's export imports into the first as unchanged.
      const again = tmp()
      dirs.push(again)
      await exportHsds(empty.deps, again)
      const back = await importHsds(t.deps, system, again)
      expect(back.groups).toEqual({ created: 0, updated: 0, unchanged: 40 })
    } finally {
      await empty.close()
    }
  })

  it('rejects the bad rows of a broken package with their reasons, and imports the rest', async () => {
    const dir = tmp()
    dirs.push(dir)
    await exportHsds(t.deps, dir)
    const edit = (table: string, change: (cells: string[][]) => void) => {
      const file = path.join(dir, `${table}.csv`)
      // The cells edited here hold no commas or quotes, so a plain split will do.
      const rows = fs
        .readFileSync(file, 'utf8')
        .trimEnd()
        .split('\n')
        .map((l) => l.split(','))
      change(rows)
      fs.writeFileSync(file, rows.map((r) => r.join(',')).join('\n') + '\n')
    }
    const column = (rows: string[][], name: string) => rows[0]!.indexOf(name)
    // service.csv line 2: a group without a name; line 3: its organisation does not exist.
    edit('service', (rows) => {
      rows[1]![column(rows, 'name')] = ''
      rows[2]![column(rows, 'organization_id')] = 'no-such-org'
    })
    // schedule.csv line 2: a frequency no calendar knows.
    edit('schedule', (rows) => {
      rows[1]![column(rows, 'freq')] = 'HOURLY'
    })
    // attribute.csv, last line: a link to a taxonomy term the package does not have.
    edit('attribute', (rows) => {
      rows[rows.length - 1]![column(rows, 'taxonomy_term_id')] = 'no-such-term'
    })

    const empty = await createTestApp()
    try {
      const report = await importHsds(empty.deps, system, dir)
      const rejected = report.rejected.map((r) => `${r.table}:${r.row}:${r.reason}`)
      expect(rejected).toHaveLength(4)
      expect(rejected).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^service\.csv:2:.*name: is required/),
          expect.stringMatching(/^service\.csv:3:organization_id "no-such-org" does not exist/),
          expect.stringMatching(/^schedule\.csv:2:.*recurrence/),
          expect.stringMatching(
            /^attribute\.csv:\d+:taxonomy_term_id "no-such-term" does not exist/,
          ),
        ]),
      )
      expect(report.groups.created).toBe(38)
    } finally {
      await empty.close()
    }
  })

  it('rejects a bad JSON service with the reason and imports the others', async () => {
    const organizations = JSON.parse(fs.readFileSync(devFixture, 'utf8')) as Hsds[]
    const bad = (organizations[1]!.services as Hsds[])[0]!
    bad.minimum_age = 40
    bad.maximum_age = 12
    // An audience outside the vocabulary loses that one attribute; the group still goes in.
    const odd = (organizations[2]!.services as Hsds[])[0]!
    const attribute = (odd.attributes as Hsds[]).find((a) => a.value === 'patients')!
    ;(attribute.taxonomy_term as Hsds).code = 'grandparents'
    const empty = await createTestApp()
    try {
      const report = await importOrganizations(empty.deps, system, organizations)
      expect(report.rejected).toEqual([
        {
          table: 'service',
          id: bad.id,
          reason: 'Some of the input is not valid. max_age: must not be below min_age',
        },
        {
          table: 'attribute',
          id: attribute.id,
          reason: 'tomoni:audience: unknown code "grandparents"',
        },
      ])
      expect(report.groups.created).toBe(39)
      const [kept] = await publicProfiles(empty.deps, [String(odd.id)])
      expect(kept!.audience).toEqual(['young_people'])
    } finally {
      await empty.close()
    }
  })
})
