import { sql, type Kysely } from 'kysely'

// Migrations take Kysely<any>: they describe the schema as it was then, not as the types say now.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // An erased account keeps its row, emptied, so that records others need can still point at it.
  await db.schema
    .createTable('app_user')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('email', 'text', (c) => c.unique().check(sql`email = lower(email)`))
    .addColumn('email_confirmed_at', 'timestamptz')
    .addColumn('password_hash', 'text')
    .addColumn('display_name', 'text')
    .addColumn('locale', 'text', (c) =>
      c
        .notNull()
        .defaultTo('ja')
        .check(sql`locale in ('ja', 'en')`),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('erased_at', 'timestamptz')
    .addCheckConstraint(
      'app_user_erased_is_empty',
      sql`erased_at is null or (email is null and password_hash is null and display_name is null)`,
    )
    .execute()

  await db.schema
    .createTable('user_session')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    // The cookie holds the token; the database only its SHA-256, so a read of this table signs
    // nobody in.
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('reauthenticated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('user_agent', 'text')
    .execute()
  await db.schema.createIndex('user_session_user').on('user_session').column('user_id').execute()
  await db.schema
    .createIndex('user_session_expires')
    .on('user_session')
    .column('expires_at')
    .execute()

  await db.schema
    .createTable('auth_token')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('purpose', 'text', (c) =>
      c.notNull().check(sql`purpose in ('confirm_email', 'reset_password', 'change_email')`),
    )
    // Null for a sign-up not yet confirmed: the account is made only when the address is proven.
    .addColumn('user_id', 'uuid', (c) => c.references('app_user.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('pending_password_hash', 'text')
    .addColumn('pending_display_name', 'text')
    .addColumn('pending_locale', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .execute()
  await db.schema.createIndex('auth_token_user').on('auth_token').column('user_id').execute()
  await db.schema.createIndex('auth_token_email').on('auth_token').column('email').execute()
  await db.schema.createIndex('auth_token_expires').on('auth_token').column('expires_at').execute()

  await db.schema
    .createTable('role_membership')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
    .addColumn('scope_type', 'text', (c) => c.notNull())
    .addColumn('scope_id', 'text')
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('granted_at', 'timestamptz', (c) => c.notNull())
    .addColumn('granted_by', 'uuid')
    .addCheckConstraint(
      'role_membership_valid',
      sql`(scope_type = 'platform' and scope_id is null and role in ('admin', 'moderator', 'clinician'))
       or (scope_type = 'organisation' and scope_id is not null and role in ('admin', 'staff'))
       or (scope_type = 'group' and scope_id is not null
           and role in ('facilitator', 'co_facilitator', 'member'))`,
    )
    .execute()
  await sql`create unique index role_membership_unique
    on role_membership (user_id, scope_type, coalesce(scope_id, ''), role)`.execute(db)

  await db.schema
    .createTable('consent')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('text_version', 'text', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('given_at', 'timestamptz', (c) => c.notNull())
    .addColumn('withdrawn_at', 'timestamptz')
    .execute()
  await sql`create unique index consent_one_active
    on consent (user_id, purpose) where withdrawn_at is null`.execute(db)

  // Ids are assigned by the writer (the previous id + 1) under a lock, so the chain has no gaps
  // and two writers cannot both extend the same entry.
  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'bigint', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor_id', 'uuid')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('subject_type', 'text')
    .addColumn('subject_id', 'text')
    .addColumn('scope', 'text')
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('audit_log_actor').on('audit_log').column('actor_id').execute()
  await db.schema
    .createIndex('audit_log_subject')
    .on('audit_log')
    .columns(['subject_type', 'subject_id'])
    .execute()
  // Append-only in the database too: the application's own bugs cannot rewrite history, and
  // whoever can drop this trigger can also be caught by the chain.
  await sql`create function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only';
    end
  $$`.execute(db)
  await sql`create trigger audit_log_append_only before update or delete or truncate on audit_log
    for each statement execute function audit_log_append_only()`.execute(db)

  // Counters live in the database so that every instance of the server counts the same requests.
  await db.schema
    .createTable('rate_limit')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('window_start', 'timestamptz', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('rate_limit_pk', ['key', 'window_start'])
    .execute()
  await db.schema.createIndex('rate_limit_window').on('rate_limit').column('window_start').execute()
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'rate_limit',
    'audit_log',
    'consent',
    'role_membership',
    'auth_token',
    'user_session',
    'app_user',
  ]) {
    await db.schema.dropTable(table).ifExists().execute()
  }
  await sql`drop function if exists audit_log_append_only()`.execute(db)
}
