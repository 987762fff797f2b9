import { sql } from 'kysely'
import { Migrator } from 'kysely/migration'
import { migrations } from '#src/migrations/index.ts'
import type { Db } from './db.ts'

/**
 * Brings the schema up to date. On PostgreSQL Kysely holds an advisory lock while it migrates,
 * so several instances starting at once run each migration exactly once.
 */
export async function migrateToLatest(db: Db): Promise<string[]> {
  // One connection, without the pool's statement timeout: rewriting a large directory's rows
  // (a million groups) takes longer than any one request may, and is not a runaway query.
  return db.connection().execute(async (conn) => {
    await sql`set statement_timeout = 0`.execute(conn)
    try {
      const migrator = new Migrator({
        db: conn,
        provider: { getMigrations: () => Promise.resolve(migrations) },
      })
      const { error, results } = await migrator.migrateToLatest()
      if (error) {
        throw error instanceof Error ? error : new Error('migration failed', { cause: error })
      }
      return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
    } finally {
      await sql`reset statement_timeout`.execute(conn)
    }
  })
}

/** True when every known migration has run: the readiness check. */
export async function isMigrated(db: Db): Promise<boolean> {
  const names = Object.keys(migrations)
  const result = await sql<{ n: number }>`
    select count(*)::int as n from kysely_migration where name in (${sql.join(names)})
  `.execute(db)
  return result.rows[0]?.n === names.length
}
