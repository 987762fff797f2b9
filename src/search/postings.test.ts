import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Bits, Postings, TermIndex } from './postings.ts'

describe('TermIndex', () => {
  it('answers membership and lists slots exactly as a set would, before and after finalising', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 5000 })), {
          maxLength: 2000,
        }),
        fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 50 }),
        (pairs, late) => {
          // Slots come in increasing order, as the index hands them out.
          const sorted = [...pairs].sort((a, b) => a[1] - b[1])
          const index = new TermIndex()
          const expected = new Map<string, Set<number>>()
          const add = (key: string, slot: number) => {
            index.add(key, slot)
            if (!expected.has(key)) expected.set(key, new Set())
            expected.get(key)!.add(slot)
          }
          for (const [k, slot] of sorted) add(`k${k}`, slot)
          index.finalize()
          // Groups changed after the build get higher slots.
          late.forEach((k, i) => add(`k${k}`, 6000 + i))
          const out = new Postings(0)
          for (const [key, slots] of expected) {
            const id = index.id(key)!
            expect(index.count(id)).toBe(slots.size)
            const n = index.decode(id, out)
            expect([...out.data.subarray(0, n)]).toEqual([...slots].sort((a, b) => a - b))
            for (let slot = 0; slot < 6060; slot += 7) {
              expect(index.has(id, slot)).toBe(slots.has(slot))
            }
            for (const slot of slots) expect(index.has(id, slot)).toBe(true)
          }
        },
      ),
      { numRuns: 60 },
    )
  })

  it('keeps a long list across many skip blocks', () => {
    const index = new TermIndex()
    for (let slot = 0; slot < 100_000; slot += 3) index.add('common', slot)
    for (let slot = 5; slot < 100_000; slot += 1000) index.add('rare', slot)
    index.finalize()
    const common = index.id('common')!
    expect(index.count(common)).toBe(33_334)
    expect(index.has(common, 99_999)).toBe(true)
    expect(index.has(common, 99_998)).toBe(false)
    expect(index.has(common, 64 * 3)).toBe(true)
    expect(index.has(common, 64 * 3 + 1)).toBe(false)
    expect(index.has(index.id('rare')!, 20_005)).toBe(true)
    expect(index.has(index.id('rare')!, 20_006)).toBe(false)
  })
})

describe('Bits', () => {
  it('counts the bits set, as a set counts its members', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 300 })), { maxLength: 500 }),
        (steps) => {
          const bits = new Bits()
          bits.ensure(301)
          const expected = new Set<number>()
          for (const [on, slot] of steps) {
            if (on) {
              bits.set(slot)
              expected.add(slot)
            } else {
              bits.unset(slot)
              expected.delete(slot)
            }
          }
          expect(bits.count).toBe(expected.size)
          for (let slot = 0; slot <= 300; slot++) expect(bits.has(slot)).toBe(expected.has(slot))
        },
      ),
    )
  })
})
