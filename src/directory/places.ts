import { sql } from 'kysely'
import type { Db } from '#src/platform/db.ts'
import type { Address } from './directory.tables.ts'

/**
 * Resolves addresses and area names to the place codes of the reference data (`JP`, `JP-22`,
 * `JP-221015`). One resolver lives for one import or one request and remembers its answers.
 */
export function placeResolver(db: Db) {
  const byName = new Map<string, Promise<string | null>>()
  const pathOf = new Map<string, Promise<string[]>>()

  /** A place code, an ISO country code, or a name in Japanese or English; prefectures first. */
  function resolve(text: string, within: string | null = null): Promise<string | null> {
    const key = `${within ?? ''}|${text}`
    let found = byName.get(key)
    if (!found) {
      found = lookUp(db, text, within)
      byName.set(key, found)
    }
    return found
  }

  /** The place and every place containing it, most general first. */
  function ancestry(id: string): Promise<string[]> {
    let found = pathOf.get(id)
    if (!found) {
      found = ancestorsOf(db, id)
      pathOf.set(id, found)
    }
    return found
  }

  /**
   * The places an address lies in. The country code is kept even when the reference data does not
   * know it, so that `place=GB` works on any address in Britain.
   */
  async function placesOfAddress(address: Address | null): Promise<string[]> {
    if (!address?.country) return []
    const country = address.country.toUpperCase()
    let best: string | null = null
    for (const region of [address.region, address.state_province]) {
      if (!region) continue
      best = await resolve(region, country)
      if (best) break
    }
    if (best && address.city) {
      best =
        (await resolve(address.city, best)) ??
        (await municipalityPrefix(db, address.city, best)) ??
        best
    }
    if (!best) return [country]
    const path = await ancestry(best)
    return path.includes(country) ? path : [country, ...path]
  }

  /** A service area: `worldwide`, a code, or a name such as 静岡県 or 日本全国. */
  async function area(name: string | null, place: string | null) {
    let id = place
    if (!id && name) {
      const text = name.trim()
      if (/^(worldwide|world|global|international|全世界|世界|海外を含む全世界)$/i.test(text)) {
        id = 'worldwide'
      } else {
        // "日本全国", "全国": the whole country.
        const nationwide = /^(.*?)全国$/.exec(text)
        id = await resolve(nationwide ? nationwide[1] || '日本' : text)
      }
    }
    if (!id) return { place_id: null, place_path: [] as string[] }
    if (id === 'worldwide') return { place_id: id, place_path: [id] }
    const path = await ancestry(id)
    return { place_id: id, place_path: path.length ? path : [id] }
  }

  return { resolve, ancestry, placesOfAddress, area }
}

export type PlaceResolver = ReturnType<typeof placeResolver>

async function lookUp(db: Db, text: string, within: string | null): Promise<string | null> {
  const t = text.trim()
  if (!t) return null
  const rows = await sql<{ id: string }>`
    select id from place
    where (upper(id) = upper(${t}) or name_ja = ${t} or lower(name_en) = lower(${t})
           or lower(name_en) || ' prefecture' = lower(${t}) or name_ja = ${t} || '県')
      and (${within}::text is null or parent_id = ${within} or id = ${within})
    order by case kind when 'prefecture' then 0 when 'country' then 1 else 2 end, id
    limit 1
  `.execute(db)
  return rows.rows[0]?.id ?? null
}

/** A ward or district written after its city ("静岡市葵区") when only the city is in the data. */
async function municipalityPrefix(db: Db, city: string, prefecture: string) {
  const rows = await sql<{ id: string }>`
    select id from place
    where kind = 'municipality' and parent_id = ${prefecture}
      and starts_with(${city}, name_ja)
    order by length(name_ja) desc
    limit 1
  `.execute(db)
  return rows.rows[0]?.id ?? null
}

async function ancestorsOf(db: Db, id: string): Promise<string[]> {
  const rows = await sql<{ id: string; depth: number }>`
    with recursive up(id, parent_id, depth) as (
      select id, parent_id, 0 from place where id = ${id}
      union all
      select p.id, p.parent_id, up.depth + 1 from place p join up on p.id = up.parent_id
      where up.depth < 6
    )
    select id, depth from up order by depth desc
  `.execute(db)
  return rows.rows.map((r) => r.id)
}
