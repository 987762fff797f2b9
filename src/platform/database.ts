import type { ConditionTables } from '#src/conditions/conditions.tables.ts'
import type { PlaceTables } from '#src/places/places.tables.ts'
import type { ReferenceTables } from '#src/reference/reference.tables.ts'

/** Every table Kysely knows, composed from the feature folders that own them. */
export interface Database extends ConditionTables, PlaceTables, ReferenceTables {}
