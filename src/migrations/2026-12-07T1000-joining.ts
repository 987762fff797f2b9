import { sql, type Kysely } from 'kysely'

/**
 * Joining a group: the passes (invitation links and referral codes) some join flows need, the
 * screening questionnaire and its answers, waiting lists with offers, and questions asked
 * anonymously before joining. Who belongs to a group is health information: see decision 060.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table group_pass (
      id uuid primary key default gen_random_uuid(),
      group_id text not null references grp(id) on delete cascade,
      kind text not null check (kind in ('invitation', 'referral')),
      -- Who the pass is for, in the facilitators' words ("Dr Sato, oncology ward").
      label text not null check (char_length(label) between 1 and 200),
      -- SHA-256 of the token, to find it; the token itself sealed, so facilitators can copy the
      -- link again later.
      token_hash text not null unique,
      token_sealed text not null,
      max_uses integer check (max_uses is null or max_uses > 0),
      uses integer not null default 0,
      expires_at timestamptz,
      revoked_at timestamptz,
      created_by uuid references app_user(id) on delete set null,
      created_at timestamptz not null
    )`.execute(db)
  await sql`create index group_pass_group on group_pass (group_id, created_at)`.execute(db)

  await sql`
    alter table membership
      -- What the person wrote to the facilitators with a request to join.
      add column note text check (note is null or char_length(note) <= 2000),
      -- The invitation or referral the person came with.
      add column pass_id uuid references group_pass(id) on delete set null,
      -- When the person joined the waiting list, and their place in it: a number from a sequence,
      -- so that two who joined in the same instant are still served in the order they came.
      add column waitlisted_at timestamptz,
      add column waitlist_position bigint,
      -- The end of an outstanding offer of a place.
      add column offer_expires_at timestamptz
  `.execute(db)
  await sql`create sequence waitlist_position_seq`.execute(db)
  await sql`
    create index membership_waitlist on membership (group_id, waitlist_position)
    where state = 'waitlisted'`.execute(db)

  await sql`
    create table questionnaire (
      id uuid primary key default gen_random_uuid(),
      group_id text not null references grp(id) on delete cascade,
      -- [{ id, kind: text|choice|scale, label, options?, required }]
      questions jsonb not null,
      created_by uuid references app_user(id) on delete set null,
      created_at timestamptz not null,
      -- Replaced by a newer version; answers keep pointing at the one they answered.
      retired_at timestamptz
    )`.execute(db)
  await sql`
    create unique index questionnaire_current on questionnaire (group_id)
    where retired_at is null`.execute(db)

  await sql`
    create table screening_answer (
      membership_id uuid primary key references membership(id) on delete cascade,
      questionnaire_id uuid not null references questionnaire(id) on delete cascade,
      -- The answers as JSON, sealed (secrets.ts): health data, for the group's facilitators only.
      answers_sealed text not null,
      submitted_at timestamptz not null
    )`.execute(db)

  await sql`
    create table group_question (
      id uuid primary key default gen_random_uuid(),
      group_id text not null references grp(id) on delete cascade,
      asker_user_id uuid references app_user(id) on delete cascade,
      -- For an asker without an account: the address, sealed; never shown to the group.
      asker_email_sealed text,
      asker_locale text not null check (asker_locale in ('ja', 'en')),
      -- The asker's relay token (the link in their mail): its SHA-256 to find the question, and
      -- the token sealed, to put in the next mail.
      token_hash text not null unique,
      token_sealed text not null,
      -- An address given without an account is confirmed by its link before anything is sent.
      confirmed_at timestamptz,
      -- Set when the asker chooses to tell the group who they are.
      revealed_at timestamptz,
      reveal_name text,
      created_at timestamptz not null,
      last_message_at timestamptz not null,
      check (asker_user_id is not null or asker_email_sealed is not null)
    )`.execute(db)
  await sql`create index group_question_group on group_question (group_id, last_message_at)`.execute(
    db,
  )
  await sql`create index group_question_asker on group_question (asker_user_id)`.execute(db)
  await sql`
    create table group_question_message (
      id bigint generated always as identity primary key,
      question_id uuid not null references group_question(id) on delete cascade,
      side text not null check (side in ('seeker', 'group')),
      author_id uuid references app_user(id) on delete set null,
      body text not null check (char_length(body) between 1 and 4000),
      created_at timestamptz not null
    )`.execute(db)
  await sql`
    create index group_question_message_question on group_question_message (question_id, id)
  `.execute(db)
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table group_question_message`.execute(db)
  await sql`drop table group_question`.execute(db)
  await sql`drop table screening_answer`.execute(db)
  await sql`drop table questionnaire`.execute(db)
  await sql`
    alter table membership drop column note, drop column pass_id, drop column waitlisted_at,
      drop column waitlist_position, drop column offer_expires_at`.execute(db)
  await sql`drop sequence waitlist_position_seq`.execute(db)
  await sql`drop table group_pass`.execute(db)
}
