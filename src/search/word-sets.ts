import { attendanceCodes, type DirectoryIndex } from './directory-index.ts'
import type { Plan } from './engine.ts'
import { cellsAround, toRad, within } from './geo.ts'
import type { Postings } from './postings.ts'
import { mentionBit, termBitsMask, type TextMarks } from './text-marks.ts'

/**
 * Each clause of a plan as a set of groups, read 32 groups (one word of bits) at a time. A clause
 * is a union of parts: long postings lists are read as bits kept with the list (`Postings.bits`),
 * short ones are set into bits made for this search, whose touched words are remembered. The
 * clause whose parts are fewest drives: only its words are looked at, and every other clause is
 * read at just those words. A clause too costly to set up for so few candidates (a circle over a
 * city's thousands of meeting places, around a rare condition's dozen groups) is left to the
 * evaluator, which checks every clause of each candidate anyway.
 */

/** Bits for one search, remembering which words they touch so that clearing is cheap. */
export class SparseBits {
  words: Uint32Array
  touched: Uint32Array
  n = 0

  constructor(words: number) {
    this.words = new Uint32Array(words)
    this.touched = new Uint32Array(words)
  }

  add(slot: number) {
    const w = slot >>> 5
    const words = this.words
    if (words[w] === 0) this.touched[this.n++] = w
    words[w]! |= 1 << (slot & 31)
  }

  has(slot: number) {
    return (this.words[slot >>> 5]! & (1 << (slot & 31))) !== 0
  }

  clear() {
    const words = this.words
    const touched = this.touched
    for (let i = 0; i < this.n; i++) words[touched[i]!] = 0
    this.n = 0
  }
}

const spare: SparseBits[] = []
let lent = 0

/** Bits of at least `words` words, zeroed; all are given back by `returnBits`. */
export function borrowBits(words: number): SparseBits {
  let b = spare[lent]
  if (!b || b.words.length < words) {
    b = new SparseBits(Math.max(words, Math.ceil((b?.words.length ?? 0) * 1.25)))
    spare[lent] = b
  }
  lent++
  return b
}

export function returnBits() {
  for (let i = 0; i < lent; i++) spare[i]!.clear()
  lent = 0
}

/** A long list read as bits, optionally only where one of two masks is set too. */
interface DensePart {
  bits: Uint32Array
  maskA: Uint32Array | null
  maskB: Uint32Array | null
}

/** How to put the short parts into bits: `cost` says what that takes. */
interface Pending {
  cost: number
  fill: (into: SparseBits, local: SparseBits | null) => void
}

export interface WordClause {
  kind: 'filter' | 'condition' | 'geo' | 'terms'
  /** At most this many groups are in the clause. */
  size: number
  dense: DensePart[]
  /** For a geo clause: the parts whose groups meet locally (the rest are online groups). */
  denseLocal: DensePart[]
  pending: Pending[]
  sparse: SparseBits | null
  sparseLocal: SparseBits | null
  /** Left out of the words: candidates are then asked about it one by one (`test`). */
  lazy: boolean
  test: (slot: number) => boolean
}

function clause(kind: WordClause['kind'], test: (slot: number) => boolean): WordClause {
  return {
    kind,
    test,
    size: 0,
    dense: [],
    denseLocal: [],
    pending: [],
    sparse: null,
    sparseLocal: null,
    lazy: false,
  }
}

export interface Context {
  index: DirectoryIndex
  words: number
  /** Lists at least this long are read as bits. */
  denseMin: number
  online: { a: Uint32Array; b: Uint32Array }
}

export function context(index: DirectoryIndex): Context {
  const words = (index.size + 31) >>> 5
  return {
    index,
    words,
    denseMin: Math.max(1024, words),
    online: {
      a: index.attendanceBits[attendanceCodes.online]!.words,
      b: index.attendanceBits[attendanceCodes.hybrid]!.words,
    },
  }
}

function addList(
  ctx: Context,
  c: WordClause,
  list: Postings | undefined,
  local: boolean,
  onlineOnly = false,
) {
  if (!list || list.length === 0) return
  c.size += list.length
  if (list.length >= ctx.denseMin) {
    const part: DensePart = {
      bits: list.bits(ctx.words),
      maskA: onlineOnly ? ctx.online.a : null,
      maskB: onlineOnly ? ctx.online.b : null,
    }
    c.dense.push(part)
    if (local) c.denseLocal.push(part)
    return
  }
  const attendance = ctx.index.attendance.data
  c.pending.push({
    cost: list.length,
    fill: (into, localBits) => {
      const d = list.data
      for (let i = 0; i < list.length; i++) {
        const slot = d[i]!
        if (onlineOnly) {
          const a = attendance[slot]
          if (a !== 2 && a !== 3) continue
        }
        into.add(slot)
        if (local) localBits?.add(slot)
      }
    },
  })
}

function addDense(c: WordClause, bits: Uint32Array, size: number) {
  c.size += size
  c.dense.push({ bits, maskA: null, maskB: null })
}

/** Every clause of the plan, as word sets (not yet filled). */
export function wordClauses(plan: Plan, ctx: Context, marks: TextMarks): WordClause[] {
  const index = ctx.index
  const out: WordClause[] = []
  const filter = (parts: { bits: Uint32Array; size: number }[]) => {
    const c = clause('filter', () => true)
    for (const p of parts) addDense(c, p.bits, p.size)
    out.push(c)
  }
  if (plan.free) filter([{ bits: index.freeBits.words, size: index.freeBits.count }])
  if (plan.leadership) {
    filter([
      {
        bits: index.leadershipBits[plan.leadership]!.words,
        size: index.leadershipBits[plan.leadership]!.count,
      },
    ])
  }
  if (plan.types.length) {
    filter(
      plan.types.map((t) => ({
        bits: index.typeBits[t]!.words,
        size: index.typeBits[t]!.count,
      })),
    )
  }
  for (const a of plan.attendance) {
    const codes = a === 'in_person' ? [1, 3] : a === 'online' ? [2, 3] : [3]
    filter(
      codes.map((code) => ({
        bits: index.attendanceBits[code]!.words,
        size: index.attendanceBits[code]!.count,
      })),
    )
  }
  for (const langs of plan.languages) {
    filter(
      langs
        .filter((l) => l >= 0 && index.languageBits[l])
        .map((l) => ({
          bits: index.languageBits[l]!.words,
          size: index.languageBits[l]!.count,
        })),
    )
  }
  for (const a of plan.audience) {
    const parts: { bits: Uint32Array; size: number }[] = []
    for (let bit = 0; bit < 8; bit++) {
      if (a.wanted & (1 << bit)) {
        parts.push({
          bits: index.audienceBits[bit]!.words,
          size: index.audienceBits[bit]!.count,
        })
      }
    }
    filter(parts)
  }

  // Conditions: the groups of every related concept, and those whose texts name the condition.
  const start = index.listStart.data
  const nConcepts = index.nConcepts.data
  const pool = index.pool
  plan.conditions.forEach((cond, ci) => {
    const scores = cond.scores
    const mention = ci < 4 ? mentionBit(ci) : 0
    const c = clause('condition', (slot) => {
      if (marks.bits[slot]! & mention) return true
      const base = start[slot]!
      for (let i = 0; i < nConcepts[slot]!; i++) if (scores[pool[base + i]!]) return true
      return false
    })
    for (const key of cond.related.keys()) addList(ctx, c, index.byConcept.get(key), false)
    if (ci < 4) slotsMarked(c, marks, mentionBit(ci))
    out.push(c)
  })

  // Places: local meeting places, and online groups in reach.
  const onlineAllowed = !plan.attendance.includes('in_person')
  for (const g of plan.geo) {
    const c = clause('geo', geoTest(ctx, g, onlineAllowed))
    for (const option of g.options) {
      for (const k of option.placeKeys) addList(ctx, c, index.byPlace.get(k), true)
      if (option.localityKey !== null) {
        addList(ctx, c, index.byLocality.get(option.localityKey), true)
      }
      if (option.center && option.radiusKm !== null)
        addCircle(ctx, c, option.center, option.radiusKm)
      if (onlineAllowed) {
        if (option.onlineAnywhere) {
          addDense(c, ctx.online.a, index.attendanceBits[attendanceCodes.online]!.count)
          addDense(c, ctx.online.b, index.attendanceBits[attendanceCodes.hybrid]!.count)
        } else {
          for (const k of option.coverKeys) addList(ctx, c, index.byCover.get(k), false, true)
        }
      }
    }
    out.push(c)
  }

  // Words, when they are what was asked for.
  if (plan.termsRequired) {
    const c = clause('terms', (slot) => (marks.bits[slot]! & termBitsMask) !== 0)
    slotsMarked(c, marks, termBitsMask)
    out.push(c)
  }
  return out
}

/** Whether a group meets in one of the clause's places, or is online and in reach of one. */
function geoTest(ctx: Context, g: Plan['geo'][number], onlineAllowed: boolean) {
  const index = ctx.index
  const start = index.listStart.data
  const nConcepts = index.nConcepts.data
  const nPlaces = index.nPlaces.data
  const nCovers = index.nCovers.data
  const nLocalities = index.nLocalities.data
  const attendance = index.attendance.data
  const pool = index.pool
  const options = g.options.map((o) => ({
    ...o,
    at: o.center ? { ...o.center, cosLat: Math.cos(o.center.lat * toRad) } : null,
  }))
  return (slot: number) => {
    const placesStart = start[slot]! + nConcepts[slot]!
    const placesEnd = placesStart + nPlaces[slot]!
    const coversEnd = placesEnd + nCovers[slot]!
    const localitiesEnd = coversEnd + nLocalities[slot]!
    const online = attendance[slot] === 2 || attendance[slot] === 3
    for (const o of options) {
      if (o.at && o.radiusKm !== null && within(index, o.at, o.radiusKm, slot)) return true
      for (let i = placesStart; i < placesEnd; i++) if (o.placeKeys.includes(pool[i]!)) return true
      if (o.localityKey !== null) {
        for (let i = coversEnd; i < localitiesEnd; i++) if (pool[i] === o.localityKey) return true
      }
      if (online && onlineAllowed) {
        if (o.onlineAnywhere) return true
        for (let i = placesEnd; i < coversEnd; i++) if (o.coverKeys.includes(pool[i]!)) return true
      }
    }
    return false
  }
}

function slotsMarked(c: WordClause, marks: TextMarks, mask: number) {
  let n = 0
  for (const slot of marks.touched) if (marks.bits[slot]! & mask) n++
  if (!n) return
  c.size += n
  c.pending.push({
    cost: marks.touched.length,
    fill: (into) => {
      for (const slot of marks.touched) if (marks.bits[slot]! & mask) into.add(slot)
    },
  })
}

/** Meeting places within a circle: whole cells when the cell lies inside it, else one by one. */
function addCircle(
  ctx: Context,
  c: WordClause,
  center: { lat: number; lon: number },
  radiusKm: number,
) {
  const edge: Postings[] = []
  let edgeSize = 0
  for (const cell of cellsAround(ctx.index, center, radiusKm)) {
    if (cell.near > radiusKm) continue
    if (cell.far <= radiusKm) addList(ctx, c, cell.postings, true)
    else {
      edge.push(cell.postings)
      edgeSize += cell.postings.length
    }
  }
  if (!edgeSize) return
  c.size += edgeSize
  const index = ctx.index
  const at = { ...center, cosLat: Math.cos(center.lat * toRad) }
  c.pending.push({
    // A distance costs several times a bit.
    cost: edgeSize * 4,
    fill: (into, local) => {
      for (const p of edge) {
        const d = p.data
        for (let i = 0; i < p.length; i++) {
          const slot = d[i]!
          if (into.has(slot) && local?.has(slot)) continue
          if (within(index, at, radiusKm, slot)) {
            into.add(slot)
            local?.add(slot)
          }
        }
      }
    },
  })
}

/** Puts the clause's short parts into bits of its own. */
export function fill(ctx: Context, c: WordClause) {
  if (c.sparse || !c.pending.length) return
  c.sparse = borrowBits(ctx.words)
  if (c.kind === 'geo') c.sparseLocal = borrowBits(ctx.words)
  for (const p of c.pending) p.fill(c.sparse, c.sparseLocal)
  c.lazy = false
}

export const fillCost = (c: WordClause) => c.pending.reduce((s, p) => s + p.cost, 0)

/** The clause's groups in word `w`. */
export function wordOf(c: WordClause, w: number): number {
  let v = c.sparse ? c.sparse.words[w]! : 0
  for (const p of c.dense) {
    v |= p.maskA ? p.bits[w]! & (p.maskA[w]! | p.maskB![w]!) : p.bits[w]!
  }
  return v
}

/** A geo clause's groups that meet locally, in word `w`. */
export function localWordOf(c: WordClause, w: number): number {
  let v = c.sparseLocal ? c.sparseLocal.words[w]! : 0
  for (const p of c.denseLocal) v |= p.bits[w]!
  return v
}
