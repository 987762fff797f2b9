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
    where ${listed} and ${condition}
  `.execute(db)
  return rows.rows
}

const listed = sql`g.status <> 'closed' and g.hidden_at is null and g.join_policy <> 'invitation'`

/**
 * The listed groups' ids in the order they are given slots: by where they meet, along a
 * Z-order curve over latitude and longitude, with groups that meet nowhere (online) last. The
 * groups of one area then sit in few words of the index's bit sets, so a search about a place
 * reads, counts and ranks a fraction of the words it would with slots in id order.
 */
export async function slotOrder(db: Db): Promise<string[]> {
  const rows = await sql<{ id: string; lat: number | null; lon: number | null }>`
    select g.id, p.lat, p.lon from grp g
    left join lateral (
      select l.lat, l.lon from group_location gl join location l on l.id = gl.location_id
      where gl.group_id = g.id and l.kind = 'physical' and l.lat is not null
      order by l.id limit 1
    ) p on true
    where ${listed}
    order by g.id
  `.execute(db)
  const keys = new Float64Array(rows.rows.length)
  rows.rows.forEach((r, i) => {
    keys[i] = r.lat === null || r.lon === null ? 2 ** 32 : zOrder(r.lat, r.lon)
  })
  const order = Array.from(rows.rows.keys()).sort((a, b) => keys[a]! - keys[b]! || a - b)
  return order.map((i) => rows.rows[i]!.id)
}

/** Latitude and longitude, each in 16 bits, interleaved: near points mostly get near keys. */
export function zOrder(lat: number, lon: number): number {
  const y = Math.min(65535, Math.max(0, Math.floor(((lat + 90) / 180) * 65536)))
  const x = Math.min(65535, Math.max(0, Math.floor(((lon + 180) / 360) * 65536)))
  return (spread(y) * 2 + spread(x)) >>> 0
}

/** The 16 bits of `v` moved to the even bit positions. */
function spread(v: number): number {
  v = (v | (v << 8)) & 0x00ff00ff
  v = (v | (v << 4)) & 0x0f0f0f0f
  v = (v | (v << 2)) & 0x33333333
  v = (v | (v << 1)) & 0x55555555
  return v >>> 0
}

export const batchSize = 5000

export async function buildIndex(db: Db): Promise<DirectoryIndex> {
  const index = new DirectoryIndex()
  const order = await slotOrder(db)
  const batch = (from: number) => {
    if (from >= order.length) return null
    const records = loadRecords(db, { ids: order.slice(from, from + batchSize) })
    // A batch read ahead that fails while another is awaited fails the build when its turn
    // comes, not the process before then.
    records.catch(() => {})
    return records
  }
  // The next batches are read while this one is indexed (on PostgreSQL, they overlap).
  const ahead = [batch(0), batch(batchSize)]
  for (let from = 0; ahead[0]; from += batchSize) {
    const records = await ahead.shift()!
    ahead.push(batch(from + 2 * batchSize))
    const byId = new Map(records.map((r) => [r.id, r]))
    // A group closed or hidden since the order was read is simply not there.
    for (const id of order.slice(from, from + batchSize)) {
      const g = byId.get(id)
      if (g) index.upsert(g)
    }
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
