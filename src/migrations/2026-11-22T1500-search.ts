import { sql, type Kysely } from 'kysely'

/**
 * Search keeps an index of the directory in each server's memory (src/search). These triggers
 * record which groups changed, whoever changed them, so that every instance can bring its index
 * up to date by reading only the changed groups: one row per group, with the sequence number of
 * its latest change.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create sequence search_change_seq`.execute(db)
  await sql`
    create table search_change (
      group_id text primary key,
      seq bigint not null,
      changed_at timestamptz not null
    )`.execute(db)
  await sql`create index search_change_by_seq on search_change (seq)`.execute(db)
  await sql`create index search_change_by_time on search_change (changed_at)`.execute(db)

  await sql`
    create function search_touch(ids text[]) returns void language sql as $$
      insert into search_change (group_id, seq, changed_at)
      select id, nextval('search_change_seq'), clock_timestamp()
      from (select distinct unnest(ids) as id) g where id is not null
      on conflict (group_id) do update set seq = excluded.seq, changed_at = excluded.changed_at
    $$`.execute(db)

  // Each trigger names the groups a changed row touches, before and after the change.
  const triggers: [table: string, ids: string][] = [
    ['grp', `array[new.id, old.id]`],
    ['group_location', `array[new.group_id, old.group_id]`],
    ['service_area', `array[new.group_id, old.group_id]`],
    ['schedule', `array[new.group_id, old.group_id]`],
    [
      'location',
      `array(select gl.group_id from group_location gl where gl.location_id in (new.id, old.id))`,
    ],
    ['organisation', `array(select g.id from grp g where g.organisation_id in (new.id, old.id))`],
  ]
  for (const [table, ids] of triggers) {
    // `new` is null on delete and `old` on insert; the arrays skip nulls.
    await sql
      .raw(
        `create function search_touch_${table}() returns trigger language plpgsql as $$
        begin
          perform search_touch(${ids});
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
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'grp',
    'group_location',
    'service_area',
    'schedule',
    'location',
    'organisation',
  ]) {
    await sql.raw(`drop trigger if exists search_touch on ${table}`).execute(db)
    await sql.raw(`drop function if exists search_touch_${table}()`).execute(db)
  }
  await sql`drop function if exists search_touch(text[])`.execute(db)
  await sql`drop table if exists search_change`.execute(db)
  await sql`drop sequence if exists search_change_seq`.execute(db)
}
