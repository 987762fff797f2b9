import type { DirectoryIndex } from './directory-index.ts'
import type { Match, Plan } from './engine.ts'
import { cutoffsAt, makeEvaluator, type Evaluator } from './evaluate.ts'
import { rankMatches } from './rank.ts'
import { scanCandidates } from './scan.ts'
import { noFacets, Tally, TopK, type Facets, type Ranked } from './tally.ts'
import { clearMarks, markTexts, type TextMarks } from './text-marks.ts'
import {
  context,
  fill,
  fillCost,
  returnBits,
  wordClauses,
  wordOf,
  type Context,
  type WordClause,
} from './word-sets.ts'

export interface RunOptions {
  now: Date
  /** Only the count: no ranking, facets or page. */
  countOnly?: boolean
  /**
   * How candidates are found: `scan` checks each candidate of the smallest clause (the plain
   * way, kept to check the other against), `words` reads the clauses as bit sets; by default,
   * words.
   */
  strategy?: 'scan' | 'words'
  /** How many of the best matches to rank and return (the page and those before it). */
  limit: number
  /**
   * Above this many matches, a clause left to be asked about each candidate (a circle) is read
   * as bits after all, so that ranking knows which groups meet locally.
   */
  few?: number
  /** Passed to the ranking: when to take the nearest local matches by distance (rank.ts). */
  nearestShare?: number
}

export interface RunResult {
  total: number
  facets: Facets
  matches: Match[]
}

/** See `RunOptions.few`. */
const fewCandidates = 3000

export function runPlan(plan: Plan, index: DirectoryIndex, options: RunOptions): RunResult {
  if (plan.impossible) return { total: 0, facets: noFacets(), matches: [] }
  const marks = markTexts(plan, index)
  try {
    const cutoffs = cutoffsAt(options.now)
    const ev = makeEvaluator(plan, index, cutoffs, marks)
    const tally = new Tally(index)
    const limit = options.countOnly ? 0 : options.limit
    const top = new TopK(limit, index.ids)
    if (options.strategy === 'scan') {
      scanCandidates(plan, index, (slot) => consider(ev, tally, top, slot))
    } else {
      findWords(plan, index, ev, marks, cutoffs.hidden, options, tally, top)
    }
    const facets = tally.facets()
    if (limit === 0) return { total: tally.total, facets, matches: [] }
    return { total: tally.total, facets, matches: top.items.map((r) => explain(ev, r)) }
  } finally {
    clearMarks(marks)
    returnBits()
  }
}

function consider(ev: Evaluator, tally: Tally, top: TopK, slot: number) {
  const score = ev.evaluate(slot, null)
  if (Number.isNaN(score)) return
  tally.add(slot)
  top.offer(slot, score, ev.distance)
}

function explain(ev: Evaluator, r: Ranked): Match {
  const m: Match = {
    slot: r.slot,
    score: 0,
    distanceKm: Infinity,
    nearKm: null,
    conditions: [],
    geo: [],
    audienceExact: false,
    termsMatched: [],
    stale: false,
  }
  ev.evaluate(r.slot, m)
  return m
}

/** The matches as their non-zero words of bits (`at`) and the bits in each. */
export interface WordMatches {
  at: Uint32Array
  bits: Uint32Array
  n: number
}

let atScratch = new Uint32Array(1024)
let bitsScratch = new Uint32Array(1024)

function findWords(
  plan: Plan,
  index: DirectoryIndex,
  ev: Evaluator,
  marks: TextMarks,
  hidden: number,
  options: RunOptions,
  tally: Tally,
  top: TopK,
) {
  const ctx = context(index)
  const clauses = wordClauses(plan, ctx, marks)
  let driver: WordClause | null = null
  for (const c of clauses) if (!driver || c.size < driver.size) driver = c
  const budget = Math.max(4 * (driver?.size ?? index.size), ctx.words / 8)
  for (const c of clauses) {
    if (c === driver || fillCost(c) <= budget) fill(ctx, c)
    else c.lazy = true
  }
  const found = matchWords(ctx, clauses, driver, hidden)
  // The clauses left out of the words are asked about each candidate, which leaves the words
  // holding exactly the matches.
  const lazy = clauses.filter((c) => c.lazy)
  if (lazy.length) narrow(found, lazy)
  // The tally is this search's own, so its total is the number of matches.
  tally.addWords(found.at, found.bits, found.n)
  const count = tally.total
  if (options.countOnly || count === 0) return
  // Many matches over a costly circle: ranking goes better knowing which meet locally.
  if (count > (options.few ?? fewCandidates))
    for (const c of lazy) if (c.kind === 'geo') fill(ctx, c)
  rankMatches(plan, ctx, clauses, found, ev, marks, top, options.nearestShare)
}

function narrow(found: WordMatches, lazy: WordClause[]) {
  let k = 0
  for (let i = 0; i < found.n; i++) {
    const base = found.at[i]! << 5
    let m = found.bits[i]!
    let kept = 0
    while (m) {
      const low = m & -m
      m ^= low
      const slot = base | (31 - Math.clz32(low))
      let pass = true
      for (let j = 0; j < lazy.length && pass; j++) pass = lazy[j]!.test(slot)
      if (pass) kept |= low
    }
    if (kept) {
      found.at[k] = found.at[i]!
      found.bits[k++] = kept
    }
  }
  found.n = k
}

function matchWords(
  ctx: Context,
  clauses: WordClause[],
  driver: WordClause | null,
  hidden: number,
): WordMatches {
  const visible = ctx.index.visibleBits(hidden)
  const others = clauses.filter((c) => c !== driver && !c.lazy)
  if (atScratch.length < ctx.words) {
    atScratch = new Uint32Array(ctx.words)
    bitsScratch = new Uint32Array(ctx.words)
  }
  const at = atScratch
  const bits = bitsScratch
  let n = 0
  const take = (w: number) => {
    let m = visible[w]!
    if (!m) return
    if (driver) m &= wordOf(driver, w)
    for (let j = 0; j < others.length && m; j++) m &= wordOf(others[j]!, w)
    if (m) {
      at[n] = w
      bits[n++] = m
    }
  }
  if (driver && driver.dense.length === 0) {
    const sparse = driver.sparse
    if (sparse) for (let i = 0; i < sparse.n; i++) take(sparse.touched[i]!)
  } else {
    for (let w = 0; w < ctx.words; w++) take(w)
  }
  return { at, bits, n }
}
