import { normalizeForSearch } from '#src/conditions/normalize.ts'
import type { LocalizedText } from '#src/directory/directory.tables.ts'
import { audiences, groupTypes } from '#src/directory/vocabularies.ts'
import { nextMeetingOf, type ScheduleLike } from '#src/directory/schedule.ts'
import { Bits, Column, PostingsMap, TermIndex } from './postings.ts'
import { StringTable } from './string-table.ts'
import { textKeys } from './text.ts'

/**
 * The directory as search reads it, in memory: one slot per listed group, with the facts filters
 * and ranking need in typed arrays, and inverted lists (postings) from conditions, places,
 * localities, words and filter values to slots, and the meeting rules (interned) for the next
 * meeting. Names and descriptions stay in the database; a search reads them for the one page it
 * answers with.
 *
 * A changed group gets a new slot and its old slot is marked dead, so slots only grow and every
 * postings list stays sorted. When a quarter of the slots are dead, or the directory has more
 * than doubled since the build, the index is built again in the background.
 */

export const attendanceCodes = { in_person: 1, online: 2, hybrid: 3 } as const
export const leadershipCodes = { peer: 1, professional: 2 } as const
export const flagFree = 1
export const flagVerified = 2
export const flagPaused = 4
/** The group meets in more than one place: see `morePoints`. */
export const flagMorePoints = 8

/** One group as the loader reads it. */
export interface GroupRecord {
  id: string
  name: LocalizedText
  description: LocalizedText | null
  org_name: LocalizedText | null
  types: string[]
  audience: string[]
  languages: string[]
  attendance: string | null
  free: boolean
  leadership: string | null
  condition_ids: string[]
  condition_codes: string[]
  status: string
  fresh_since: Date | string
  verified: boolean
  locations: {
    lat: number | null
    lon: number | null
    members: boolean
    places: string[] | null
    city: string | null
    region: string | null
    state: string | null
    country: string | null
  }[]
  areas: { place: string | null; path: string[] | null; name: string | null }[]
  schedules: ScheduleLike[] | null
}

export interface Locality {
  name: string
  country: string | null
  lat: number
  lon: number
  points: number
}

const gridDegrees = 0.2
export const cellOf = (lat: number, lon: number) =>
  Math.floor((lat + 90) / gridDegrees) * 4096 + Math.floor((lon + 180) / gridDegrees)
export const gridStep = gridDegrees

const typeBit = new Map(groupTypes.map((t, i) => [t as string, i]))
const audienceBit = new Map(audiences.map((a, i) => [a as string, i]))

export class DirectoryIndex {
  dead = 0
  /** Each slot's group id, and each group's live slot. */
  readonly ids = new StringTable()
  private capacity: number

  readonly alive: Column<Uint8Array>
  readonly typeMask: Column<Uint8Array>
  readonly audienceMask: Column<Uint8Array>
  readonly attendance: Column<Uint8Array>
  readonly leadership: Column<Uint8Array>
  readonly flags: Column<Uint8Array>
  /** Fresh since, in whole seconds (fits until 2106). */
  readonly fresh: Column<Uint32Array>
  readonly langMask: Column<Uint32Array>
  readonly lat: Column<Float32Array>
  readonly lon: Column<Float32Array>
  /** Further meeting places of groups with more than one, as lat,lon pairs. */
  readonly morePoints = new Map<number, number[]>()
  /**
   * Per slot: where its lists start in `pool`, and how long each is. The lists lie end to end:
   * condition keys, place keys (meeting places and areas served), the areas' own places (for
   * online reach), localities.
   */
  readonly listStart: Column<Uint32Array>
  readonly nConcepts: Column<Uint8Array>
  readonly nPlaces: Column<Uint8Array>
  readonly nCovers: Column<Uint8Array>
  readonly nLocalities: Column<Uint8Array>
  pool = new Int32Array(1 << 16)
  poolSize = 0

  /** Interned keys: concept ids and condition codes, place ids, localities, languages. */
  readonly conceptKeys = new Map<string, number>()
  readonly placeKeys = new Map<string, number>()
  readonly localityKeys = new Map<string, number>()
  readonly localities: Locality[] = []
  readonly languageKeys = new Map<string, number>()
  readonly languageCodes: string[] = []
  /** Languages beyond the 32 a mask holds, per slot. */
  readonly moreLanguages = new Map<number, number[]>()
  /**
   * Meeting rules, for the next meeting of each listed group: sets of rules are interned (most
   * groups share "second Saturday, 10:00"), each slot points at one, or -1.
   */
  readonly scheduleSets: ScheduleLike[][] = []
  private readonly scheduleSetKeys = new Map<string, number>()
  readonly scheduleRef: Column<Int32Array>

  readonly byConcept = new PostingsMap<number>()
  readonly byPlace = new PostingsMap<number>()
  readonly byCover = new PostingsMap<number>()
  readonly byLocality = new PostingsMap<number>()
  readonly byTerm = new TermIndex()
  readonly byCell = new PostingsMap<number>()

  /**
   * Filter values as sets of bits, for counting and combining whole sets at once (and, with
   * their counts, all the engine needs of them: no postings are kept for these).
   */
  readonly aliveBits = new Bits()
  readonly typeBits = Array.from({ length: 8 }, () => new Bits())
  readonly audienceBits = Array.from({ length: 8 }, () => new Bits())
  readonly languageBits: Bits[] = []
  /** By attendance code: 1 in person, 2 online, 3 hybrid. */
  readonly attendanceBits = Array.from({ length: 4 }, () => new Bits())
  readonly leadershipBits = Array.from({ length: 3 }, () => new Bits())
  readonly freeBits = new Bits()
  /** Bumped on every change, for what is computed from the whole index and cached. */
  version = 0

  /** Slots handed out, live and dead. */
  get size() {
    return this.ids.size
  }

  constructor(capacity = 1024) {
    this.capacity = capacity
    this.alive = new Column(new Uint8Array(capacity))
    this.typeMask = new Column(new Uint8Array(capacity))
    this.audienceMask = new Column(new Uint8Array(capacity))
    this.attendance = new Column(new Uint8Array(capacity))
    this.leadership = new Column(new Uint8Array(capacity))
    this.flags = new Column(new Uint8Array(capacity))
    this.fresh = new Column(new Uint32Array(capacity))
    this.langMask = new Column(new Uint32Array(capacity))
    // Single precision: within a metre or so, which is all a meeting place needs.
    this.lat = new Column(new Float32Array(capacity))
    this.lon = new Column(new Float32Array(capacity))
    this.listStart = new Column(new Uint32Array(capacity))
    this.nConcepts = new Column(new Uint8Array(capacity))
    this.nPlaces = new Column(new Uint8Array(capacity))
    this.nCovers = new Column(new Uint8Array(capacity))
    this.nLocalities = new Column(new Uint8Array(capacity))
    this.scheduleRef = new Column(new Int32Array(capacity))
    for (const bits of this.allBits()) bits.ensure(capacity)
  }

  /** Slots when the index was built; see IndexHolder for when it is built again. */
  builtSize = 0

  private allBits(): Bits[] {
    return [
      this.aliveBits,
      ...this.typeBits,
      ...this.audienceBits,
      ...this.languageBits,
      ...this.attendanceBits,
      ...this.leadershipBits,
      this.freeBits,
    ]
  }

  private grow(size: number) {
    if (size <= this.capacity) return
    this.capacity = Math.max(size, this.capacity * 2)
    for (const bits of this.allBits()) bits.ensure(this.capacity)
    for (const column of [
      this.alive,
      this.typeMask,
      this.audienceMask,
      this.attendance,
      this.leadership,
      this.flags,
      this.fresh,
      this.langMask,
      this.lat,
      this.lon,
      this.listStart,
      this.nConcepts,
      this.nPlaces,
      this.nCovers,
      this.nLocalities,
      this.scheduleRef,
    ] as Column<Uint8Array>[]) {
      column.ensure(this.capacity)
    }
  }

  private intern(map: Map<string, number>, key: string): number {
    let n = map.get(key)
    if (n === undefined) {
      n = map.size
      map.set(key, n)
    }
    return n
  }

  private pushList(values: Iterable<number>): number {
    let n = 0
    for (const v of values) {
      if (n === 255) break
      if (this.poolSize === this.pool.length) {
        const grown = new Int32Array(this.pool.length * 2)
        grown.set(this.pool)
        this.pool = grown
      }
      this.pool[this.poolSize++] = v
      n++
    }
    return n
  }

  private locality(name: string, country: string | null): number {
    const norm = normalizeForSearch(name)
    let n = this.localityKeys.get(norm)
    if (n === undefined) {
      n = this.localities.length
      this.localityKeys.set(norm, n)
      this.localities.push({ name, country, lat: 0, lon: 0, points: 0 })
    }
    return n
  }

  remove(id: string) {
    const slot = this.ids.remove(id)
    if (slot === undefined) return
    this.alive.data[slot] = 0
    this.aliveBits.unset(slot)
    this.dead++
    this.version++
  }

  /** Adds the group, or replaces what the index held for it. */
  upsert(g: GroupRecord) {
    this.remove(g.id)
    const slot = this.ids.add(g.id)
    this.grow(this.size)
    this.alive.data[slot] = 1
    this.aliveBits.set(slot)
    this.version++

    let types = 0
    for (const t of g.types) {
      const bit = typeBit.get(t)
      if (bit === undefined) continue
      types |= 1 << bit
      this.typeBits[bit]!.set(slot)
    }
    this.typeMask.data[slot] = types
    let audience = 0
    for (const a of g.audience) {
      const bit = audienceBit.get(a)
      if (bit === undefined) continue
      audience |= 1 << bit
      this.audienceBits[bit]!.set(slot)
    }
    this.audienceMask.data[slot] = audience
    const attendance = attendanceCodes[g.attendance as keyof typeof attendanceCodes] ?? 0
    this.attendance.data[slot] = attendance
    this.attendanceBits[attendance]!.set(slot)
    const leadership = leadershipCodes[g.leadership as keyof typeof leadershipCodes] ?? 0
    this.leadership.data[slot] = leadership
    this.leadershipBits[leadership]!.set(slot)
    let flags = 0
    if (g.free) {
      flags |= flagFree
      this.freeBits.set(slot)
    }
    if (g.verified) flags |= flagVerified
    if (g.status === 'paused') flags |= flagPaused
    this.flags.data[slot] = flags
    this.fresh.data[slot] = Math.floor(new Date(g.fresh_since).getTime() / 1000)
    if (g.schedules?.length) {
      const list = g.schedules.map((x) => ({ ...x, exdates: x.exdates ?? [] }))
      const key = JSON.stringify(list)
      let ref = this.scheduleSetKeys.get(key)
      if (ref === undefined) {
        ref = this.scheduleSets.push(list) - 1
        this.scheduleSetKeys.set(key, ref)
      }
      this.scheduleRef.data[slot] = ref
    } else {
      this.scheduleRef.data[slot] = -1
    }

    let langs = 0
    const more: number[] = []
    for (const code of g.languages) {
      let n = this.languageKeys.get(code)
      if (n === undefined) {
        n = this.languageCodes.push(code) - 1
        this.languageKeys.set(code, n)
        const bits = new Bits()
        bits.ensure(this.capacity)
        this.languageBits.push(bits)
      }
      this.languageBits[n]!.set(slot)
      if (n < 32) langs |= 1 << n
      else more.push(n)
    }
    this.langMask.data[slot] = langs >>> 0
    if (more.length) this.moreLanguages.set(slot, more)

    // Meeting places: the first in the columns, others aside; members-only ones rounded (~10 km).
    const points: number[] = []
    for (const l of g.locations) {
      if (l.lat === null || l.lon === null) continue
      const lat = l.members ? Math.round(l.lat * 10) / 10 : l.lat
      const lon = l.members ? Math.round(l.lon * 10) / 10 : l.lon
      points.push(lat, lon)
      this.byCell.add(cellOf(lat, lon), slot)
    }
    this.lat.data[slot] = points.length ? points[0]! : NaN
    this.lon.data[slot] = points.length ? points[1]! : NaN
    if (points.length > 2) {
      this.morePoints.set(slot, points.slice(2))
      this.flags.data[slot] |= flagMorePoints
    }

    const concepts = new Set<number>()
    for (const c of [...g.condition_ids, ...g.condition_codes.map((c) => c.toUpperCase())]) {
      concepts.add(this.intern(this.conceptKeys, c))
    }
    const places = new Set<number>()
    const covers = new Set<number>()
    const localities = new Set<number>()
    for (const l of g.locations) {
      for (const p of l.places ?? []) places.add(this.intern(this.placeKeys, p))
      if (l.country) places.add(this.intern(this.placeKeys, l.country.toUpperCase()))
      for (const name of [l.city, l.region, l.state]) {
        if (!name) continue
        const n = this.locality(name, l.country)
        localities.add(n)
        if (name === l.city && l.lat !== null && l.lon !== null) {
          const loc = this.localities[n]!
          loc.lat = (loc.lat * loc.points + l.lat) / (loc.points + 1)
          loc.lon = (loc.lon * loc.points + l.lon) / (loc.points + 1)
          loc.points++
        }
      }
    }
    for (const a of g.areas) {
      for (const p of a.path ?? []) places.add(this.intern(this.placeKeys, p))
      if (a.place) covers.add(this.intern(this.placeKeys, a.place))
      if (a.name) localities.add(this.locality(a.name, null))
    }
    this.listStart.data[slot] = this.poolSize
    this.nConcepts.data[slot] = this.pushList(concepts)
    this.nPlaces.data[slot] = this.pushList(places)
    this.nCovers.data[slot] = this.pushList(covers)
    this.nLocalities.data[slot] = this.pushList(localities)
    for (const c of concepts) this.byConcept.add(c, slot)
    for (const p of places) this.byPlace.add(p, slot)
    for (const p of covers) this.byCover.add(p, slot)
    for (const l of localities) this.byLocality.add(l, slot)

    const texts: (string | null)[] = []
    for (const t of [g.name, g.description, g.org_name]) {
      if (!t) continue
      for (const [k, v] of Object.entries(t)) if (k !== 'original') texts.push(v)
    }
    for (const l of g.locations) texts.push(l.city, l.region, l.state)
    for (const a of g.areas) texts.push(a.name)
    for (const key of textKeys(texts)) this.byTerm.add(key, slot)
  }

  private visible: { version: number; hidden: number; bits: Bits } | null = null

  /**
   * The groups alive and confirmed after `hidden` (seconds), as bits; kept until the index
   * changes or the cut-off moves.
   */
  visibleBits(hidden: number): Uint32Array {
    const v = this.visible
    if (v && v.version === this.version && v.hidden === hidden) return v.bits.words
    const bits = v?.bits ?? new Bits()
    bits.ensure(this.capacity)
    const words = bits.words
    words.fill(0)
    const alive = this.alive.data
    const fresh = this.fresh.data
    for (let slot = 0; slot < this.size; slot++) {
      if (alive[slot] && fresh[slot]! > hidden) words[slot >>> 5]! |= 1 << (slot & 31)
    }
    this.visible = { version: this.version, hidden, bits }
    return words
  }

  schedules(slot: number): ScheduleLike[] {
    const ref = this.scheduleRef.data[slot]!
    return ref < 0 ? [] : this.scheduleSets[ref]!
  }

  /** Per set of meeting rules: its next meeting, worked out at `from` (ms), at `at` (ms). */
  private readonly nextMeetings: ({ from: number; at: number; text: string | null } | undefined)[] =
    []

  /**
   * The group's next meeting (see nextMeetingOf), remembered per set of rules: the answer found
   * at one moment holds until that meeting begins, as nothing falls between.
   */
  nextMeeting(slot: number, now: Date): string | null {
    const ref = this.scheduleRef.data[slot]!
    if (ref < 0) return null
    const t = now.getTime()
    const known = this.nextMeetings[ref]
    if (known && known.from <= t && t <= known.at) return known.text
    const text = nextMeetingOf(this.scheduleSets[ref]!, now)
    this.nextMeetings[ref] = { from: t, at: text ? Date.parse(text) : Infinity, text }
    return text
  }

  speaks(slot: number, language: number): boolean {
    if (language < 32) return (this.langMask.data[slot]! & (1 << language)) !== 0
    return this.moreLanguages.get(slot)?.includes(language) ?? false
  }

  /** Called once a bulk load is done: the lists stop growing much. */
  trim() {
    for (const m of [
      this.byConcept,
      this.byPlace,
      this.byCover,
      this.byLocality,
      this.byCell,
    ] as PostingsMap<unknown>[]) {
      m.trim()
    }
    this.byTerm.finalize()
    this.ids.trim()
    this.builtSize = this.size
    if (this.pool.length > this.poolSize * 1.25 + 1024)
      this.pool = this.pool.slice(0, this.poolSize)
  }
}
