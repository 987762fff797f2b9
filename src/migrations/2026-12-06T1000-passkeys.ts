import { sql, type Kysely } from 'kysely'

// Migrations take Kysely<any>: they describe the schema as it was then, not as the types say now.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('passkey_credential')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
    // The authenticator's id for the credential, base64url: how an assertion names its key.
    .addColumn('credential_id', 'text', (c) => c.notNull().unique())
    // The public key in COSE form, base64url. Public: a copy of it signs nobody in.
    .addColumn('public_key', 'text', (c) => c.notNull())
    // The authenticator's signature counter; one that goes backwards betrays a cloned key.
    .addColumn('counter', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('transports', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('device_type', 'text', (c) =>
      c.notNull().check(sql`device_type in ('singleDevice', 'multiDevice')`),
    )
    .addColumn('backed_up', 'boolean', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull().check(sql`char_length(name) <= 60`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_used_at', 'timestamptz')
    .execute()
  await db.schema
    .createIndex('passkey_credential_user')
    .on('passkey_credential')
    .column('user_id')
    .execute()

  // One row per challenge handed out, spent by the answer to it: an assertion cannot be replayed.
  await db.schema
    .createTable('webauthn_challenge')
    .addColumn('challenge_hash', 'text', (c) => c.primaryKey())
    .addColumn('purpose', 'text', (c) =>
      c.notNull().check(sql`purpose in ('register', 'authenticate')`),
    )
    // Whose key may answer; null when any passkey may (signing in without a password).
    .addColumn('user_id', 'uuid', (c) => c.references('app_user.id').onDelete('cascade'))
    // The session that asked, when one did: only it may answer (a half-done sign-in, a step up).
    .addColumn('session_id', 'uuid', (c) => c.references('user_session.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('webauthn_challenge_expires')
    .on('webauthn_challenge')
    .column('expires_at')
    .execute()

  // Organisation admins read their organisation's entries of the audit log, newest first.
  await db.schema.createIndex('audit_log_scope').on('audit_log').columns(['scope', 'id']).execute()
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('audit_log_scope').ifExists().execute()
  await db.schema.dropTable('webauthn_challenge').ifExists().execute()
  await db.schema.dropTable('passkey_credential').ifExists().execute()
}
