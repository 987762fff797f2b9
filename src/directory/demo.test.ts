import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { translate } from '#src/i18n/i18n.ts'
import { createTestApp } from '../../tests/app.ts'
import { exampleGroups, exampleOrganisations } from './demo-examples.ts'
import { conditionsOf, listingOf, titleCase, sentenceCase, websiteUrl } from './demo-mapping.ts'
import { directorySize, loadDemo, readDemoRecords } from './demo.ts'
import { conceptsOfCodes } from './groups.repo.ts'
import { groupTypes } from './groups.schema.ts'

describe('the demo directory', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>
  const records = readDemoRecords()
  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(() => t.close())

  it('keeps the real organisations of both registers in the repository', () => {
    expect(records.filter((r) => r.register === 'uk')).toHaveLength(211)
    expect(records.filter((r) => r.register === 'us')).toHaveLength(1881)
  })

  it('maps every register tag and name to condition concepts that exist', async () => {
    const codes = [...new Set(records.flatMap((r) => listingOf(r).group.conditions ?? []))]
    expect(codes.length).toBeGreaterThan(20)
    for (const code of codes) {
      expect(await conceptsOfCodes(t.deps.db, [code]), code).not.toEqual([])
    }
    const mapped = records.filter((r) => (listingOf(r).group.conditions ?? []).length > 0)
    expect(mapped.length / records.length).toBeGreaterThan(0.6)
  })

  it('refines a register’s coarse tag by what the name says', () => {
    expect(conditionsOf(['DOID:162'], 'Breast Cancer Now')).toEqual(['DOID:1612'])
    expect(conditionsOf(['DOID:162'], 'Friends of Kidney Cancer Care')).toEqual(['DOID:263'])
    expect(conditionsOf(['DOID:162'], 'Alaska Cancer Care Alliance')).toEqual(['DOID:162'])
    expect(conditionsOf([], 'Louisiana Childhood Cancer Foundation')).toEqual([
      'TOMONI:CHILDHOOD-CANCER',
    ])
  })

  it('writes register names and texts the way people read them', () => {
    expect(titleCase('POSITIVELY UK')).toBe('Positively UK')
    expect(titleCase('ALZHEIMERS ASSOCIATION OF THE HIV AND AIDS FUND INC')).toBe(
      'Alzheimers Association of the HIV and AIDS Fund Inc',
    )
    expect(titleCase("ST JOHN'S MS SOCIETY")).toBe("St John's MS Society")
    expect(titleCase('Already Mixed Case')).toBe('Already Mixed Case')
    expect(sentenceCase('SUPPORTS FAMILIES WITH HIV. HOME VISITS.')).toBe(
      'Supports families with HIV. Home visits.',
    )
    expect(websiteUrl('www.positivelyuk.org')).toBe('http://www.positivelyuk.org/')
    expect(websiteUrl('n/a')).toBeNull()
  })

  it('marks register listings as imported and unverified, with their register and area', () => {
    const uk = listingOf(records.find((r) => r.register === 'uk' && r.id === 'GB-CHC-1007685')!)
    expect(uk.organisation).toMatchObject({
      id: 'GB-CHC-1007685',
      name: { original: 'en', en: 'Positively UK' },
      url: 'http://www.positivelyuk.org/',
      identifiers: [{ scheme: 'GB-CHC', identifier: '1007685' }],
    })
    expect(uk.group).toMatchObject({
      conditions: ['DOID:526'],
      service_areas: [{ name: 'England and Wales', place: 'GB' }],
    })
    const us = listingOf(records.find((r) => r.register === 'us' && r.ein === '770621661')!)
    expect(us.group.service_areas).toEqual([
      { id: 'US-EIN-770621661.area', name: 'Alaska', place: 'US' },
    ])
    expect(us.group.description).toMatchObject({
      original: 'en',
      en: expect.stringContaining('Anchorage, Alaska') as unknown,
      ja: expect.stringContaining('アラスカ州') as unknown,
    })
  })

  it('has clearly marked examples of every kind of group the seeds name', () => {
    expect(exampleGroups.length).toBeGreaterThanOrEqual(8)
    expect(exampleGroups.length).toBeLessThanOrEqual(12)
    for (const g of [...exampleGroups, ...exampleOrganisations]) {
      expect(g.name.ja, g.id).toMatch(/（例）|サンプル/)
      expect(g.description?.ja, g.id).toContain('デモ用に作った例です')
    }
    const types = new Set(exampleGroups.flatMap((g) => g.types ?? []))
    expect([...types].sort()).toEqual([...groupTypes].sort())
    expect(new Set(exampleGroups.map((g) => g.leadership))).toEqual(
      new Set(['peer', 'professional']),
    )
    expect(exampleGroups.some((g) => g.independence === 'hospital_sponsored')).toBe(true)
    expect(exampleOrganisations.some((o) => o.parent_id)).toBe(true)
    // Every address and link is an example one.
    const links = JSON.stringify([exampleGroups, exampleOrganisations]).match(
      /https?:\/\/[^"]+|[\w.-]+@[\w.-]+/g,
    )!
    for (const link of links) expect(link, link).toMatch(/example\.(jp|org)\b/)
  })

  it('starts empty, with a first-run panel on the home page', async () => {
    expect(await directorySize(t.deps)).toBe(0)
    const body = await (await t.app.request('/', { headers: { 'accept-language': 'en' } })).text()
    expect(body).toContain(translate('en', 'firstRun.heading'))
    expect(body).toContain('npm run cli -- demo')
    expect(body).toContain('npm run cli -- import-hsds')
  })

  it('loads, and loads again without changing anything', async () => {
    const first = await loadDemo(t.deps, { limit: 15 })
    expect(first).toEqual({
      organisations: { created: 30 + exampleOrganisations.length, updated: 0, unchanged: 0 },
      groups: { created: 30, updated: 0, unchanged: 0 },
      examples: { created: exampleGroups.length, updated: 0, unchanged: 0 },
    })
    const again = await loadDemo(t.deps, { limit: 15 })
    expect(again).toEqual({
      organisations: { created: 0, updated: 0, unchanged: 30 + exampleOrganisations.length },
      groups: { created: 0, updated: 0, unchanged: 30 },
      examples: { created: 0, updated: 0, unchanged: exampleGroups.length },
    })
    const history = await t.deps.db
      .selectFrom('field_history')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    expect(Number(history.n)).toBe(0)
    const home = await (await t.app.request('/', { headers: { 'accept-language': 'en' } })).text()
    expect(home).not.toContain(translate('en', 'firstRun.heading'))
  })

  it('shows a register listing and an example on their pages, and in the sitemap', async () => {
    const uk = await t.app.request('/groups/GB-CHC-1007685.listing', {
      headers: { 'accept-language': 'ja' },
    })
    expect(uk.status).toBe(200)
    const page = await uk.text()
    expect(page).toContain(
      translate('ja', 'group.trust.register', {
        register: translate('ja', 'group.register.GB-CHC'),
      }),
    )
    expect(page).toContain('<h1 lang="en">Positively UK</h1>')
    expect(page).toContain('HIV感染症')
    expect(page).not.toContain(translate('ja', 'group.status.accepting'))
    const example = await (
      await t.app.request('/groups/example-grp-wakachiai', { headers: { 'accept-language': 'en' } })
    ).text()
    expect(example).toContain('made-up example')
    expect(example).toContain(translate('en', 'group.cond.screening'))
    const chapter = await t.app.request('/organisations/example-org-nanbyo-network')
    expect(await chapter.text()).toContain('href="/organisations/example-org-nanbyo-shizuoka"')
    const sitemap = await (await t.app.request('/sitemap.xml')).text()
    expect(sitemap.match(/<url>/g)).toHaveLength(
      30 + exampleGroups.length + 30 + new Set(exampleGroups.map((g) => g.organisation_id)).size,
    )
  })
})
