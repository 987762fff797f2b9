import { sql } from 'kysely'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestDb } from '../../tests/db.ts'
import type { DbHandle } from '#src/platform/db.ts'
import { createLogger } from '#src/platform/log.ts'
import { readManifest, type Manifest } from './datasets.ts'
import { loadReferenceData, loadedChecksum } from './load.ts'

const silent = createLogger({ level: 'silent' })

describe('loadReferenceData', () => {
  let handle: DbHandle
  beforeEach(async () => {
    handle = await createTestDb()
  })
  afterEach(() => handle.close())

  const count = async (table: string) => {
    const result = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(
      handle.db,
    )
    return result.rows[0]?.n
  }

  it('loads nothing when every shipped data set is already loaded', async () => {
    // The test template ran the loader once already.
    expect(await loadReferenceData(handle.db, silent)).toEqual([])
    const manifest = readManifest()
    const rows = await handle.db.selectFrom('reference_dataset').selectAll().execute()
    expect(rows.map((r) => [r.name, r.checksum, r.rows]).sort()).toEqual([
      ['conditions', loadedChecksum('conditions', manifest.datasets.conditions), manifest.datasets.conditions.rows],
      ['places', loadedChecksum('places', manifest.datasets.places), manifest.datasets.places.rows],
    ])
    expect(await count('condition')).toBe(manifest.datasets.conditions.rows)
    expect(await count('place')).toBe(manifest.datasets.places.rows)
  })

  it('reloads only the data set whose checksum changed, to the same content', async () => {
    const names = await count('condition_name')
    const codes = await count('condition_code')
    const changed: Manifest = structuredClone(readManifest())
    changed.datasets.conditions.checksum = 'sha256:changed'
    expect(await loadReferenceData(handle.db, silent, { manifest: changed })).toEqual(['conditions'])
    expect(await count('condition_name')).toBe(names)
    expect(await count('condition_code')).toBe(codes)
    expect(await loadReferenceData(handle.db, silent, { manifest: changed })).toEqual([])
    // The indexes and foreign keys set aside for the load are back.
    const indexes = await sql<{ indexname: string }>`
      select indexname from pg_indexes where tablename = 'condition_name' order by indexname
    `.execute(handle.db)
    expect(indexes.rows.map((r) => r.indexname)).toEqual(
      expect.arrayContaining(['condition_name_norm_prefix', 'condition_name_norm_trgm']),
    )
    await expect(
      sql`insert into condition_code (code, condition_id) values ('X:1', 'no such concept')`.execute(
        handle.db,
      ),
    ).rejects.toThrow(/foreign key/)
  })

  it('loads once when two instances start together', async () => {
    await handle.db.deleteFrom('reference_dataset').where('name', '=', 'places').execute()
    const [a, b] = await Promise.all([
      loadReferenceData(handle.db, silent),
      loadReferenceData(handle.db, silent),
    ])
    expect([...a, ...b]).toEqual(['places'])
  })

  it('loads the places of Japan and the world', async () => {
    const chiba = await handle.db
      .selectFrom('place')
      .selectAll()
      .where('id', '=', 'JP-12')
      .executeTakeFirstOrThrow()
    expect(chiba).toMatchObject({
      kind: 'prefecture',
      name_ja: '千葉県',
      name_en: 'Chiba',
      reading_ja: 'ちばけん',
      parent_id: 'JP',
    })
    expect(chiba.lat).toBeCloseTo(35.6, 0)
    expect(chiba.lon).toBeCloseTo(140.1, 0)

    const chibaCity = await handle.db
      .selectFrom('place')
      .selectAll()
      .where('id', '=', 'JP-121002')
      .executeTakeFirstOrThrow()
    expect(chibaCity).toMatchObject({ kind: 'municipality', name_ja: '千葉市', parent_id: 'JP-12' })

    const japan = await handle.db
      .selectFrom('place')
      .selectAll()
      .where('id', '=', 'JP')
      .executeTakeFirstOrThrow()
    expect(japan).toMatchObject({ kind: 'country', name_ja: '日本', name_en: 'Japan' })

    const kinds = await sql<{ kind: string; n: number }>`
      select kind, count(*)::int as n from place group by kind order by kind
    `.execute(handle.db)
    expect(kinds.rows).toEqual([
      { kind: 'country', n: 250 },
      { kind: 'municipality', n: 1916 },
      { kind: 'prefecture', n: 47 },
    ])
  })
})
