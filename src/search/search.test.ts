import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { system } from '#src/access/actor.ts'
import { importHsds } from '#src/directory/hsds-import.ts'
import { confirmGroup, saveGroup, saveOrganisation } from '#src/directory/groups.service.ts'
import { createTestApp } from '../../tests/app.ts'
import type { SearchResult } from './search.service.ts'

const bench = path.resolve(import.meta.dirname, '../../tests/fixtures')

// Groups of the development directory (tests/fixtures/groups-dev.json).
const shizuokaParents = '5aa7425b-1b0c-5a6a-bb1b-1598ed1ce3f8' // childhood cancer, parents
const shizuokaHospital = 'fcc0ff11-e911-57f8-bd19-d5d6c1986c81' // childhood cancer, hospital
const shizuokaOsteosarcoma = 'e1a34718-11cd-5905-90b8-c694b961f496'
const hamamatsuHepatoblastoma = '36424339-35c5-54aa-b7da-972f07fc1b94'
const pompeTsukuba = '3ab00647-ca3a-50ef-9684-f7375c97981f'
const pompeOnline = 'ce5477f9-bb88-5f25-af34-f2aaa4e91b66'
const rareOnline = '3cb5795c-8014-51a1-92ab-672715add340' // 難病, online umbrella group
const msaOnline = '22e468d4-8e12-5e95-838f-99036ccfe3e1'
const kumamotoSiblings = '971fd7fc-0571-570e-9778-7c5487a6b037'

describe('group search', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>
  const get = async (query: string, locale = 'en') => {
    const res = await t.app.request(`/api/v1/groups?${query}`, {
      headers: { 'accept-language': locale },
    })
    return { status: res.status, body: (await res.json()) as SearchResult }
  }
  const search = async (query: string, locale = 'en') => {
    const { status, body } = await get(query, locale)
    expect(status, query).toBe(200)
    return body
  }
  const q = (text: string, rest = '') => `q=${encodeURIComponent(text)}${rest ? `&${rest}` : ''}`
  const ids = (r: SearchResult) => r.items.map((i) => i.id)

  beforeAll(async () => {
    t = await createTestApp()
    const report = await importHsds(t.deps, system, path.join(bench, 'groups-dev.json'))
    expect(report.rejected).toEqual([])
  })
  afterAll(() => t.close())

  it('checks the fixture ids it relies on', async () => {
    const all = await search('per_page=100')
    for (const id of [
      shizuokaParents,
      shizuokaHospital,
      shizuokaOsteosarcoma,
      hamamatsuHepatoblastoma,
      pompeTsukuba,
      pompeOnline,
      rareOnline,
      msaOnline,
      kumamotoSiblings,
    ]) {
      expect(ids(all)).toContain(id)
    }
  })

  describe('free text', () => {
    it('turns what it understands into filters and reports them in the request language', async () => {
      const en = await search(q('静岡 小児がん 親の会'))
      expect(en.understood.map((u) => [u.kind, u.value, u.label, u.text])).toEqual([
        ['place', 'JP-22', 'Shizuoka', '静岡'],
        ['condition', 'TOMONI:childhood-cancer', 'Childhood cancer', '小児がん'],
        ['audience', 'parents', 'Parents', '親の会'],
      ])
      expect(en.understood.map((u) => u.q_without)).toEqual([
        '小児がん 親の会',
        '静岡 親の会',
        '静岡 小児がん',
      ])
      expect(ids(en)[0]).toBe(shizuokaParents)
      // Every match is in Shizuoka (or online and open to it), for parents, about childhood cancer.
      expect(ids(en)).not.toContain(kumamotoSiblings)
      const ja = await search(q('静岡 小児がん 親の会'), 'ja')
      expect(ja.understood.map((u) => u.label)).toEqual(['静岡県', '小児がん', '親'])
      expect(ja.items[0]!.why).toEqual([
        '悪性新生物のグループ（小児がんの一つ）',
        '静岡県で活動しています',
        '親向け',
      ])
    })

    it('searches the words it does not understand in names and descriptions', async () => {
      const r = await search(q('ひまわり'))
      expect(r.understood).toEqual([])
      expect(r.terms).toEqual(['ひまわり'])
      expect(r.items.map((i) => i.name)).toEqual(['金沢 ターナー症候群 ひまわりの会'])
      expect(r.items[0]!.why).toEqual(['Mentions “ひまわり”'])
      expect((await search(q('xyzzy'))).total).toBe(0)
    })

    it('lifts, but does not require, leftover words when something else was understood', async () => {
      const r = await search(q('Down syndrome Tulsa teens social'))
      expect(r.terms).toEqual(['social'])
      expect(r.items[0]!.name).toBe('Down Syndrome Association of Tulsa - Teen Social')
      const many = await search(q('Down syndrome zzz'))
      expect(many.terms).toEqual(['zzz'])
      expect(
        many.items
          .slice(0, 2)
          .map((i) => i.name)
          .sort(),
      ).toEqual([
        'DSACO - Parents Night Out (Oklahoma City)',
        'Down Syndrome Association of Tulsa - Teen Social',
      ])
    })

    it('combines free text with the structured filters (AND)', async () => {
      const r = await search(`${q('小児がん')}&audience=bereaved`)
      // Osteosarcoma is one of the childhood cancers.
      expect(r.items.map((i) => i.name).sort()).toEqual(
        [
          '小児がん 遺族 オンライン分かち合いの会',
          '岡山 小児がん 遺族の会',
          'Osteosarcoma Bereaved Parents International (online)',
        ].sort(),
      )
      const none = await search(`${q('小児がん')}&language=en&audience=siblings`)
      expect(none.total).toBe(0)
    })
  })

  describe('conditions and their hierarchy', () => {
    it('finds the condition’s own groups first, then broader and umbrella groups', async () => {
      const r = await search('condition=NANDO:1200139')
      const order = ids(r)
      expect(order.slice(0, 2).sort()).toEqual([pompeOnline, pompeTsukuba].sort())
      expect(order).toContain(rareOnline)
      expect(order.indexOf(rareOnline)).toBeGreaterThan(1)
      expect(r.items.find((i) => i.id === rareOnline)!.why[0]).toMatch(
        /^For .*, which includes Classic infantile Pompe disease$/,
      )
    })

    it('finds the specific groups under a broad condition', async () => {
      const r = await search(`${q('小児がん')}&per_page=50`)
      expect(ids(r)).toEqual(
        expect.arrayContaining([
          shizuokaParents,
          shizuokaOsteosarcoma,
          hamamatsuHepatoblastoma,
          kumamotoSiblings,
        ]),
      )
      const osteosarcoma = r.items.find((i) => i.id === shizuokaOsteosarcoma)!
      expect(osteosarcoma.why[0]).toBe('For Osteosarcoma, a form of Childhood cancer')
    })

    it('matches a group whose name says the condition when its tags do not', async () => {
      // Tagged ORPHA:823 "spina bifida and other spinal dysraphisms", a concept apart.
      const r = await search(q('spina bifida Louisville'))
      expect(r.items[0]!.name).toBe(
        'Spina Bifida Association of Kentucky - Family Group (Louisville)',
      )
      expect(r.items[0]!.why[0]).toBe('Its name or description mentions Spina bifida')
    })
  })

  describe('places and distance', () => {
    it('keeps in-person groups within the radius, nearest first, and online groups', async () => {
      const r = await search('near=34.98,138.38&radius_km=30&per_page=100')
      const local = r.items.filter((i) => i.distance_km !== null && i.distance_km <= 30)
      expect(local.length).toBeGreaterThan(2)
      const distances = local.map((i) => i.distance_km!)
      expect(distances).toEqual([...distances].sort((a, b) => a - b))
      expect(ids(r)).not.toContain(hamamatsuHepatoblastoma) // 67 km away
      const online = r.items.filter((i) => i.attendance === 'online')
      expect(online.length).toBeGreaterThan(0)
      for (const item of online) expect(item.why).toContain('Online: you can join from anywhere')
      // Local groups come before the online ones.
      expect(r.items.findIndex((i) => i.attendance === 'online')).toBeGreaterThanOrEqual(
        local.length,
      )

      const inPerson = await search('near=34.98,138.38&radius_km=30&attendance=in_person')
      expect(inPerson.items.every((i) => i.attendance !== 'online')).toBe(true)
      const wider = await search('near=34.98,138.38&radius_km=80&attendance=in_person')
      expect(ids(wider)).toContain(hamamatsuHepatoblastoma)
    })

    it('takes in the towns around a town named in the text, and orders them by distance', async () => {
      const r = await search(q('つくば'))
      expect(r.understood[0]).toMatchObject({ kind: 'place', label: 'Tsukuba' })
      expect(
        r.items
          .slice(0, 2)
          .map((i) => i.name)
          .sort(),
      ).toEqual(
        [
          'Tsukuba International Families (rare conditions, English)',
          'つくば ポンペ病 家族会',
        ].sort(),
      )
    })

    it('finds a place by code or name in `place`, and online groups open to it', async () => {
      const code = await search('place=JP-22&per_page=100')
      const byName = await search(`place=${encodeURIComponent('静岡県')}&per_page=100`)
      expect(ids(byName)).toEqual(ids(code))
      expect(ids(code)).toContain(shizuokaParents)
      const online = code.items.filter((i) => i.attendance === 'online')
      expect(online.length).toBeGreaterThan(0)
      for (const item of online) expect(item.why).toContain('Online, open to people in Shizuoka')
      // A US state the place data lacks is matched on the addresses.
      const maine = await search('place=Maine')
      expect(maine.items.map((i) => i.name)).toContain(
        'Maine Parkinson Society - Support Group (Brewer)',
      )
    })
  })

  describe('facets and paging', () => {
    it('counts facets over every match', async () => {
      const r = await search(`${q('online')}&per_page=1`)
      expect(r.total).toBe(11)
      expect(r.facets.attendance).toEqual({ online: 10, hybrid: 1 })
      const counted = Object.values(r.facets.free!).reduce((a, b) => a + b, 0)
      expect(counted).toBe(r.total)
    })

    it('pages through every match once, in a stable order', async () => {
      const all = await search('per_page=100')
      const seen: string[] = []
      for (let page = 1; page <= 6; page++) {
        seen.push(...ids(await search(`per_page=7&page=${page}`)))
      }
      expect(seen).toEqual(ids(all))
      expect(new Set(seen).size).toBe(40)
      const beyond = await search('per_page=7&page=9')
      expect(beyond).toMatchObject({ total: 40, items: [], page: 9, per_page: 7 })
    })
  })

  describe('no result is not a dead end', () => {
    it('suggests online groups and fewer filters, with the count each would give', async () => {
      const r = await search(`${q('東京 多系統萎縮症')}&attendance=in_person`, 'ja')
      expect(r.total).toBe(0)
      const online = r.suggestions.find((s) => s.kind === 'online')!
      expect(online).toMatchObject({ label: 'オンラインのグループを表示', count: 2 })
      // The suggestion's query gives what it promises.
      const followed = await search(online.query)
      expect(followed.total).toBe(2)
      expect(ids(followed)[0]).toBe(msaOnline)
    })

    it('suggests a wider radius and the broader condition', async () => {
      const r = await search(
        'condition=NANDO:2200046&near=34.98,138.38&radius_km=30&attendance=in_person&type=disease_specific',
      )
      expect(r.total).toBe(0)
      const wider = r.suggestions.find((s) => s.kind === 'wider_radius')!
      expect(wider).toMatchObject({ label: 'Search within 100 km', count: 1 })
      expect(new URLSearchParams(wider.query).get('radius_km')).toBe('100')
      expect((await search(wider.query)).items[0]!.id).toBe(hamamatsuHepatoblastoma)

      const specific = await search(`${q('Turner syndrome Enfield')}&attendance=in_person`)
      expect(specific.total).toBe(0)
      expect(specific.suggestions.map((s) => s.kind)).toEqual(
        expect.arrayContaining(['online', 'drop']),
      )
      for (const s of specific.suggestions) {
        expect((await search(s.query)).total, s.query).toBe(s.count)
      }
    })
  })

  describe('keeping up with the directory', () => {
    it('finds a group as soon as it is saved, and not once it is closed', async () => {
      const org = await saveOrganisation(
        t.deps,
        system,
        { name: { original: 'ja', ja: 'テスト財団' }, kind: 'foundation' },
        { source: 'tomoni' },
      )
      const input = {
        organisation_id: org.id,
        name: { original: 'ja', ja: 'さっぽろ ファーバー病 家族の会' },
        conditions: ['NANDO:1200086'],
        audience: ['family' as const],
        languages: ['ja'],
        fees: { options: [{ amount: 0, currency: 'JPY' }] },
        locations: [
          {
            kind: 'physical' as const,
            lat: 43.06,
            lon: 141.35,
            address: { city: '札幌市中央区', region: '北海道', country: 'JP' },
          },
        ],
      }
      const { id } = await saveGroup(t.deps, system, input, { source: 'tomoni' })
      const found = await search(q('札幌 家族'))
      expect(ids(found)).toContain(id)
      await saveGroup(t.deps, system, { ...input, id, status: 'closed' }, { source: 'tomoni' })
      expect(ids(await search(q('札幌 家族')))).not.toContain(id)
    })

    it('sinks listings nobody has confirmed for a year below fresh ones', async () => {
      const start = t.clock.now()
      t.clock.set(new Date('2027-12-01T00:00:00Z'))
      try {
        const before = await search('audience=siblings&audience=bereaved')
        expect(before.items.every((i) => i.freshness === 'stale')).toBe(true)
        const last = before.items.at(-1)!.id
        await confirmGroup(t.deps, system, last)
        const after = await search('audience=siblings&audience=bereaved')
        expect(after.items[0]).toMatchObject({ id: last, freshness: 'fresh' })
        expect(after.items[1]!.why).toContain('Not confirmed for over a year')
      } finally {
        t.clock.set(start)
      }
    })
  })

  it('answers bad parameters with 400 and a field for each', async () => {
    const { status, body } = await get(
      `q=${'x'.repeat(201)}&near=abc&radius_km=-1&type=club&audience=everyone&attendance=bus&free=yes&language=english&leadership=boss&page=0&per_page=500`,
    )
    expect(status).toBe(400)
    const error = (body as unknown as { error: { code: string; fields: Record<string, string> } })
      .error
    expect(error.code).toBe('invalid_input')
    expect(Object.keys(error.fields).sort()).toEqual(
      [
        'attendance',
        'audience.0',
        'free',
        'language.0',
        'leadership',
        'near',
        'page',
        'per_page',
        'q',
        'radius_km',
        'type.0',
      ].sort(),
    )
  })
})
