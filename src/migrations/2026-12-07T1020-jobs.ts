import { sql, type Kysely } from 'kysely'

/**
 * The durable job queue and the notice ledger (decision 062). Jobs decide, at their time, who is
 * to be told what; each notice is one mail to one person, delivered at most once.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table job (
      id bigint generated always as identity primary key,
      kind text not null,
      -- Idempotency key: enqueueing the same key again adds nothing.
      key text not null unique,
      payload jsonb not null default '{}',
      run_at timestamptz not null,
      state text not null default 'queued' check (state in ('queued', 'running', 'done', 'failed')),
      attempts integer not null default 0,
      locked_until timestamptz,
      last_error text,
      created_at timestamptz not null,
      finished_at timestamptz
    )`.execute(db)
  await sql`create index job_due on job (run_at) where state in ('queued', 'running')`.execute(db)

  await sql`
    create table notice (
      id bigint generated always as identity primary key,
      -- Idempotency key: the same notice is never recorded twice.
      key text not null unique,
      kind text not null,
      -- The person it is for; their address and language are read when it is sent.
      user_id uuid references app_user(id) on delete cascade,
      group_id text references grp(id) on delete cascade,
      payload jsonb not null default '{}',
      state text not null default 'pending'
        check (state in ('pending', 'sending', 'sent', 'skipped', 'uncertain')),
      attempts integer not null default 0,
      created_at timestamptz not null,
      claimed_at timestamptz,
      finished_at timestamptz
    )`.execute(db)
  await sql`create index notice_pending on notice (created_at) where state in ('pending', 'sending')`.execute(
    db,
  )
  await sql`create index notice_user on notice (user_id)`.execute(db)
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table notice`.execute(db)
  await sql`drop table job`.execute(db)
}
