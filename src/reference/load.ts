import type { Db } from '#src/platform/db.ts'
import type { Logger } from '#src/platform/log.ts'

/** Loads the reference data sets shipped in `reference/` that are missing or changed. */
export async function loadReferenceData(_db: Db, log: Logger): Promise<void> {
  log.debug('reference data: nothing shipped yet')
  return Promise.resolve()
}
