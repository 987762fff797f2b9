import type { RawBuilder } from 'kysely'
import type { Db } from '#src/platform/db.ts'

/** Rows per statement: large enough that a load is a few dozen statements, small enough to parse. */
const chunkSize = 20_000

/**
 * Inserts rows set-based: each chunk travels as one JSON parameter that the statement unpacks
 * with `json_to_recordset`, which is far faster than one insert per row, on PGlite above all.
 */
export async function insertJson<T>(
  db: Db,
  rows: T[],
  statement: (json: string) => RawBuilder<unknown>,
): Promise<void> {
  for (let i = 0; i < rows.length; i += chunkSize) {
    await statement(JSON.stringify(rows.slice(i, i + chunkSize))).execute(db)
  }
}
