import { describe, expect, it } from 'vitest'
import { curatedConditions } from './curated-conditions.ts'

// The DOIDs themselves are checked by the build against doid_flat.tsv, which tests cannot assume.
describe('curated conditions', () => {
  it('has unique keys and parents that exist', () => {
    const keys = curatedConditions.map((c) => c.key)
    expect(new Set(keys).size).toBe(keys.length)
    for (const entry of curatedConditions) {
      for (const parent of entry.parents ?? []) {
        if (!parent.includes(':')) expect(keys, `${entry.key} → ${parent}`).toContain(parent)
      }
    }
  })

  it('gives every entry both names and a hiragana reading', () => {
    for (const entry of curatedConditions) {
      expect(entry.ja, entry.key).not.toBe('')
      expect(entry.en, entry.key).not.toBe('')
      for (const reading of [entry.reading, ...(entry.readings ?? [])]) {
        expect(reading, entry.key).toMatch(/^[\u3041-\u3096ー]+$/)
      }
    }
  })

  it('writes codes in the shapes the contract prefixes expect', () => {
    for (const entry of curatedConditions) {
      for (const code of entry.icd10 ?? []) expect(code, entry.key).toMatch(/^[A-Z]\d\d(\.\d+)?$/)
      if (entry.doid) expect(entry.doid[0], entry.key).toMatch(/^DOID:\d+$/)
    }
  })

  it('covers the common conditions and the situations', () => {
    expect(curatedConditions.length).toBeGreaterThanOrEqual(80)
    const situations = curatedConditions.filter((c) => c.kind === 'situation').map((c) => c.key)
    expect(situations).toEqual(
      expect.arrayContaining(['rare-diseases', 'undiagnosed', 'bereavement', 'caregiving']),
    )
  })
})
