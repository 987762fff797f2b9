import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { adminQuery, withDatabase } from '../../tests/db-template.ts'
import { openDatabase } from './db.ts'
import { migrateToLatest } from './migrate.ts'
import type { Database } from './database.ts'
import { parseEnv } from './env.ts'
import { startRuntime } from './runtime.ts'

const serverUrl = process.env.TEST_DATABASE_URL

describe('start-up', () => {
  // Each database has its own start-up hazard, so each run registers the test for its own.
  if (serverUrl) {
    it('migrates and loads reference data once when several instances start at once (PostgreSQL)', async () => {
      const url = serverUrl ?? ''
      const name = `tomoni_startup_${process.pid}`
      await adminQuery(url, `drop database if exists ${name}`)
      await adminQuery(url, `create database ${name}`)
      const env = parseEnv({ DATABASE_URL: withDatabase(url, name), LOG_LEVEL: 'silent' })
      const runtimes = await Promise.all([startRuntime(env), startRuntime(env), startRuntime(env)])
      try {
        const db = runtimes[0].deps.db
        const migrations = await sql<{ n: number }>`
          select count(*)::int as n from kysely_migration`.execute(db)
        const datasets = await db.selectFrom('reference_dataset').select('name').execute()
        expect(migrations.rows[0]!.n).toBeGreaterThan(0)
        expect(new Set(datasets.map((d) => d.name)).size).toBe(datasets.length)
      } finally {
        for (const r of runtimes) await r.handle.close()
        await adminQuery(url, `drop database if exists ${name}`)
      }
    })
    it('migrates without the statement timeout that bounds requests, and restores it after', async () => {
      const url = serverUrl ?? ''
      const name = `tomoni_migrate_${process.pid}`
      await adminQuery(url, `drop database if exists ${name}`)
      await adminQuery(url, `create database ${name}`)
      // One connection whose every statement may take a millisecond: a large directory's
      // rewrite takes minutes, and would be cancelled half-way.
      const pool = new pg.Pool({
        connectionString: withDatabase(url, name),
        max: 1,
        statement_timeout: 1,
      })
      const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
      try {
        expect((await migrateToLatest(db)).length).toBeGreaterThan(10)
        const shown = await sql<{ statement_timeout: string }>`show statement_timeout`.execute(db)
        expect(shown.rows[0]!.statement_timeout).toBe('1ms')
      } finally {
        await db.destroy()
        await adminQuery(url, `drop database if exists ${name}`)
      }
    })
  } else {
    it('refuses a second server on the same embedded database folder', async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomoni-lock-'))
      const first = await openDatabase({ dataDir })
      try {
        // Our own pid holds the lock; pretend it is another live process (pid 1 always exists).
        fs.writeFileSync(path.join(dataDir, 'tomoni.lock'), '1')
        await expect(openDatabase({ dataDir })).rejects.toThrow(/Another Tomoni/)
      } finally {
        await first.close()
        fs.rmSync(dataDir, { recursive: true, force: true })
      }
    })
  }
})
