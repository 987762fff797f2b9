import type { DirectoryIndex } from './directory-index.ts'
import type { Plan } from './engine.ts'
import { Postings } from './postings.ts'

/**
 * The groups whose texts hold each word of the query, and each condition named in it, found once
 * per search and marked in a bit per slot: bits 0–11 for words, 12–15 for the condition clauses.
 * `touched` lists the marked slots, so that clearing costs what marking did.
 */
export interface TextMarks {
  bits: Uint16Array
  touched: number[]
}

export const termBitsMask = 0xfff
export const mentionBit = (clause: number) => 1 << (12 + clause)

let bitsArray = new Uint16Array(0)
const touchedSlots: number[] = []

export function markTexts(plan: Plan, index: DirectoryIndex): TextMarks {
  if (bitsArray.length < index.size) {
    bitsArray = new Uint16Array(Math.max(index.size, bitsArray.length * 2))
  }
  const bits = bitsArray
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
  plan.terms.slice(0, 12).forEach((t, i) => {
    if (!plan.termsRequired && rarestCount(index, t.keys) > common) return
    const n = containing(index, t.keys)
    mark(found.data, n, i)
  })
  plan.conditions.slice(0, 4).forEach((c, i) => {
    for (const keys of c.mentions) {
      if (rarestCount(index, keys) > common) continue
      const n = containing(index, keys)
      mark(found.data, n, 12 + i)
    }
  })
  return { bits, touched }
}

export function clearMarks(marks: TextMarks) {
  for (const slot of marks.touched) marks.bits[slot] = 0
  marks.touched.length = 0
}

/** The ids of a word's full-text keys; null when one is in no group, so the word is nowhere. */
export function termIds(index: DirectoryIndex, keys: string[]): number[] | null {
  const ids: number[] = []
  for (const k of keys) {
    const id = index.byTerm.id(k)
    if (id === undefined || index.byTerm.count(id) === 0) return null
    ids.push(id)
  }
  return ids
}

/** How many groups hold a word's rarest key: an upper bound of those that hold the word. */
export function rarestCount(index: DirectoryIndex, keys: string[]): number {
  const ids = termIds(index, keys)
  if (!ids) return 0
  let least = Infinity
  for (const id of ids) least = Math.min(least, index.byTerm.count(id))
  return least
}

const found = new Postings(1024)
const other = new Postings(1024)

/**
 * The slots whose texts hold every key, into `found`: the rarest key's list, narrowed by each
 * other key in turn, rarest first. A list not much longer than what is left is read whole and
 * merged; a far longer one is asked about each slot left (a skip-list look-up).
 */
function containing(index: DirectoryIndex, keys: string[]): number {
  const ids = termIds(index, keys)
  if (!ids) return 0
  const terms = index.byTerm
  ids.sort((a, b) => terms.count(a) - terms.count(b))
  let n = terms.decode(ids[0]!, found)
  const d = found.data
  for (let j = 1; j < ids.length && n > 0; j++) {
    const id = ids[j]!
    let k = 0
    if (terms.count(id) <= n * 32) {
      const m = terms.decode(id, other)
      const e = other.data
      for (let i = 0, x = 0; i < n && x < m;) {
        const a = d[i]!
        const b = e[x]!
        if (a === b) {
          d[k++] = a
          i++
          x++
        } else if (a < b) i++
        else x++
      }
    } else {
      for (let i = 0; i < n; i++) if (terms.has(id, d[i]!)) d[k++] = d[i]!
    }
    n = k
  }
  return n
}
