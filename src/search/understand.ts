import { normalizeForSearch } from '#src/conditions/normalize.ts'
import type { Audience, GroupType } from '#src/directory/vocabularies.ts'
import { namesWithPrefix, type Lexicon, type NameHit } from './lexicon.ts'

/**
 * Query understanding: which parts of what a person typed name a condition, a place, who the
 * group is for, how it meets, what it costs or its language, and what is left for full text.
 *
 * The text is cut into words with Intl.Segmenter (which also splits Japanese written without
 * spaces), and every run of up to sixteen words, and every stretch of two or more characters inside
 * a run of Japanese, is looked up whole in the vocabulary, the condition names, the place names and
 * the localities of the directory. Only whole phrases count: `ALS` the abbreviation only in
 * capitals, a Japanese substring only where it is at least two characters long. The longest
 * phrase wins, so 小児がん is childhood cancer and not cancer; where two readings are as long, a
 * vocabulary word beats a condition name, which beats a place. The beginning of a condition's
 * name (sickle cell, ダウン症) counts only where no whole name or word covers those words.
 */
export type UnderstoodItem =
  | {
      kind: 'condition'
      concepts: number[]
      exact: boolean
      text: string
      start: number
      end: number
    }
  | { kind: 'place'; place: number; text: string; start: number; end: number }
  | { kind: 'locality'; locality: number; text: string; start: number; end: number }
  | { kind: 'audience'; value: Audience; text: string; start: number; end: number }
  | { kind: 'attendance'; value: 'online' | 'in_person'; text: string; start: number; end: number }
  | { kind: 'free'; text: string; start: number; end: number }
  | { kind: 'type'; value: GroupType; text: string; start: number; end: number }
  | { kind: 'language'; value: string; text: string; start: number; end: number }

export interface Understanding {
  /** The query after NFKC, which the item offsets refer to. */
  text: string
  items: UnderstoodItem[]
  /** Words left over, folded, for full-text search. */
  terms: string[]
  /** The script the person wrote in, when it is clear: a hint for the language of groups. */
  script: 'ja' | 'en' | null
}

export interface Localities {
  /** A town or region the directory's addresses name, as folded text, to its number. */
  get(norm: string): number | undefined
}

interface Token {
  start: number
  end: number
  japanese: boolean
}

interface Candidate {
  start: number
  end: number
  priority: number
  /** Made of whole words, as the segmenter cut them. */
  aligned: boolean
  item: UnderstoodItem | { kind: 'generic'; start: number; end: number; text: string }
}

const japaneseChar = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー々〆ヶ]/u
const hasJapanese = (s: string) => japaneseChar.test(s)
const hasLatin = /\p{Script=Latin}/u
// Enough for the longest condition names, which the segmenter cuts into many words.
const maxWords = 16
const maxJapaneseSpan = 24
/** Characters that may sit between the words of one phrase. */
const joiner = /^[\s\-‐‑–・･'’.]*$/u

const segmenter = new Intl.Segmenter('ja', { granularity: 'word' })

function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  for (const s of segmenter.segment(text)) {
    if (!/[\p{L}\p{N}]/u.test(s.segment)) continue
    tokens.push({
      start: s.index,
      end: s.index + s.segment.length,
      japanese: hasJapanese(s.segment),
    })
  }
  return tokens
}

/** Capitals written as capitals: how an abbreviation is told from a word (ALS, not "all"). */
const isCapitalised = (raw: string) => /\p{Lu}.*\p{Lu}/u.test(raw) && !/\p{Ll}{2}/u.test(raw)
const startsWithCapital = (raw: string) => /^\p{Lu}/u.test(raw.trim())

export function understandQuery(
  q: string,
  lexicon: Lexicon,
  localities: Localities = { get: () => undefined },
): Understanding {
  const text = q.normalize('NFKC')
  const tokens = tokenize(text)
  const candidates: Candidate[] = []
  const seen = new Set<string>()

  const consider = (
    start: number,
    end: number,
    aligned: boolean,
    words: number,
    folded?: string,
  ) => {
    const key = `${start}:${end}`
    if (seen.has(key)) return
    seen.add(key)
    const raw = text.slice(start, end)
    const norm = folded ?? normalizeForSearch(raw)
    if (!norm) return
    const japanese = hasJapanese(norm)
    // One character is a word only where the segmenter says so (親 in 親の会, not in 親戚).
    if ([...norm].length === 1 && !aligned) return

    const meaning = lexicon.vocabulary.get(norm)
    if (meaning) {
      const base = { start, end, text: raw }
      const item =
        meaning.kind === 'generic'
          ? { kind: 'generic' as const, ...base }
          : meaning.kind === 'free'
            ? { kind: 'free' as const, ...base }
            : ({ ...meaning, ...base } as UnderstoodItem)
      candidates.push({ start, end, priority: 3, aligned, item })
    }

    const hits = (lexicon.names.get(norm) ?? []).filter((h) => confident(h, raw, norm, japanese))
    if (hits.length) {
      candidates.push({
        start,
        end,
        priority: 2,
        aligned,
        item: {
          kind: 'condition',
          concepts: bestConcepts(lexicon, hits),
          exact: true,
          text: raw,
          start,
          end,
        },
      })
    } else if ((japanese && [...norm].length >= 3) || (!japanese && words >= 2)) {
      const concept = conceptByPrefix(lexicon, norm, japanese)
      if (concept !== null) {
        candidates.push({
          start,
          end,
          priority: 1.5,
          aligned,
          item: { kind: 'condition', concepts: [concept], exact: false, text: raw, start, end },
        })
      }
    }

    const keys = (lexicon.placeKeys.get(norm) ?? []).filter(
      (k) =>
        (!k.needsCapital || startsWithCapital(raw)) &&
        // A town's name without 市/町/村 only as a word of its own, not inside another word.
        (aligned || k.rank < 2 || !japanese || hasSuffix(raw)),
    )
    if (keys.length) {
      const best = Math.min(...keys.map((k) => k.rank))
      const top = keys.filter((k) => k.rank === best)
      for (const k of top) {
        candidates.push({
          start,
          end,
          // An ambiguous name ranks below one that is not; one of them may still be chosen.
          priority: top.length === 1 ? 1 : 0.9,
          aligned,
          item: { kind: 'place', place: k.place, text: raw, start, end },
        })
      }
    }

    const locality = localities.get(norm)
    if (locality !== undefined && !japanese) {
      candidates.push({
        start,
        end,
        priority: 0.5,
        aligned,
        item: { kind: 'locality', locality, text: raw, start, end },
      })
    }
  }

  // Runs of whole words, not across punctuation.
  for (let i = 0; i < tokens.length; i++) {
    for (let j = i; j < Math.min(tokens.length, i + maxWords); j++) {
      if (j > i && !joiner.test(text.slice(tokens[j - 1]!.end, tokens[j]!.start))) break
      consider(tokens[i]!.start, tokens[j]!.end, true, j - i + 1)
    }
  }
  // Every stretch inside a run of Japanese, wherever the segmenter cut it.
  // Folding maps Japanese characters one to one, so a run is folded once and sliced.
  for (const [runStart, runEnd] of japaneseRuns(text)) {
    const run = text.slice(runStart, runEnd)
    const folded = normalizeForSearch(run)
    const sliceable = folded.length === run.length
    for (let a = runStart; a < runEnd; a++) {
      for (let b = a + 1; b <= Math.min(runEnd, a + maxJapaneseSpan); b++) {
        consider(a, b, false, 1, sliceable ? folded.slice(a - runStart, b - runStart) : undefined)
      }
    }
  }

  // Whole names before the beginnings of names ("brain tumour" before "childhood brain…");
  // then longest first; between equals, the higher priority, then what the segmenter cut whole.
  const partial = (c: Candidate) => Number(c.item.kind === 'condition' && !c.item.exact)
  candidates.sort(
    (x, y) =>
      partial(x) - partial(y) ||
      y.end - y.start - (x.end - x.start) ||
      y.priority - x.priority ||
      Number(y.aligned) - Number(x.aligned) ||
      x.start - y.start,
  )
  const taken = new Uint8Array(text.length)
  const chosen: Candidate[] = []
  const placeChoices = new Map<string, Candidate[]>()
  for (const c of candidates) {
    let free = true
    for (let i = c.start; i < c.end && free; i++) if (taken[i]) free = false
    if (!free) {
      // Another reading of the very same span (an ambiguous place name) is kept aside.
      const key = `${c.start}:${c.end}`
      if (c.item.kind === 'place' && placeChoices.has(key)) placeChoices.get(key)!.push(c)
      continue
    }
    for (let i = c.start; i < c.end; i++) taken[i] = 1
    chosen.push(c)
    if (c.item.kind === 'place') placeChoices.set(`${c.start}:${c.end}`, [c])
  }

  let items = chosen
    .filter((c) => c.item.kind !== 'generic')
    .map((c) => c.item as UnderstoodItem)
    .sort((a, b) => a.start - b.start)
  items = resolvePlaces(items, placeChoices, lexicon)

  // "Parents of children with leukaemia": the children are the patients, not the audience.
  const audiences = new Set(items.flatMap((i) => (i.kind === 'audience' ? [i.value] : [])))
  if (audiences.has('children') && (audiences.has('parents') || audiences.has('family'))) {
    items = items.filter((i) => !(i.kind === 'audience' && i.value === 'children'))
  }

  const terms = leftovers(text, taken)
  const script = hasJapanese(text) ? 'ja' : hasLatin.test(text) ? 'en' : null
  return { text, items, terms, script }
}

function hasSuffix(raw: string) {
  return /(市|区|町|村|県|府|都|道)$/.test(raw)
}

function confident(hit: NameHit, raw: string, norm: string, japanese: boolean): boolean {
  if (japanese) return true
  // Abbreviations and very short names only in capitals: ALS, MS, ME — not "all", "ms", "me".
  if (hit.kind === 'abbreviation' || norm.replace(/\s/g, '').length <= 3) return isCapitalised(raw)
  return true
}

/** Of several concepts with the same name, the preferred names first, then all of those. */
function bestConcepts(lexicon: Lexicon, hits: NameHit[]): number[] {
  const rank = (h: NameHit) =>
    h.kind === 'preferred' ? 0 : h.kind === 'reading' ? 0 : h.kind === 'synonym' ? 1 : 2
  const best = Math.min(...hits.map(rank))
  return hits
    .filter((h) => rank(h) === best)
    .map((h) => h.concept)
    .sort((a, b) => lexicon.concepts[b]!.weight - lexicon.concepts[a]!.weight || a - b)
}

/**
 * A phrase that begins a condition's name: "sickle cell" for sickle cell disease, ダウン症 for
 * ダウン症候群. English must end at a word boundary of the name; Japanese may leave only the
 * usual ending of a condition's name unsaid. Of the names it begins, the most prominent concept, then the shortest.
 */
/** What a Japanese name may leave unsaid: ダウン症(候群), ポンペ(病), シェーグレン(症候群). */
const conditionEnding = /^(症候群|候群|病|症|障害|障がい)$/

function conceptByPrefix(lexicon: Lexicon, norm: string, japanese: boolean): number | null {
  let best: { concept: number; weight: number; length: number } | null = null
  for (const name of namesWithPrefix(lexicon, norm)) {
    if (name === norm) continue
    if (japanese ? !conditionEnding.test(name.slice(norm.length)) : name[norm.length] !== ' ') {
      continue
    }
    for (const hit of lexicon.names.get(name) ?? []) {
      if (hit.kind === 'abbreviation') continue
      const weight = lexicon.concepts[hit.concept]!.weight
      if (
        !best ||
        weight > best.weight ||
        (weight === best.weight && name.length < best.length) ||
        (weight === best.weight && name.length === best.length && hit.concept < best.concept)
      ) {
        best = { concept: hit.concept, weight, length: name.length }
      }
    }
  }
  return best?.concept ?? null
}

function* japaneseRuns(text: string): Generator<[number, number]> {
  let start = -1
  for (let i = 0; i <= text.length; i++) {
    const isJa = i < text.length && japaneseChar.test(text[i]!)
    if (isJa && start < 0) start = i
    if (!isJa && start >= 0) {
      yield [start, i]
      start = -1
    }
  }
}

/**
 * Of the places named, an ambiguous name (two towns called 府中) is kept only where another place
 * in the query settles it; a place inside another place named (浜松 and 静岡県) stands for both.
 */
function resolvePlaces(
  items: UnderstoodItem[],
  choices: Map<string, Candidate[]>,
  lexicon: Lexicon,
): UnderstoodItem[] {
  const places = items.filter((i) => i.kind === 'place')
  const settled = new Set(
    places.filter((p) => choices.get(`${p.start}:${p.end}`)?.length === 1).map((p) => p.place),
  )
  const within = (place: number, other: number) => {
    for (let p: number | null = place, n = 0; p !== null && n < 8; n++) {
      if (p === other) return true
      const here: Lexicon['places'][number] = lexicon.places[p]!
      p = here.container ?? here.parent
    }
    return false
  }
  const out: UnderstoodItem[] = []
  for (const item of items) {
    if (item.kind !== 'place') {
      out.push(item)
      continue
    }
    const options = choices.get(`${item.start}:${item.end}`) ?? []
    if (options.length > 1) {
      const fit = options
        .map((o) => (o.item as { place: number }).place)
        .filter((p) => [...settled].some((s) => s !== p && within(p, s)))
      if (fit.length !== 1) continue
      out.push({ ...item, place: fit[0]! })
    } else {
      out.push(item)
    }
  }
  // Keep the most specific of nested places: 浜松 inside 静岡県 is 浜松.
  const chosen = out.filter((i) => i.kind === 'place')
  return out.filter(
    (i) =>
      i.kind !== 'place' ||
      !chosen.some(
        (o) => o !== i && o.kind === 'place' && o.place !== i.place && within(o.place, i.place),
      ),
  )
}

/** What no phrase took, as folded words: Latin words of two or more letters, Japanese runs. */
function leftovers(text: string, taken: Uint8Array): string[] {
  let rest = ''
  for (let i = 0; i < text.length; i++) rest += taken[i] ? ' ' : text[i]
  const terms: string[] = []
  for (const piece of rest.split(/\s+/)) {
    const norm = normalizeForSearch(piece)
    if (!norm) continue
    for (const word of norm.split(' ')) {
      if (hasJapanese(word)) {
        // A lone kana is a particle, not a word.
        if ([...word].length === 1 && !/\p{Script=Han}/u.test(word)) continue
        terms.push(word)
      } else if (word.length >= 2 || /\d/.test(word)) {
        terms.push(word)
      }
    }
  }
  return [...new Set(terms)]
}
