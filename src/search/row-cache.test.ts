import { describe, expect, it } from 'vitest'
import { RowCache } from './row-cache.ts'

describe('RowCache', () => {
  it('keeps at most its size, and a row in use outlives the rows not used since', () => {
    const cache = new RowCache<string>(4)
    for (const slot of [1, 2, 3, 4]) cache.set(slot, `row ${slot}`)
    expect(cache.get(1)).toBe('row 1')
    // 1 was used again; 2 was not, so 2 goes first.
    for (const slot of [5, 6]) cache.set(slot, `row ${slot}`)
    expect(cache.get(2)).toBeUndefined()
    expect(cache.get(1)).toBe('row 1')
    let held = 0
    for (let slot = 0; slot < 100; slot++) if (cache.get(slot) !== undefined) held++
    expect(held).toBeLessThanOrEqual(4)
    expect(held).toBeGreaterThanOrEqual(2)
  })

  it('holds every row it was given while under half its size', () => {
    const cache = new RowCache<number>(1000)
    for (let slot = 0; slot < 500; slot++) cache.set(slot, slot * 2)
    for (let slot = 0; slot < 500; slot++) expect(cache.get(slot)).toBe(slot * 2)
  })
})
