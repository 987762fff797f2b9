import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import { connectionOf, type Db } from '#src/platform/db.ts'
import { DirectoryIndex, type GroupRecord } from './directory-index.ts'
import { readIndex } from './index-transfer.ts'

/** Reading the listed groups from the database and building the directory index from them. */

/**
 * The group's own meetings (src/meetings/public-schedule.ts says the same in TypeScript): its
 * series, with cancelled and separately changed dates as exceptions, and its coming single
 * meetings as one-occurrence rules. A regular series of its own replaces the listing's schedule.
 */
const ownMeetingSchedules = sql`
  select 'tomoni-series-' || ms.id::text, json_build_object('rrule', ms.rrule,
    'dtstart', ms.dtstart, 'timezone', ms.timezone, 'opens_at', ms.start_time,
    'exdates', ms.exdates || array(select m.occurrence_date from meeting m
      where m.series_id = ms.id and (m.status = 'cancelled' or m.detached)))
  from meeting_series ms where ms.group_id = g.id and ms.ended_at is null
  union all
  select 'tomoni-meeting-' || m.id::text, json_build_object('rrule', 'FREQ=DAILY;COUNT=1',
    'dtstart', left(m.local_start, 10), 'timezone', m.timezone,
    'opens_at', right(m.local_start, 5), 'exdates', array[]::text[])
  from meeting m where m.group_id = g.id and m.status = 'scheduled'
    and (m.series_id is null or m.detached) and m.ends_at > now()`

/**
 * Groups the public may find: not closed, not taken down, not hidden (joined by invitation only).
 * Freshness is judged per search.
 */
export async function loadRecords(
  db: Db,
  where: { afterId: string; limit: number } | { ids: string[] },
): Promise<GroupRecord[]> {
  const condition =
    'ids' in where
      ? sql`g.id = any(${where.ids}::text[])`
      : sql`g.id > ${where.afterId} order by g.id limit ${where.limit}`
  const rows = await sql<GroupRecord>`
    select g.id, g.name, g.description, o.name as org_name, g.types, g.audience, g.languages,
      g.attendance, g.free, g.leadership, g.condition_ids, g.condition_codes, g.status,
      g.fresh_since, (g.verified_at is not null or o.verified_at is not null) as verified,
      coalesce((
        select json_agg(json_build_object(
          'lat', l.lat, 'lon', l.lon, 'members', l.visibility <> 'public', 'places', l.place_ids,
          'city', l.address ->> 'city', 'region', l.address ->> 'region',
          'state', l.address ->> 'state_province', 'country', l.address ->> 'country'))
        from group_location gl join location l on l.id = gl.location_id
        where gl.group_id = g.id and l.kind = 'physical'), '[]'::json) as locations,
      coalesce((
        select json_agg(json_build_object('place', a.place_id, 'path', a.place_path, 'name', a.name))
        from service_area a where a.group_id = g.id), '[]'::json) as areas,
      (select json_agg(x.s order by x.id) from (
        select s.id, json_build_object('rrule', s.rrule, 'dtstart', s.dtstart::text,
          'timezone', s.timezone, 'opens_at', to_char(s.opens_at, 'HH24:MI'),
          'exdates', s.exdates::text[]) as s
        from schedule s where s.group_id = g.id and not exists (
          select 1 from meeting_series ms
          where ms.group_id = g.id and ms.ended_at is null and ms.kind = 'meeting')
        union all
        ${ownMeetingSchedules}
      ) x) as schedules
    from grp g join organisation o on o.id = g.organisation_id
    where g.status <> 'closed' and g.hidden_at is null and g.join_policy <> 'invitation'
      and ${condition}
  `.execute(db)
  return rows.rows
}

export const batchSize = 5000

export async function buildIndex(db: Db): Promise<DirectoryIndex> {
  const index = new DirectoryIndex()
  // The next batch is read while this one is indexed (on PostgreSQL, the two overlap).
  let next: Promise<GroupRecord[]> | null = loadRecords(db, { afterId: '', limit: batchSize })
  while (next) {
    const batch: GroupRecord[] = await next
    next =
      batch.length === batchSize
        ? loadRecords(db, { afterId: batch[batch.length - 1]!.id, limit: batchSize })
        : null
    for (const g of batch) index.upsert(g)
  }
  index.trim()
  return index
}

/**
 * Directories at least this large are built in a child process when the database is a server it
 * can connect to. Reading a million rows through the driver and growing the lists leaves
 * hundreds of megabytes in the reader's heap and allocator that are never given back to the
 * system (a worker thread's allocator keeps them too); a child process gives all of it back when
 * it ends, and this process reads the finished index from one file.
 */
export const childFromGroups = 20_000

export async function buildIndexFor(db: Db): Promise<DirectoryIndex> {
  const url = connectionOf(db)
  if (url) {
    const r = await sql<{ n: number }>`
      select count(*)::int as n from (select 1 from grp limit ${childFromGroups}) x
    `.execute(db)
    if ((r.rows[0]?.n ?? 0) >= childFromGroups) return buildIndexInChild(url)
  }
  return buildIndex(db)
}

export async function buildIndexInChild(url: string): Promise<DirectoryIndex> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomoni-index-'))
  const file = path.join(dir, 'index.v8')
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [...process.execArgv, fileURLToPath(new URL('./index-worker.ts', import.meta.url))],
        {
          env: { ...process.env, TOMONI_INDEX_DATABASE_URL: url, TOMONI_INDEX_FILE: file },
          stdio: ['ignore', 'inherit', 'inherit'],
        },
      )
      child.once('error', reject)
      child.once('exit', (code, signal) => {
        if (code === 0) resolve()
        else reject(new Error(`the index builder stopped (${signal ?? `exit code ${code}`})`))
      })
    })
    return readIndex(file)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
