import type { Lexicon, NameHit } from './lexicon.ts'

/**
 * Condition type-ahead in memory: the names of every concept (about 53 000 folded names) with the
 * look-ups the ranking needs — exact, prefix, infix and trigram similarity — so that a keystroke
 * costs a fraction of a millisecond instead of a trigram scan in the database. The ranking is the
 * one decision 040 describes for names; trigram similarity follows pg_trgm (words of letters and
 * digits, padded with two spaces before and one after; Jaccard similarity of the sets, and word
 * similarity as the best continuous extent of the name).
 */

export interface RankedConcept {
  concept: number
  score: number
}

interface NameIndex {
  /** Folded names in code-point order, for prefix look-ups (the lexicon's). */
  sorted: string[]
  /** Per name (by position in `sorted`): its length in code points. */
  lengths: Uint16Array
  /**
   * Japanese names from every character on, and the others from every word on, for infix
   * look-ups: in the suffixes' order, the name and where (in UTF-16 units) its suffix starts.
   * Two arrays rather than an object and a string per suffix: a third of this index's memory.
   */
  suffixName: Uint32Array
  suffixAt: Uint16Array
  /** Trigram → names holding it; per name its distinct trigram count. */
  trigramPostings: Map<string, Uint32Array>
  trigramCounts: Uint16Array
  /** Scratch counters for one look-up at a time (look-ups are synchronous). */
  counts?: Uint16Array
}

/** Rows each way of matching may contribute before scoring; the best are well inside it. */
const candidatesPerWay = 200
const similarityThreshold = 0.3
const wordSimilarityThreshold = 0.6

const japaneseScript = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u
/** Length in code points, as PostgreSQL's length() counts characters. */
const codePoints = (s: string) => s.length - (s.match(/[\uD800-\uDBFF]/g)?.length ?? 0)

const indexes = new WeakMap<Lexicon, NameIndex>()

/** Builds the look-ups now, so that the first person typing does not wait for them. */
export function prepareConditionNames(lexicon: Lexicon): void {
  nameIndex(lexicon)
}

function nameIndex(lexicon: Lexicon): NameIndex {
  let index = indexes.get(lexicon)
  if (!index) {
    index = buildIndex(lexicon.sortedNames)
    indexes.set(lexicon, index)
  }
  return index
}

function buildIndex(sorted: string[]): NameIndex {
  const lengths = new Uint16Array(sorted.length)
  const trigramCounts = new Uint16Array(sorted.length)
  const names: number[] = []
  const ats: number[] = []
  const lists = new Map<string, number[]>()
  sorted.forEach((name, i) => {
    lengths[i] = codePoints(name)
    if (japaneseScript.test(name)) {
      let at = 0
      for (const char of name) {
        if (at > 0) {
          names.push(i)
          ats.push(at)
        }
        at += char.length
      }
    } else {
      for (let at = name.indexOf(' '); at !== -1; at = name.indexOf(' ', at + 1)) {
        names.push(i)
        ats.push(at + 1)
      }
    }
    const grams = trigramSet(name)
    trigramCounts[i] = grams.size
    for (const g of grams) {
      const list = lists.get(g)
      if (list) list.push(i)
      else lists.set(g, [i])
    }
  })
  const order = Uint32Array.from(names.keys()).sort(
    (a, b) =>
      compareFrom(sorted[names[a]!]!, ats[a]!, sorted[names[b]!]!, ats[b]!) ||
      names[a]! - names[b]!,
  )
  const suffixName = Uint32Array.from(order, (k) => names[k]!)
  const suffixAt = Uint16Array.from(order, (k) => ats[k]!)
  const trigramPostings = new Map<string, Uint32Array>()
  for (const [g, list] of lists) trigramPostings.set(g, Uint32Array.from(list))
  return { sorted, lengths, suffixName, suffixAt, trigramPostings, trigramCounts }
}

// ---------------------------------------------------------------------------------------------
// Trigrams as pg_trgm makes them

const wordPattern = /[\p{L}\p{N}]+/gu

/** The trigrams of a text in order, word by word (duplicates kept). */
export function trigramSequence(text: string): string[] {
  const out: string[] = []
  for (const match of text.toLowerCase().matchAll(wordPattern)) {
    const chars = ['  ', ...match[0], ' '].join('')
    const cps = [...chars]
    for (let i = 0; i + 3 <= cps.length; i++) out.push(cps[i]! + cps[i + 1]! + cps[i + 2]!)
  }
  return out
}

export const trigramSet = (text: string) => new Set(trigramSequence(text))

/** pg_trgm's `similarity`: shared trigrams over all trigrams of both. */
export function similarity(a: string, b: string): number {
  const x = trigramSet(a)
  const y = trigramSet(b)
  let shared = 0
  for (const g of x) if (y.has(g)) shared++
  const all = x.size + y.size - shared
  return all === 0 ? 0 : shared / all
}

/**
 * pg_trgm's `word_similarity(query, text)`: the best similarity between the query's trigrams and
 * a continuous extent of the text's, the extent beginning and ending on a trigram of the query.
 */
export function wordSimilarity(query: string, text: string): number {
  const q = trigramSet(query)
  if (q.size === 0) return 0
  const seq = trigramSequence(text)
  const found: number[] = []
  seq.forEach((g, i) => {
    if (q.has(g)) found.push(i)
  })
  let best = 0
  for (let a = 0; a < found.length; a++) {
    const seen = new Set<string>()
    let shared = 0
    for (let i = found[a]!; i < seq.length; i++) {
      const g = seq[i]!
      if (!seen.has(g)) {
        seen.add(g)
        if (q.has(g)) shared++
      }
      if (q.has(g)) best = Math.max(best, shared / (q.size + seen.size - shared))
    }
  }
  return best
}

// ---------------------------------------------------------------------------------------------
// Ranking

/** `s` from `at` on against `t` from `tAt` on, in the order `<` gives strings. */
function compareFrom(s: string, at: number, t: string, tAt: number): number {
  const n = Math.min(s.length - at, t.length - tAt)
  for (let i = 0; i < n; i++) {
    const d = s.charCodeAt(at + i) - t.charCodeAt(tAt + i)
    if (d !== 0) return d
  }
  return s.length - at - (t.length - tAt)
}

/** The first position of `length` sorted ones at which `below` is false. */
function lowerBound(length: number, below: (i: number) => boolean): number {
  let lo = 0
  let hi = length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (below(mid)) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * The shortest `candidatesPerWay` names among those given, as SQL's `order by length limit`:
 * bucketed by length, since a prefix of two letters can match thousands of names.
 */
function shortest(index: NameIndex, names: Iterable<number>): number[] {
  const buckets: number[][] = []
  for (const name of names) (buckets[index.lengths[name]!] ??= []).push(name)
  const out: number[] = []
  for (const bucket of buckets) {
    if (!bucket) continue
    for (const name of bucket.sort((a, b) => a - b)) {
      if (out.length === candidatesPerWay) return out
      out.push(name)
    }
  }
  return out
}

/**
 * Concepts whose names match the folded query, best first: exact, then names that start with
 * it, then names that contain it (Japanese anywhere, a reading only at its end; other scripts at
 * a word start), then — only when those do not fill the page — names within trigram distance.
 */
export function rankConditionNames(lexicon: Lexicon, norm: string, limit: number): RankedConcept[] {
  const literal = rank(lexicon, norm, limit, false)
  return literal.length === limit ? literal : rank(lexicon, norm, limit, true)
}

function rank(lexicon: Lexicon, norm: string, limit: number, fuzzy: boolean): RankedConcept[] {
  const index = nameIndex(lexicon)
  const qLength = codePoints(norm)
  const japanese = japaneseScript.test(norm)
  const scores = new Map<number, number>()
  const add = (name: number, score: (hit: NameHit) => number | null) => {
    for (const hit of lexicon.names.get(index.sorted[name]!) ?? []) {
      const s = score(hit)
      if (s === null) continue
      const penalised = hit.kind === 'synonym' || hit.kind === 'abbreviation'
      const value = s - (penalised ? 0.02 : 0)
      if (value > (scores.get(hit.concept) ?? -Infinity)) scores.set(hit.concept, value)
    }
  }
  const ratio = (name: number) => (0.15 * qLength) / index.lengths[name]!

  const first = lowerBound(index.sorted.length, (i) => index.sorted[i]! < norm)
  const prefixed: number[] = []
  for (let i = first; i < index.sorted.length && index.sorted[i]!.startsWith(norm); i++) {
    prefixed.push(i)
  }
  if (index.sorted[first] === norm) add(first, () => 1)
  for (const name of shortest(
    index,
    prefixed.filter((i) => i !== first || index.sorted[i] !== norm),
  )) {
    add(name, () => 0.8 + ratio(name))
  }

  const infixes = new Set<number>()
  const { suffixName, suffixAt, sorted } = index
  const suffix = (i: number) => sorted[suffixName[i]!]!
  const from = lowerBound(
    suffixName.length,
    (i) => compareFrom(suffix(i), suffixAt[i]!, norm, 0) < 0,
  )
  for (let i = from; i < suffixName.length && suffix(i).startsWith(norm, suffixAt[i]); i++) {
    const name = suffixName[i]!
    const at = suffixAt[i]!
    // Japanese is written without spaces; other scripts match at the start of a word.
    const wordStart = sorted[name]!.charCodeAt(at - 1) === 32
    if ((japanese || wordStart) && !sorted[name]!.startsWith(norm)) infixes.add(name)
  }
  for (const name of shortest(index, infixes)) {
    const text = index.sorted[name]!
    const atEnd = text.endsWith(norm)
    add(name, (hit) => {
      if (hit.kind === 'reading' && !atEnd) return null
      return japanese && atEnd ? 0.78 + ratio(name) : 0.6 + ratio(name)
    })
  }

  if (fuzzy) {
    for (const name of trigramCandidates(index, norm)) {
      const text = index.sorted[name]!
      add(name, () => 0.45 * similarity(text, norm) + 0.3 * wordSimilarity(norm, text))
    }
  }

  return [...scores]
    .map(([concept, score]) => ({ concept, score: Math.max(score, 0) }))
    .sort(
      (a, b) =>
        b.score - a.score ||
        lexicon.concepts[b.concept]!.weight - lexicon.concepts[a.concept]!.weight ||
        (lexicon.concepts[a.concept]!.id < lexicon.concepts[b.concept]!.id ? -1 : 1),
    )
    .slice(0, limit)
}

/**
 * Names similar to the query (similarity ≥ 0.3) and names with a part similar to it (word
 * similarity ≥ 0.6), the best `candidatesPerWay` of each, found through the trigram lists.
 */
function trigramCandidates(index: NameIndex, norm: string): Set<number> {
  const query = trigramSet(norm)
  // Counting in a typed array, not a Map: a common trigram ("  s") is in thousands of names.
  const shared = (index.counts ??= new Uint16Array(index.sorted.length))
  const touched: number[] = []
  for (const g of query) {
    const list = index.trigramPostings.get(g)
    if (!list) continue
    for (const name of list) {
      const count = shared[name]!
      if (count === 0) touched.push(name)
      shared[name] = count + 1
    }
  }
  const similar: { name: number; value: number }[] = []
  const wordSimilar: { name: number; value: number }[] = []
  for (const name of touched) {
    const count = shared[name]!
    shared[name] = 0
    const sim = count / (query.size + index.trigramCounts[name]! - count)
    if (sim >= similarityThreshold) similar.push({ name, value: sim })
    // The extent has at least `count` trigrams, so `count / query.size` bounds word similarity.
    if (count / query.size >= wordSimilarityThreshold) {
      const value = wordSimilarity(norm, index.sorted[name]!)
      if (value >= wordSimilarityThreshold) wordSimilar.push({ name, value })
    }
  }
  const best = (list: { name: number; value: number }[]) =>
    list
      .sort((a, b) => b.value - a.value || a.name - b.name)
      .slice(0, candidatesPerWay)
      .map((x) => x.name)
  return new Set([...best(similar), ...best(wordSimilar)])
}
