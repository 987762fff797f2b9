import { sql } from 'kysely'
import { normalizeForSearch } from '#src/conditions/normalize.ts'
import type { Db } from '#src/platform/db.ts'
import { readRecords, type ConditionRecord, type DatasetEntry } from './datasets.ts'
import { insertJson } from './insert-json.ts'
import { withoutSecondaryIndexes } from './bulk-load.ts'

/**
 * Replaces the condition data inside the caller's transaction. Concepts are upserted rather than
 * deleted: other tables may point at a concept a newer release no longer has, and such a concept
 * keeps its row but loses its names and codes, so it is no longer found.
 */
export async function loadConditions(db: Db, entry: DatasetEntry, dir: string): Promise<void> {
  const records = readRecords<ConditionRecord>(entry, dir)
  const conditions = records.map((r) => ({
    id: r.id,
    name_ja: r.ja,
    name_en: r.en,
    reading_ja: r.reading,
    kind: r.kind,
    source: r.source,
    parents: r.parents,
    codes: r.codes,
    weight: r.weight,
  }))
  const codes = records.flatMap((r) => r.codes.map((code) => ({ code, condition_id: r.id })))
  const names = records.flatMap(nameRows)

  await insertJson(db, conditions, (json) => sql`
    insert into condition (id, name_ja, name_en, reading_ja, kind, source, parents, codes, weight)
    select id, name_ja, name_en, reading_ja, kind, source, parents, codes, weight
    from json_to_recordset(${json}::json) as x(
      id text, name_ja text, name_en text, reading_ja text, kind text, source text,
      parents text[], codes text[], weight real)
    on conflict (id) do update set
      name_ja = excluded.name_ja, name_en = excluded.name_en, reading_ja = excluded.reading_ja,
      kind = excluded.kind, source = excluded.source, parents = excluded.parents,
      codes = excluded.codes, weight = excluded.weight
  `)
  await withoutSecondaryIndexes(db, ['condition_code', 'condition_name'], async () => {
    await sql`delete from condition_name`.execute(db)
    await sql`delete from condition_code`.execute(db)
    await insertJson(db, codes, (json) => sql`
      insert into condition_code (code, condition_id)
      select code, condition_id
      from json_to_recordset(${json}::json) as x(code text, condition_id text)
    `)
    await insertJson(db, names, (json) => sql`
      insert into condition_name (condition_id, lang, kind, name, norm)
      select condition_id, lang, kind, name, norm
      from json_to_recordset(${json}::json) as x(
        condition_id text, lang text, kind text, name text, norm text)
    `)
  })
  // A fresh table has no statistics, and PGlite has no autovacuum to gather them.
  await sql`analyze condition, condition_code, condition_name`.execute(db)
}

interface NameRow {
  condition_id: string
  lang: string
  kind: string
  name: string
  norm: string
}

/** Every searchable name of a concept, once per language and folded form. */
function nameRows(record: ConditionRecord): NameRow[] {
  const rows: NameRow[] = []
  const seen = new Set<string>()
  const add = (lang: string, kind: string, name: string | null) => {
    if (!name) return
    const norm = normalizeForSearch(name)
    if (!norm || seen.has(`${lang}\t${norm}`)) return
    seen.add(`${lang}\t${norm}`)
    rows.push({ condition_id: record.id, lang, kind, name, norm })
  }
  add('ja', 'preferred', record.ja)
  add('en', 'preferred', record.en)
  add('ja', 'reading', record.reading)
  for (const [lang, kind, name] of record.names) add(lang, kind, name)
  return rows
}
