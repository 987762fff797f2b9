import { describe, expect, it } from 'vitest'
import { nextMeeting, nextMeetingOf, parseRrule, timeZoneFromHsds } from './schedule.ts'

const monthly = {
  rrule: 'FREQ=MONTHLY;BYDAY=2SA',
  dtstart: '2026-01-01',
  timezone: 'Asia/Tokyo',
  opens_at: '10:00',
  exdates: [] as string[],
}

describe('recurring meetings', () => {
  it('finds the next second Saturday in the group’s zone', () => {
    expect(nextMeeting(monthly, new Date('2026-11-22T00:00:00Z'))).toBe('2026-12-12T10:00:00+09:00')
    // 10:00 in Tokyo is 01:00 UTC: one minute later that meeting has begun.
    expect(nextMeeting(monthly, new Date('2026-12-12T01:01:00Z'))).toBe('2027-01-09T10:00:00+09:00')
  })

  it('keeps local time across daylight saving', () => {
    const london = {
      ...monthly,
      rrule: 'FREQ=WEEKLY;BYDAY=TU',
      timezone: 'Europe/London',
      opens_at: '19:00',
    }
    expect(nextMeeting(london, new Date('2026-03-25T00:00:00Z'))).toBe('2026-03-31T19:00:00+01:00')
    expect(nextMeeting(london, new Date('2026-10-26T00:00:00Z'))).toBe('2026-10-27T19:00:00+00:00')
  })

  it('skips exception dates, stops at COUNT and UNTIL, and honours INTERVAL', () => {
    const now = new Date('2026-11-22T00:00:00Z')
    expect(nextMeeting({ ...monthly, exdates: ['2026-12-12'] }, now)).toBe(
      '2027-01-09T10:00:00+09:00',
    )
    expect(nextMeeting({ ...monthly, rrule: 'FREQ=MONTHLY;BYDAY=2SA;COUNT=3' }, now)).toBeNull()
    expect(
      nextMeeting({ ...monthly, rrule: 'FREQ=MONTHLY;BYDAY=2SA;UNTIL=20261130' }, now),
    ).toBeNull()
    const fortnightly = {
      ...monthly,
      rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=SA',
      dtstart: '2026-11-07',
    }
    expect(nextMeeting(fortnightly, now)).toBe('2026-12-05T10:00:00+09:00')
    const last = { ...monthly, rrule: 'FREQ=MONTHLY;BYDAY=-1SU' }
    expect(nextMeeting(last, now)).toBe('2026-11-29T10:00:00+09:00')
    expect(nextMeetingOf([last, monthly], now)).toBe('2026-11-29T10:00:00+09:00')
  })

  it('refuses rules it cannot evaluate', () => {
    expect(parseRrule('FREQ=HOURLY')).toBeNull()
    expect(parseRrule('BYDAY=MO')).toBeNull()
    expect(parseRrule('FREQ=WEEKLY;BYDAY=XX')).toBeNull()
  })

  it('reads HSDS time zones: IANA names, and numbers as fixed offsets', () => {
    expect(timeZoneFromHsds('Europe/London', 'GB')).toBe('Europe/London')
    expect(timeZoneFromHsds(9, 'JP')).toBe('Asia/Tokyo')
    expect(timeZoneFromHsds('9', null)).toBe('Etc/GMT-9')
    // London changes its offset in summer, so 0 stays a fixed offset.
    expect(timeZoneFromHsds(0, 'GB')).toBe('UTC')
    expect(timeZoneFromHsds(-6, 'US')).toBe('Etc/GMT+6')
    expect(timeZoneFromHsds(5.5, 'IN')).toBe('Asia/Kolkata')
    expect(timeZoneFromHsds(5.75, 'NP')).toBe('+05:45')
    expect(timeZoneFromHsds('Mars/Olympus', null)).toBeNull()
  })
})
