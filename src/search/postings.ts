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

/** A growable typed array column. */
export class Column<T extends Float64Array | Uint32Array | Uint8Array | Int32Array> {
  data: T
  private readonly make: (n: number) => T

  constructor(make: (n: number) => T, capacity: number) {
    this.make = make
    this.data = make(capacity)
  }

  ensure(capacity: number) {
    if (capacity <= this.data.length) return
    const grown = this.make(Math.max(capacity, this.data.length * 2))
    ;(grown as Uint8Array).set(this.data)
    this.data = grown
  }
}
