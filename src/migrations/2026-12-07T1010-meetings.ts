import { sql, type Kysely } from 'kysely'

/**
 * Meetings: recurring series (an RFC 5545 rule in the group's IANA zone), each occurrence a row
 * of its own once it is within the horizon; one-off gatherings and events are rows without a
 * series. RSVPs with a waiting list, and each person's private calendar feed. Decision 061.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const common = sql`
      kind text not null check (kind in ('meeting', 'event')),
      title text not null check (char_length(title) between 1 and 200),
      description text check (description is null or char_length(description) <= 5000),
      lang text not null check (lang in ('ja', 'en')),
      timezone text not null,
      format text not null check (format in ('in_person', 'online', 'hybrid')),
      venue text check (venue is null or char_length(venue) <= 500),
      venue_visibility text not null default 'attendees'
        check (venue_visibility in ('attendees', 'public')),
      online_url text check (online_url is null or char_length(online_url) <= 500),
      capacity integer check (capacity is null or capacity > 0),
      audience text not null check (audience in ('public', 'members')),
      -- [{ name, affiliation }]
      speakers jsonb not null default '[]'`
  await sql`
    create table meeting_series (
      id uuid primary key default gen_random_uuid(),
      group_id text not null references grp(id) on delete cascade,
      ${common},
      rrule text not null,
      -- Local dates are text, YYYY-MM-DD: both drivers give them back as they were written.
      dtstart text not null check (dtstart ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
      start_time text not null check (start_time ~ '^[0-2][0-9]:[0-5][0-9]$'),
      duration_minutes integer not null check (duration_minutes between 1 and 1440),
      -- Local dates on which the series does not meet.
      exdates text[] not null default '{}',
      -- Occurrences are rows up to this local date.
      materialised_until text,
      ended_at timestamptz,
      created_by uuid references app_user(id) on delete set null,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`.execute(db)
  await sql`create index meeting_series_group on meeting_series (group_id)`.execute(db)

  await sql`
    create table meeting (
      id uuid primary key default gen_random_uuid(),
      group_id text not null references grp(id) on delete cascade,
      series_id uuid references meeting_series(id) on delete cascade,
      -- The local date the series rule gave this occurrence (its RECURRENCE-ID).
      occurrence_date text check (occurrence_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
      ${common},
      starts_at timestamptz not null,
      -- The same instant as wall-clock time in the meeting's zone, YYYY-MM-DDTHH:MM, for what reads
      -- local times in SQL (the directory's next meeting).
      local_start text not null check (local_start ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}$'),
      ends_at timestamptz not null check (ends_at > starts_at),
      status text not null default 'scheduled' check (status in ('scheduled', 'cancelled')),
      cancel_reason text check (cancel_reason is null or char_length(cancel_reason) <= 1000),
      -- Changed on its own: edits of the series leave it as it is.
      detached boolean not null default false,
      -- iCalendar SEQUENCE: one more with every change.
      sequence integer not null default 0,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      unique (series_id, occurrence_date),
      check ((series_id is null) = (occurrence_date is null))
    )`.execute(db)
  await sql`create index meeting_group_start on meeting (group_id, starts_at)`.execute(db)
  await sql`create index meeting_start on meeting (starts_at) where status = 'scheduled'`.execute(
    db,
  )

  // The directory's search index shows each group's next meeting: tell it when meetings change.
  for (const table of ['meeting', 'meeting_series']) {
    await sql
      .raw(
        `create function search_touch_${table}() returns trigger language plpgsql as $$
        begin
          perform search_touch(array[new.group_id, old.group_id]);
          return null;
        end $$`,
      )
      .execute(db)
    await sql
      .raw(
        `create trigger search_touch after insert or update or delete on ${table}
         for each row execute function search_touch_${table}()`,
      )
      .execute(db)
  }

  await sql`
    create table rsvp (
      id uuid primary key default gen_random_uuid(),
      meeting_id uuid not null references meeting(id) on delete cascade,
      user_id uuid not null references app_user(id) on delete cascade,
      state text not null check (state in ('going', 'waitlisted', 'cancelled')),
      waitlisted_at timestamptz,
      -- Place in the waiting list (see waitlist_position_seq in the joining migration).
      waitlist_position bigint,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      unique (meeting_id, user_id)
    )`.execute(db)
  await sql`create index rsvp_user on rsvp (user_id)`.execute(db)
  await sql`create index rsvp_waitlist on rsvp (meeting_id, waitlist_position) where state = 'waitlisted'`.execute(
    db,
  )

  await sql`
    create table calendar_feed (
      user_id uuid primary key references app_user(id) on delete cascade,
      -- SHA-256 of the secret in the feed's address; renewing replaces it.
      token_hash text not null unique,
      created_at timestamptz not null
    )`.execute(db)
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table calendar_feed`.execute(db)
  await sql`drop table rsvp`.execute(db)
  for (const table of ['meeting', 'meeting_series']) {
    await sql.raw(`drop trigger if exists search_touch on ${table}`).execute(db)
    await sql.raw(`drop function if exists search_touch_${table}()`).execute(db)
  }
  await sql`drop table meeting`.execute(db)
  await sql`drop table meeting_series`.execute(db)
}
