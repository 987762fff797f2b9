import { sql } from 'kysely'
import type { Deps } from '#src/platform/deps.ts'
import { normalizeForSearch } from './normalize.ts'

export interface ConditionHit {
  id: string
  names: { ja: string | null; en: string | null }
  codes: string[]
  score: number
}

/** Public reference data: anyone may search it, so there is no policy to ask. */
export async function findConditions(
  deps: Pick<Deps, 'db'>,
  input: { q: string; limit: number },
): Promise<ConditionHit[]> {
  const norm = normalizeForSearch(input.q)
  if (!norm) return []
  const rows = await sql<{
    id: string
    name_ja: string | null
    name_en: string | null
    codes: string[]
    score: number
  }>`
    select c.id, c.name_ja, c.name_en, c.codes, max(similarity(n.norm, ${norm}))::float8 as score
    from condition_name n join condition c on c.id = n.condition_id
    where n.norm % ${norm} or n.norm like ${norm.replace(/[\\%_]/g, '\\$&') + '%'}
    group by c.id
    order by score desc, c.weight desc, c.id
    limit ${input.limit}
  `.execute(deps.db)
  return rows.rows.map((r) => ({
    id: r.id,
    names: { ja: r.name_ja, en: r.name_en },
    codes: r.codes,
    score: Math.round(r.score * 1000) / 1000,
  }))
}
