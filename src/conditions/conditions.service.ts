import { sql } from 'kysely'
import type { Deps } from '#src/platform/deps.ts'
import { parseCodeQuery } from './codes.ts'
import { rankConditionNames } from '#src/search/condition-names.ts'
import { lexiconOf } from '#src/search/lexicon.ts'
import { normalizeForSearch } from './normalize.ts'

export interface ConditionHit {
  id: string
  names: { ja: string | null; en: string | null }
  codes: string[]
  score: number
}

interface Row {
  id: string
  name_ja: string | null
  name_en: string | null
  codes: string[]
  score: number
}

/** Public reference data: anyone may search it, so there is no policy to ask. */
export async function findConditions(
  deps: Pick<Deps, 'db'>,
  input: { q: string; limit: number },
): Promise<ConditionHit[]> {
  const codes = parseCodeQuery(input.q)
  if (codes.length > 0) {
    const hits = await findByCode(deps, codes, input.limit)
    if (hits.length > 0) return hits
  }
  const norm = normalizeForSearch(input.q)
  if (!norm) return []
  // Names are matched in memory (type-ahead calls this on every keystroke; decision 040).
  const lexicon = await lexiconOf(deps.db)
  return toHits(
    rankConditionNames(lexicon, norm, input.limit).map(({ concept, score }) => {
      const c = lexicon.concepts[concept]!
      return { id: c.id, name_ja: c.ja, name_en: c.en, codes: c.codes, score }
    }),
  )
}

async function findByCode(deps: Pick<Deps, 'db'>, codes: string[], limit: number) {
  // The concept whose id is the code comes first; then the others that carry it, the more
  // prominent and the more specific (fewer codes) first.
  const rows = await sql<Row>`
    select c.id, c.name_ja, c.name_en, c.codes,
      max(case when c.id = cc.code then 1.0 else 0.95 end)::float8 as score
    from condition_code cc join condition c on c.id = cc.condition_id
    where cc.code in (${sql.join(codes)})
    group by c.id
    order by score desc, c.weight desc, cardinality(c.codes), c.id
    limit ${limit}
  `.execute(deps.db)
  return toHits(rows.rows)
}

function toHits(rows: Row[]): ConditionHit[] {
  return rows.map((r) => ({
    id: r.id,
    names: { ja: r.name_ja, en: r.name_en },
    codes: r.codes,
    score: Math.round(Math.min(1, r.score) * 1000) / 1000,
  }))
}
