import { describe, expect, it } from 'vitest'
import { fakeClock } from '../../tests/app.ts'
import { freshness, freshSince, monthsBefore } from './freshness.ts'

describe('the freshness rule', () => {
  const created = new Date('2026-01-31T09:00:00Z')

  it('is fresh for a year, stale from twelve months, hidden from eighteen', () => {
    const clock = fakeClock(created)
    const facts = { created_at: created, last_confirmed_at: null, last_checked_at: null }
    expect(freshness(facts, clock.now())).toBe('fresh')
    clock.set(new Date('2027-01-31T08:59:59Z'))
    expect(freshness(facts, clock.now())).toBe('fresh')
    clock.set(new Date('2027-01-31T09:00:00Z'))
    expect(freshness(facts, clock.now())).toBe('stale')
    clock.set(new Date('2027-07-31T08:59:59Z'))
    expect(freshness(facts, clock.now())).toBe('stale')
    clock.set(new Date('2027-07-31T09:00:00Z'))
    expect(freshness(facts, clock.now())).toBe('hidden')
  })

  it('counts from the latest confirmation or moderator check', () => {
    const clock = fakeClock(new Date('2027-12-01T00:00:00Z'))
    const confirmed = new Date('2027-06-01T00:00:00Z')
    const checked = new Date('2026-09-01T00:00:00Z')
    const facts = { created_at: created, last_confirmed_at: confirmed, last_checked_at: checked }
    expect(freshSince(facts)).toEqual(confirmed)
    expect(freshness(facts, clock.now())).toBe('fresh')
    expect(freshness({ ...facts, last_confirmed_at: null }, clock.now())).toBe('stale')
  })

  it('steps back whole calendar months, to the month’s last day when needed', () => {
    expect(monthsBefore(new Date('2027-08-31T12:00:00Z'), 18)).toEqual(
      new Date('2026-02-28T12:00:00Z'),
    )
    expect(monthsBefore(new Date('2028-02-29T00:00:00Z'), 12)).toEqual(
      new Date('2027-02-28T00:00:00Z'),
    )
  })
})
