/**
 * Strings numbered in the order they came (slots), and the live slot of each string, in typed
 * arrays only: the index's group ids, and its full-text keys.
 *
 * At a million groups a `string[]` and a `Map<string, number>` cost about 100 MB of heap (a
 * string object and a hash entry per group); this costs about 20 MB: the strings' UTF-8 bytes
 * end to end, where each slot's bytes start, and an open-addressing hash table of slots. Holding
 * no object per string also keeps the index cheap to write to a file and read back
 * (index-transfer.ts). Decision 042.
 */

const empty = -1
/** A slot whose group was removed or changed: the probe goes on past it. */
const removed = -2
const encoder = new TextEncoder()
const decoder = new TextDecoder()

export class StringTable {
  /** Slots handed out. */
  size = 0
  /** Strings in the table (not removed). */
  live = 0
  /** Table entries in use, removed ones included: they lengthen probes until the table is rebuilt. */
  private occupied = 0
  private bytes = new Uint8Array(1 << 12)
  private used = 0
  /** start[slot] .. start[slot + 1] are the slot's bytes. */
  private start = new Uint32Array(1025)
  private table = new Int32Array(1 << 11).fill(empty)
  private scratch = new Uint8Array(256)

  /** The string held by `slot`, whether or not the slot is still live. */
  of(slot: number): string {
    const from = this.start[slot]!
    const to = this.start[slot + 1]!
    const b = this.bytes
    let ascii = true
    for (let i = from; i < to; i++) if (b[i]! > 127) ascii = false
    if (!ascii) return decoder.decode(b.subarray(from, to))
    return String.fromCharCode.apply(null, b.subarray(from, to) as unknown as number[])
  }

  /** Orders slots by their strings' UTF-8 bytes (for ASCII, as `<` orders the strings). */
  less(a: number, b: number): boolean {
    const bytes = this.bytes
    let i = this.start[a]!
    let j = this.start[b]!
    const ai = this.start[a + 1]!
    const bj = this.start[b + 1]!
    for (; i < ai && j < bj; i++, j++) {
      if (bytes[i] !== bytes[j]) return bytes[i]! < bytes[j]!
    }
    return ai - i < bj - j
  }

  /** The live slot of `id`, if any. */
  find(id: string): number | undefined {
    const at = this.position(this.encode(id))
    return at < 0 ? undefined : this.table[at]
  }

  /** Gives `id` the next slot; the caller has removed it first if it was there. */
  add(id: string): number {
    const key = this.encode(id)
    const slot = this.size++
    if (this.start.length < this.size + 1) this.start = grown(this.start, this.size + 1)
    if (this.bytes.length < this.used + key.length) {
      this.bytes = grown(this.bytes, this.used + key.length)
    }
    this.bytes.set(key, this.used)
    this.used += key.length
    this.start[slot + 1] = this.used
    // Linear probing stays short below 0.7 full.
    if ((this.occupied + 1) * 10 > this.table.length * 7) this.rehash()
    this.put(slot, key)
    return slot
  }

  /** Forgets the slot of `id`; answers which it was. */
  remove(id: string): number | undefined {
    const at = this.position(this.encode(id))
    if (at < 0) return undefined
    const slot = this.table[at]
    this.table[at] = removed
    this.live--
    return slot
  }

  /** Where in the table the live slot of `key` is, or -1. */
  private position(key: Uint8Array): number {
    const mask = this.table.length - 1
    for (let at = hash(key) & mask; ; at = (at + 1) & mask) {
      const slot = this.table[at]!
      if (slot === empty) return -1
      if (slot !== removed && this.equals(slot, key)) return at
    }
  }

  /** Gives back the spare room once a bulk load is done. */
  trim() {
    if (this.bytes.length > this.used * 1.25 + 4096) this.bytes = this.bytes.slice(0, this.used)
    if (this.start.length > this.size * 1.25 + 1024) this.start = this.start.slice(0, this.size + 1)
  }

  private put(slot: number, key: Uint8Array) {
    const mask = this.table.length - 1
    let at = hash(key) & mask
    while (this.table[at] !== empty) at = (at + 1) & mask
    this.table[at] = slot
    this.occupied++
    this.live++
  }

  /** A table twice the live strings or more, without the removed entries. */
  private rehash() {
    const old = this.table
    let capacity = 1 << 11
    while (capacity < (this.live + 1) * 2) capacity *= 2
    this.table = new Int32Array(capacity).fill(empty)
    this.occupied = 0
    this.live = 0
    for (const slot of old) {
      if (slot >= 0) this.put(slot, this.bytes.subarray(this.start[slot], this.start[slot + 1]))
    }
  }

  private equals(slot: number, key: Uint8Array): boolean {
    const from = this.start[slot]!
    if (this.start[slot + 1]! - from !== key.length) return false
    const b = this.bytes
    for (let i = 0; i < key.length; i++) if (b[from + i] !== key[i]) return false
    return true
  }

  /** The id's UTF-8 bytes, in a buffer reused by the next call. */
  private encode(id: string): Uint8Array {
    if (this.scratch.length < id.length * 3) this.scratch = new Uint8Array(id.length * 3)
    const { written } = encoder.encodeInto(id, this.scratch)
    return this.scratch.subarray(0, written)
  }
}

/** FNV-1a over the bytes. */
function hash(key: Uint8Array): number {
  let h = 0x811c9dc5
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key[i]!, 0x01000193)
  return h >>> 0
}

function grown<T extends Uint8Array | Uint32Array>(a: T, atLeast: number): T {
  const make = a.constructor as new (n: number) => T
  const out = new make(Math.max(atLeast, a.length * 2))
  out.set(a)
  return out
}
