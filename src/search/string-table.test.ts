import { describe, expect, it } from 'vitest'
import { StringTable } from './string-table.ts'

describe('StringTable', () => {
  it('gives each id a slot, finds it, and reads it back', () => {
    const t = new StringTable()
    const ids = Array.from({ length: 5000 }, (_, i) => `group-${i * 7919}`)
    for (const [i, id] of ids.entries()) expect(t.add(id)).toBe(i)
    expect(t.size).toBe(5000)
    expect(t.live).toBe(5000)
    for (const [i, id] of ids.entries()) {
      expect(t.find(id)).toBe(i)
      expect(t.of(i)).toBe(id)
    }
    expect(t.find('group-1')).toBeUndefined()
    expect(t.find('')).toBeUndefined()
  })

  it('forgets a removed id, and finds the new slot of one added again', () => {
    const t = new StringTable()
    for (let i = 0; i < 3000; i++) t.add(`g${i}`)
    for (let i = 0; i < 3000; i += 2) expect(t.remove(`g${i}`)).toBe(i)
    expect(t.remove('g0')).toBeUndefined()
    expect(t.live).toBe(1500)
    expect(t.find('g0')).toBeUndefined()
    expect(t.find('g1')).toBe(1)
    // Removed entries are dropped when the table grows; the survivors keep their slots.
    for (let i = 0; i < 3000; i += 2) t.add(`g${i}`)
    expect(t.find('g0')).toBe(3000)
    expect(t.find('g2998')).toBe(4499)
    expect(t.find('g2999')).toBe(2999)
    expect(t.of(0)).toBe('g0') // a dead slot still names its group
    expect(t.live).toBe(3000)
  })

  it('keeps ids in any script', () => {
    const t = new StringTable()
    const ids = ['がん-の-会', 'café', '😀-group', 'plain']
    for (const id of ids) t.add(id)
    for (const [i, id] of ids.entries()) {
      expect(t.of(i)).toBe(id)
      expect(t.find(id)).toBe(i)
    }
    expect(t.find('cafe')).toBeUndefined()
  })

  it('orders slots as `<` orders ASCII ids, shorter first on a shared start', () => {
    const t = new StringTable()
    const ids = ['b', 'ab', 'a', 'abc', 'b-1', 'B', '0']
    for (const id of ids) t.add(id)
    for (const [i, a] of ids.entries()) {
      for (const [j, b] of ids.entries()) expect(t.less(i, j)).toBe(a < b)
    }
  })

  it('reads the same after trimming its spare room', () => {
    const t = new StringTable()
    for (let i = 0; i < 1500; i++) t.add(`trim-${i}`)
    t.trim()
    expect(t.of(1499)).toBe('trim-1499')
    t.add('after')
    expect(t.find('after')).toBe(1500)
    expect(t.find('trim-7')).toBe(7)
  })
})
