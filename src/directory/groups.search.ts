import { sql, type RawBuilder } from 'kysely'
import type { Actor } from '#src/access/actor.ts'
import type { Deps } from '#src/platform/deps.ts'
import { freshnessCutoffs } from './freshness.ts'
import type { LocalizedText } from './directory.tables.ts'
import { conceptsOfCodes } from './groups.repo.ts'
import type { Attendance } from './groups.schema.ts'
import { textIn, type Locale } from './groups.service.ts'
import { placeResolver } from './places.ts'
import { nextMeetingOf } from './schedule.ts'

/**
 * The structured filters of `GET /api/v1/groups`. Free text and ranking by relevance belong to the
 * search work that comes after; this answers the filters exactly and explains each match.
 */
export interface GroupFilters {
  condition?: string
  near?: { lat: number; lon: number }
  radiusKm: number
  place?: string
  types: string[]
  audience: string[]
  languages: string[]
  attendance?: Attendance
  free?: boolean
  leadership?: 'peer' | 'professional'
  page: number
  perPage: number
}

export interface GroupListItem {
  id: string
  name: string
  url: string
  distance_km: number | null
  next_meeting: string | null
  why: string[]
  attendance: string | null
  freshness: 'fresh' | 'stale'
}

export interface GroupList {
  items: GroupListItem[]
  total: number
  facets: Record<string, Record<string, number>>
}

interface Row {
  id: string
  name: LocalizedText
  distance_km: number | null
  concept: string | null
  relation: 'same' | 'broader' | 'narrower' | 'code' | null
  local: boolean | null
  attendance: string | null
  stale: boolean
}

const earthRadiusKm = 6371.0088

/**
 * Members-only meeting places count in distance searches with their coordinates rounded to a
 * tenth of a degree (about 10 km), so that distances answered to strangers cannot pin them down.
 */
function distanceSql(near: { lat: number; lon: number }): RawBuilder<number> {
  const lat = sql`case when l.visibility = 'public' then l.lat else round(l.lat::numeric, 1)::float8 end`
  const lon = sql`case when l.visibility = 'public' then l.lon else round(l.lon::numeric, 1)::float8 end`
  return sql<number>`2 * ${earthRadiusKm}::float8 * asin(least(1, sqrt(
    power(sin(radians(${lat} - ${near.lat}::float8) / 2), 2) +
    cos(radians(${near.lat}::float8)) * cos(radians(${lat})) *
    power(sin(radians(${lon} - ${near.lon}::float8) / 2), 2))))`
}

export async function listGroups(
  deps: Pick<Deps, 'db' | 'clock'>,
  _actor: Actor,
  filters: GroupFilters,
  locale: Locale,
): Promise<GroupList> {
  const now = deps.clock.now()
  const { staleBefore, hiddenBefore } = freshnessCutoffs(now)
  const where: RawBuilder<unknown>[] = [
    sql`g.status <> 'closed'`,
    sql`g.fresh_since > ${hiddenBefore}`,
  ]
  const order: RawBuilder<unknown>[] = []

  // Condition: the concept the code stands for, its broader concepts (umbrella groups included,
  // being ancestors) and its narrower ones. Nearer in the hierarchy ranks higher; a parent ranks
  // above a child, a child above a grandparent.
  const code = filters.condition?.trim().toUpperCase()
  const seeds = code ? await conceptsOfCodes(deps.db, [code]) : []
  const conditionCtes = code
    ? sql`,
      up(id, depth) as (
        select id, 0 from unnest(${seeds}::text[]) as s(id)
        union
        select p, up.depth + 1 from up join condition c on c.id = up.id, unnest(c.parents) as p
        where up.depth < 12
      ),
      edges as (select c.id as child, p as parent from condition c, unnest(c.parents) as p),
      down(id, depth) as (
        select id, 0 from unnest(${seeds}::text[]) as s(id)
        union
        select e.child, down.depth + 1 from down join edges e on e.parent = down.id
        where down.depth < 8
      ),
      related as (
        select distinct on (id) id, score, relation from (
          select id, depth::float8 as score,
                 case when depth = 0 then 'same' else 'broader' end as relation from up
          union all
          select id, depth + 0.5, 'narrower' from down where depth > 0
        ) r order by id, score
      )`
    : sql``
  const conditionJoin = code
    ? sql`left join lateral (
        select r.id as concept, r.score, r.relation from related r
        where r.id = any(g.condition_ids) order by r.score, r.id limit 1
      ) cm on true`
    : sql`left join lateral (select null::text as concept, null::float8 as score, null::text as relation) cm on true`
  if (code) {
    // Without the reference data a group still matches the very code it was tagged with.
    where.push(sql`(cm.concept is not null or ${code} = any(g.condition_codes))`)
    order.push(sql`m.score`)
  }

  const onlineAllowed = filters.attendance !== 'in_person'
  const onlineCapable = sql`g.attendance in ('online', 'hybrid')`
  let distance: RawBuilder<unknown> = sql`null::float8`
  let local: RawBuilder<unknown> = sql`null::boolean`
  if (filters.near) {
    distance = sql`(select min(${distanceSql(filters.near)}) from group_location gl
      join location l on l.id = gl.location_id
      where gl.group_id = g.id and l.kind = 'physical' and l.lat is not null)`
    local = sql`coalesce(d.distance_km <= ${filters.radiusKm}, false)`
    where.push(onlineAllowed ? sql`(${local} or ${onlineCapable})` : sql`${local}`)
  }

  const places = placeResolver(deps.db)
  let placeWhy: string | null = null
  if (filters.place) {
    const raw = filters.place.trim()
    const placeId = await places.resolve(raw)
    const covering = placeId ? (await places.ancestry(placeId)).filter((p) => p !== placeId) : []
    placeWhy = placeId ? await placeName(deps, placeId, locale) : raw
    const inPlace = sql`(
      exists (select 1 from group_location gl join location l on l.id = gl.location_id
        where gl.group_id = g.id and l.kind = 'physical'
          and (l.place_ids @> array[${placeId ?? ''}]::text[]
               or upper(l.address ->> 'country') = upper(${raw})
               or lower(l.address ->> 'region') = lower(${raw})
               or lower(l.address ->> 'state_province') = lower(${raw})
               or lower(l.address ->> 'city') = lower(${raw})))
      or exists (select 1 from service_area a where a.group_id = g.id
          and (a.place_path @> array[${placeId ?? ''}]::text[] or lower(a.name) = lower(${raw}))))`
    // Online groups open to a larger area that holds the place (the country, the world) are in
    // reach from it, as with `near`.
    const covers = sql`(${onlineCapable} and exists (select 1 from service_area a
      where a.group_id = g.id and a.place_id = any(${['worldwide', ...covering]}::text[])))`
    local = filters.near ? sql`(${local} and ${inPlace})` : inPlace
    where.push(onlineAllowed ? sql`(${inPlace} or ${covers})` : inPlace)
  }
  if (filters.near || filters.place) order.push(sql`case when m.local then 0 else 1 end`)
  if (filters.near) order.push(sql`m.distance_km nulls last`)

  if (filters.types.length) where.push(sql`g.types && ${filters.types}::text[]`)
  if (filters.audience.length) where.push(sql`g.audience && ${filters.audience}::text[]`)
  if (filters.languages.length) where.push(sql`g.languages && ${filters.languages}::text[]`)
  if (filters.leadership) where.push(sql`g.leadership = ${filters.leadership}`)
  if (filters.free) where.push(sql`g.free`)
  if (filters.attendance === 'in_person') where.push(sql`g.attendance in ('in_person', 'hybrid')`)
  if (filters.attendance === 'online') where.push(sql`g.attendance in ('online', 'hybrid')`)
  if (filters.attendance === 'hybrid') where.push(sql`g.attendance = 'hybrid'`)

  order.push(sql`m.stale`, sql`m.sort_name`, sql`m.id`)
  const offset = (filters.page - 1) * filters.perPage

  const facet = (expression: RawBuilder<unknown>, from: RawBuilder<unknown> = sql`matches`) => sql`(
    select coalesce(jsonb_object_agg(v, n), '{}'::jsonb)
    from (select ${expression} as v, count(*)::int as n from ${from} where ${expression} is not null group by 1) f)`
  const result = await sql<{
    total: number
    items: Row[] | null
    facets: Record<string, Record<string, number>>
  }>`
    with recursive unused as (select 1)${conditionCtes},
    matches as (
      select g.id, g.name, g.types, g.audience, g.languages, g.attendance, g.leadership, g.free,
             d.distance_km, cm.concept, coalesce(cm.score, 0) as score,
             case when cm.concept is null and ${code ?? null}::text is not null then 'code'
                  else cm.relation end as relation,
             ${local} as local,
             g.fresh_since <= ${staleBefore} as stale,
             g.name ->> (g.name ->> 'original') as sort_name
      from grp g
      ${conditionJoin}
      left join lateral (select ${distance} as distance_km) d on true
      where ${sql.join(where, sql` and `)}
    ),
    page as (
      select m.*, row_number() over (order by ${sql.join(order, sql`, `)}) as ord
      from matches m
      order by ord
      limit ${filters.perPage} offset ${offset}
    )
    select
      (select count(*)::int from matches) as total,
      (select jsonb_agg(jsonb_build_object(
          'id', p.id, 'name', p.name, 'distance_km', p.distance_km, 'concept', p.concept,
          'relation', p.relation, 'local', p.local, 'attendance', p.attendance, 'stale', p.stale)
        order by p.ord)
       from page p) as items,
      jsonb_build_object(
        'type', ${facet(sql`t`, sql`matches, unnest(types) t`)},
        'audience', ${facet(sql`a`, sql`matches, unnest(audience) a`)},
        'language', ${facet(sql`l`, sql`matches, unnest(languages) l`)},
        'attendance', ${facet(sql`attendance`)},
        'leadership', ${facet(sql`leadership`)},
        'free', ${facet(sql`free::text`)}
      ) as facets
  `.execute(deps.db)
  const { total, items, facets } = result.rows[0]!
  const rows = items ?? []

  const explain = await explainer(deps, locale, seeds, code, rows)
  const schedules = await schedulesOf(
    deps,
    rows.map((r) => r.id),
  )
  return {
    total,
    facets,
    items: rows.map((r) => ({
      id: r.id,
      name: textIn(r.name, locale) ?? r.id,
      url: `/groups/${encodeURIComponent(r.id)}`,
      distance_km: r.distance_km === null ? null : Math.round(r.distance_km * 10) / 10,
      next_meeting: nextMeetingOf(schedules.get(r.id) ?? [], now),
      why: [
        ...explain(r),
        ...nearWhy(r, filters, locale),
        ...(filters.place ? placeReason(r, placeWhy!, locale) : []),
        ...(filters.free ? [locale === 'ja' ? '無料' : 'Free to join'] : []),
      ],
      attendance: r.attendance,
      freshness: r.stale ? 'stale' : 'fresh',
    })),
  }
}

async function schedulesOf(deps: Pick<Deps, 'db'>, ids: string[]) {
  const out = new Map<
    string,
    {
      rrule: string
      dtstart: string
      timezone: string
      opens_at: string | null
      exdates: string[]
    }[]
  >()
  if (ids.length === 0) return out
  const rows = await deps.db
    .selectFrom('schedule as s')
    .innerJoin('grp as g', 'g.id', 's.group_id')
    .select([
      's.group_id',
      's.rrule',
      sql<string>`s.dtstart::text`.as('dtstart'),
      's.timezone',
      sql<string | null>`to_char(s.opens_at, 'HH24:MI')`.as('opens_at'),
      sql<string[]>`s.exdates::text[]`.as('exdates'),
    ])
    .where('s.group_id', 'in', ids)
    // A paused group has no next meeting to offer.
    .where('g.status', '=', 'active')
    .execute()
  for (const r of rows) {
    out.set(r.group_id, [...(out.get(r.group_id) ?? []), { ...r, exdates: r.exdates ?? [] }])
  }
  return out
}

async function placeName(deps: Pick<Deps, 'db'>, id: string, locale: Locale) {
  const row = await deps.db
    .selectFrom('place')
    .select(['name_ja', 'name_en'])
    .where('id', '=', id)
    .executeTakeFirst()
  return (locale === 'ja' ? (row?.name_ja ?? row?.name_en) : (row?.name_en ?? row?.name_ja)) ?? id
}

function nearWhy(r: Row, filters: GroupFilters, locale: Locale): string[] {
  if (!filters.near) return []
  if (r.distance_km !== null && r.distance_km <= filters.radiusKm) {
    const km = Math.round(r.distance_km * 10) / 10
    return [locale === 'ja' ? `約${km} km` : `${km} km away`]
  }
  return [locale === 'ja' ? 'オンラインで参加できます' : 'Online: you can join from anywhere']
}

function placeReason(r: Row, place: string, locale: Locale): string[] {
  if (r.local) return [locale === 'ja' ? `${place}で活動しています` : `Meets in or serves ${place}`]
  return [
    locale === 'ja' ? `${place}からオンラインで参加できます` : `Online, open to people in ${place}`,
  ]
}

/** "For Pompe disease", "For glycogen storage disease, which includes Pompe disease", … */
async function explainer(
  deps: Pick<Deps, 'db'>,
  locale: Locale,
  seeds: string[],
  code: string | undefined,
  rows: Row[],
) {
  if (!code) return () => []
  const ids = [
    ...new Set([...seeds, ...rows.map((r) => r.concept).filter((c): c is string => !!c)]),
  ]
  const names = new Map<string, string>()
  if (ids.length) {
    const found = await deps.db
      .selectFrom('condition')
      .select(['id', 'name_ja', 'name_en'])
      .where('id', 'in', ids)
      .execute()
    for (const c of found) {
      const name = locale === 'ja' ? (c.name_ja ?? c.name_en) : (c.name_en ?? c.name_ja)
      if (name) names.set(c.id, name)
    }
  }
  const asked = (seeds[0] && names.get(seeds[0])) || code
  return (r: Row): string[] => {
    const matched = (r.concept && names.get(r.concept)) || r.concept || code
    switch (r.relation) {
      case 'same':
      case 'code':
        return [locale === 'ja' ? `${asked}のグループ` : `For ${asked}`]
      case 'broader':
        return [
          locale === 'ja'
            ? `${matched}のグループ（${asked}を含みます）`
            : `For ${matched}, which includes ${asked}`,
        ]
      case 'narrower':
        return [
          locale === 'ja'
            ? `${matched}のグループ（${asked}の一つ）`
            : `For ${matched}, a form of ${asked}`,
        ]
      default:
        return []
    }
  }
}
