import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDb } from '../../tests/db.ts'
import type { DbHandle } from '#src/platform/db.ts'
import { rankConditionNames, similarity, wordSimilarity } from './condition-names.ts'
import { lexiconOf, type Lexicon } from './lexicon.ts'

/** A typo: one character dropped, doubled or swapped, chosen by position. */
function typo(text: string, n: number): string {
  const at = 1 + (n % Math.max(1, text.length - 2))
  if (n % 3 === 0) return text.slice(0, at) + text.slice(at + 1)
  if (n % 3 === 1) return text.slice(0, at) + text[at] + text.slice(at)
  return text.slice(0, at - 1) + (text[at] ?? '') + text[at - 1] + text.slice(at + 1)
}

describe('condition names in memory', () => {
  let handle: DbHandle
  let lexicon: Lexicon
  let pairs: { query: string; name: string }[]
  beforeAll(async () => {
    handle = await createTestDb()
    lexicon = await lexiconOf(handle.db)
    // Latin names only: whether pg_trgm counts kana and kanji as letters depends on the server's
    // locale, while ours always does.
    const latin = lexicon.sortedNames.filter((n) => /^[a-z0-9 ,'-]+$/.test(n))
    pairs = []
    for (let i = 0; i < 400; i++) {
      const name = latin[(i * 7919) % latin.length]!
      const other = latin[(i * 104729 + 13) % latin.length]!
      const words = name.split(' ')
      const query = i % 2 === 0 ? typo(name, i) : typo(words[i % words.length]!, i)
      pairs.push({ query, name }, { query, name: other })
    }
  })
  afterAll(() => handle.close())

  it('measures similarity and word similarity as pg_trgm does', async () => {
    const rows = await sql<{ query: string; name: string; s: number; w: number }>`
      select p.query, p.name, similarity(p.name, p.query) as s, word_similarity(p.query, p.name) as w
      from jsonb_to_recordset(${JSON.stringify(pairs)}::jsonb) as p(query text, name text)
    `.execute(handle.db)
    expect(rows.rows).toHaveLength(pairs.length)
    let wordDifferences = 0
    for (const r of rows.rows) {
      expect(similarity(r.name, r.query), `${r.query} ~ ${r.name}`).toBeCloseTo(r.s, 5)
      if (Math.abs(wordSimilarity(r.query, r.name) - r.w) > 1e-5) wordDifferences++
    }
    expect(wordDifferences).toBe(0)
  })

  it('ranks an exact name first, then names that start with the query', () => {
    const hits = rankConditionNames(lexicon, 'asthma', 10)
    const ids = hits.map((h) => lexicon.concepts[h.concept]!)
    expect(ids[0]!.en?.toLowerCase()).toBe('asthma')
    expect(hits[0]!.score).toBe(1)
    expect(hits.every((h, i) => i === 0 || h.score <= hits[i - 1]!.score)).toBe(true)
  })

  it('finds a Japanese name by its head at the end, and a reading only at its end', () => {
    const hits = rankConditionNames(lexicon, 'がん', 10).map((h) => lexicon.concepts[h.concept]!)
    expect(hits.length).toBe(10)
    expect(hits.some((c) => c.ja?.endsWith('がん'))).toBe(true)
  })

  it('tolerates a typo only when the literal matches do not fill the page', () => {
    const exact = rankConditionNames(lexicon, 'schizophrenia', 5)
    const typoHits = rankConditionNames(lexicon, 'schizofrenia', 5)
    expect(typoHits.map((h) => h.concept)).toContain(exact[0]!.concept)
    expect(rankConditionNames(lexicon, 'zzzzqqq', 5)).toEqual([])
  })
})
