import type { Generated } from 'kysely'

export interface ConditionTables {
  /** One concept: a disease, disorder or situation, merged across terminologies. */
  condition: {
    /** The concept's preferred code, e.g. `NANDO:1200002`, `ORPHA:803`, `DOID:1612`, `TOMONI:…`. */
    id: string
    name_ja: string | null
    name_en: string | null
    /** Hiragana reading of the Japanese name, where the source gives one. */
    reading_ja: string | null
    /** `disease`, `group` (a category of diseases) or `situation` (bereavement, undiagnosed). */
    kind: string
    /** Where the concept's preferred names come from: nando, orphanet, doid, tomoni. */
    source: string
    /** Ids of broader concepts. */
    parents: string[]
    /** Every code known for the concept, prefixed by system. */
    codes: string[]
    /** A prior for ranking: larger for concepts people look for more (curated, designated). */
    weight: number
  }
  condition_code: {
    code: string
    condition_id: string
  }
  condition_name: {
    id: Generated<number>
    condition_id: string
    lang: string
    /** `preferred`, `synonym`, `reading` or `abbreviation`. */
    kind: string
    name: string
    /** The name as the search normaliser folds it. */
    norm: string
  }
}
