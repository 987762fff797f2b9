import { audiences, groupTypes, type Audience } from '#src/directory/groups.schema.ts'
import { freshnessCutoffs } from '#src/directory/freshness.ts'
import {
  attendanceCodes,
  cellOf,
  flagFree,
  flagPaused,
  flagVerified,
  gridStep,
  leadershipCodes,
  type DirectoryIndex,
} from './directory-index.ts'
import {
  placeAncestry,
  relatedConcepts,
  resolvePlaceParam,
  type Lexicon,
  type Relation,
} from './lexicon.ts'
import type { Postings } from './postings.ts'
import { normalizeForSearch } from '#src/conditions/normalize.ts'
import { keysOfTerm } from './text.ts'
import { understandQuery, type Understanding, type UnderstoodItem } from './understand.ts'

/**
 * Group search over the in-memory index: the request's filters and what its free text names
 * become clauses, all of which a group must satisfy (AND); the smallest clause's postings give
 * the candidates, every candidate is checked against all clauses and scored, and the page is cut
 * from the ranked matches. Facets count every match.
 */

export type Attendance = 'in_person' | 'online' | 'hybrid'

export interface SearchParams {
  q?: string | undefined
  condition?: string | undefined
  near?: { lat: number; lon: number } | undefined
  radiusKm?: number | undefined
  place?: string | undefined
  types: string[]
  audience: string[]
  languages: string[]
  attendance?: Attendance | undefined
  free?: boolean | undefined
  leadership?: 'peer' | 'professional' | undefined
  /** A condition the person chose (from a suggestion) as well as what the text says. */
  page: number
  perPage: number
}

export const defaultRadiusKm = 50
/** A town named in the text also takes in groups this close to it. */
const townRadiusKm = 20
const localityRadiusKm = 25

// ---------------------------------------------------------------------------------------------
// The plan: clauses built from the parameters and the text

export interface ConditionClause {
  source: 'param' | 'q'
  /** The concepts asked for (lexicon numbers); empty for a code the reference data lacks. */
  asked: number[]
  code: string | null
  /** Index concept key → how the concept relates to what was asked, and the lexicon concept. */
  related: Map<number, { relation: Relation; depth: number; concept: number | null }>
  /** The same as scores by concept key, for the hot loop: 0 where the concept is unrelated. */
  scores: Uint8Array
  /**
   * For a condition named in the text: the words it was named with, and the concept's names, as
   * full-text keys. A group whose tags miss the concept but whose name or description says it
   * matches too (a group tagged "spina bifida and other dysraphisms" for "spina bifida").
   */
  mentions: string[][]
}

export type ConditionHit =
  | { relation: Relation; depth: number; concept: number | null }
  | { relation: 'mentions'; depth: 0; concept: number | null }

export interface GeoOption {
  label: { ja: string; en: string }
  /** Index place keys a meeting place or service area lies in. */
  placeKeys: number[]
  localityKey: number | null
  /** A circle whose meeting places are local, and where distances are measured from. */
  center: { lat: number; lon: number } | null
  radiusKm: number | null
  /** Online groups count when they serve one of these areas (`worldwide`, the country …). */
  coverKeys: number[]
  /** Online groups count wherever they are (for `near`). */
  onlineAnywhere: boolean
}

export interface GeoClause {
  source: 'near' | 'place' | 'q'
  options: GeoOption[]
}

export interface Plan {
  conditions: ConditionClause[]
  geo: GeoClause[]
  audience: { wanted: number; exact: number; values: Audience[] }[]
  types: number[]
  languages: number[][]
  attendance: Attendance[]
  free: boolean
  leadership: number
  /** Words to find in names and descriptions, and whether a group must contain one. */
  terms: { term: string; keys: string[] }[]
  termsRequired: boolean
  preferredLanguage: string
  understanding: Understanding | null
  /** Understood items that took effect (a place the directory cannot use is dropped). */
  understood: UnderstoodItem[]
  impossible: boolean
}

const typeBit = new Map(groupTypes.map((t, i) => [t as string, i]))
const audienceBit = new Map(audiences.map((a, i) => [a as string, i]))

/** Who else a word for an audience takes in: a family group is also for parents and siblings. */
const audienceAlso: Partial<Record<Audience, Audience[]>> = {
  family: ['parents', 'siblings'],
}

function audienceClause(values: Audience[], expand: boolean) {
  let wanted = 0
  let exact = 0
  for (const v of values) {
    const bit = audienceBit.get(v)
    if (bit === undefined) continue
    exact |= 1 << bit
    wanted |= 1 << bit
    if (expand) for (const also of audienceAlso[v] ?? []) wanted |= 1 << audienceBit.get(also)!
  }
  return { wanted, exact, values }
}

function conditionClause(
  lexicon: Lexicon,
  index: DirectoryIndex,
  source: ConditionClause['source'],
  asked: number[],
  code: string | null,
): ConditionClause {
  const related: ConditionClause['related'] = new Map()
  for (const [concept, r] of relatedConcepts(lexicon, asked)) {
    const key = index.conceptKeys.get(lexicon.concepts[concept]!.id)
    if (key !== undefined) related.set(key, { ...r, concept })
  }
  if (code) {
    const key = index.conceptKeys.get(code)
    if (key !== undefined && !related.has(key)) {
      related.set(key, { relation: 'same', depth: 0, concept: asked[0] ?? null })
    }
  }
  const scores = new Uint8Array(index.conceptKeys.size)
  for (const [key, r] of related) scores[key] = relationScore(r.relation, r.depth)
  return { source, asked, code, related, scores, mentions: [] }
}

function placeOption(lexicon: Lexicon, index: DirectoryIndex, place: number): GeoOption {
  const p = lexicon.places[place]!
  const keys = [p.id, ...p.wards.map((w) => lexicon.places[w]!.id)]
  const ancestors = placeAncestry(lexicon, place).slice(1)
  const local = p.kind === 'municipality' && p.lat !== null && p.lon !== null
  const center = p.kind !== 'country' && p.lat !== null && p.lon !== null
  return {
    label: { ja: p.ja ?? p.en ?? p.id, en: p.en ?? p.ja ?? p.id },
    placeKeys: keys.map((k) => index.placeKeys.get(k)).filter((k) => k !== undefined),
    localityKey: null,
    center: center ? { lat: p.lat!, lon: p.lon! } : null,
    radiusKm: local ? townRadiusKm : null,
    coverKeys: ['worldwide', ...ancestors.map((a) => lexicon.places[a]!.id)]
      .map((k) => index.placeKeys.get(k))
      .filter((k) => k !== undefined),
    onlineAnywhere: false,
  }
}

function localityOption(lexicon: Lexicon, index: DirectoryIndex, locality: number): GeoOption {
  const l = index.localities[locality]!
  const country = l.country?.toUpperCase()
  return {
    label: { ja: l.name, en: l.name },
    placeKeys: [],
    localityKey: locality,
    center: l.points ? { lat: l.lat, lon: l.lon } : null,
    radiusKm: l.points ? localityRadiusKm : null,
    coverKeys: ['worldwide', ...(country && lexicon.placeIndex.has(country) ? [country] : [])]
      .map((k) => index.placeKeys.get(k))
      .filter((k) => k !== undefined),
    onlineAnywhere: false,
  }
}

export function makePlan(
  lexicon: Lexicon,
  index: DirectoryIndex,
  params: SearchParams,
  locale: 'ja' | 'en',
): Plan {
  const plan: Plan = {
    conditions: [],
    geo: [],
    audience: [],
    types: [],
    languages: [],
    attendance: [],
    free: params.free === true,
    leadership: params.leadership ? leadershipCodes[params.leadership] : 0,
    terms: [],
    termsRequired: false,
    preferredLanguage: locale,
    understanding: null,
    understood: [],
    impossible: false,
  }

  const code = params.condition?.trim().toUpperCase()
  if (code) {
    const seeds = lexicon.conceptsByCode.get(code) ?? []
    // The concept that has the code as its own id names the request; then the most prominent.
    const asked = [...seeds].sort(
      (a, b) =>
        Number(lexicon.concepts[b]!.id.toUpperCase() === code) -
          Number(lexicon.concepts[a]!.id.toUpperCase() === code) ||
        lexicon.concepts[b]!.weight - lexicon.concepts[a]!.weight ||
        a - b,
    )
    plan.conditions.push(conditionClause(lexicon, index, 'param', asked, code))
  }
  if (params.near) {
    plan.geo.push({
      source: 'near',
      options: [
        {
          label: { ja: '', en: '' },
          placeKeys: [],
          localityKey: null,
          center: params.near,
          radiusKm: params.radiusKm ?? defaultRadiusKm,
          coverKeys: [],
          onlineAnywhere: true,
        },
      ],
    })
  }
  if (params.place) {
    const raw = params.place.trim()
    const place = resolvePlaceParam(lexicon, raw)
    if (place !== null) {
      plan.geo.push({ source: 'place', options: [placeOption(lexicon, index, place)] })
    } else {
      // A place the reference data lacks (a US state, a British county) is matched as text.
      const locality = index.localityKeys.get(normalizeLoose(raw))
      const byCode = index.placeKeys.get(raw.toUpperCase())
      if (locality !== undefined) {
        plan.geo.push({ source: 'place', options: [localityOption(lexicon, index, locality)] })
      } else if (byCode !== undefined) {
        plan.geo.push({
          source: 'place',
          options: [
            {
              label: { ja: raw, en: raw },
              placeKeys: [byCode],
              localityKey: null,
              center: null,
              radiusKm: null,
              coverKeys: [index.placeKeys.get('worldwide') ?? -1],
              onlineAnywhere: false,
            },
          ],
        })
      } else {
        plan.impossible = true
      }
    }
  }
  if (params.audience.length) {
    plan.audience.push(audienceClause(params.audience as Audience[], false))
  }
  if (params.types.length) {
    plan.types = params.types.map((t) => typeBit.get(t)).filter((t) => t !== undefined)
  }
  if (params.languages.length) {
    plan.languages.push(params.languages.map((l) => index.languageKeys.get(l) ?? -1))
  }
  if (params.attendance) plan.attendance.push(params.attendance)

  const q = params.q?.trim()
  if (q) {
    const u = understandQuery(q, lexicon, {
      get: (norm) => index.localityKeys.get(norm),
    })
    plan.understanding = u
    const conditions = u.items.filter((i) => i.kind === 'condition')
    if (conditions.length) {
      const asked = [...new Set(conditions.flatMap((c) => c.concepts))]
      const clause = conditionClause(lexicon, index, 'q', asked, null)
      const phrases = new Set<string>()
      for (const c of conditions) {
        phrases.add(c.text)
        for (const concept of c.concepts) {
          const { ja, en } = lexicon.concepts[concept]!
          if (ja) phrases.add(ja)
          if (en) phrases.add(en)
        }
      }
      clause.mentions = [...phrases]
        .map((p) => keysOfTerm(normalizeForSearch(p)))
        .filter((keys) => keys.length > 0)
      plan.conditions.push(clause)
    }
    const options: GeoOption[] = []
    for (const item of u.items) {
      if (item.kind === 'place') options.push(placeOption(lexicon, index, item.place))
      if (item.kind === 'locality') options.push(localityOption(lexicon, index, item.locality))
    }
    if (options.length) plan.geo.push({ source: 'q', options })
    const audienceWords = u.items.flatMap((i) => (i.kind === 'audience' ? [i.value] : []))
    if (audienceWords.length) plan.audience.push(audienceClause([...new Set(audienceWords)], true))
    const typeWords = u.items.flatMap((i) => (i.kind === 'type' ? [typeBit.get(i.value)!] : []))
    if (typeWords.length) {
      plan.types = plan.types.length ? plan.types.filter((t) => typeWords.includes(t)) : typeWords
      if (!plan.types.length) plan.impossible = true
    }
    const languageWords = u.items.flatMap((i) => (i.kind === 'language' ? [i.value] : []))
    if (languageWords.length) {
      plan.languages.push(languageWords.map((l) => index.languageKeys.get(l) ?? -1))
    }
    for (const item of u.items) {
      if (item.kind === 'attendance') plan.attendance.push(item.value)
      if (item.kind === 'free') plan.free = true
    }
    plan.understood = u.items
    plan.terms = u.terms
      .map((term) => ({ term, keys: keysOfTerm(term) }))
      .filter((t) => t.keys.length > 0)
    // Text is what the person asked for when nothing in it was understood; otherwise it only
    // lifts the groups that also mention it.
    plan.termsRequired = u.items.length === 0 && plan.terms.length > 0
    if (u.script) plan.preferredLanguage = u.script
  }
  return plan
}

function normalizeLoose(text: string) {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
}

// ---------------------------------------------------------------------------------------------
// Running the plan

export interface Match {
  slot: number
  score: number
  /** From `near`, or from the place named, for ordering local groups. */
  distanceKm: number
  /** Kilometres from the `near` point, when one was given and the group meets somewhere. */
  nearKm: number | null
  /** Per condition clause: the relation of the best matching concept. */
  conditions: (ConditionHit | null)[]
  /** Per geo clause: which option matched, and whether locally or online. */
  geo: ({ option: number; local: boolean } | null)[]
  audienceExact: boolean
  termsMatched: string[]
  stale: boolean
}

export interface RunResult {
  total: number
  facets: Record<string, Record<string, number>>
  matches: Match[]
}

const earthRadiusKm = 6371.0088
const toRad = Math.PI / 180

export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = (lat2 - lat1) * toRad
  const dLon = (lon2 - lon1) * toRad
  const a =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(lat1 * toRad) * Math.cos(lat2 * toRad) * Math.sin(dLon / 2) ** 2
  return 2 * earthRadiusKm * Math.asin(Math.min(1, Math.sqrt(a)))
}

const relationScore = (relation: Relation, depth: number) => {
  if (relation === 'same') return 40
  if (relation === 'broader')
    return depth === 1 ? 32 : depth === 2 ? 26 : Math.max(12, 20 - (depth - 3))
  return depth === 1 ? 28 : depth === 2 ? 22 : Math.max(10, 18 - (depth - 3))
}

/** Reusable marks per slot, so that unions of postings need no sets. */
let marks = new Uint32Array(0)
let markGeneration = 0
function nextMark(size: number): number {
  if (marks.length < size) {
    marks = new Uint32Array(Math.max(size, marks.length * 2, 1024))
    markGeneration = 0
  }
  markGeneration++
  if (markGeneration === 0xffffffff) {
    marks.fill(0)
    markGeneration = 1
  }
  return markGeneration
}

interface Generator {
  size: number
  lists: Postings[]
}

const present = (p: Postings | undefined): Postings[] => (p ? [p] : [])

/** The rarest key of a word holds every group that contains the word; none if a key is absent. */
function rarest(index: DirectoryIndex, keys: string[]): Postings | undefined {
  let best: Postings | undefined
  for (const k of keys) {
    const p = index.byTerm.get(k)
    if (!p) return undefined
    if (!best || p.length < best.length) best = p
  }
  return best
}

const mentionScore = 24

function sizeOf(lists: Postings[]): Generator {
  let size = 0
  for (const l of lists) size += l.length
  return { size, lists }
}

/** Postings whose union holds every group that can satisfy the clause. */
function generators(plan: Plan, index: DirectoryIndex): Generator[] {
  const out: Generator[] = []
  const onlineAllowed = !plan.attendance.includes('in_person')
  for (const c of plan.conditions) {
    const lists: Postings[] = []
    for (const key of c.related.keys()) {
      const p = index.byConcept.get(key)
      if (p) lists.push(p)
    }
    for (const keys of c.mentions) {
      const p = rarest(index, keys)
      if (p) lists.push(p)
    }
    out.push(sizeOf(lists))
  }
  for (const g of plan.geo) {
    const lists: Postings[] = []
    for (const o of g.options) {
      for (const k of o.placeKeys) {
        const p = index.byPlace.get(k)
        if (p) lists.push(p)
      }
      if (o.localityKey !== null) {
        const p = index.byLocality.get(o.localityKey)
        if (p) lists.push(p)
      }
      if (o.center && o.radiusKm !== null) {
        const { lat, lon } = o.center
        const dLat = o.radiusKm / 111
        const dLon = o.radiusKm / (111 * Math.max(0.01, Math.cos(lat * toRad)))
        const cells = ((2 * dLat) / gridStep + 2) * ((2 * dLon) / gridStep + 2)
        if (cells > 4000) {
          // A circle larger than a country: every group with a meeting place may be in it.
          lists.push(...index.byCell.map.values())
        } else {
          for (let a = lat - dLat; a <= lat + dLat + gridStep; a += gridStep) {
            for (let b = lon - dLon; b <= lon + dLon + gridStep; b += gridStep) {
              const p = index.byCell.get(cellOf(Math.min(89.99, Math.max(-89.99, a)), wrap(b)))
              if (p) lists.push(p)
            }
          }
        }
      }
      if (onlineAllowed) {
        if (o.onlineAnywhere) lists.push(index.onlineCapable)
        for (const k of o.coverKeys) {
          const p = index.byCover.get(k)
          if (p) lists.push(p)
        }
      }
    }
    out.push(sizeOf([...new Set(lists)]))
  }
  if (plan.termsRequired) {
    for (const t of plan.terms) out.push(sizeOf(present(rarest(index, t.keys))))
  }
  for (const a of plan.audience) {
    const lists: Postings[] = []
    for (let bit = 0; bit < 8; bit++) {
      if (a.wanted & (1 << bit)) {
        const p = index.byAudience.get(bit)
        if (p) lists.push(p)
      }
    }
    out.push(sizeOf(lists))
  }
  if (plan.types.length) {
    out.push(sizeOf(plan.types.flatMap((t) => index.byType.get(t) ?? [])))
  }
  for (const l of plan.languages) {
    out.push(sizeOf(l.flatMap((k) => index.byLanguage.get(k) ?? [])))
  }
  if (plan.free) out.push(sizeOf([index.free]))
  if (plan.leadership) out.push(sizeOf(present(index.byLeadership.get(plan.leadership))))
  for (const a of plan.attendance) {
    if (a === 'online') out.push(sizeOf([index.onlineCapable]))
    if (a === 'hybrid') out.push(sizeOf(present(index.byAttendance.get(attendanceCodes.hybrid))))
  }
  return out
}

const wrap = (lon: number) => ((((lon + 180) % 360) + 360) % 360) - 180

export interface RunOptions {
  now: Date
  /** Only the count: no ranking, facets or page. */
  countOnly?: boolean
  /** How many of the best matches to rank and return (the page and those before it). */
  limit: number
}

export function runPlan(plan: Plan, index: DirectoryIndex, options: RunOptions): RunResult {
  const facets: Record<string, Record<string, number>> = {
    type: {},
    audience: {},
    language: {},
    attendance: {},
    leadership: {},
    free: {},
  }
  if (plan.impossible) return { total: 0, facets, matches: [] }

  const { staleBefore, hiddenBefore } = freshnessCutoffs(options.now)
  const stale = staleBefore.getTime()
  const hidden = hiddenBefore.getTime()
  const nowMs = options.now.getTime()

  const termLists = plan.terms.map((t) => t.keys.map((k) => index.byTerm.get(k)))
  const onlineAllowed = !plan.attendance.includes('in_person')
  const preferred = index.languageKeys.get(plan.preferredLanguage) ?? -1
  const alive = index.alive.data
  const freshCol = index.fresh.data
  const typeCol = index.typeMask.data
  const audienceCol = index.audienceMask.data
  const attendanceCol = index.attendance.data
  const flagsCol = index.flags.data
  const leadershipCol = index.leadership.data
  const latCol = index.lat.data
  const lonCol = index.lon.data
  const startCol = index.listStart.data
  const nConcepts = index.nConcepts.data
  const nPlaces = index.nPlaces.data
  const nCovers = index.nCovers.data
  const nLocalities = index.nLocalities.data
  const pool = index.pool

  /**
   * Checks one group against every clause: its score, or NaN when it does not match. `detail`,
   * when given, receives why it matched (only asked for the groups of the page).
   */
  const evaluate = (slot: number, detail: Match | null): number => {
    if (!alive[slot]) return NaN
    const fresh = freshCol[slot]!
    if (fresh <= hidden) return NaN
    const types = typeCol[slot]!
    const audience = audienceCol[slot]!
    const attendance = attendanceCol[slot]!
    const flags = flagsCol[slot]!

    if (plan.free && !(flags & flagFree)) return NaN
    if (plan.leadership && leadershipCol[slot] !== plan.leadership) return NaN
    if (plan.types.length) {
      let any = false
      for (const t of plan.types) if (types & (1 << t)) any = true
      if (!any) return NaN
    }
    for (const a of plan.attendance) {
      if (a === 'in_person' && attendance !== 1 && attendance !== 3) return NaN
      if (a === 'online' && attendance !== 2 && attendance !== 3) return NaN
      if (a === 'hybrid' && attendance !== 3) return NaN
    }
    for (const langs of plan.languages) {
      let any = false
      for (const l of langs) if (l >= 0 && index.speaks(slot, l)) any = true
      if (!any) return NaN
    }
    let audienceExact = plan.audience.length > 0
    for (const a of plan.audience) {
      if (!(audience & a.wanted)) return NaN
      if (!(audience & a.exact)) audienceExact = false
    }

    let score = 0
    const base = startCol[slot]!
    // Conditions: the nearest relation among the group's concepts.
    if (plan.conditions.length) {
      const count = nConcepts[slot]!
      for (const c of plan.conditions) {
        let best: ConditionHit | null = null
        let bestScore = -1
        let bestKey = -1
        const scores = c.scores
        for (let i = 0; i < count; i++) {
          const key = pool[base + i]!
          const s = scores[key] ?? 0
          if (s > bestScore && s > 0) {
            bestScore = s
            bestKey = key
          }
        }
        if (bestKey >= 0) best = c.related.get(bestKey)!
        if (bestScore < mentionScore && c.mentions.length) {
          for (const keys of c.mentions) {
            if (keys.every((k) => index.byTerm.get(k)?.has(slot))) {
              best = { relation: 'mentions', depth: 0, concept: c.asked[0] ?? null }
              bestScore = mentionScore
              break
            }
          }
        }
        if (!best) return NaN
        if (detail) detail.conditions.push(best)
        score += bestScore
      }
    }

    // Places and distance.
    let distanceKm = Infinity
    if (plan.geo.length) {
      const lat = latCol[slot]!
      const more = Number.isNaN(lat) ? undefined : index.morePoints.get(slot)
      const placesStart = base + nConcepts[slot]!
      const placesEnd = placesStart + nPlaces[slot]!
      const coversEnd = placesEnd + nCovers[slot]!
      const localitiesEnd = coversEnd + nLocalities[slot]!
      const online = attendance === 2 || attendance === 3
      let local = true
      for (const g of plan.geo) {
        let hit: { option: number; local: boolean } | null = null
        for (let o = 0; o < g.options.length; o++) {
          const option = g.options[o]!
          let isLocal = false
          let d = Infinity
          if (option.center && !Number.isNaN(lat)) {
            d = haversineKm(option.center.lat, option.center.lon, lat, lonCol[slot]!)
            if (more) {
              for (let i = 0; i < more.length; i += 2) {
                d = Math.min(
                  d,
                  haversineKm(option.center.lat, option.center.lon, more[i]!, more[i + 1]!),
                )
              }
            }
            if (option.radiusKm !== null && d <= option.radiusKm) isLocal = true
          }
          if (!isLocal && option.placeKeys.length) {
            for (let i = placesStart; i < placesEnd && !isLocal; i++) {
              if (option.placeKeys.includes(pool[i]!)) isLocal = true
            }
          }
          if (!isLocal && option.localityKey !== null) {
            for (let i = coversEnd; i < localitiesEnd && !isLocal; i++) {
              if (pool[i] === option.localityKey) isLocal = true
            }
          }
          if (detail && g.source === 'near' && Number.isFinite(d)) {
            detail.nearKm = detail.nearKm === null ? d : Math.min(detail.nearKm, d)
          }
          if (isLocal) {
            if (Number.isFinite(d)) distanceKm = Math.min(distanceKm, d)
            hit = { option: o, local: true }
            break
          }
          if (!hit && online && onlineAllowed) {
            let reach = option.onlineAnywhere
            for (let i = placesEnd; i < coversEnd && !reach; i++) {
              if (option.coverKeys.includes(pool[i]!)) reach = true
            }
            if (reach) hit = { option: o, local: false }
          }
        }
        if (!hit) return NaN
        if (!hit.local) local = false
        if (detail) detail.geo.push(hit)
      }
      score += local ? 20 + (Number.isFinite(distanceKm) ? 10 * Math.exp(-distanceKm / 20) : 5) : 10
    }

    // Words: required when nothing else was understood, otherwise a lift.
    let matchedTerms = 0
    for (let t = 0; t < termLists.length; t++) {
      const lists = termLists[t]!
      let all = true
      for (const p of lists) {
        if (!p?.has(slot)) {
          all = false
          break
        }
      }
      if (all) {
        matchedTerms++
        if (detail) detail.termsMatched.push(plan.terms[t]!.term)
      }
    }
    if (plan.termsRequired && matchedTerms === 0) return NaN

    if (plan.audience.length) {
      score += audienceExact ? 10 : 5
      // A group for just the people asked for before one for them and others.
      if (audienceExact && plan.audience.every((a) => (audience & ~a.exact) === 0)) score += 2
    }
    for (const a of plan.attendance) score += attendance === attendanceCodes[a] ? 4 : 3
    if (preferred >= 0 && index.speaks(slot, preferred)) score += 4
    if (termLists.length) score += (12 * matchedTerms) / termLists.length
    const isStale = fresh <= stale
    if (isStale) score -= 25
    else score += 2 * Math.max(0, 1 - (nowMs - fresh) / (nowMs - stale))
    if (flags & flagVerified) score += 3
    if (flags & flagPaused) score -= 5
    if (detail) {
      detail.audienceExact = audienceExact
      detail.stale = isStale
      detail.distanceKm = distanceKm
      detail.score = score
    }
    scratchDistance = distanceKm
    return score
  }

  // Candidates: the smallest clause's postings, or every slot.
  const gens = generators(plan, index)
  let driver: Generator | null = null
  for (const g of gens) if (!driver || g.size < driver.size) driver = g
  const scored = scratch(driver ? driver.size : index.size)
  let total = 0
  const countFacets = !options.countOnly
  // Counted in arrays, named at the end.
  const typeCounts = new Uint32Array(8)
  const audienceCounts = new Uint32Array(8)
  const languageCounts = new Uint32Array(index.languageCodes.length)
  const attendanceCounts = new Uint32Array(4)
  const leadershipCounts = new Uint32Array(3)
  let freeCount = 0
  const manyLanguages = index.languageCodes.length > 32
  const consider = (slot: number) => {
    const score = evaluate(slot, null)
    if (Number.isNaN(score)) return
    scored.slots[total] = slot
    scored.scores[total] = score
    scored.distances[total] = scratchDistance
    total++
    if (!countFacets) return
    const types = typeCol[slot]!
    for (let bit = 0; types >> bit; bit++) if (types & (1 << bit)) typeCounts[bit]!++
    const audience = audienceCol[slot]!
    for (let bit = 0; audience >> bit; bit++) if (audience & (1 << bit)) audienceCounts[bit]!++
    const langs = index.langMask.data[slot]!
    for (let l = 0; langs >>> l && l < 32; l++) if (langs & (1 << l)) languageCounts[l]!++
    const more = manyLanguages ? index.moreLanguages.get(slot) : undefined
    if (more) for (const l of more) languageCounts[l]!++
    attendanceCounts[attendanceCol[slot]!]!++
    leadershipCounts[leadershipCol[slot]!]!++
    if (flagsCol[slot]! & flagFree) freeCount++
  }
  if (!driver) {
    for (let slot = 0; slot < index.size; slot++) consider(slot)
  } else if (driver.lists.length === 1) {
    const list = driver.lists[0]!
    const d = list.data
    for (let i = 0; i < list.length; i++) consider(d[i]!)
  } else {
    const mark = nextMark(index.size)
    for (const list of driver.lists) {
      const d = list.data
      for (let i = 0; i < list.length; i++) {
        const slot = d[i]!
        if (marks[slot] === mark) continue
        marks[slot] = mark
        consider(slot)
      }
    }
  }
  if (countFacets) {
    const name = (facet: Record<string, number>, counts: Uint32Array, names: readonly string[]) => {
      counts.forEach((n, i) => {
        if (n && names[i]) facet[names[i]] = n
      })
    }
    name(facets.type!, typeCounts, groupTypes)
    name(facets.audience!, audienceCounts, audiences)
    name(facets.language!, languageCounts, index.languageCodes)
    name(facets.attendance!, attendanceCounts, ['', 'in_person', 'online', 'hybrid'])
    name(facets.leadership!, leadershipCounts, ['', 'peer', 'professional'])
    if (freeCount) facets.free!.true = freeCount
    if (total - freeCount) facets.free!.false = total - freeCount
  }
  if (options.countOnly || options.limit === 0) return { total, facets, matches: [] }

  // The best `limit`, by score, then distance, then id; only these are explained.
  const ids = index.ids
  const better = (a: number, b: number) => {
    const ds = scored.scores[b]! - scored.scores[a]!
    if (ds !== 0) return ds < 0
    const dd = scored.distances[a]! - scored.distances[b]!
    if (dd !== 0 && !Number.isNaN(dd)) return dd < 0
    return ids[scored.slots[a]!]! < ids[scored.slots[b]!]!
  }
  const top: number[] = []
  for (let i = 0; i < total; i++) {
    if (top.length === options.limit && !better(i, top[top.length - 1]!)) continue
    let lo = 0
    let hi = top.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (better(top[mid]!, i)) lo = mid + 1
      else hi = mid
    }
    top.splice(lo, 0, i)
    if (top.length > options.limit) top.pop()
  }
  const matches = top.map((i) => {
    const slot = scored.slots[i]!
    const m: Match = {
      slot,
      score: 0,
      distanceKm: Infinity,
      nearKm: null,
      conditions: [],
      geo: [],
      audienceExact: false,
      termsMatched: [],
      stale: false,
    }
    evaluate(slot, m)
    return m
  })
  return { total, facets, matches }
}

/** The distance the last evaluation found (a second return value, without an allocation). */
let scratchDistance = Infinity

/** Reusable arrays for the scores of one search (searches run one at a time on this thread). */
let scratchArrays = {
  slots: new Uint32Array(1024),
  scores: new Float64Array(1024),
  distances: new Float64Array(1024),
}
function scratch(size: number) {
  if (scratchArrays.slots.length < size) {
    const n = Math.max(size, scratchArrays.slots.length * 2)
    scratchArrays = {
      slots: new Uint32Array(n),
      scores: new Float64Array(n),
      distances: new Float64Array(n),
    }
  }
  return scratchArrays
}
