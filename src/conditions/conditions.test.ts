import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../tests/app.ts'
import type { ConditionHit } from './conditions.service.ts'

describe('GET /api/v1/conditions', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>
  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(() => t.close())

  const search = async (q: string, limit = 5) => {
    const res = await t.app.request(`/api/v1/conditions?q=${encodeURIComponent(q)}&limit=${limit}`)
    expect(res.status).toBe(200)
    return ((await res.json()) as { items: ConditionHit[] }).items
  }
  const ids = (items: ConditionHit[]) => items.map((item) => item.id)

  it('finds a designated disease by its Japanese name, reading and katakana', async () => {
    for (const q of [
      '筋萎縮性側索硬化症',
      'きんいしゅくせいそくさくこうかしょう',
      'ポンペ病',
      'ﾎﾟﾝﾍﾟ病',
    ]) {
      const [first] = await search(q)
      expect(first?.names.ja, q).toMatch(/筋萎縮性側索硬化症|ポンペ病/)
      expect(first?.score).toBe(1)
    }
  })

  it('answers in the contract shape, with every code of the concept', async () => {
    const [als] = await search('筋萎縮性側索硬化症', 1)
    expect(Object.keys(als ?? {}).sort()).toEqual(['codes', 'id', 'names', 'score'])
    expect(als?.id).toBe('NANDO:1200002')
    expect(als?.names).toEqual({ ja: '筋萎縮性側索硬化症', en: 'Amyotrophic lateral sclerosis' })
    expect(als?.score).toBe(1)
    for (const code of [
      'NANDO:1200002',
      'MONDO:0004976',
      'ORPHA:803',
      'ICD10CM:G12.21',
      'DOID:332',
    ]) {
      expect(als?.codes).toContain(code)
    }
  })

  it('finds English labels, synonyms, abbreviations and small typos', async () => {
    expect(ids(await search('Amyotrophic lateral sclerosis'))).toContain('NANDO:1200002')
    expect(ids(await search('ALS'))[0]).toBe('NANDO:1200002')
    expect(ids(await search("Lou Gehrig's disease"))).toContain('NANDO:1200002')
    expect(ids(await search('amyotrophic lateral sclerosys'))).toContain('NANDO:1200002')
  })

  it('finds mixed Latin and Japanese names', async () => {
    expect((await search('IgA腎症'))[0]?.names.en).toBe('IgA nephropathy')
  })

  it('finds common conditions from our own list in both languages', async () => {
    const [ja] = await search('乳癌')
    const [en] = await search('breast cancer')
    expect(ja?.id).toBe('DOID:1612')
    expect(en?.id).toBe('DOID:1612')
    expect(ja?.names).toEqual({ ja: '乳がん', en: 'Breast cancer' })
    expect(ids(await search('がん'))[0]).toBe('DOID:162')
    expect(ids(await search('leukaemia'))).toContain('DOID:1240')
  })

  it('looks a concept up by any of its codes, whatever the case', async () => {
    for (const q of ['ORPHA:803', 'orpha:803', 'mondo:0004976', 'DOID:332', 'NANDO:1200002']) {
      expect(ids(await search(q))[0], q).toBe('NANDO:1200002')
    }
    expect(ids(await search('ICD10:C50'))).toContain('DOID:1612')
  })

  it('ranks preferred names above synonyms and keeps scores within 0..1', async () => {
    const items = await search('parkinson', 10)
    expect(items[0]?.names.en).toBe("Parkinson's disease")
    for (const item of items) {
      expect(item.score).toBeGreaterThanOrEqual(0)
      expect(item.score).toBeLessThanOrEqual(1)
    }
    const scores = items.map((item) => item.score)
    expect(scores).toEqual([...scores].sort((a, b) => b - a))
  })

  it('honours limit', async () => {
    expect(await search('syndrome', 3)).toHaveLength(3)
    expect(await search('syndrome', 50)).toHaveLength(50)
  })

  it('answers an empty or blank query with no items', async () => {
    expect(await search('')).toEqual([])
    expect(await search('  ・ ')).toEqual([])
    const res = await t.app.request('/api/v1/conditions')
    expect(await res.json()).toEqual({ items: [] })
  })

  it('treats LIKE wildcards in the query as text', async () => {
    expect(await search('%')).toEqual([])
    expect(await search('_')).toEqual([])
  })
})
