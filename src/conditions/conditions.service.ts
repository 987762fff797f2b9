import { sql } from 'kysely'
import type { Deps } from '#src/platform/deps.ts'
import { parseCodeQuery } from './codes.ts'
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

/** Rows each way of matching may contribute before scoring; the best are well inside it. */
const candidatesPerWay = 200

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
  return toHits(await findByName(deps, norm, input.limit))
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

/**
 * Ranks exact matches of a name, then names that start with the query, then names that contain it,
 * then trigram matches that tolerate typos. Japanese puts the head of a compound last, so a name
 * that ends with the query (乳がん for がん) ranks nearly as a prefix; elsewhere a Japanese name may
 * contain the query anywhere, but a reading only at its end, since kana inside a reading cross word
 * boundaries (うつ in まんせいとうつう). Other scripts match at the start of a word. Preferred names
 * and readings rank a little above synonyms; the concept's weight breaks ties.
 */
async function findByName(deps: Pick<Deps, 'db'>, norm: string, limit: number): Promise<Row[]> {
  // The trigram search is the costly part (a common word such as "syndrome" is in thousands of
  // names) and is there for typos, so it runs only when the query, as typed, does not fill the page.
  const literal = await rankNames(deps, norm, limit, false)
  if (literal.length === limit) return literal
  return rankNames(deps, norm, limit, true)
}

/** Every branch is served by an index: btree for = and prefix, GIN trigram for the others. */
async function rankNames(
  deps: Pick<Deps, 'db'>,
  norm: string,
  limit: number,
  fuzzy: boolean,
): Promise<Row[]> {
  const escaped = norm.replace(/[\\%_]/g, '\\$&')
  const japanese = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(norm)
  const infix = japanese ? `%${escaped}%` : `% ${escaped}%`
  const q = sql`${norm}::text`
  const trigram = sql`
      union all
      (select condition_id, kind, norm, 0 from condition_name where norm % ${q}
        order by similarity(norm, ${q}) desc limit ${candidatesPerWay})
      union all
      (select condition_id, kind, norm, 0 from condition_name where ${q} <% norm
        order by word_similarity(${q}, norm) desc limit ${candidatesPerWay})`
  const result = await sql<Row>`
    with hit as (
      (select condition_id, kind, norm, 3 as way from condition_name where norm = ${q})
      union all
      (select condition_id, kind, norm, 2 from condition_name
        where norm like ${escaped + '%'}::text and norm <> ${q}
        order by length(norm) limit ${candidatesPerWay})
      union all
      (select condition_id, kind, norm, 1 from condition_name
        where norm like ${infix}::text and norm not like ${escaped + '%'}::text
          and (kind <> 'reading' or norm like ${'%' + escaped}::text)
        order by length(norm) limit ${candidatesPerWay})
      ${fuzzy ? trigram : sql``}
    ),
    scored as (
      select condition_id, max(
        case
          when way = 3 then 1.0
          when way = 2 then 0.8 + 0.15 * length(${q}) / length(norm)
          when way = 1 and ${japanese}::boolean and norm like ${'%' + escaped}::text
            then 0.78 + 0.15 * length(${q}) / length(norm)
          when way = 1 then 0.6 + 0.15 * length(${q}) / length(norm)
          else 0.45 * similarity(norm, ${q}) + 0.3 * word_similarity(${q}, norm)
        end
        - case kind when 'synonym' then 0.02 when 'abbreviation' then 0.02 else 0 end
      ) as score
      from hit group by condition_id
    )
    select c.id, c.name_ja, c.name_en, c.codes, greatest(s.score, 0)::float8 as score
    from scored s join condition c on c.id = s.condition_id
    order by s.score desc, c.weight desc, c.id
    limit ${limit}
  `.execute(deps.db)
  return result.rows
}

function toHits(rows: Row[]): ConditionHit[] {
  return rows.map((r) => ({
    id: r.id,
    names: { ja: r.name_ja, en: r.name_en },
    codes: r.codes,
    score: Math.round(Math.min(1, r.score) * 1000) / 1000,
  }))
}
