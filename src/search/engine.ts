import { audiences, groupTypes, type Audience } from '#src/directory/vocabularies.ts'
import { leadershipCodes, type DirectoryIndex } from './directory-index.ts'
import {
  placeAncestry,
  relatedConcepts,
  resolvePlaceParam,
  type Lexicon,
  type Relation,
} from './lexicon.ts'
import { normalizeForSearch } from '#src/conditions/normalize.ts'
import { keysOfTerm } from './text.ts'
import { understandQuery, type Understanding, type UnderstoodItem } from './understand.ts'

/**
 * Group search over the in-memory index, first step: the request's filters and what its free
 * text names become clauses (a plan), all of which a group must satisfy (AND). run-plan.ts finds
 * and ranks the groups that do; evaluate.ts holds the rules of matching and scoring.
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

/** A group of the page, with what it matched. */
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

const relationScore = (relation: Relation, depth: number) => {
  if (relation === 'same') return 40
  if (relation === 'broader')
    return depth === 1 ? 32 : depth === 2 ? 26 : Math.max(12, 20 - (depth - 3))
  return depth === 1 ? 28 : depth === 2 ? 22 : Math.max(10, 18 - (depth - 3))
}
