import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { system } from '#src/access/actor.ts'
import { createTestApp } from '../../tests/app.ts'
import type { GroupList } from './groups.search.ts'
import { importHsds } from './hsds-import.ts'
import { stableId } from './hsds-map.ts'

const bench = path.resolve(import.meta.dirname, '../../tests/fixtures')

const pompeTsukuba = '3ab00647-ca3a-50ef-9684-f7375c97981f' // NANDO:1200138, in person
const pompeOnline = 'ce5477f9-bb88-5f25-af34-f2aaa4e91b66' // ORPHA:365, online
const msaOkayama = '3e3799d5-7198-5d04-a52a-0a0afaf9d197' // in person, 2000 JPY a year
const msaOnline = '22e468d4-8e12-5e95-838f-99036ccfe3e1'

describe('GET /api/v1/groups and the HSDS API', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>
  const get = async (url: string, headers: Record<string, string> = {}) => {
    const res = await t.app.request(url, { headers: { 'accept-language': 'en', ...headers } })
    return { status: res.status, body: await res.json() }
  }
  const list = async (query: string, headers?: Record<string, string>) => {
    const { status, body } = await get(`/api/v1/groups?${query}`, headers)
    expect(status).toBe(200)
    return body as GroupList
  }
  const ids = (l: GroupList) => l.items.map((i) => i.id)

  beforeAll(async () => {
    t = await createTestApp()
    const report = await importHsds(t.deps, system, path.join(bench, 'groups-dev.json'))
    expect(report.rejected).toEqual([])
  })
  afterAll(() => t.close())

  it('serves a group’s whole public profile, and 404 for an unknown id', async () => {
    const { status, body } = await get(`/api/v1/groups/${pompeTsukuba}`)
    expect(status).toBe(200)
    expect(body).toMatchObject({
      id: pompeTsukuba,
      url: `/groups/${pompeTsukuba}`,
      conditions: [{ code: 'NANDO:1200138', id: 'NANDO:1200138', names: { en: 'Pompe disease' } }],
      fees: { free: false, options: [{ amount: 3000, currency: 'JPY' }] },
      locations: [{ kind: 'physical', visibility: 'public', lat: 36.08361111 }],
      service_areas: [{ name: '茨城県', place: 'JP-08' }],
    })
    const missing = await get('/api/v1/groups/no-such-group')
    expect(missing).toEqual({
      status: 404,
      body: { error: { code: 'not_found', message: 'No such group.' } },
    })
  })

  it('finds a group tagged with another code of the same condition', async () => {
    const l = await list('condition=NANDO:1200138')
    expect(ids(l).slice(0, 2).sort()).toEqual([pompeTsukuba, pompeOnline].sort())
    const online = l.items.find((i) => i.id === pompeOnline)!
    expect(online.why).toContain('For Pompe disease')
  })

  it('finds groups for the broader condition of a specific one, and says why', async () => {
    const l = await list('condition=NANDO:1200139')
    expect(ids(l)).toEqual(expect.arrayContaining([pompeTsukuba, pompeOnline]))
    const item = l.items.find((i) => i.id === pompeTsukuba)!
    expect(item.why).toEqual(['For Pompe disease, which includes Classic infantile Pompe disease'])
    const ja = await list('condition=NANDO:1200139', { 'accept-language': 'ja' })
    expect(ja.items.find((i) => i.id === pompeTsukuba)!.why[0]).toContain('ポンペ病のグループ')
  })

  it('keeps in-person groups within the radius and online groups wherever they are', async () => {
    const tokyo = await list('condition=NANDO:1200034&near=35.68,139.76&radius_km=30')
    expect(ids(tokyo)).toContain(msaOnline)
    expect(ids(tokyo)).not.toContain(msaOkayama)
    expect(tokyo.items.find((i) => i.id === msaOnline)!.distance_km).toBeNull()

    const okayama = await list('condition=NANDO:1200034&near=34.66,133.92&radius_km=20')
    expect(ids(okayama)[0]).toBe(msaOkayama)
    expect(okayama.items[0]!.distance_km).toBeLessThan(5)

    const inPerson = await list('condition=NANDO:1200034&near=35.68,139.76&attendance=in_person')
    expect(inPerson.total).toBe(0)

    // Hamamatsu's hepatoblastoma group is 67 km from Shizuoka: out of a 30 km radius.
    const shizuoka = await list(
      'condition=NANDO:2200046&near=34.98,138.38&radius_km=30&attendance=in_person',
    )
    expect(ids(shizuoka).sort()).toEqual(
      ['5aa7425b-1b0c-5a6a-bb1b-1598ed1ce3f8', 'fcc0ff11-e911-57f8-bd19-d5d6c1986c81'].sort(),
    )
  })

  it('filters free groups, by place, type, language, audience and leadership', async () => {
    const free = await list('free=true&per_page=100')
    expect(free.total).toBe(37)
    expect(ids(free)).not.toContain(msaOkayama)

    const shizuoka = await list('place=JP-22&leadership=professional')
    expect(ids(shizuoka)[0]).toBe('fcc0ff11-e911-57f8-bd19-d5d6c1986c81')
    expect(shizuoka.items[0]!.why).toContain('Meets in or serves Shizuoka')

    const maine = await list('condition=DOID:14330&place=US')
    expect(ids(maine)).toEqual(['15900e0a-161d-5553-965f-2affb3ceff66'])

    const bereaved = await list('type=bereaved&language=ja')
    expect(ids(bereaved).sort()).toEqual(
      ['9d18986b-b720-5e7c-9624-685b47377033', 'ea24266d-ff6c-5273-b748-ca5f4a6b4d9d'].sort(),
    )
    const repeated = await list('audience=siblings&audience=bereaved')
    expect(repeated.total).toBe(4)
  })

  it('pages, and counts facets over every match', async () => {
    const l = await list('per_page=5&page=2')
    expect(l.items).toHaveLength(5)
    expect(l.total).toBe(40)
    expect(l.facets.type).toMatchObject({ online: 10, bereaved: 3, hospital: 1 })
    expect(l.facets.attendance).toEqual({ in_person: 29, online: 10, hybrid: 1 })
    expect(l.facets.free).toEqual({ true: 37, false: 3 })
    const first = await list('per_page=5')
    expect(ids(first)).not.toEqual(expect.arrayContaining(ids(l)))
    expect(first.items[0]!.url).toBe(`/groups/${first.items[0]!.id}`)
  })

  it('answers bad parameters with 400 and a field for each', async () => {
    const { status, body } = await get('/api/v1/groups?near=tokyo&type=club&per_page=500')
    expect(status).toBe(400)
    expect(Object.keys((body as { error: { fields: object } }).error.fields).sort()).toEqual([
      'near',
      'per_page',
      'type.0',
    ])
  })

  it('finds an expected group in the first five for every structured bench query', async () => {
    const lines = fs
      .readFileSync(path.join(bench, 'groups-dev-queries.tsv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split('\t'))
      // Free text is the search issue's; these are the queries made of the contract's filters.
      .filter(([params, , kind]) => !kind!.startsWith('free_text') && !params!.startsWith('q='))
    expect(lines.length).toBeGreaterThan(15)
    const misses = []
    for (const [params, expected] of lines) {
      const l = await list(params!)
      const top = ids(l).slice(0, 5)
      if (!expected!.split('|').some((id) => top.includes(id))) misses.push(params)
    }
    expect(misses).toEqual([])
  })

  it('leaves a group unconfirmed for 18 months out of lists and profiles', async () => {
    const start = t.clock.now()
    t.clock.set(new Date('2027-12-01T00:00:00Z'))
    const stale = await list('per_page=1')
    expect(stale.total).toBe(40)
    expect(stale.items[0]!.freshness).toBe('stale')
    t.clock.set(new Date('2028-05-23T00:00:00Z'))
    expect((await list('')).total).toBe(0)
    expect((await get(`/api/v1/groups/${pompeTsukuba}`)).status).toBe(404)
    expect((await get(`/api/hsds/services/${pompeTsukuba}`)).status).toBe(404)
    t.clock.set(start)
  })

  it('speaks the HSDS 3.0 API', async () => {
    const root = await get('/api/hsds/')
    const about = root.body as { version: string; profile: string }
    expect(about.version).toBe('3.0')
    expect(about.profile).toMatch(/\/api\/hsds\/profile$/)
    expect((await get('/api/hsds/profile')).status).toBe(200)

    const services = (await get('/api/hsds/services?per_page=5')).body as {
      total_items: number
      contents: { id: string }[]
    }
    expect(services).toMatchObject({ total_items: 40, total_pages: 8, page_number: 1, size: 5 })

    const bereavedTerm = stableId('taxonomy_term', 'tomoni:group-type', 'bereaved')
    const bereaved = (await get(`/api/hsds/services?taxonomy_term_id=${bereavedTerm}`)).body as {
      total_items: number
    }
    expect(bereaved.total_items).toBe(3)

    const searched = (await get('/api/hsds/services?search=pompe')).body as {
      contents: { id: string }[]
    }
    expect(searched.contents.map((s) => s.id)).toEqual([pompeOnline])

    const one = await get(`/api/hsds/services/${pompeOnline}`)
    expect(one.body).toMatchObject({ id: pompeOnline, status: 'active' })
    const attributes = (one.body as { attributes: { value: string; link_entity: string }[] })
      .attributes
    expect(attributes).toContainEqual(
      expect.objectContaining({ value: 'ORPHA:365', link_entity: 'service' }),
    )
    const organizations = (await get('/api/hsds/organizations?per_page=100')).body as {
      total_items: number
    }
    expect(organizations.total_items).toBe(40)
    const orgId = (one.body as { organization_id: string }).organization_id
    const org = await get(`/api/hsds/organizations/${orgId}`)
    expect(org.body).toMatchObject({
      id: orgId,
      name: 'Pompe Families International',
      services: [{ id: pompeOnline }],
    })
  })

  it('describes the routes in the OpenAPI document', async () => {
    const doc = (await get('/api/openapi.json')).body as { paths: Record<string, unknown> }
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/groups',
        '/api/v1/groups/{id}',
        '/api/hsds/',
        '/api/hsds/services',
        '/api/hsds/services/{id}',
        '/api/hsds/organizations',
        '/api/hsds/organizations/{id}',
      ]),
    )
  })
})
