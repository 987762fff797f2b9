import { openPostgres } from '#src/platform/db.ts'
import { buildIndex } from './index-load.ts'
import { writeIndex } from './index-transfer.ts'

/**
 * A child process that builds the directory index from a PostgreSQL server and writes it to the
 * file its parent names (index-load.ts, `buildIndexInChild`). The connection string comes in the
 * environment, where other users cannot read it.
 */

const url = process.env.TOMONI_INDEX_DATABASE_URL
const out = process.env.TOMONI_INDEX_FILE
if (!url || !out) throw new Error('TOMONI_INDEX_DATABASE_URL and TOMONI_INDEX_FILE are needed')
const handle = openPostgres(url, 2)
try {
  writeIndex(await buildIndex(handle.db), out)
} finally {
  await handle.close()
}
