/**
 * How fresh a listing is. Volunteers move on and groups fold without telling anyone; a listing
 * nobody has confirmed for a year is marked stale (and its staff reminded), and after eighteen
 * months it leaves the public directory until someone confirms it.
 */
export const staleAfterMonths = 12
export const hiddenAfterMonths = 18

export type Freshness = 'fresh' | 'stale' | 'hidden'

export interface FreshnessFacts {
  /** When the group or organisation last confirmed the listing is current. */
  last_confirmed_at: Date | null
  /** When a moderator last checked it. */
  last_checked_at: Date | null
  created_at: Date
}

/** The latest sign of life: a confirmation or a moderator's check, else the listing's creation. */
export function freshSince(facts: FreshnessFacts): Date {
  const signs = [facts.last_confirmed_at, facts.last_checked_at].filter((d): d is Date => !!d)
  if (signs.length === 0) return facts.created_at
  return new Date(Math.max(...signs.map((d) => d.getTime())))
}

/** The same calendar day `months` earlier (the month's last day when it has no such day), UTC. */
export function monthsBefore(date: Date, months: number): Date {
  const d = new Date(date.getTime())
  const day = d.getUTCDate()
  d.setUTCDate(1)
  d.setUTCMonth(d.getUTCMonth() - months)
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate()
  d.setUTCDate(Math.min(day, lastDay))
  return d
}

/** Listings fresh since before these instants are stale, or hidden. */
export function freshnessCutoffs(now: Date) {
  return {
    staleBefore: monthsBefore(now, staleAfterMonths),
    hiddenBefore: monthsBefore(now, hiddenAfterMonths),
  }
}

export function freshnessOf(since: Date, now: Date): Freshness {
  const { staleBefore, hiddenBefore } = freshnessCutoffs(now)
  if (since.getTime() <= hiddenBefore.getTime()) return 'hidden'
  if (since.getTime() <= staleBefore.getTime()) return 'stale'
  return 'fresh'
}

export const freshness = (facts: FreshnessFacts, now: Date): Freshness =>
  freshnessOf(freshSince(facts), now)
