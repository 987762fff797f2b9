import { sql } from 'kysely'
import type { Db } from '#src/platform/db.ts'
import { readRecords, type DatasetEntry, type PlaceRecord } from './datasets.ts'
import { insertJson } from './insert-json.ts'

/** Upserts the places inside the caller's transaction; places other rows may point at are kept. */
export async function loadPlaces(db: Db, entry: DatasetEntry, dir: string): Promise<void> {
  const places = readRecords<PlaceRecord>(entry, dir).map((p) => ({
    id: p.id,
    kind: p.kind,
    name_ja: p.ja,
    name_en: p.en,
    reading_ja: p.reading,
    parent_id: p.parent,
    lat: p.lat,
    lon: p.lon,
  }))
  await insertJson(
    db,
    places,
    (json) => sql`
      insert into place (id, kind, name_ja, name_en, reading_ja, parent_id, lat, lon)
      select id, kind, name_ja, name_en, reading_ja, parent_id, lat, lon
      from json_to_recordset(${json}::json) as x(
        id text, kind text, name_ja text, name_en text, reading_ja text, parent_id text,
        lat double precision, lon double precision)
      on conflict (id) do update set
        kind = excluded.kind, name_ja = excluded.name_ja, name_en = excluded.name_en,
        reading_ja = excluded.reading_ja, parent_id = excluded.parent_id,
        lat = excluded.lat, lon = excluded.lon
    `,
  )
  await sql`analyze place`.execute(db)
}
