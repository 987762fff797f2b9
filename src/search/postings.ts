import { StringTable } from './string-table.ts'

/**
 * A growable list of slot numbers. Slots are handed out in increasing order and only ever
 * appended, so every list is sorted, which lets membership be a binary search.
 */
export class Postings {
  data: Uint32Array
  length = 0

  constructor(capacity = 4) {
    this.data = new Uint32Array(capacity)
  }

  push(slot: number) {
    if (this.length > 0 && this.data[this.length - 1] === slot) return
    if (this.length === this.data.length) {
      const grown = new Uint32Array(Math.max(8, this.data.length * 2))
      grown.set(this.data)
      this.data = grown
    }
    this.data[this.length++] = slot
  }

  has(slot: number): boolean {
    let lo = 0
    let hi = this.length - 1
    const d = this.data
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      const v = d[mid]!
      if (v === slot) return true
      if (v < slot) lo = mid + 1
      else hi = mid - 1
    }
    return false
  }

  /** Gives back the spare room of lists that will not grow much more. */
  trim() {
    if (this.data.length > this.length + 8) this.data = this.data.slice(0, this.length)
  }

  private dense: Uint32Array | null = null
  private denseUpTo = 0

  /**
   * The list as bits, at least `words` long: made on first use (for long lists, where a word of
   * bits is cheaper to read than the entries it holds) and brought up to date as the list grows.
   */
  bits(words: number): Uint32Array {
    let d = this.dense
    if (!d || d.length < words) {
      const grown = new Uint32Array(Math.max(words, Math.ceil((d?.length ?? 0) * 1.25)))
      if (d) grown.set(d)
      this.dense = d = grown
    }
    const data = this.data
    for (let i = this.denseUpTo; i < this.length; i++) {
      const slot = data[i]!
      d[slot >>> 5]! |= 1 << (slot & 31)
    }
    this.denseUpTo = this.length
    return d
  }
}

/** Postings kept by key, created on first use. */
export class PostingsMap<K> {
  readonly map = new Map<K, Postings>()

  add(key: K, slot: number) {
    let p = this.map.get(key)
    if (!p) {
      p = new Postings()
      this.map.set(key, p)
    }
    p.push(slot)
  }

  get(key: K): Postings | undefined {
    return this.map.get(key)
  }

  trim() {
    for (const p of this.map.values()) p.trim()
  }
}

/**
 * A growable typed array column. It holds nothing but its array (no function), so that an index
 * built in a worker can be handed over whole (index-transfer.ts).
 */
export class Column<T extends Float64Array | Float32Array | Uint32Array | Uint8Array | Int32Array> {
  data: T

  constructor(data: T) {
    this.data = data
  }

  ensure(capacity: number) {
    if (capacity <= this.data.length) return
    const make = this.data.constructor as new (n: number) => T
    const grown = new make(Math.max(capacity, this.data.length * 2))
    ;(grown as Uint8Array).set(this.data)
    this.data = grown
  }
}

/**
 * Postings for many keys in few arrays: the full-text index, which at a million groups holds tens
 * of millions of entries under hundreds of thousands of keys, too many for one typed array each.
 *
 * While the index is built, each key's slots are written as variable-length deltas into a chain of
 * 16-byte chunks. `finalize` then lays every key's bytes end to end, with a skip entry every 64
 * slots so that membership is a binary search and a short decode. Slots added after that (changed
 * groups) go to a small overlay of plain arrays until the next build.
 */
export class TermIndex {
  private readonly keys = new StringTable()
  // Building: chunk chains.
  private chunks = new Uint8Array(1 << 16)
  private chunkCount = 1 // chunk 0 is "none"
  private head = new Uint32Array(1024)
  private tail = new Uint32Array(1024)
  private tailUsed = new Uint8Array(1024)
  private last = new Int32Array(1024).fill(-1)
  private counts = new Uint32Array(1024)
  // Finalised.
  private finalized = false
  private bytes = new Uint8Array(0)
  private start = new Uint32Array(0)
  private skipStart = new Uint32Array(0)
  private skipSlot = new Uint32Array(0)
  private skipByte = new Uint32Array(0)
  private readonly overlay = new Map<number, number[]>()
  /** Entries written since `finalize`: when many, the index is due for a rebuild. */
  overlayEntries = 0

  static readonly chunkSize = 16
  static readonly skipEvery = 64

  get size() {
    return this.keys.size
  }

  id(key: string): number | undefined {
    return this.keys.find(key)
  }

  count(id: number): number {
    return (this.counts[id] ?? 0) + (this.overlay.get(id)?.length ?? 0)
  }

  add(key: string, slot: number) {
    let id = this.keys.find(key)
    if (id === undefined) {
      id = this.keys.add(key)
      if (!this.finalized) this.growKeys(id + 1)
    }
    if (this.finalized) {
      const list = this.overlay.get(id)
      if (list) {
        if (list[list.length - 1] === slot) return
        list.push(slot)
      } else {
        this.overlay.set(id, [slot])
      }
      this.overlayEntries++
      return
    }
    if (this.last[id] === slot) return
    const delta = slot - Math.max(0, this.last[id]!)
    this.last[id] = slot
    this.counts[id]!++
    let v = this.counts[id] === 1 ? slot : delta
    do {
      const byte = v > 0x7f ? (v & 0x7f) | 0x80 : v
      this.writeByte(id, byte)
      v >>>= 7
    } while (v > 0)
  }

  private growKeys(n: number) {
    if (n <= this.head.length) return
    const size = Math.max(n, this.head.length * 2)
    const grow = <T extends Uint32Array | Uint8Array | Int32Array>(
      a: T,
      make: (n: number) => T,
      fill = 0,
    ) => {
      const b = make(size)
      if (fill) b.fill(fill)
      b.set(a)
      return b
    }
    this.head = grow(this.head, (k) => new Uint32Array(k))
    this.tail = grow(this.tail, (k) => new Uint32Array(k))
    this.tailUsed = grow(this.tailUsed, (k) => new Uint8Array(k))
    this.last = grow(this.last, (k) => new Int32Array(k), -1)
    this.counts = grow(this.counts, (k) => new Uint32Array(k))
  }

  private newChunk(): number {
    const size = TermIndex.chunkSize
    if ((this.chunkCount + 1) * size > this.chunks.length) {
      const grown = new Uint8Array(this.chunks.length * 2)
      grown.set(this.chunks)
      this.chunks = grown
    }
    return this.chunkCount++
  }

  /** Each chunk: 12 bytes of data, then the next chunk's number (4 bytes, little-endian). */
  private writeByte(id: number, byte: number) {
    const size = TermIndex.chunkSize
    let tail = this.tail[id]!
    if (tail === 0 || this.tailUsed[id] === size - 4) {
      const chunk = this.newChunk()
      if (tail === 0) this.head[id] = chunk
      else {
        const at = tail * size + size - 4
        this.chunks[at] = chunk & 0xff
        this.chunks[at + 1] = (chunk >>> 8) & 0xff
        this.chunks[at + 2] = (chunk >>> 16) & 0xff
        this.chunks[at + 3] = (chunk >>> 24) & 0xff
      }
      this.tail[id] = chunk
      this.tailUsed[id] = 0
      tail = chunk
    }
    this.chunks[tail * size + this.tailUsed[id]!] = byte
    this.tailUsed[id]!++
  }

  /** Lays the chains end to end with skip entries, and frees the chains. */
  finalize() {
    if (this.finalized) return
    this.keys.trim()
    const keys = this.keys.size
    const size = TermIndex.chunkSize
    let totalBytes = 0
    for (let id = 0; id < keys; id++) {
      // Full chunks hold 12 bytes; the tail holds tailUsed.
      let n = 0
      for (let c = this.head[id]!; c !== 0;) {
        const next = this.nextChunk(c)
        n += next === 0 ? this.tailUsed[id]! : size - 4
        c = next
      }
      totalBytes += n
    }
    const bytes = new Uint8Array(totalBytes)
    const start = new Uint32Array(keys + 1)
    const skipStart = new Uint32Array(keys + 1)
    const skipSlots: number[] = []
    const skipBytes: number[] = []
    let at = 0
    for (let id = 0; id < keys; id++) {
      start[id] = at
      skipStart[id] = skipSlots.length
      let value = 0
      let index = 0
      let shift = 0
      let acc = 0
      for (let c = this.head[id]!; c !== 0;) {
        const next = this.nextChunk(c)
        const used = next === 0 ? this.tailUsed[id]! : size - 4
        for (let i = 0; i < used; i++) {
          const byte = this.chunks[c * size + i]!
          if (shift === 0 && index > 0 && index % TermIndex.skipEvery === 0) {
            // A skip entry: the value before this entry, and where this entry starts.
            skipSlots.push(value)
            skipBytes.push(at)
          }
          bytes[at++] = byte
          acc |= (byte & 0x7f) << shift
          if (byte & 0x80) shift += 7
          else {
            value = index === 0 ? acc : value + acc
            index++
            acc = 0
            shift = 0
          }
        }
        c = next
      }
    }
    start[keys] = at
    skipStart[keys] = skipSlots.length
    this.bytes = bytes
    this.start = start
    this.skipStart = skipStart
    this.skipSlot = Uint32Array.from(skipSlots)
    this.skipByte = Uint32Array.from(skipBytes)
    this.counts = this.counts.slice(0, keys)
    this.chunks = new Uint8Array(0)
    this.head = new Uint32Array(0)
    this.tail = new Uint32Array(0)
    this.tailUsed = new Uint8Array(0)
    this.last = new Int32Array(0)
    this.finalized = true
  }

  private nextChunk(c: number): number {
    const at = c * TermIndex.chunkSize + TermIndex.chunkSize - 4
    const b = this.chunks
    return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0
  }

  private hasCompressed(id: number, slot: number): boolean {
    if (!this.finalized || id >= this.start.length - 1) return false
    const end = this.start[id + 1]!
    let at = this.start[id]!
    let value = -1
    // The last skip entry before the slot.
    let lo = this.skipStart[id]!
    let hi = this.skipStart[id + 1]! - 1
    let from = -1
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      if (this.skipSlot[mid]! < slot) {
        from = mid
        lo = mid + 1
      } else hi = mid - 1
    }
    if (from >= 0) {
      at = this.skipByte[from]!
      value = this.skipSlot[from]!
    }
    const b = this.bytes
    let first = value < 0
    let decoded = 0
    while (at < end && decoded <= TermIndex.skipEvery) {
      let acc = 0
      let shift = 0
      let byte: number
      do {
        byte = b[at++]!
        acc |= (byte & 0x7f) << shift
        shift += 7
      } while (byte & 0x80)
      value = first ? acc : value + acc
      first = false
      decoded++
      if (value === slot) return true
      if (value > slot) return false
    }
    return false
  }

  has(id: number, slot: number): boolean {
    if (this.hasCompressed(id, slot)) return true
    const list = this.overlay.get(id)
    return list ? list.includes(slot) : false
  }

  /** Every slot of a key, in order, into `out` (grown as needed); returns the count. */
  decode(id: number, out: { data: Uint32Array }): number {
    const n = this.count(id)
    if (out.data.length < n) out.data = new Uint32Array(Math.max(n, out.data.length * 2))
    let k = 0
    if (this.finalized && id < this.start.length - 1) {
      const b = this.bytes
      const end = this.start[id + 1]!
      let at = this.start[id]!
      let value = 0
      let first = true
      while (at < end) {
        let acc = 0
        let shift = 0
        let byte: number
        do {
          byte = b[at++]!
          acc |= (byte & 0x7f) << shift
          shift += 7
        } while (byte & 0x80)
        value = first ? acc : value + acc
        first = false
        out.data[k++] = value
      }
    }
    for (const slot of this.overlay.get(id) ?? []) out.data[k++] = slot
    return k
  }
}

/** A set of slots as bits, for whole-set algebra over the directory. */
export class Bits {
  words: Uint32Array
  /** Bits set. */
  count = 0

  constructor(size = 0) {
    this.words = new Uint32Array(Math.ceil(size / 32))
  }

  ensure(size: number) {
    const n = Math.ceil(size / 32)
    if (n <= this.words.length) return
    const grown = new Uint32Array(Math.max(n, this.words.length * 2))
    grown.set(this.words)
    this.words = grown
  }

  set(slot: number) {
    const bit = 1 << (slot & 31)
    const w = this.words[slot >>> 5]!
    if (w & bit) return
    this.words[slot >>> 5] = w | bit
    this.count++
  }

  unset(slot: number) {
    const bit = 1 << (slot & 31)
    const w = this.words[slot >>> 5]!
    if (!(w & bit)) return
    this.words[slot >>> 5] = w & ~bit
    this.count--
  }

  has(slot: number): boolean {
    return ((this.words[slot >>> 5] ?? 0) & (1 << (slot & 31))) !== 0
  }
}

/** Set bits in a 32-bit word. */
export function popcount(v: number): number {
  v = v - ((v >>> 1) & 0x55555555)
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333)
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24
}
