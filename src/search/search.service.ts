import type { Db } from '#src/platform/db.ts'
import { sql } from 'kysely'
import type { CostOption, LocalizedText, Participation } from '#src/directory/directory.tables.ts'
import { audiences } from '#src/directory/groups.schema.ts'
import type { ScheduleLike } from '#src/directory/schedule.ts'
import { translate, type MessageKey } from '#src/i18n/i18n.ts'
import type { Deps } from '#src/platform/deps.ts'
import type { DirectoryIndex } from './directory-index.ts'
import { directoryIndex, runSearch, searchOnThreads } from './index-holder.ts'
import { RowCache } from './row-cache.ts'
import { defaultRadiusKm, makePlan, type Match, type Plan, type SearchParams } from './engine.ts'
import { runPlan } from './run-plan.ts'
import { prepareConditionNames } from './condition-names.ts'
import { conceptName, lexiconOf, placeName, type Lexicon } from './lexicon.ts'
import { languageName } from './present.ts'
import type { UnderstoodItem } from './understand.ts'

export type Locale = 'ja' | 'en'

export interface UnderstoodOut {
  kind: 'condition' | 'place' | 'audience' | 'attendance' | 'free' | 'type' | 'language'
  /** A concept id, a place code (or the town's name), or the filter's value. */
  value: string
  label: string
  /** The words of `q` it was read from. */
  text: string
  /** `q` without those words: the same search without this filter. */
  q_without: string
}

export interface Suggestion {
  kind: 'wider_radius' | 'wider_place' | 'broader_condition' | 'online' | 'other_language' | 'drop'
  label: string
  count: number
  /** The parameters of that search, as a query string. */
  query: string
}

export interface GroupDetails {
  description: string | null
  participation: Participation
  ages: { min: number | null; max: number | null }
  free: boolean
  cost_options: CostOption[]
  fees_description: string | null
  channels: string[]
  languages: string[]
  types: string[]
  audience: string[]
  status: string
  accepting_members: boolean
  places: { city: string | null; region: string | null; country: string | null; kind: string }[]
  schedules: { rrule: string; opens_at: string | null }[]
}

export interface SearchItem {
  id: string
  name: string
  url: string
  distance_km: number | null
  next_meeting: string | null
  why: string[]
  attendance: string | null
  freshness: 'fresh' | 'stale'
  details?: GroupDetails
}

export interface SearchResult {
  items: SearchItem[]
  total: number
  facets: Record<string, Record<string, number>>
  page: number
  per_page: number
  understood: UnderstoodOut[]
  /** Words of `q` searched for in names and descriptions. */
  terms: string[]
  /** Other searches that would find something, when this one finds nothing. */
  suggestions: Suggestion[]
}

interface Context {
  deps: Pick<Deps, 'db' | 'clock'>
  lexicon: Lexicon
  index: DirectoryIndex
  locale: Locale
}

/**
 * Loads the reference data and builds the directory index and the condition look-ups, so that
 * the first searches after a start do not wait for them. The server calls it once it listens.
 */
export async function prepareSearch(db: Db, options: { threads?: number } = {}): Promise<void> {
  if (options.threads) searchOnThreads(db, options.threads)
  prepareConditionNames(await lexiconOf(db))
  await directoryIndex(db)
}

/** Public data: anyone may search the listed groups, so there is no policy to ask. */
export async function searchGroups(
  deps: Pick<Deps, 'db' | 'clock'>,
  params: SearchParams,
  locale: Locale,
  options: { details?: boolean } = {},
): Promise<SearchResult> {
  const [lexicon, index] = await Promise.all([lexiconOf(deps.db), directoryIndex(deps.db)])
  const ctx: Context = { deps, lexicon, index, locale }
  const now = deps.clock.now()
  const plan = makePlan(lexicon, index, params, locale)
  const run = await runSearch(deps.db, plan, index, { now, limit: params.page * params.perPage })
  const pageMatches = run.matches.slice((params.page - 1) * params.perPage)
  const rows = await pageRows(deps, index, pageMatches, options.details === true)
  const t = (key: MessageKey, values?: Record<string, string | number>) =>
    translate(locale, key, values)

  const items: SearchItem[] = []
  for (const m of pageMatches) {
    const id = index.ids.of(m.slot)
    const row = rows.get(id)
    if (!row) continue
    const item: SearchItem = {
      id,
      name: textIn(row.name, locale) ?? id,
      url: `/groups/${encodeURIComponent(id)}`,
      distance_km: m.nearKm === null ? null : Math.round(m.nearKm * 10) / 10,
      next_meeting: row.status === 'active' ? index.nextMeeting(m.slot, now) : null,
      why: why(ctx, plan, m, t),
      attendance: row.attendance,
      freshness: m.stale ? 'stale' : 'fresh',
    }
    if (options.details) item.details = details(row, index.schedules(m.slot), locale)
    items.push(item)
  }

  const understood = plan.understood.map((u) => understoodOut(ctx, plan, u))
  const suggestions = run.total === 0 ? suggest(ctx, plan, params) : []
  return {
    items,
    total: run.total,
    facets: run.facets,
    page: params.page,
    per_page: params.perPage,
    understood,
    terms: plan.terms.map((term) => term.term),
    suggestions,
  }
}

const textIn = (text: LocalizedText | null, locale: string): string | null =>
  text ? (text[locale] ?? text[text.original] ?? null) : null

// ---------------------------------------------------------------------------------------------
// The page's rows

interface PageRow {
  id: string
  name: LocalizedText
  description: LocalizedText | null
  participation: Participation
  min_age: number | null
  max_age: number | null
  free: boolean
  cost_options: CostOption[]
  fees_description: LocalizedText | null
  channels: string[]
  languages: string[]
  types: string[]
  audience: string[]
  attendance: string | null
  status: string
  accepting_members: boolean
  places: GroupDetails['places'] | null
}

/**
 * What a list item shows of each group, by slot: a changed group gets a new slot, so an entry is
 * never stale, and a rebuilt index starts a cache of its own.
 */
const rowCaches = new WeakMap<DirectoryIndex, RowCache<PageRow>>()
const rowCacheSize = 20_000

async function pageRows(
  deps: Pick<Deps, 'db'>,
  index: DirectoryIndex,
  matches: Match[],
  withDetails: boolean,
) {
  const out = new Map<string, PageRow>()
  let cache = rowCaches.get(index)
  if (!cache) {
    cache = new RowCache<PageRow>(rowCacheSize)
    rowCaches.set(index, cache)
  }
  const missing: string[] = []
  for (const m of matches) {
    const id = index.ids.of(m.slot)
    const cached = withDetails ? undefined : cache.get(m.slot)
    if (cached) out.set(id, cached)
    else missing.push(id)
  }
  if (missing.length === 0) return out
  const fetched = await fetchRows(deps, missing, withDetails)
  for (const m of matches) {
    const row = fetched.get(index.ids.of(m.slot))
    if (!row) continue
    out.set(row.id, row)
    if (!withDetails) cache.set(m.slot, row)
  }
  return out
}

async function fetchRows(deps: Pick<Deps, 'db'>, ids: string[], withDetails: boolean) {
  const out = new Map<string, PageRow>()
  const detailColumns = withDetails
    ? sql`, g.description, g.participation, g.min_age, g.max_age, g.cost_options,
        g.fees_description, g.channels, g.languages, g.types, g.audience, g.accepting_members,
        (select json_agg(json_build_object('city', l.address ->> 'city',
            'region', l.address ->> 'region', 'country', l.address ->> 'country', 'kind', l.kind)
          order by l.kind, l.id)
         from group_location gl join location l on l.id = gl.location_id
         where gl.group_id = g.id) as places`
    : sql``
  // The meeting rules are in the index; the list needs only the names from here.
  const rows = await sql<PageRow>`
    select g.id, g.name, g.free, g.attendance, g.status ${detailColumns}
    from grp g where g.id = any(${ids}::text[])
  `.execute(deps.db)
  for (const r of rows.rows) out.set(r.id, r)
  return out
}

function details(row: PageRow, schedules: ScheduleLike[], locale: Locale): GroupDetails {
  return {
    description: textIn(row.description, locale),
    participation: row.participation,
    ages: { min: row.min_age, max: row.max_age },
    free: row.free,
    cost_options: row.cost_options,
    fees_description: textIn(row.fees_description, locale),
    channels: row.channels,
    languages: row.languages,
    types: row.types,
    audience: row.audience,
    status: row.status,
    accepting_members: row.accepting_members,
    places: row.places ?? [],
    schedules: schedules.map((s) => ({ rrule: s.rrule, opens_at: s.opens_at })),
  }
}

// ---------------------------------------------------------------------------------------------
// Why each group is there

type T = (key: MessageKey, values?: Record<string, string | number>) => string

function why(ctx: Context, plan: Plan, m: Match, t: T): string[] {
  const { lexicon, locale } = ctx
  const out: string[] = []
  plan.conditions.forEach((clause, i) => {
    const hit = m.conditions[i]
    if (!hit) return
    const asked =
      clause.asked[0] !== undefined
        ? conceptName(lexicon, clause.asked[0], locale)
        : (clause.code ?? '')
    const matched = hit.concept !== null ? conceptName(lexicon, hit.concept, locale) : asked
    if (hit.relation === 'same') out.push(t('search.why.same', { condition: asked }))
    else if (hit.relation === 'mentions') out.push(t('search.why.mentions', { condition: asked }))
    else if (hit.relation === 'broader') out.push(t('search.why.broader', { matched, asked }))
    else out.push(t('search.why.narrower', { matched, asked }))
  })
  plan.geo.forEach((clause, i) => {
    const hit = m.geo[i]
    if (!hit) return
    if (clause.source === 'near') {
      if (hit.local && m.nearKm !== null) {
        out.push(t('search.why.distance', { km: Math.round(m.nearKm * 10) / 10 }))
      } else out.push(t('search.why.onlineAnywhere'))
      return
    }
    const place = clause.options[hit.option]!.label[locale]
    out.push(t(hit.local ? 'search.why.inPlace' : 'search.why.onlineFrom', { place }))
  })
  for (const a of plan.audience) {
    // The audiences asked for that the group names (a family group for a "family" query may
    // name only parents).
    const has = ctx.index.audienceMask.data[m.slot]! & a.wanted
    const names = audiences
      .filter((_, bit) => has & (1 << bit))
      .map((v) => t(`search.audience.${v}` as MessageKey))
    if (names.length) {
      out.push(t('search.why.audience', { audience: names.join(locale === 'ja' ? '・' : ', ') }))
    }
  }
  if (plan.attendance.includes('online')) out.push(t('search.why.online'))
  if (plan.attendance.includes('in_person')) out.push(t('search.why.inPerson'))
  if (plan.free) out.push(t('search.why.free'))
  if (plan.languages.length) {
    const spoken = plan.languages
      .flat()
      .filter((l) => l >= 0 && ctx.index.speaks(m.slot, l))
      .map((l) => languageName(ctx.index.languageCodes[l]!, locale))
    if (spoken.length) out.push(t('search.why.language', { language: spoken.join(', ') }))
  }
  if (m.termsMatched.length) {
    out.push(
      t('search.why.text', { words: m.termsMatched.join(locale === 'ja' ? '」「' : '”, “') }),
    )
  }
  if (m.stale) out.push(t('search.why.stale'))
  return out
}

// ---------------------------------------------------------------------------------------------
// What was understood, and searches to suggest when nothing is found

function understoodOut(ctx: Context, plan: Plan, u: UnderstoodItem): UnderstoodOut {
  const { lexicon, locale } = ctx
  const text = plan.understanding!.text
  const base = { text: u.text, q_without: withoutSpan(text, u.start, u.end) }
  const t = (key: MessageKey) => translate(locale, key)
  switch (u.kind) {
    case 'condition':
      return {
        kind: 'condition',
        value: lexicon.concepts[u.concepts[0]!]!.id,
        label: conceptName(lexicon, u.concepts[0]!, locale),
        ...base,
      }
    case 'place':
      return {
        kind: 'place',
        value: lexicon.places[u.place]!.id,
        label: placeName(lexicon, u.place, locale),
        ...base,
      }
    case 'locality': {
      const name = ctx.index.localities[u.locality]!.name
      return { kind: 'place', value: name, label: name, ...base }
    }
    case 'audience':
      return { kind: 'audience', value: u.value, label: t(`search.audience.${u.value}`), ...base }
    case 'attendance':
      return {
        kind: 'attendance',
        value: u.value,
        label: t(`search.attendance.${u.value}`),
        ...base,
      }
    case 'free':
      return { kind: 'free', value: 'true', label: t('search.free.label'), ...base }
    case 'type':
      return { kind: 'type', value: u.value, label: t(`search.type.${u.value}`), ...base }
    case 'language':
      return { kind: 'language', value: u.value, label: languageName(u.value, locale), ...base }
  }
}

/** The text without one phrase, and without the spaces it leaves. */
export function withoutSpan(text: string, start: number, end: number): string {
  return `${text.slice(0, start)} ${text.slice(end)}`.replace(/\s+/g, ' ').trim()
}

/** The request as a query string, in the contract's parameter names. */
export function toQuery(params: SearchParams, defaultPerPage = 20): string {
  const out = new URLSearchParams()
  if (params.q) out.set('q', params.q)
  if (params.condition) out.set('condition', params.condition)
  if (params.near) out.set('near', `${params.near.lat},${params.near.lon}`)
  if (params.radiusKm !== undefined) out.set('radius_km', String(params.radiusKm))
  if (params.place) out.set('place', params.place)
  for (const v of params.types) out.append('type', v)
  for (const v of params.audience) out.append('audience', v)
  for (const v of params.languages) out.append('language', v)
  if (params.attendance) out.set('attendance', params.attendance)
  if (params.free !== undefined) out.set('free', String(params.free))
  if (params.leadership) out.set('leadership', params.leadership)
  if (params.page > 1) out.set('page', String(params.page))
  if (params.perPage !== defaultPerPage) out.set('per_page', String(params.perPage))
  return out.toString()
}

const maxSuggestions = 5

function suggest(ctx: Context, plan: Plan, params: SearchParams): Suggestion[] {
  const { lexicon, index, locale } = ctx
  const t = (key: MessageKey, values?: Record<string, string | number>) =>
    translate(locale, key, values)
  const now = ctx.deps.clock.now()
  const base: SearchParams = { ...params, page: 1 }
  const u = plan.understanding
  const qWithout = (items: UnderstoodItem[]) => {
    if (!u) return params.q
    let text = u.text
    for (const item of [...items].sort((a, b) => b.start - a.start)) {
      text = withoutSpan(text, item.start, item.end)
    }
    return text || undefined
  }
  const understoodOf = (kinds: UnderstoodItem['kind'][]) =>
    (u?.items ?? []).filter((i) => kinds.includes(i.kind))

  const tries: { kind: Suggestion['kind']; label: string; params: SearchParams }[] = []

  // A larger circle, or the whole prefecture of a town.
  if (params.near) {
    const radius = params.radiusKm ?? defaultRadiusKm
    const wider = Math.min(20_000, Math.max(100, radius * 3))
    tries.push({
      kind: 'wider_radius',
      label: t('search.suggest.widerRadius', { km: wider }),
      params: { ...base, radiusKm: wider },
    })
  }
  for (const item of understoodOf(['place'])) {
    if (item.kind !== 'place') continue
    const place = lexicon.places[item.place]!
    const prefecture = place.kind === 'municipality' ? place.parent : null
    if (prefecture === null) continue
    const name = lexicon.places[prefecture]!.ja ?? lexicon.places[prefecture]!.id
    const text = u!.text
    tries.push({
      kind: 'wider_place',
      label: t('search.suggest.widerPlace', { place: placeName(lexicon, prefecture, locale) }),
      params: { ...base, q: `${text.slice(0, item.start)}${name}${text.slice(item.end)}` },
    })
  }

  // The broader condition.
  for (const clause of plan.conditions) {
    const asked = clause.asked[0]
    if (asked === undefined) continue
    const parents = [...lexicon.concepts[asked]!.parents].sort(
      (a, b) => lexicon.concepts[b]!.weight - lexicon.concepts[a]!.weight || a - b,
    )
    const parent = parents[0]
    if (parent === undefined) continue
    const label = t('search.suggest.broader', { condition: conceptName(lexicon, parent, locale) })
    const parentCode = lexicon.concepts[parent]!.id
    if (clause.source === 'param') {
      tries.push({ kind: 'broader_condition', label, params: { ...base, condition: parentCode } })
    } else {
      tries.push({
        kind: 'broader_condition',
        label,
        params: {
          ...base,
          q: qWithout(understoodOf(['condition'])),
          condition: params.condition ?? parentCode,
        },
      })
    }
  }

  // Online groups, wherever the person is.
  if (plan.geo.length || plan.attendance.includes('in_person')) {
    tries.push({
      kind: 'online',
      label: t('search.suggest.online'),
      params: {
        ...base,
        q: qWithout(understoodOf(['place', 'locality', 'attendance'])),
        near: undefined,
        radiusKm: undefined,
        place: undefined,
        attendance: 'online',
      },
    })
  }

  // Any language.
  if (plan.languages.length) {
    tries.push({
      kind: 'other_language',
      label: t('search.suggest.otherLanguage'),
      params: { ...base, languages: [], q: qWithout(understoodOf(['language'])) },
    })
  }

  // Without one of the other filters.
  const drops: [label: string, p: SearchParams][] = []
  for (const a of params.audience) {
    drops.push([
      t(`search.audience.${a}` as MessageKey),
      { ...base, audience: params.audience.filter((x) => x !== a) },
    ])
  }
  for (const v of params.types) {
    drops.push([
      t(`search.type.${v}` as MessageKey),
      { ...base, types: params.types.filter((x) => x !== v) },
    ])
  }
  if (params.free) drops.push([t('search.free.label'), { ...base, free: undefined }])
  if (params.leadership) {
    drops.push([t(`search.leadership.${params.leadership}`), { ...base, leadership: undefined }])
  }
  if (params.attendance) {
    drops.push([t(`search.attendance.${params.attendance}`), { ...base, attendance: undefined }])
  }
  for (const item of u?.items ?? []) {
    if (item.kind === 'condition' || item.kind === 'place' || item.kind === 'locality') continue
    drops.push([understoodOut(ctx, plan, item).label, { ...base, q: qWithout([item]) }])
  }
  for (const [label, p] of drops) {
    tries.push({ kind: 'drop', label: t('search.suggest.drop', { label }), params: p })
  }

  const out: Suggestion[] = []
  const seen = new Set<string>()
  for (const attempt of tries) {
    const query = toQuery(attempt.params)
    if (seen.has(query)) continue
    seen.add(query)
    const alternative = makePlan(lexicon, index, attempt.params, locale)
    const { total } = runPlan(alternative, index, { now, countOnly: true, limit: 0 })
    if (total > 0) out.push({ kind: attempt.kind, label: attempt.label, count: total, query })
    if (out.length === maxSuggestions) break
  }
  return out
}
