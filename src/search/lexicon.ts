import { sql } from 'kysely'
import { normalizeForSearch } from '#src/conditions/normalize.ts'
import type { Db } from '#src/platform/db.ts'
import { romajiVariants } from './romaji.ts'
import { vocabularyPhrases, type VocabularyMeaning } from './vocabulary.ts'

/**
 * The reference data search reads on every query, held in memory: condition concepts with their
 * names and hierarchy, and places with every way of writing them. It is some tens of thousands of
 * rows, loaded once per process and again only when the loaded data sets change.
 */
export interface Concept {
  id: string
  ja: string | null
  en: string | null
  kind: string
  weight: number
  /** Every code known for the concept, prefixed by system, as the condition row lists them. */
  codes: string[]
  parents: number[]
  children: number[]
}

export interface NameHit {
  concept: number
  kind: 'preferred' | 'synonym' | 'reading' | 'abbreviation'
}

export interface Place {
  id: string
  kind: 'country' | 'prefecture' | 'municipality'
  ja: string | null
  en: string | null
  parent: number | null
  lat: number | null
  lon: number | null
  /** Wards of a designated city (静岡市 holds 静岡市葵区 …), which the data files under the prefecture. */
  wards: number[]
  /** The prefecture or city a ward belongs to, else the parent. */
  container: number | null
}

export interface PlaceKey {
  place: number
  /** Lower wins when one spelling names several places: prefecture, country, city, ward. */
  rank: number
  /** Spellings made up by us (romaji of a reading) match only when written with a capital. */
  needsCapital: boolean
}

export interface Lexicon {
  concepts: Concept[]
  conceptIndex: Map<string, number>
  /** Every code (any system, upper case) to the concepts that carry it. */
  conceptsByCode: Map<string, number[]>
  names: Map<string, NameHit[]>
  /** Folded names in code-point order, for prefix look-ups. */
  sortedNames: string[]
  places: Place[]
  placeIndex: Map<string, number>
  placeKeys: Map<string, PlaceKey[]>
  vocabulary: Map<string, VocabularyMeaning>
  /** What the loaded reference data was, to notice a newer load. */
  version: string
}

const kindOrder: NameHit['kind'][] = ['preferred', 'reading', 'synonym', 'abbreviation']

const lexicons = new WeakMap<Db, { lexicon: Promise<Lexicon>; checkedAt: number }>()
const recheckMs = 60_000

/** The lexicon of this database, loaded on first use and refreshed when the data sets change. */
export async function lexiconOf(db: Db): Promise<Lexicon> {
  const cached = lexicons.get(db)
  const now = Date.now()
  if (cached && now - cached.checkedAt < recheckMs) return cached.lexicon
  if (cached) {
    cached.checkedAt = now
    const current = await cached.lexicon
    if ((await referenceVersion(db)) === current.version) return current
  }
  const lexicon = loadLexicon(db)
  lexicons.set(db, { lexicon, checkedAt: now })
  lexicon.catch(() => lexicons.delete(db))
  return lexicon
}

async function referenceVersion(db: Db): Promise<string> {
  const rows = await sql<{ v: string | null }>`
    select string_agg(name || ':' || checksum, ',' order by name) as v from reference_dataset
  `.execute(db)
  return rows.rows[0]?.v ?? ''
}

export async function loadLexicon(db: Db): Promise<Lexicon> {
  const version = await referenceVersion(db)
  const [conceptRows, nameRows, codeRows, placeRows] = await Promise.all([
    sql<{
      id: string
      name_ja: string | null
      name_en: string | null
      kind: string
      weight: number
      parents: string[]
      codes: string[]
    }>`select id, name_ja, name_en, kind, weight, parents, codes from condition order by id`.execute(
      db,
    ),
    sql<{ condition_id: string; kind: NameHit['kind']; norm: string }>`
      select condition_id, kind, norm from condition_name order by id`.execute(db),
    sql<{ code: string; condition_id: string }>`
      select code, condition_id from condition_code order by code, condition_id`.execute(db),
    sql<{
      id: string
      kind: Place['kind']
      name_ja: string | null
      name_en: string | null
      reading_ja: string | null
      parent_id: string | null
      lat: number | null
      lon: number | null
    }>`select id, kind, name_ja, name_en, reading_ja, parent_id, lat, lon from place order by id`.execute(
      db,
    ),
  ])

  const conceptIndex = new Map<string, number>()
  // Each row brings its own copy of a handful of kinds.
  const kinds = new Map<string, string>()
  const concepts: Concept[] = conceptRows.rows.map((r, i) => {
    conceptIndex.set(r.id, i)
    return {
      id: r.id,
      ja: r.name_ja,
      en: r.name_en,
      kind: kinds.get(r.kind) ?? (kinds.set(r.kind, r.kind), r.kind),
      weight: Number(r.weight),
      codes: r.codes,
      parents: [],
      children: [],
    }
  })
  conceptRows.rows.forEach((r, i) => {
    for (const parent of r.parents) {
      const p = conceptIndex.get(parent)
      if (p === undefined || p === i) continue
      concepts[i]!.parents.push(p)
      concepts[p]!.children.push(i)
    }
  })
  // Arrays grown by push keep room for more (17 entries from the first); there are 19 000
  // concepts with two lists each, and most lists are empty or hold one or two, so the room was
  // a third of the lexicon's memory. Empty lists share one array; the others are cut to size.
  const none = Object.freeze([]) as unknown as number[]
  for (const c of concepts) {
    c.parents = c.parents.length ? c.parents.slice() : none
    c.children = c.children.length ? c.children.slice() : none
  }

  const conceptsByCode = new Map<string, number[]>()
  const addCode = (code: string, concept: number) => {
    const list = conceptsByCode.get(code)
    if (!list) conceptsByCode.set(code, [concept])
    else if (!list.includes(concept)) list.push(concept)
  }
  for (const r of codeRows.rows) {
    const c = conceptIndex.get(r.condition_id)
    if (c !== undefined) addCode(r.code.toUpperCase(), c)
  }
  concepts.forEach((c, i) => addCode(c.id.toUpperCase(), i))

  const names = new Map<string, NameHit[]>()
  for (const r of nameRows.rows) {
    const concept = conceptIndex.get(r.condition_id)
    if (concept === undefined) continue
    const list = names.get(r.norm)
    const hit = { concept, kind: r.kind }
    const same = list?.find((h) => h.concept === concept)
    if (!list) names.set(r.norm, [hit])
    else if (!same) list.push(hit)
    // One name may be a concept's preferred name and its synonym: the better kind counts.
    else if (kindOrder.indexOf(r.kind) < kindOrder.indexOf(same.kind)) same.kind = r.kind
  }
  const sortedNames = [...names.keys()].sort()

  // Words of English condition names and of the vocabulary: a town's romaji that is also one of
  // these ("date", "mine") must be written with a capital to count as the town.
  const englishWords = new Set<string>()
  for (const norm of sortedNames) {
    if (/^[a-z0-9 ]+$/.test(norm)) for (const w of norm.split(' ')) englishWords.add(w)
  }
  for (const [phrase] of vocabularyPhrases) {
    for (const w of normalizeForSearch(phrase).split(' ')) englishWords.add(w)
  }
  const { places, placeIndex, placeKeys } = buildPlaces(placeRows.rows, englishWords)

  const vocabulary = new Map<string, VocabularyMeaning>()
  for (const [phrase, meaning] of vocabularyPhrases) {
    const norm = normalizeForSearch(phrase)
    if (norm && !vocabulary.has(norm)) vocabulary.set(norm, meaning)
  }

  return {
    concepts,
    conceptIndex,
    conceptsByCode,
    names,
    sortedNames,
    places,
    placeIndex,
    placeKeys,
    vocabulary,
    version,
  }
}

// ---------------------------------------------------------------------------------------------
// Places

/** Other names of countries people write, beyond the data's own Japanese and English names. */
const countryAliases: Record<string, string[]> = {
  JP: ['日本', '日本国', '全国', '日本全国', 'japan', 'nihon', 'nippon'],
  GB: [
    'uk',
    'u k',
    'britain',
    'great britain',
    'england',
    'scotland',
    'wales',
    'northern ireland',
    '英国',
    'イギリス',
    'イングランド',
  ],
  US: ['usa', 'u s', 'u s a', 'america', 'united states of america', 'アメリカ', '米国'],
}

/** Country codes that may stand for a country in free text, written in capitals. */
const countryCodesInText: Record<string, string> = { US: 'US', USA: 'US', UK: 'GB', GB: 'GB' }

interface PlaceRow {
  id: string
  kind: Place['kind']
  name_ja: string | null
  name_en: string | null
  reading_ja: string | null
  parent_id: string | null
  lat: number | null
  lon: number | null
}

const prefectureSuffix = /(県|府|都)$/
const prefectureReadingSuffix = /(けん|ふ|と)$/
const municipalitySuffix = /(市|区|町|村)$/
const municipalityReadingSuffix = /(し|く|ちょう|まち|そん|むら)$/
const hasKanji = /\p{Script=Han}/u

function buildPlaces(rows: PlaceRow[], englishWords: Set<string>) {
  const placeIndex = new Map<string, number>()
  const places: Place[] = rows.map((r, i) => {
    placeIndex.set(r.id, i)
    return {
      id: r.id,
      kind: r.kind,
      ja: r.name_ja,
      en: r.name_en,
      parent: null,
      lat: r.lat === null ? null : Number(r.lat),
      lon: r.lon === null ? null : Number(r.lon),
      wards: [],
      container: null,
    }
  })
  rows.forEach((r, i) => {
    const p = r.parent_id ? placeIndex.get(r.parent_id) : undefined
    places[i]!.parent = p ?? null
    places[i]!.container = p ?? null
  })
  // Wards: 静岡市葵区 lies in 静岡市, which the data does not say.
  const citiesByPrefecture = new Map<number, number[]>()
  places.forEach((p, i) => {
    if (p.kind === 'municipality' && p.ja?.endsWith('市') && p.parent !== null) {
      citiesByPrefecture.set(p.parent, [...(citiesByPrefecture.get(p.parent) ?? []), i])
    }
  })
  const isWard = new Set<number>()
  places.forEach((p, i) => {
    if (p.kind !== 'municipality' || !p.ja?.endsWith('区') || p.parent === null) return
    const city = (citiesByPrefecture.get(p.parent) ?? []).find(
      (c) => c !== i && p.ja!.startsWith(places[c]!.ja!),
    )
    if (city === undefined) return
    places[city]!.wards.push(i)
    p.container = city
    isWard.add(i)
  })

  const placeKeys = new Map<string, PlaceKey[]>()
  const add = (text: string | null | undefined, key: PlaceKey) => {
    if (!text) return
    const norm = normalizeForSearch(text)
    if (!norm) return
    const list = placeKeys.get(norm)
    if (!list) placeKeys.set(norm, [key])
    else if (!list.some((k) => k.place === key.place)) list.push(key)
    else {
      const existing = list.find((k) => k.place === key.place)!
      if (existing.needsCapital && !key.needsCapital) existing.needsCapital = false
    }
  }

  // English display names of municipalities, which the data gives only a reading for.
  const capital = (w: string) => w.charAt(0).toUpperCase() + w.slice(1)
  rows.forEach((r, i) => {
    const p = places[i]!
    if (p.kind !== 'municipality' || p.en || !r.reading_ja) return
    const stem = r.reading_ja.replace(municipalityReadingSuffix, '')
    const romaji = romajiVariants(stem)[0]
    if (!romaji) return
    if (isWard.has(i) && p.container !== null) {
      const city = rows[p.container]!
      const cityReading = city.reading_ja ?? ''
      const wardStem = r.reading_ja.startsWith(cityReading)
        ? r.reading_ja.slice(cityReading.length).replace(municipalityReadingSuffix, '')
        : stem
      const ward = romajiVariants(wardStem)[0]
      const cityName = romajiVariants(cityReading.replace(municipalityReadingSuffix, ''))[0]
      if (ward && cityName) p.en = `${capital(ward)}, ${capital(cityName)}`
    } else {
      p.en = capital(romaji)
    }
  })

  rows.forEach((r, i) => {
    const plain = (rank: number) => ({ place: i, rank, needsCapital: false })
    if (r.kind === 'country') {
      add(r.name_ja, plain(1))
      add(r.name_en, plain(1))
      for (const alias of countryAliases[r.id] ?? []) add(alias, plain(1))
      return
    }
    if (r.kind === 'prefecture') {
      add(r.name_ja, plain(0))
      const stem = r.name_ja?.replace(prefectureSuffix, '')
      if (stem && stem !== r.name_ja && stem.length >= 2) add(stem, plain(0))
      add(r.reading_ja, plain(0))
      const readingStem = r.reading_ja?.replace(prefectureReadingSuffix, '')
      if (readingStem && readingStem !== r.reading_ja && readingStem.length >= 2) {
        add(readingStem, plain(0))
      }
      if (r.name_en) {
        add(r.name_en, plain(0))
        add(`${r.name_en} prefecture`, plain(0))
        add(`${r.name_en} ken`, plain(0))
      }
      return
    }
    const ward = isWard.has(i)
    // Of towns with one name, a designated city first, then a city, then a town or village.
    const name = r.name_ja ?? ''
    const rank = ward
      ? 3
      : places[i]!.wards.length
        ? 2
        : /[市区]$/.test(name)
          ? 2.1
          : name.endsWith('町')
            ? 2.2
            : 2.3
    add(r.name_ja, plain(rank))
    add(r.name_en, plain(rank))
    if (ward) return
    const stem = r.name_ja?.replace(municipalitySuffix, '')
    if (stem && stem !== r.name_ja && stem.length >= 2 && hasKanji.test(stem))
      add(stem, plain(rank))
    else if (stem && stem !== r.name_ja && stem.length >= 3) add(stem, plain(rank))
    add(r.reading_ja, plain(rank))
    const readingStem = r.reading_ja?.replace(municipalityReadingSuffix, '')
    if (readingStem && readingStem !== r.reading_ja && readingStem.length >= 3) {
      add(readingStem, plain(rank))
      for (const romaji of romajiVariants(readingStem)) {
        if (romaji.length < 4) continue
        const needsCapital = romaji.length < 6 || englishWords.has(romaji)
        add(romaji, { place: i, rank, needsCapital })
      }
    }
  })
  for (const [code, country] of Object.entries(countryCodesInText)) {
    const place = placeIndex.get(country)
    if (place !== undefined) add(code, { place, rank: 1, needsCapital: true })
  }
  return { places, placeIndex, placeKeys }
}

/** The place and every place containing it, most specific first (a ward's city included). */
export function placeAncestry(lexicon: Lexicon, place: number): number[] {
  const out: number[] = []
  let current: number | null = place
  while (current !== null && out.length < 8 && !out.includes(current)) {
    out.push(current)
    const p: Place = lexicon.places[current]!
    current = p.container !== null && p.container !== current ? p.container : p.parent
  }
  // A ward's city sits under the prefecture too.
  for (const p of [...out]) {
    const parent = lexicon.places[p]!.parent
    if (parent !== null && !out.includes(parent)) out.push(parent)
  }
  return out
}

/**
 * A `place` parameter: a code (`JP-12`, `GB`), or a name in either language. Null when the
 * reference data does not know it (the caller may still match it as text).
 */
export function resolvePlaceParam(lexicon: Lexicon, text: string): number | null {
  const t = text.trim()
  const byCode = lexicon.placeIndex.get(t.toUpperCase())
  if (byCode !== undefined) return byCode
  const keys = lexicon.placeKeys.get(normalizeForSearch(t))
  if (!keys?.length) return null
  const best = Math.min(...keys.map((k) => k.rank))
  const top = keys.filter((k) => k.rank === best)
  return top.length === 1 ? top[0]!.place : null
}

// ---------------------------------------------------------------------------------------------
// Conditions

export type Relation = 'same' | 'broader' | 'narrower'

export interface RelatedConcept {
  relation: Relation
  depth: number
}

/**
 * The concepts a group may be tagged with to match a query for these concepts: the concepts
 * themselves, every broader one (up to 12 levels, umbrella concepts included) and every narrower
 * one (up to 8 levels). Each keeps its nearest relation.
 */
export function relatedConcepts(lexicon: Lexicon, seeds: number[]): Map<number, RelatedConcept> {
  const related = new Map<number, RelatedConcept>()
  for (const s of seeds) related.set(s, { relation: 'same', depth: 0 })
  let frontier = [...seeds]
  for (let depth = 1; depth <= 12 && frontier.length; depth++) {
    const next: number[] = []
    for (const c of frontier) {
      for (const p of lexicon.concepts[c]!.parents) {
        if (related.has(p)) continue
        related.set(p, { relation: 'broader', depth })
        next.push(p)
      }
    }
    frontier = next
  }
  frontier = [...seeds]
  for (let depth = 1; depth <= 8 && frontier.length; depth++) {
    const next: number[] = []
    for (const c of frontier) {
      for (const child of lexicon.concepts[c]!.children) {
        if (related.has(child)) continue
        related.set(child, { relation: 'narrower', depth })
        next.push(child)
      }
    }
    frontier = next
  }
  return related
}

/** Folded names that start with `prefix`, in code-point order (at most `limit`). */
export function namesWithPrefix(lexicon: Lexicon, prefix: string, limit = 200): string[] {
  const list = lexicon.sortedNames
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (list[mid]! < prefix) lo = mid + 1
    else hi = mid
  }
  const out: string[] = []
  for (let i = lo; i < list.length && out.length < limit && list[i]!.startsWith(prefix); i++) {
    out.push(list[i]!)
  }
  return out
}

export function conceptName(lexicon: Lexicon, concept: number, locale: 'ja' | 'en'): string {
  const c = lexicon.concepts[concept]!
  return (locale === 'ja' ? (c.ja ?? c.en) : (c.en ?? c.ja)) ?? c.id
}

export function placeName(lexicon: Lexicon, place: number, locale: 'ja' | 'en'): string {
  const p = lexicon.places[place]!
  return (locale === 'ja' ? (p.ja ?? p.en) : (p.en ?? p.ja)) ?? p.id
}
