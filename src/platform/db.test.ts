import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDb } from '../../tests/db.ts'
import { localWrites, type DbHandle } from './db.ts'

const localWriteCount = (db: DbHandle['db']) => localWrites(db)!.count

describe('the count of writes made through a database handle', () => {
  let handle: DbHandle
  beforeAll(async () => {
    handle = await createTestDb()
  })
  afterAll(() => handle.close())

  it('counts statements that may write, once they have run, and not reads', async () => {
    const { db } = handle
    // Only the embedded database is this process's alone; other processes write to a server.
    expect(localWrites(db)!.only).toBe(handle.kind === 'pglite')
    const before = localWriteCount(db)
    await db.selectFrom('place').select('id').limit(1).execute()
    await sql`select 1`.execute(db)
    expect(localWriteCount(db)).toBe(before)

    await sql`create temporary table scratch (n int)`.execute(db)
    await db.transaction().execute(async (trx) => {
      await sql`insert into scratch values (1)`.execute(trx)
      expect(localWriteCount(db)).toBe(before + 2)
    })
    await sql`update scratch set n = 2`.execute(db)
    expect(localWriteCount(db)).toBe(before + 3)
    await expect(sql`insert into scratch values ('not a number')`.execute(db)).rejects.toThrow()
    expect(localWriteCount(db)).toBe(before + 3)
  })
})
