import { sql } from 'kysely'
import { normalizerVersion } from '#src/conditions/normalize.ts'
import type { Db } from '#src/platform/db.ts'
import type { Logger } from '#src/platform/log.ts'
import {
  readManifest,
  referenceDir,
  type DatasetEntry,
  type DatasetName,
  type Manifest,
} from './datasets.ts'
import { loadConditions } from './load-conditions.ts'
import { loadPlaces } from './load-places.ts'

type Loader = (db: Db, entry: DatasetEntry, dir: string) => Promise<void>

const loaders: Record<DatasetName, { lockKey: number; load: Loader }> = {
  conditions: { lockKey: 7_246_001, load: loadConditions },
  places: { lockKey: 7_246_002, load: loadPlaces },
}

/**
 * What the database records for a data set: the shipped checksum, plus the normaliser version for
 * conditions, whose stored search keys are computed at load time and go stale when it changes.
 */
export function loadedChecksum(name: DatasetName, entry: DatasetEntry): string {
  return name === 'conditions' ? `${entry.checksum}+norm${normalizerVersion}` : entry.checksum
}

/**
 * Loads the reference data sets shipped in `reference/` that are missing or changed, each in one
 * transaction. An advisory lock makes instances that start together wait for the first one, which
 * loads; the others then find the checksum current and load nothing. Returns the names loaded.
 */
export async function loadReferenceData(
  db: Db,
  log: Logger,
  options: { dir?: string; manifest?: Manifest } = {},
): Promise<DatasetName[]> {
  const dir = options.dir ?? referenceDir
  const manifest = options.manifest ?? readManifest(dir)
  const stale = await staleDatasets(db, manifest)
  const loaded: DatasetName[] = []
  for (const name of stale) {
    const entry = manifest.datasets[name]
    const checksum = loadedChecksum(name, entry)
    const { lockKey, load } = loaders[name]
    const started = performance.now()
    const didLoad = await db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${lockKey})`.execute(trx)
      const current = await trx
        .selectFrom('reference_dataset')
        .select('checksum')
        .where('name', '=', name)
        .executeTakeFirst()
      if (current?.checksum === checksum) return false
      await load(trx, entry, dir)
      await trx
        .insertInto('reference_dataset')
        .values({ name, checksum, rows: entry.rows, loaded_at: new Date() })
        .onConflict((oc) =>
          oc.column('name').doUpdateSet({ checksum, rows: entry.rows, loaded_at: new Date() }),
        )
        .execute()
      return true
    })
    if (didLoad) {
      loaded.push(name)
      log.info(
        { dataset: name, rows: entry.rows, ms: Math.round(performance.now() - started) },
        'reference data loaded',
      )
    }
  }
  return loaded
}

async function staleDatasets(db: Db, manifest: Manifest): Promise<DatasetName[]> {
  const rows = await db.selectFrom('reference_dataset').select(['name', 'checksum']).execute()
  const current = new Map(rows.map((row) => [row.name, row.checksum]))
  return (Object.keys(manifest.datasets) as DatasetName[]).filter(
    (name) => current.get(name) !== loadedChecksum(name, manifest.datasets[name]),
  )
}
