import { deepStrictEqual } from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { serialize } from 'node:v8'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDb } from '../../tests/db.ts'
import { searchParams as params } from '../../tests/search-params.ts'
import { generateDirectory, makeRandom, queryMix } from '../../scripts/bench-search-data.ts'
import type { DbHandle } from '#src/platform/db.ts'
import type { DirectoryIndex } from './directory-index.ts'
import { makePlan } from './engine.ts'
import { buildIndex, buildIndexInChild, loadRecords } from './index-load.ts'
import { readIndex, writeIndex } from './index-transfer.ts'
import { lexiconOf, type Lexicon } from './lexicon.ts'
import { runPlan } from './run-plan.ts'

const now = new Date('2026-11-22T00:00:00Z')

describe('an index built elsewhere and handed over', () => {
  let handle: DbHandle & { url?: string }
  let lexicon: Lexicon
  let searches: string[]
  beforeAll(async () => {
    handle = await createTestDb()
    await generateDirectory(handle.db, 1500, { seed: 9 })
    lexicon = await lexiconOf(handle.db)
    searches = (await queryMix(handle.db, makeRandom(3))).searches.slice(0, 150)
  })
  afterAll(() => handle.close())

  const answers = (index: DirectoryIndex) =>
    searches.map((query) => {
      const p = params(query)
      const run = runPlan(makePlan(lexicon, index, p, 'ja'), index, { now, limit: 20 })
      return { total: run.total, facets: run.facets, slots: run.matches.map((m) => m.slot) }
    })

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomoni-index-test-'))
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))
  const file = path.join(dir, 'index')
  const roundTrip = (index: DirectoryIndex) => {
    writeIndex(index, file)
    return readIndex(file)
  }

  it('arrives whole: the same classes, arrays and maps, and the same answers', async () => {
    const built = await buildIndex(handle.db)
    const arrived = roundTrip(built)
    deepStrictEqual(arrived, built)
    expect(answers(arrived)).toEqual(answers(built))
    // The answers are not all empty: the comparison means something.
    expect(answers(built).filter((a) => a.total > 0).length).toBeGreaterThan(50)
  })

  it('keeps working as groups change after it arrived', async () => {
    const built = await buildIndex(handle.db)
    const arrived = roundTrip(built)
    // Every tenth group changes (a new slot each), past the arrays' spare room.
    const records = await loadRecords(handle.db, { afterId: '', limit: 2000 })
    for (const index of [built, arrived]) {
      for (const r of records.filter((_, i) => i % 10 === 0)) index.upsert({ ...r, free: !r.free })
      index.remove(records[1]!.id)
    }
    expect(arrived.dead).toBe(built.dead)
    deepStrictEqual(answers(arrived), answers(built))
  })

  it('refuses what is not an index, and a file cut short', async () => {
    const write = (value: unknown) => {
      const head = serialize({ value, arrays: [] })
      const size = Buffer.alloc(8)
      size.writeBigUInt64LE(BigInt(head.length))
      fs.writeFileSync(file, Buffer.concat([size, head]))
    }
    write({ __class: 'Nothing' })
    expect(() => readIndex(file)).toThrow(/unknown class/)
    write({ __class: 'toString' })
    expect(() => readIndex(file)).toThrow(/unknown class/)
    write({ size: 3 })
    expect(() => readIndex(file)).toThrow(/not a directory index/)
    write({ __array: 0 })
    expect(() => readIndex(file)).toThrow(/does not hold/)
    expect(() => writeIndex({ f: () => 1 } as never, file)).toThrow(/function/)
    writeIndex(await buildIndex(handle.db), file)
    fs.truncateSync(file, fs.statSync(file).size - 100)
    expect(() => readIndex(file)).toThrow(/cut short/)
  })

  // A child process needs a server to connect to; PGlite is this process's alone.
  if (process.env.TEST_DATABASE_URL) {
    it('is the same when a child process builds it from a PostgreSQL server', async () => {
      const [child, here] = await Promise.all([
        buildIndexInChild(handle.url!),
        buildIndex(handle.db),
      ])
      deepStrictEqual(child, here)
    })
  }
})
