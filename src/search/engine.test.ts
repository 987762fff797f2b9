import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDb } from '../../tests/db.ts'
import { searchParams as params } from '../../tests/search-params.ts'
import { generateDirectory, makeRandom, queryMix } from '../../scripts/bench-search-data.ts'
import type { DbHandle } from '#src/platform/db.ts'
import type { DirectoryIndex } from './directory-index.ts'
import { directoryIndex } from './index-holder.ts'
import { makePlan } from './engine.ts'
import { runPlan } from './run-plan.ts'
import { lexiconOf, type Lexicon } from './lexicon.ts'
import { nextMeetingOf } from '#src/directory/schedule.ts'

describe('search engine on a synthetic directory', () => {
  let handle: DbHandle
  let lexicon: Lexicon
  let index: DirectoryIndex
  let searches: string[]
  beforeAll(async () => {
    handle = await createTestDb()
    await generateDirectory(handle.db, 3000, { seed: 5 })
    lexicon = await lexiconOf(handle.db)
    index = await directoryIndex(handle.db)
    searches = (await queryMix(handle.db, makeRandom(11))).searches
  })
  afterAll(() => handle.close())

  it('finds, counts and ranks the same whether it checks candidates or reads words of bits', () => {
    const now = new Date('2026-11-22T00:00:00Z')
    let compared = 0
    // A place with a rare audience: the place is left to be asked of each candidate.
    const rare = ['きょうだい', '遺族', 'siblings', 'bereaved'].flatMap((a) =>
      ['熊本', '北海道', 'Osaka', 'Tokyo'].map(
        (p) => `/api/v1/groups?q=${encodeURIComponent(`${p} ${a}`)}`,
      ),
    )
    for (const query of [...rare, ...searches.slice(0, 400)]) {
      const p = params(query)
      for (const locale of ['ja', 'en'] as const) {
        const plan = makePlan(lexicon, index, p, locale)
        // A short page as well, so that the page fills early and ranking stops early.
        for (const limit of [30, 3]) {
          const scan = runPlan(plan, index, { now, limit, strategy: 'scan' })
          // Both ways of counting and ranking the words: every match scored, and only the best;
          // the nearest local matches found cell by cell, and by each one's distance.
          for (const [few, nearestShare] of [
            [Infinity, 0],
            [0, 0],
            [0, Infinity],
          ] as const) {
            const options = { now, limit, strategy: 'words', few, nearestShare } as const
            const words = runPlan(plan, index, options)
            expect(words.total, query).toBe(scan.total)
            expect(words.facets, query).toEqual(scan.facets)
            expect(
              words.matches.map((m) => [index.ids.of(m.slot), Math.round(m.score * 1e6)]),
              query,
            ).toEqual(scan.matches.map((m) => [index.ids.of(m.slot), Math.round(m.score * 1e6)]))
          }
          if (limit === 30) compared += scan.total
        }
      }
    }
    // The mix finds something: the comparison is not of empty answers.
    expect(compared).toBeGreaterThan(10_000)
  })

  it('hides listings not confirmed for eighteen months either way', () => {
    const later = new Date('2027-08-01T00:00:00Z')
    const plan = makePlan(lexicon, index, params('/api/v1/groups?per_page=20'), 'ja')
    const scan = runPlan(plan, index, { now: later, limit: 20, strategy: 'scan' })
    const sets = runPlan(plan, index, { now: later, limit: 20, strategy: 'words' })
    expect(sets.total).toBe(scan.total)
    expect(scan.total).toBeLessThan(index.size)
  })
})

describe('next meetings remembered per set of meeting rules', () => {
  let handle: DbHandle
  let index: DirectoryIndex
  beforeAll(async () => {
    handle = await createTestDb()
    await generateDirectory(handle.db, 300, { seed: 9 })
    index = await directoryIndex(handle.db)
  })
  afterAll(() => handle.close())

  it('answers as working them out each time would, as time goes on and back', () => {
    const start = Date.parse('2026-11-22T00:00:00Z')
    // Forward in steps of a few hours past many meetings, then back to the start.
    const times = [...Array.from({ length: 120 }, (_, i) => start + i * 7 * 3600_000), start]
    let meetings = 0
    for (const t of times) {
      for (let slot = 0; slot < index.size; slot += 7) {
        const expected = nextMeetingOf(index.schedules(slot), new Date(t))
        expect(index.nextMeeting(slot, new Date(t))).toBe(expected)
        if (expected) meetings++
      }
    }
    expect(meetings).toBeGreaterThan(1000)
  })
})
