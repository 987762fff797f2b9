import { sql, type Kysely } from 'kysely'

// Migrations take Kysely<any>: they describe the schema as it was then, not as the types say now.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists pg_trgm`.execute(db)

  await db.schema
    .createTable('condition')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name_ja', 'text')
    .addColumn('name_en', 'text')
    .addColumn('reading_ja', 'text')
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(sql`kind in ('disease', 'group', 'situation')`),
    )
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('parents', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('codes', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('weight', 'real', (c) => c.notNull().defaultTo(1))
    .execute()

  await db.schema
    .createTable('condition_code')
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('condition_id', 'text', (c) =>
      c.notNull().references('condition.id').onDelete('cascade'),
    )
    .addPrimaryKeyConstraint('condition_code_pk', ['code', 'condition_id'])
    .execute()
  await db.schema
    .createIndex('condition_code_condition')
    .on('condition_code')
    .column('condition_id')
    .execute()

  await db.schema
    .createTable('condition_name')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('condition_id', 'text', (c) =>
      c.notNull().references('condition.id').onDelete('cascade'),
    )
    .addColumn('lang', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(sql`kind in ('preferred', 'synonym', 'reading', 'abbreviation')`),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('norm', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('condition_name_condition')
    .on('condition_name')
    .column('condition_id')
    .execute()
  await sql`create index condition_name_norm_prefix on condition_name (norm text_pattern_ops)`.execute(
    db,
  )
  await sql`create index condition_name_norm_trgm on condition_name using gin (norm gin_trgm_ops)`.execute(
    db,
  )

  await db.schema
    .createTable('place')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(sql`kind in ('country', 'prefecture', 'municipality')`),
    )
    .addColumn('name_ja', 'text')
    .addColumn('name_en', 'text')
    .addColumn('reading_ja', 'text')
    .addColumn('parent_id', 'text')
    .addColumn('lat', 'double precision')
    .addColumn('lon', 'double precision')
    .execute()
  await db.schema.createIndex('place_parent').on('place').column('parent_id').execute()

  await db.schema
    .createTable('reference_dataset')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('checksum', 'text', (c) => c.notNull())
    .addColumn('rows', 'integer', (c) => c.notNull())
    .addColumn('loaded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'reference_dataset',
    'place',
    'condition_name',
    'condition_code',
    'condition',
  ]) {
    await db.schema.dropTable(table).ifExists().execute()
  }
}
