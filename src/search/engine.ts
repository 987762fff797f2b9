import { audiences, groupTypes, type Audience } from '#src/directory/groups.schema.ts'
import { freshnessCutoffs } from '#src/directory/freshness.ts'
import {
  attendanceCodes,
  cellOf,
  flagFree,
  flagMorePoints,
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
import { popcount, Postings } from './postings.ts'
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

/** The ids of a word's full-text keys; null when one is in no group, so the word is nowhere. */
function termIds(index: DirectoryIndex, keys: string[]): number[] | null {
  const ids: number[] = []
  for (const k of keys) {
    const id = index.byTerm.id(k)
    if (id === undefined || index.byTerm.count(id) === 0) return null
    ids.push(id)
  }
  return ids
}

/** The rarest key of a word holds every group that contains the word; none if a key is absent. */
function rarest(index: DirectoryIndex, keys: string[]): Postings | undefined {
  const ids = termIds(index, keys)
  if (!ids) return undefined
  let best = ids[0]!
  for (const id of ids) if (index.byTerm.count(id) < index.byTerm.count(best)) best = id
  const out = new Postings(0)
  out.length = index.byTerm.decode(best, out)
  return out
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
      if (o.center && o.radiusKm !== null) lists.push(...cellsWithin(index, o.center, o.radiusKm))
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
    // Any of the words will do: one clause, the union of each word's rarest key.
    out.push(sizeOf(plan.terms.slice(0, 12).flatMap((t) => present(rarest(index, t.keys)))))
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
  /**
   * How candidates are found: `scan` checks each candidate of the smallest clause, `sets`
   * combines whole clauses as bit sets; by default, sets when the smallest clause is large.
   */
  strategy?: 'scan' | 'sets'
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
  // In whole seconds, as the index keeps freshness, and to the minute, so that what is visible
  // can be kept as a set between searches.
  const stale = Math.floor(staleBefore.getTime() / 60_000) * 60
  const hidden = Math.floor(hiddenBefore.getTime() / 60_000) * 60
  const nowS = Math.floor(options.now.getTime() / 1000)

  // Words and conditions named in the text: the groups whose texts hold each, found once per
  // search and marked in a bit per slot (bits 0–11 words, 12–15 condition clauses).
  const terms = plan.terms.slice(0, 12)
  const bits = wordBits(index.size)
  const touched = touchedSlots
  touched.length = 0
  const mark = (slots: Uint32Array, n: number, bit: number) => {
    for (let i = 0; i < n; i++) {
      const slot = slots[i]!
      if (bits[slot] === 0) touched.push(slot)
      bits[slot]! |= 1 << bit
    }
  }
  // A word in a large share of the directory tells little and costs much: as a lift (not what
  // was asked for) it is left out, as is a condition's name that common.
  const common = Math.max(2000, index.size / 50)
  terms.forEach((t, i) => {
    if (!plan.termsRequired && rarestCount(index, t.keys) > common) return
    const n = containing(index, t.keys)
    mark(containingOut.data, n, i)
  })
  plan.conditions.slice(0, 4).forEach((c, i) => {
    for (const keys of c.mentions) {
      if (rarestCount(index, keys) > common) continue
      const n = containing(index, keys)
      mark(containingOut.data, n, 12 + i)
    }
  })
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

  const audienceOnly = plan.audience.map((a) => a.exact)
  /** What the score owes to audience, format, language, words, freshness and verification. */
  const restScore = (
    slot: number,
    audience: number,
    attendance: number,
    flags: number,
    fresh: number,
    audienceExact: boolean,
    matchedTerms: number,
  ): number => {
    let score = 0
    if (plan.audience.length) {
      score += audienceExact ? 10 : 5
      // A group for just the people asked for before one for them and others.
      if (audienceExact) {
        let only = true
        for (const exact of audienceOnly) if (audience & ~exact) only = false
        if (only) score += 2
      }
    }
    for (const a of plan.attendance) score += attendance === attendanceCodes[a] ? 4 : 3
    if (preferred >= 0 && index.speaks(slot, preferred)) score += 4
    if (terms.length) score += (12 * matchedTerms) / terms.length
    if (fresh <= stale) score -= 25
    else score += 2 * Math.max(0, 1 - (nowS - fresh) / (nowS - stale))
    if (flags & flagVerified) score += 3
    if (flags & flagPaused) score -= 5
    return score
  }

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
      for (let ci = 0; ci < plan.conditions.length; ci++) {
        const c = plan.conditions[ci]!
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
        if (bestScore < mentionScore && ci < 4 && bits[slot]! & (1 << (12 + ci))) {
          best = { relation: 'mentions', depth: 0, concept: c.asked[0] ?? null }
          bestScore = mentionScore
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
      const more = flags & flagMorePoints ? index.morePoints.get(slot) : undefined
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
            // The nearest of the places named counts for the distance; the first names the hit.
            if (Number.isFinite(d)) distanceKm = Math.min(distanceKm, d)
            if (!hit?.local) hit = { option: o, local: true }
            continue
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
    const words = bits[slot]! & 0xfff
    if (words) {
      for (let t = 0; t < terms.length; t++) {
        if (!(words & (1 << t))) continue
        matchedTerms++
        if (detail) detail.termsMatched.push(terms[t]!.term)
      }
    }
    if (plan.termsRequired && matchedTerms === 0) return NaN

    score += restScore(slot, audience, attendance, flags, fresh, audienceExact, matchedTerms)
    const isStale = fresh <= stale
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
  const useSets =
    options.strategy === 'sets' ||
    (options.strategy !== 'scan' && (!driver || driver.size > setsThreshold))
  let ranked: { slot: number; score: number; distance: number }[] | null = null
  if (useSets) {
    const found = matchSets(plan, index, {
      bits,
      touched,
      hidden,
      onlineAllowed,
      evaluate: (slot) => evaluate(slot, null),
      limit: options.countOnly ? 0 : options.limit,
      counts: countFacets
        ? {
            types: typeCounts,
            audience: audienceCounts,
            languages: languageCounts,
            attendance: attendanceCounts,
            leadership: leadershipCounts,
          }
        : null,
    })
    total = found.total
    freeCount = found.free
    ranked = found.top
  } else if (!driver) {
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
  if (options.countOnly || options.limit === 0) {
    clearBits(bits, touched)
    return { total, facets, matches: [] }
  }

  // The best `limit`, by score, then distance, then id; only these are explained.
  if (!ranked) {
    const top = new TopK(options.limit, index.ids)
    for (let i = 0; i < total; i++) {
      top.offer(scored.slots[i]!, scored.scores[i]!, scored.distances[i]!)
    }
    ranked = top.items
  }
  const matches = ranked.map(({ slot }) => {
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
  clearBits(bits, touched)
  return { total, facets, matches }
}

let wordBitsArray = new Uint16Array(0)
const touchedSlots: number[] = []
function wordBits(size: number) {
  if (wordBitsArray.length < size)
    wordBitsArray = new Uint16Array(Math.max(size, wordBitsArray.length * 2))
  return wordBitsArray
}
function clearBits(bits: Uint16Array, touched: number[]) {
  for (const slot of touched) bits[slot] = 0
  touched.length = 0
}

const containingOut = new Postings(1024)

/** How many groups hold a word's rarest key: an upper bound of those that hold the word. */
function rarestCount(index: DirectoryIndex, keys: string[]): number {
  const ids = termIds(index, keys)
  if (!ids) return 0
  return Math.min(...ids.map((id) => index.byTerm.count(id)))
}

/** The slots whose texts hold every key (the rarest key's list, checked for the others). */
function containing(index: DirectoryIndex, keys: string[]): number {
  const ids = termIds(index, keys)
  if (!ids) return 0
  ids.sort((a, b) => index.byTerm.count(a) - index.byTerm.count(b))
  const n = index.byTerm.decode(ids[0]!, containingOut)
  if (ids.length === 1) return n
  let k = 0
  const d = containingOut.data
  for (let i = 0; i < n; i++) {
    const slot = d[i]!
    let all = true
    for (let j = 1; j < ids.length && all; j++) all = index.byTerm.has(ids[j]!, slot)
    if (all) d[k++] = slot
  }
  return k
}

/** The distance the last evaluation found (a second return value, without an allocation). */
let scratchDistance = Infinity

let wordListArray = new Uint32Array(0)
function wordList(size: number) {
  if (wordListArray.length < size)
    wordListArray = new Uint32Array(Math.max(size, wordListArray.length * 2))
  return wordListArray
}

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

// ---------------------------------------------------------------------------------------------
// Large searches: whole clauses as bit sets

/** Above this many candidates, combining clauses as bit sets beats checking each candidate. */
const setsThreshold = 4000

const bitScratches: Uint32Array[] = []
function bitScratch(i: number, words: number): Uint32Array {
  let a = bitScratches[i]
  if (!a || a.length < words) {
    a = new Uint32Array(Math.max(words, (a?.length ?? 0) * 2))
    bitScratches[i] = a
  }
  return a
}
const byteScratches: Uint8Array[] = []
function byteScratch(i: number, size: number): Uint8Array {
  let a = byteScratches[i]
  if (!a || a.length < size) {
    a = new Uint8Array(Math.max(size, (a?.length ?? 0) * 2))
    byteScratches[i] = a
  }
  a.fill(0, 0, size)
  return a
}

/** The nearest of a group's meeting places to a point, in km (Infinity without one). */
function distanceTo(index: DirectoryIndex, center: { lat: number; lon: number }, slot: number) {
  const lat = index.lat.data[slot]!
  if (Number.isNaN(lat)) return Infinity
  let d = haversineKm(center.lat, center.lon, lat, index.lon.data[slot]!)
  const more = index.flags.data[slot]! & flagMorePoints ? index.morePoints.get(slot) : undefined
  if (more) {
    for (let i = 0; i < more.length; i += 2) {
      d = Math.min(d, haversineKm(center.lat, center.lon, more[i]!, more[i + 1]!))
    }
  }
  return d
}

interface SetsContext {
  bits: Uint16Array
  touched: number[]
  hidden: number
  onlineAllowed: boolean
  /** The exact score of a match (`evaluate`), and the distance it found. */
  evaluate: (slot: number) => number
  limit: number
  counts: {
    types: Uint32Array
    audience: Uint32Array
    languages: Uint32Array
    attendance: Uint32Array
    leadership: Uint32Array
  } | null
}

/** The best few, by score, then distance, then id. */
class TopK {
  readonly items: { slot: number; score: number; distance: number }[] = []
  private readonly limit: number
  private readonly ids: string[]

  constructor(limit: number, ids: string[]) {
    this.limit = limit
    this.ids = ids
  }

  get full() {
    return this.items.length >= this.limit
  }

  /** The score a newcomer must beat (or tie, and win on distance or id). */
  get floor() {
    return this.items.length >= this.limit ? this.items[this.limit - 1]!.score : -Infinity
  }

  private before(a: { slot: number; score: number; distance: number }, b: typeof a) {
    if (a.score !== b.score) return a.score > b.score
    if (a.distance !== b.distance && !Number.isNaN(a.distance - b.distance)) {
      return a.distance < b.distance
    }
    return this.ids[a.slot]! < this.ids[b.slot]!
  }

  offer(slot: number, score: number, distance: number) {
    if (this.limit === 0) return
    const item = { slot, score, distance }
    const items = this.items
    if (items.length >= this.limit && !this.before(item, items[items.length - 1]!)) return
    let lo = 0
    let hi = items.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.before(items[mid]!, item)) lo = mid + 1
      else hi = mid
    }
    items.splice(lo, 0, item)
    if (items.length > this.limit) items.pop()
  }
}

/**
 * The same matches, counts and best groups as checking each candidate, found by combining each
 * clause as a set of bits: filters and what is visible are kept as bit sets in the index,
 * conditions and places are unions of postings. Totals and facets are then counted a word at a
 * time. Only groups that could still make the page are scored: first the nearest meeting places
 * (cells in order of distance) or the groups for the very condition asked, then the rest, each
 * skipped when an upper bound of its score cannot beat the page's last.
 */
function matchSets(plan: Plan, index: DirectoryIndex, ctx: SetsContext) {
  const n = index.size
  const W = (n + 31) >>> 5
  const M = bitScratch(0, W)
  M.set(index.visibleBits(ctx.hidden).subarray(0, W))
  const acc = bitScratch(1, W)
  const and = (src: Uint32Array) => {
    for (let w = 0; w < W; w++) M[w]! &= src[w]!
  }
  const or = (target: Uint32Array, src: Uint32Array) => {
    for (let w = 0; w < W; w++) target[w]! |= src[w]!
  }
  const clear = (a: Uint32Array) => a.fill(0, 0, W)
  const setBit = (a: Uint32Array, slot: number) => {
    a[slot >>> 5]! |= 1 << (slot & 31)
  }
  const hasBit = (a: Uint32Array, slot: number) => (a[slot >>> 5]! & (1 << (slot & 31))) !== 0

  // Filters.
  if (plan.free) and(index.freeBits.words)
  if (plan.leadership) and(index.leadershipBits[plan.leadership]!.words)
  if (plan.types.length) {
    clear(acc)
    for (const t of plan.types) or(acc, index.typeBits[t]!.words)
    and(acc)
  }
  for (const a of plan.attendance) {
    clear(acc)
    if (a === 'in_person') or(acc, index.attendanceBits[1]!.words)
    if (a === 'online') or(acc, index.attendanceBits[2]!.words)
    or(acc, index.attendanceBits[3]!.words)
    and(acc)
  }
  for (const langs of plan.languages) {
    clear(acc)
    for (const l of langs) if (l >= 0 && index.languageBits[l]) or(acc, index.languageBits[l].words)
    and(acc)
  }
  for (const a of plan.audience) {
    clear(acc)
    for (let bit = 0; bit < 8; bit++)
      if (a.wanted & (1 << bit)) or(acc, index.audienceBits[bit]!.words)
    and(acc)
  }

  // Conditions: per clause, the best relation of each group, and the union of the groups.
  const conditionScores: Uint8Array[] = []
  plan.conditions.forEach((c, ci) => {
    const best = byteScratch(ci, n)
    clear(acc)
    for (const key of c.related.keys()) {
      const p = index.byConcept.get(key)
      if (!p) continue
      const score = c.scores[key]!
      const d = p.data
      for (let i = 0; i < p.length; i++) {
        const slot = d[i]!
        if (best[slot]! < score) best[slot] = score
        setBit(acc, slot)
      }
    }
    if (ci < 4) {
      const m = 1 << (12 + ci)
      for (const slot of ctx.touched) {
        if (!(ctx.bits[slot]! & m)) continue
        setBit(acc, slot)
        if (best[slot]! < mentionScore) best[slot] = mentionScore
      }
    }
    and(acc)
    conditionScores.push(best)
  })

  // Places: local meeting places and online groups in reach. A grid cell wholly inside a circle
  // needs no distance worked out for its groups to count as local.
  const geo = plan.geo.length > 0
  const localAll = bitScratch(2, W)
  const lb = bitScratch(3, W)
  if (geo) localAll.fill(0xffffffff, 0, W)
  const attendanceCol = index.attendance.data
  for (const g of plan.geo) {
    clear(acc)
    clear(lb)
    for (const option of g.options) {
      const local = (slot: number) => {
        setBit(acc, slot)
        setBit(lb, slot)
      }
      for (const k of option.placeKeys) {
        const p = index.byPlace.get(k)
        if (p) for (let i = 0; i < p.length; i++) local(p.data[i]!)
      }
      if (option.localityKey !== null) {
        const p = index.byLocality.get(option.localityKey)
        if (p) for (let i = 0; i < p.length; i++) local(p.data[i]!)
      }
      const center = option.center
      if (center && option.radiusKm !== null) {
        const radius = option.radiusKm
        for (const cell of cellsAround(index, center, radius)) {
          const p = cell.postings
          if (cell.far <= radius) {
            for (let i = 0; i < p.length; i++) local(p.data[i]!)
          } else {
            for (let i = 0; i < p.length; i++) {
              const slot = p.data[i]!
              if (distanceTo(index, center, slot) <= radius) local(slot)
            }
          }
        }
      }
      if (ctx.onlineAllowed) {
        if (option.onlineAnywhere) {
          or(acc, index.attendanceBits[2]!.words)
          or(acc, index.attendanceBits[3]!.words)
        } else {
          for (const k of option.coverKeys) {
            const p = index.byCover.get(k)
            if (!p) continue
            for (let i = 0; i < p.length; i++) {
              const slot = p.data[i]!
              const attendance = attendanceCol[slot]
              if (attendance === 2 || attendance === 3) setBit(acc, slot)
            }
          }
        }
      }
    }
    and(acc)
    for (let w = 0; w < W; w++) localAll[w]! &= lb[w]!
  }

  // Words, when they are what was asked for.
  if (plan.termsRequired) {
    clear(acc)
    for (const slot of ctx.touched) if (ctx.bits[slot]! & 0xfff) setBit(acc, slot)
    and(acc)
  }

  // Totals and facets, a word at a time, over the words that hold a match.
  const nonzero = wordList(W)
  let words = 0
  for (let w = 0; w < W; w++) if (M[w]) nonzero[words++] = w
  const countIn = (bits: Uint32Array | null) => {
    let c = 0
    for (let i = 0; i < words; i++) {
      const w = nonzero[i]!
      c += popcount(bits ? M[w]! & bits[w]! : M[w]!)
    }
    return c
  }
  const total = countIn(null)
  const free = countIn(index.freeBits.words)
  const counts = ctx.counts
  if (counts) {
    index.typeBits.forEach((b, i) => (counts.types[i] = countIn(b.words)))
    index.audienceBits.forEach((b, i) => (counts.audience[i] = countIn(b.words)))
    index.languageBits.forEach((b, i) => (counts.languages[i] = countIn(b.words)))
    index.attendanceBits.forEach((b, i) => (counts.attendance[i] = i ? countIn(b.words) : 0))
    index.leadershipBits.forEach((b, i) => (counts.leadership[i] = i ? countIn(b.words) : 0))
  }
  const top = new TopK(ctx.limit, index.ids)
  if (ctx.limit === 0 || total === 0) return { total, free, top: top.items }

  // The most any group can add beyond its condition and place.
  const rest =
    (plan.audience.length ? 12 : 0) +
    4 * plan.attendance.length +
    4 +
    (plan.terms.length ? 12 : 0) +
    2 +
    3
  const visited = bitScratch(4, W)
  clear(visited)
  const consider = (slot: number) => {
    if (hasBit(visited, slot) || !hasBit(M, slot)) return
    setBit(visited, slot)
    const score = ctx.evaluate(slot)
    if (!Number.isNaN(score)) top.offer(slot, score, scratchDistance)
  }
  const conditionBound = (slot: number) => {
    let s = 0
    for (const best of conditionScores) s += best[slot]!
    return s
  }

  // First the nearest: with one circle or place to measure from, cells in order of distance,
  // until no group farther away could make the page.
  let beyond = 30
  const single = plan.geo.length === 1 && plan.geo[0]!.options.length === 1
  const center = single ? plan.geo[0]!.options[0]!.center : null
  if (center) {
    const radius = plan.geo[0]!.options[0]!.radiusKm ?? 300
    const cells = cellsAround(index, center, radius).sort((a, b) => a.near - b.near)
    const geoBound = (km: number) => 20 + 10 * Math.exp(-km / 20)
    // Meeting places outside the cells looked at are farther than the radius.
    beyond = geoBound(radius)
    const most = conditionMax(plan) + rest
    for (const cell of cells) {
      if (top.full && most + geoBound(cell.near) < top.floor) {
        beyond = geoBound(Math.min(cell.near, radius))
        break
      }
      const p = cell.postings
      for (let i = 0; i < p.length; i++) {
        const slot = p.data[i]!
        if (!hasBit(localAll, slot) || hasBit(visited, slot)) continue
        // Too far to make the page, whatever else it has: never again.
        if (top.full && most + geoBound(distanceTo(index, center, slot)) < top.floor) {
          setBit(visited, slot)
          continue
        }
        consider(slot)
      }
    }
  }
  // Then the groups for the very condition asked.
  if (plan.conditions.length === 1) {
    const c = plan.conditions[0]!
    for (const [key, r] of c.related) {
      if (r.relation !== 'same') continue
      const p = index.byConcept.get(key)
      if (p) for (let i = 0; i < p.length; i++) consider(p.data[i]!)
    }
  }
  // Then everything else that could still make it.
  for (let i = 0; i < words; i++) {
    const w = nonzero[i]!
    let word = M[w]! & ~visited[w]!
    while (word) {
      const low = word & -word
      word ^= low
      const slot = (w << 5) | (31 - Math.clz32(low))
      if (top.full) {
        let bound = conditionBound(slot) + rest
        if (geo) {
          if (localAll[w]! & low) {
            // Local groups with a meeting place within the cells seen are already in.
            bound += center && !Number.isNaN(index.lat.data[slot]!) ? beyond : 30
          } else bound += 10
        }
        if (bound < top.floor) continue
      }
      consider(slot)
    }
  }
  return { total, free, top: top.items }
}

/** The best condition score any group can have in this plan. */
function conditionMax(plan: Plan) {
  let s = 0
  for (const c of plan.conditions) {
    let best = c.mentions.length ? mentionScore : 0
    for (const v of c.scores) if (v > best) best = v
    s += best
  }
  return s
}

/** Grid cells a circle may reach, with their nearest and farthest distance from its centre. */
function cellsAround(
  index: DirectoryIndex,
  center: { lat: number; lon: number },
  radiusKm: number,
) {
  const out: { postings: Postings; near: number; far: number }[] = []
  for (const [key, postings] of cellEntries(index, center, radiusKm)) {
    const a = Math.floor(key / 4096) * gridStep - 90
    const b = (key % 4096) * gridStep - 180
    const corners = [
      haversineKm(center.lat, center.lon, a, b),
      haversineKm(center.lat, center.lon, a + gridStep, b),
      haversineKm(center.lat, center.lon, a, b + gridStep),
      haversineKm(center.lat, center.lon, a + gridStep, b + gridStep),
    ]
    const inside =
      center.lat >= a && center.lat < a + gridStep && center.lon >= b && center.lon < b + gridStep
    // The nearest point of the cell: the centre itself, or a point on its edge.
    const clampLat = Math.min(Math.max(center.lat, a), a + gridStep)
    const clampLon = Math.min(Math.max(center.lon, b), b + gridStep)
    const near = inside ? 0 : haversineKm(center.lat, center.lon, clampLat, clampLon)
    out.push({ postings, near, far: Math.max(...corners) })
  }
  return out
}

function cellEntries(
  index: DirectoryIndex,
  center: { lat: number; lon: number },
  radiusKm: number,
) {
  const out = new Map<number, Postings>()
  const { lat, lon } = center
  const dLat = radiusKm / 111
  const dLon = radiusKm / (111 * Math.max(0.01, Math.cos(lat * toRad)))
  const cells = ((2 * dLat) / gridStep + 2) * ((2 * dLon) / gridStep + 2)
  if (cells > 4000) return [...index.byCell.map.entries()]
  for (let a = lat - dLat; a <= lat + dLat + gridStep; a += gridStep) {
    for (let b = lon - dLon; b <= lon + dLon + gridStep; b += gridStep) {
      const key = cellOf(Math.min(89.99, Math.max(-89.99, a)), wrap(b))
      const p = index.byCell.get(key)
      if (p) out.set(key, p)
    }
  }
  return [...out.entries()]
}

/** The grid cells' postings that a circle may reach. */
function cellsWithin(
  index: DirectoryIndex,
  center: { lat: number; lon: number },
  radiusKm: number,
) {
  return cellEntries(index, center, radiusKm).map(([, p]) => p)
}
