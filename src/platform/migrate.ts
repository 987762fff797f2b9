import { sql } from 'kysely'
import { Migrator } from 'kysely/migration'
import { migrations } from '#src/migrations/index.ts'
import type { Db } from './db.ts'

/**
 * Brings the schema up to date. On PostgreSQL Kysely holds an advisory lock while it migrates,
 * so several instances starting at once run each migration exactly once.
 */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
  })
  const { error, results } = await migrator.migrateToLatest()
  if (error) throw error instanceof Error ? error : new Error('migration failed', { cause: error })
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}

/** True when every known migration has run: the readiness check. */
export async function isMigrated(db: Db): Promise<boolean> {
  const names = Object.keys(migrations)
  const result = await sql<{ n: number }>`
    select count(*)::int as n from kysely_migration where name in (${sql.join(names)})
  `.execute(db)
  return result.rows[0]?.n === names.length
}
