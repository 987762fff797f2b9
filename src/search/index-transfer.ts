import fs from 'node:fs'
import { deserialize, serialize } from 'node:v8'
import { DirectoryIndex } from './directory-index.ts'
import { StringTable } from './string-table.ts'
import { Bits, Column, Postings, PostingsMap, TermIndex } from './postings.ts'

/**
 * The directory index written to a file and read back, so that another process can build it
 * (index-load.ts says why).
 *
 * The file holds the index's structure in V8's serialisation, then its typed arrays as raw bytes.
 * Reading allocates each array at its final size and reads its bytes straight into it, so the
 * reader never holds the whole file, nor a second copy of the arrays (most of the index).
 *
 * V8's serialisation keeps Maps, arrays and plain objects but not classes, so each instance of
 * the index's classes is written as its own fields with a tag naming the class, and given its
 * prototype again when read. None of these classes holds a function. An object reached twice
 * would be read as two copies; the index has none.
 */

const tag = '__class'
const arrayTag = '__array'
const classes = {
  DirectoryIndex,
  Bits,
  Column,
  StringTable,
  Postings,
  PostingsMap,
  TermIndex,
} as const
type ClassName = keyof typeof classes
const names = new Map<unknown, ClassName>(
  Object.entries(classes).map(([name, c]) => [c.prototype, name as ClassName]),
)
const arrayTypes = { Uint8Array, Int32Array, Uint32Array, Float32Array, Float64Array } as const
export type ArrayType = keyof typeof arrayTypes
export type TypedArray = InstanceType<(typeof arrayTypes)[ArrayType]>

interface Header {
  value: unknown
  arrays: { type: ArrayType; length: number }[]
}

const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null
const padded = (n: number) => Math.ceil(n / 8) * 8

/**
 * The index as plain values. Each typed array becomes what `array` makes of it: its place in a
 * list for a file, or itself for a message to a thread. Fields named in `omit` are left out.
 */
export function freeze(
  index: DirectoryIndex,
  array: (a: TypedArray) => unknown,
  omit: ReadonlySet<string> = new Set(),
): unknown {
  const walk = (v: unknown): unknown => {
    if (!isObject(v)) {
      if (typeof v === 'function') throw new Error('the index holds a function')
      return v
    }
    if (ArrayBuffer.isView(v)) {
      const type = v.constructor.name
      if (!Object.hasOwn(arrayTypes, type)) throw new Error(`the index holds a ${type}`)
      return array(v as TypedArray)
    }
    if (v instanceof Map) {
      let plain = true
      for (const x of v.values()) if (isObject(x)) plain = false
      if (plain) return v
      const out = new Map()
      for (const [k, x] of v) out.set(k, walk(x))
      return out
    }
    if (Array.isArray(v)) return v.some(isObject) ? v.map(walk) : v
    const proto = Object.getPrototypeOf(v) as unknown
    const name = names.get(proto)
    if (!name && proto !== Object.prototype) throw new Error('the index holds an unknown class')
    const out: Record<string, unknown> = name ? { [tag]: name } : {}
    for (const [k, x] of Object.entries(v)) if (!omit.has(k)) out[k] = walk(x)
    return out
  }
  return walk(index)
}

/** The index again from `freeze`'s values; arrays given by place are taken from `arrays`. */
export function thaw(value: unknown, arrays: TypedArray[] = []): DirectoryIndex {
  const walk = (v: unknown): unknown => {
    if (!isObject(v) || ArrayBuffer.isView(v)) return v
    if (v instanceof Map) {
      for (const [k, x] of v) if (isObject(x)) v.set(k, walk(x))
      return v
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) if (isObject(v[i])) v[i] = walk(v[i])
      return v
    }
    const record = v as Record<string, unknown>
    if (arrayTag in record) {
      const array = arrays[record[arrayTag] as number]
      if (!array) throw new Error('the index names an array it does not hold')
      return array
    }
    const name = record[tag] as ClassName | undefined
    if (name !== undefined && !Object.hasOwn(classes, name)) {
      throw new Error(`unknown class ${String(name)}`)
    }
    const out = (name ? Object.create(classes[name].prototype) : {}) as Record<string, unknown>
    for (const [k, x] of Object.entries(record)) if (k !== tag) out[k] = walk(x)
    return out
  }
  const index = walk(value)
  if (!(index instanceof DirectoryIndex)) throw new Error('not a directory index')
  return index
}

/**
 * Arrays of at least this many bytes live in shared memory, so that search threads read the one
 * copy (search-threads.ts); smaller ones are copied to each thread, which costs less than a
 * shared buffer's bookkeeping.
 */
export const sharedFromBytes = 1024

/** A zeroed array of `length`, in shared memory when it is large. */
export function allocate(type: ArrayType, length: number): TypedArray {
  const make = arrayTypes[type]
  const bytes = length * make.BYTES_PER_ELEMENT
  if (bytes < sharedFromBytes) return new make(length)
  return Reflect.construct(make, [new SharedArrayBuffer(bytes)]) as TypedArray
}

const bytesOf = (a: TypedArray) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength)

/** Layout: header length (8 bytes), header, then each array's bytes, each at a multiple of 8. */
export function writeIndex(index: DirectoryIndex, file: string) {
  const arrays: TypedArray[] = []
  const value = freeze(index, (a) => ({ [arrayTag]: arrays.push(a) - 1 }))
  const header: Header = {
    value,
    arrays: arrays.map((a) => ({ type: a.constructor.name as ArrayType, length: a.length })),
  }
  const head = serialize(header)
  const fd = fs.openSync(file, 'w', 0o600)
  try {
    const size = Buffer.alloc(8)
    size.writeBigUInt64LE(BigInt(head.length))
    fs.writeSync(fd, size)
    fs.writeSync(fd, head)
    let at = 8 + head.length
    for (const a of arrays) {
      const pad = padded(at) - at
      if (pad) fs.writeSync(fd, Buffer.alloc(pad))
      fs.writeSync(fd, bytesOf(a))
      at = padded(at) + a.byteLength
    }
  } finally {
    fs.closeSync(fd)
  }
}

export function readIndex(file: string): DirectoryIndex {
  const fd = fs.openSync(file, 'r')
  try {
    const readInto = (into: Uint8Array, position: number) => {
      for (let done = 0; done < into.length;) {
        const n = fs.readSync(fd, into, done, into.length - done, position + done)
        if (n === 0) throw new Error('the index file is cut short')
        done += n
      }
    }
    const size = Buffer.alloc(8)
    readInto(size, 0)
    const headLength = Number(size.readBigUInt64LE())
    const head = Buffer.alloc(headLength)
    readInto(head, 8)
    const header = deserialize(head) as Header
    let at = 8 + headLength
    const arrays = header.arrays.map(({ type, length }) => {
      if (!Object.hasOwn(arrayTypes, type)) throw new Error(`unknown array type ${type}`)
      const array = allocate(type, length)
      at = padded(at)
      readInto(bytesOf(array), at)
      at += array.byteLength
      return array
    })
    return thaw(header.value, arrays)
  } finally {
    fs.closeSync(fd)
  }
}
