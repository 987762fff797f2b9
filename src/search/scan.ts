import { attendanceCodes, type DirectoryIndex } from './directory-index.ts'
import type { Plan } from './engine.ts'
import { cellsWithin } from './geo.ts'
import { Postings } from './postings.ts'
import { termIds } from './text-marks.ts'

/**
 * The plain way to find candidates: the postings of the smallest clause, each candidate then
 * checked against every clause by the evaluator. Kept as the yardstick the faster way
 * (run-plan.ts, word-sets.ts) is tested against.
 */
export function scanCandidates(
  plan: Plan,
  index: DirectoryIndex,
  consider: (slot: number) => void,
) {
  const gens = generators(plan, index)
  let driver: Generator | null = null
  for (const g of gens) if (!driver || g.size < driver.size) driver = g
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
  const ids = termIds(index, keys)
  if (!ids) return undefined
  let best = ids[0]!
  for (const id of ids) if (index.byTerm.count(id) < index.byTerm.count(best)) best = id
  const out = new Postings(0)
  out.length = index.byTerm.decode(best, out)
  return out
}

/** The groups that meet online (online or hybrid), as a list. */
function onlineCapable(index: DirectoryIndex): Postings {
  const out = new Postings(0)
  const a = index.attendanceBits[attendanceCodes.online]!.words
  const b = index.attendanceBits[attendanceCodes.hybrid]!.words
  for (let slot = 0; slot < index.size; slot++) {
    if ((a[slot >>> 5]! | b[slot >>> 5]!) & (1 << (slot & 31))) out.push(slot)
  }
  return out
}

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
        if (o.onlineAnywhere) lists.push(onlineCapable(index))
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
  // The filters (audience, type, language, fee, leadership, attendance) are sets of bits, not
  // lists: they only ever narrow, so the evaluator checks them and none drives the scan.
  return out
}
