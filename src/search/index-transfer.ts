import { DirectoryIndex } from './directory-index.ts'
import { Bits, Column, Postings, PostingsMap, TermIndex } from './postings.ts'

/**
 * The directory index as a value V8 can serialise and back, so that another process can build it
 * (index-load.ts says why). V8's serialisation keeps Maps, arrays, plain objects and typed
 * arrays but not classes, so each instance of the index's classes is written as its own fields
 * with a tag naming the class, and given its prototype again when read. None of these classes holds a function. An object
 * reached twice would arrive as two copies; the index has none.
 */

const tag = '__class'
const classes = { DirectoryIndex, Bits, Column, Postings, PostingsMap, TermIndex } as const
type ClassName = keyof typeof classes
const names = new Map<unknown, ClassName>(
  Object.entries(classes).map(([name, c]) => [c.prototype, name as ClassName]),
)

const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null

export function freezeIndex(index: DirectoryIndex): unknown {
  const freeze = (v: unknown): unknown => {
    if (!isObject(v)) {
      if (typeof v === 'function') throw new Error('the index holds a function')
      return v
    }
    if (ArrayBuffer.isView(v)) return v
    if (v instanceof Map) {
      let plain = true
      for (const x of v.values()) if (isObject(x)) plain = false
      if (plain) return v
      const out = new Map()
      for (const [k, x] of v) out.set(k, freeze(x))
      return out
    }
    if (Array.isArray(v)) return v.some(isObject) ? v.map(freeze) : v
    const proto = Object.getPrototypeOf(v) as unknown
    const name = names.get(proto)
    if (!name && proto !== Object.prototype) throw new Error('the index holds an unknown class')
    const out: Record<string, unknown> = name ? { [tag]: name } : {}
    for (const [k, x] of Object.entries(v)) out[k] = freeze(x)
    return out
  }
  return freeze(index)
}

export function thawIndex(value: unknown): DirectoryIndex {
  const thaw = (v: unknown): unknown => {
    // A copy of its own: deserialised arrays are views of the one buffer that was read.
    if (ArrayBuffer.isView(v)) return (v as Uint8Array).slice()
    if (!isObject(v)) return v
    if (v instanceof Map) {
      for (const [k, x] of v) if (isObject(x)) v.set(k, thaw(x))
      return v
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) if (isObject(v[i])) v[i] = thaw(v[i])
      return v
    }
    const record = v as Record<string, unknown>
    const name = record[tag] as ClassName | undefined
    if (name !== undefined && !Object.hasOwn(classes, name)) {
      throw new Error(`unknown class ${String(name)}`)
    }
    const out = (name ? Object.create(classes[name].prototype) : {}) as Record<string, unknown>
    for (const [k, x] of Object.entries(record)) if (k !== tag) out[k] = thaw(x)
    return out
  }
  const index = thaw(value)
  if (!(index instanceof DirectoryIndex)) throw new Error('not a directory index')
  return index
}
