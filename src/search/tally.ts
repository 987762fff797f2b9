import { audiences, groupTypes } from '#src/directory/vocabularies.ts'
import { flagFree, type DirectoryIndex } from './directory-index.ts'
import type { StringTable } from './string-table.ts'
import { popcount, type Bits } from './postings.ts'

/** The best few matches, and the facet counts of all of them. */

export interface Ranked {
  slot: number
  score: number
  distance: number
}

/** The best `limit`, by score, then distance, then id. */
export class TopK {
  readonly items: Ranked[] = []
  private readonly limit: number
  private readonly ids: StringTable

  constructor(limit: number, ids: StringTable) {
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

  private before(a: Ranked, b: Ranked) {
    if (a.score !== b.score) return a.score > b.score
    if (a.distance !== b.distance && !Number.isNaN(a.distance - b.distance)) {
      return a.distance < b.distance
    }
    return this.ids.less(a.slot, b.slot)
  }

  offer(slot: number, score: number, distance: number) {
    if (this.limit === 0) return
    const items = this.items
    if (items.length >= this.limit && score < items[items.length - 1]!.score) return
    const item = { slot, score, distance }
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

/** Facet counts, kept in arrays and named at the end. */
export class Tally {
  total = 0
  free = 0
  readonly types = new Uint32Array(8)
  readonly audience = new Uint32Array(8)
  readonly languages: Uint32Array
  readonly attendance = new Uint32Array(4)
  readonly leadership = new Uint32Array(3)
  private readonly index: DirectoryIndex
  private readonly manyLanguages: boolean

  constructor(index: DirectoryIndex) {
    this.index = index
    this.languages = new Uint32Array(index.languageCodes.length)
    this.manyLanguages = index.languageCodes.length > 32
  }

  /** Counts one matching group. */
  add(slot: number) {
    const index = this.index
    this.total++
    const types = index.typeMask.data[slot]!
    for (let bit = 0; types >> bit; bit++) if (types & (1 << bit)) this.types[bit]!++
    const audience = index.audienceMask.data[slot]!
    for (let bit = 0; audience >> bit; bit++) if (audience & (1 << bit)) this.audience[bit]!++
    const langs = index.langMask.data[slot]!
    for (let l = 0; langs >>> l && l < 32; l++) if (langs & (1 << l)) this.languages[l]!++
    const more = this.manyLanguages ? index.moreLanguages.get(slot) : undefined
    if (more) for (const l of more) this.languages[l]!++
    this.attendance[index.attendance.data[slot]!]!++
    this.leadership[index.leadership.data[slot]!]!++
    if (index.flags.data[slot]! & flagFree) this.free++
  }

  /** Counts a whole set of matches, given as its non-zero words (`at`) and their bits. */
  addWords(at: Uint32Array, bits: Uint32Array, n: number) {
    const index = this.index
    let total = 0
    for (let i = 0; i < n; i++) total += popcount(bits[i]!)
    // A value no group has (most of the languages) is not counted over every match.
    const count = (set: Bits) => {
      if (set.count === 0) return 0
      const words = set.words
      let c = 0
      for (let i = 0; i < n; i++) c += popcount(bits[i]! & words[at[i]!]!)
      return c
    }
    this.total += total
    this.free += count(index.freeBits)
    index.typeBits.forEach((b, i) => (this.types[i]! += count(b)))
    index.audienceBits.forEach((b, i) => (this.audience[i]! += count(b)))
    index.languageBits.forEach((b, i) => (this.languages[i]! += count(b)))
    index.attendanceBits.forEach((b, i) => (this.attendance[i]! += i ? count(b) : 0))
    index.leadershipBits.forEach((b, i) => (this.leadership[i]! += i ? count(b) : 0))
  }

  facets(): Facets {
    const facets = noFacets()
    const name = (facet: Record<string, number>, counts: Uint32Array, names: readonly string[]) => {
      counts.forEach((n, i) => {
        if (n && names[i]) facet[names[i]] = n
      })
    }
    name(facets.type!, this.types, groupTypes)
    name(facets.audience!, this.audience, audiences)
    name(facets.language!, this.languages, this.index.languageCodes)
    name(facets.attendance!, this.attendance, ['', 'in_person', 'online', 'hybrid'])
    name(facets.leadership!, this.leadership, ['', 'peer', 'professional'])
    if (this.free) facets.free!.true = this.free
    if (this.total - this.free) facets.free!.false = this.total - this.free
    return facets
  }
}

export type Facets = Record<string, Record<string, number>>

export const noFacets = (): Facets => ({
  type: {},
  audience: {},
  language: {},
  attendance: {},
  leadership: {},
  free: {},
})
