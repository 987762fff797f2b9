import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDb } from '../../tests/db.ts'
import { searchParams as params } from '../../tests/search-params.ts'
import { generateDirectory, makeRandom, queryMix } from '../../scripts/bench-search-data.ts'
import type { DbHandle } from '#src/platform/db.ts'
import type { DirectoryIndex } from './directory-index.ts'
import { makePlan, type Plan } from './engine.ts'
import {
  directoryIndex,
  searchOnThreads,
  searchThreadsAnswered,
  stopSearchThreads,
} from './index-holder.ts'
import { buildIndex, loadRecords } from './index-load.ts'
import { sharedFromBytes } from './index-transfer.ts'
import { lexiconOf, type Lexicon } from './lexicon.ts'
import { runPlan } from './run-plan.ts'
import { searchGroups } from './search.service.ts'
import { SearchThreads, shareArrays } from './search-threads.ts'

const now = new Date('2026-11-22T00:00:00Z')

describe('searches on worker threads', () => {
  let handle: DbHandle
  let lexicon: Lexicon
  let searches: string[]
  let threads: SearchThreads
  beforeAll(async () => {
    handle = await createTestDb()
    await generateDirectory(handle.db, 1500, { seed: 5 })
    lexicon = await lexiconOf(handle.db)
    searches = (await queryMix(handle.db, makeRandom(4))).searches.slice(0, 120)
    threads = new SearchThreads(2)
  })
  afterAll(async () => {
    await threads.close()
    await handle.close()
  })

  const plansFor = (index: DirectoryIndex) =>
    searches.map((query) => {
      const p = params(query)
      return { plan: makePlan(lexicon, index, p, 'ja'), limit: p.page * p.perPage }
    })
  const here = (index: DirectoryIndex, plans: { plan: Plan; limit: number }[]) =>
    plans.map(({ plan, limit }) => runPlan(plan, index, { now, limit }))
  const there = (index: DirectoryIndex, plans: { plan: Plan; limit: number }[]) =>
    Promise.all(plans.map(({ plan, limit }) => threads.run(plan, index, { now, limit })))
  const ready = async (index: DirectoryIndex) => {
    for (let i = 0; i < 500 && !threads.serves(index); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    expect(threads.serves(index)).toBe(true)
  }

  it('answers as the server’s thread does, reading the index’s large arrays in shared memory', async () => {
    const index = await buildIndex(handle.db)
    threads.publish(index)
    // Every large array is now in shared memory; the rest is copied to each thread.
    expect(shareArrays(index)).toBe(0)
    const big = index.byTerm as unknown as Record<string, unknown>
    const arrays = Object.values(big).filter((a) => ArrayBuffer.isView(a))
    expect(arrays.some((a) => a.byteLength >= sharedFromBytes)).toBe(true)
    for (const a of arrays) {
      if (a.byteLength >= sharedFromBytes) expect(a.buffer).toBeInstanceOf(SharedArrayBuffer)
    }
    await ready(index)
    const plans = plansFor(index)
    const answered = threads.answered
    const results = await there(index, plans)
    expect(threads.answered - answered).toBe(plans.length)
    expect(results).toEqual(here(index, plans))
    // The comparison means something: most searches find groups.
    expect(results.filter((r) => r && r.total > 0).length).toBeGreaterThan(60)
  })

  it('finishes the searches in flight before the index may change, then sees the changes', async () => {
    const index = await buildIndex(handle.db)
    threads.publish(index)
    await ready(index)
    const plans = plansFor(index)
    let settled = 0
    const inFlight = plans.map(({ plan, limit }) =>
      threads.run(plan, index, { now, limit }).then((r) => {
        settled++
        return r
      }),
    )
    await threads.hold()
    expect(settled).toBe(plans.length)
    expect((await Promise.all(inFlight)).every((r) => r !== null)).toBe(true)
    // Held: new searches stay on the server's thread.
    expect(await threads.run(plans[0]!.plan, index, { now, limit: 20 })).toBeNull()
    expect(threads.serves(index)).toBe(false)

    // Changes past the arrays' spare room: grown arrays go to shared memory at the next publish.
    const records = await loadRecords(handle.db, { afterId: '', limit: 2000 })
    for (const r of records.filter((_, i) => i % 3 === 0)) index.upsert({ ...r, free: !r.free })
    index.remove(records[1]!.id)
    threads.publish(index)
    await ready(index)
    const after = plansFor(index)
    expect(await there(index, after)).toEqual(here(index, after))
  })

  it('leaves to the server’s thread an index it was not sent', async () => {
    const other = await buildIndex(handle.db)
    const plan = plansFor(other)[0]!
    expect(await threads.run(plan.plan, other, { now, limit: plan.limit })).toBeNull()
  })
})

describe('a server’s directory searched on threads', () => {
  let handle: DbHandle
  beforeAll(async () => {
    handle = await createTestDb()
    await generateDirectory(handle.db, 1200, { seed: 6 })
  })
  afterAll(async () => {
    await stopSearchThreads(handle.db)
    await handle.close()
  })

  const deps = () => ({ db: handle.db, clock: { now: () => now } })
  const search = (query: string) => searchGroups(deps(), params(query), 'ja')

  it('gives the answers the server’s thread gives, and keeps up with changes', async () => {
    const queries = (await queryMix(handle.db, makeRandom(8))).searches.slice(0, 60)
    const alone = await Promise.all(queries.map(search))

    searchOnThreads(handle.db, 2, 1000)
    for (let i = 0; i < 500 && searchThreadsAnswered(handle.db) === 0; i++) {
      await search(queries[0]!)
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    const before = searchThreadsAnswered(handle.db)
    expect(before).toBeGreaterThan(0)
    expect(await Promise.all(queries.map(search))).toEqual(alone)
    expect(searchThreadsAnswered(handle.db)).toBeGreaterThanOrEqual(before + queries.length)

    // A group the first search found is taken down: the next search no longer finds it.
    const first = alone.find((r) => r.items.length > 0)!
    const query = queries[alone.indexOf(first)]!
    const gone = first.items[0]!.id
    await sql`update grp set status = 'closed' where id = ${gone}`.execute(handle.db)
    const changed = await search(query)
    expect(changed.items.map((i) => i.id)).not.toContain(gone)
    expect(changed.total).toBe(first.total - 1)
    // Once the threads hold the changed index, they answer alike.
    const index = await directoryIndex(handle.db)
    expect(index.size).toBeGreaterThanOrEqual(1000)
    const served = searchThreadsAnswered(handle.db)
    for (let i = 0; i < 500 && searchThreadsAnswered(handle.db) === served; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      await search(query)
    }
    expect(searchThreadsAnswered(handle.db)).toBeGreaterThan(served)
    expect(await search(query)).toEqual(changed)
  })
})
