import { sql } from 'kysely'
import type { Db } from '#src/platform/db.ts'

/**
 * Runs a bulk load with the tables' secondary indexes and foreign keys set aside, then puts them
 * back from their own definitions. Building a trigram index once, and checking a foreign key with
 * one join, is several times faster than maintaining both row by row; on PGlite it is the
 * difference between a slow first start and a quick one. The definitions are read from the
 * catalogue, so the migrations stay the only place that declares them.
 */
export async function withoutSecondaryIndexes(
  db: Db,
  tables: string[],
  work: () => Promise<void>,
): Promise<void> {
  const indexes = await sql<{ name: string; definition: string }>`
    select i.indexname as name, i.indexdef as definition
    from pg_indexes i
    where i.schemaname = current_schema() and i.tablename in (${sql.join(tables)})
      and not exists (
        select 1 from pg_constraint c
        where c.conname = i.indexname and c.connamespace = to_regnamespace(current_schema())
      )
  `.execute(db)
  const foreignKeys = await sql<{ table: string; name: string; definition: string }>`
    select t.relname as table, c.conname as name, pg_get_constraintdef(c.oid) as definition
    from pg_constraint c join pg_class t on t.oid = c.conrelid
    where c.contype = 'f' and t.relnamespace = to_regnamespace(current_schema())
      and t.relname in (${sql.join(tables)})
  `.execute(db)

  for (const fk of foreignKeys.rows) {
    await sql`alter table ${sql.id(fk.table)} drop constraint ${sql.id(fk.name)}`.execute(db)
  }
  for (const index of indexes.rows) await sql`drop index ${sql.id(index.name)}`.execute(db)
  await work()
  for (const index of indexes.rows) await sql.raw(index.definition).execute(db)
  for (const fk of foreignKeys.rows) {
    await sql`alter table ${sql.id(fk.table)} add constraint ${sql.id(fk.name)} ${sql.raw(fk.definition)}`.execute(
      db,
    )
  }
}
