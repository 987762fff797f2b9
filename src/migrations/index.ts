import type { Migration } from 'kysely/migration'
import * as referenceData from './2026-11-22T0900-reference-data.ts'

/**
 * Every migration, by name; names sort in the order they run. Listed statically (rather than read
 * from the folder) so that they work the same under Node, Vitest and a bundler.
 */
export const migrations: Record<string, Migration> = {
  '2026-11-22T0900-reference-data': referenceData,
}
