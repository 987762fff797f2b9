import { sql, type Kysely } from 'kysely'

// Migrations take Kysely<any>: they describe the schema as it was then, not as the types say now.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('totp_credential')
    .addColumn('user_id', 'uuid', (c) =>
      c.primaryKey().references('app_user.id').onDelete('cascade'),
    )
    // AES-256-GCM under a key derived from AUDIT_KEY: a copy of the table alone opens nothing.
    .addColumn('secret_encrypted', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('confirmed_at', 'timestamptz')
    // The last 30-second step a code was accepted for: a code is good once (no replay).
    .addColumn('last_used_step', 'bigint')
    .execute()

  await db.schema
    .createTable('recovery_code')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .execute()
  await db.schema.createIndex('recovery_code_user').on('recovery_code').column('user_id').execute()

  // A session whose password step is done but whose second factor is not yet grants nothing.
  await db.schema
    .alterTable('user_session')
    .addColumn('stage', 'text', (c) =>
      c
        .notNull()
        .defaultTo('full')
        .check(sql`stage in ('full', 'second_factor')`),
    )
    .execute()
  await db.schema.alterTable('user_session').addColumn('second_factor_at', 'timestamptz').execute()
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('user_session').dropColumn('second_factor_at').execute()
  await db.schema.alterTable('user_session').dropColumn('stage').execute()
  await db.schema.dropTable('recovery_code').ifExists().execute()
  await db.schema.dropTable('totp_credential').ifExists().execute()
}
