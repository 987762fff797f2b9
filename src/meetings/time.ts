/**
 * Meeting times. A meeting is kept as an instant (UTC) plus the zone it is held in; people read it
 * in that zone, named, and, when their own zone differs, in theirs as well. Local wall-clock time
 * is computed with the directory's zone arithmetic (src/directory/schedule.ts), which follows
 * daylight-saving changes.
 */
import { offsetMinutes, zonedToUtc } from '#src/directory/schedule.ts'
import type { Locale } from '#src/i18n/locale.ts'
import type { Db } from '#src/platform/db.ts'
import { formatDate, formatTimeRange, timeZoneLabel } from '#src/web/group-page-schedule.ts'

export const dayMs = 86_400_000

export function isTimeZone(zone: string): boolean {
  if (/^[+-]\d{2}:\d{2}$/.test(zone)) return true
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone })
    return zone.length <= 64
  } catch {
    return false
  }
}

/** Wall-clock time of an instant in a zone, `YYYY-MM-DDTHH:MM`. */
export function localStartOf(instant: Date, zone: string): string {
  const local = new Date(instant.getTime() + offsetMinutes(zone, instant) * 60_000)
  return local.toISOString().slice(0, 16)
}

/**
 * The instant of a local date and time in a zone. A time that occurs twice (the hour repeated in
 * autumn) is the first; one that does not exist (the hour skipped in spring) is read with the
 * offset from before the gap, as RFC 5545 (3.3.5) says: 02:30 on the day New York skips to 03:00
 * is 03:30 daylight time.
 */
export function instantOf(date: string, time: string, zone: string): Date {
  const found = zonedToUtc(date, time, zone)
  if (localStartOf(found, zone) === `${date}T${time.slice(0, 5)}`) return found
  const wall = Date.parse(`${date}T${time.slice(0, 5)}:00Z`)
  const before = offsetMinutes(zone, new Date(wall - 12 * 3_600_000))
  return new Date(wall - before * 60_000)
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * dayMs).toISOString().slice(0, 10)
}

/** Today's date in a zone. */
export const todayIn = (now: Date, zone: string) => localStartOf(now, zone).slice(0, 10)

const countryZones: Record<string, string> = {
  JP: 'Asia/Tokyo',
  GB: 'Europe/London',
  KR: 'Asia/Seoul',
  TW: 'Asia/Taipei',
}

/**
 * The zone a group meets in: that of its listed schedule if it has one, else its country's (for
 * the countries with one zone), else Japan's. Only a default for the forms: each meeting keeps
 * the zone it was set in.
 */
export async function groupTimeZone(db: Db, groupId: string): Promise<string> {
  const schedule = await db
    .selectFrom('schedule')
    .select('timezone')
    .where('group_id', '=', groupId)
    .orderBy('id')
    .executeTakeFirst()
  if (schedule) return schedule.timezone
  const series = await db
    .selectFrom('meeting_series')
    .select('timezone')
    .where('group_id', '=', groupId)
    .orderBy('created_at', 'desc')
    .executeTakeFirst()
  if (series) return series.timezone
  const location = await db
    .selectFrom('group_location as gl')
    .innerJoin('location as l', 'l.id', 'gl.location_id')
    .select((eb) => eb.ref('l.address', '->>').key('country').as('country'))
    .where('gl.group_id', '=', groupId)
    .executeTakeFirst()
  return countryZones[location?.country ?? ''] ?? 'Asia/Tokyo'
}

function weekday(instant: Date, zone: string, locale: Locale) {
  const timeZone = /^[+-]/.test(zone) ? undefined : zone
  const shifted = timeZone
    ? instant
    : new Date(instant.getTime() + offsetMinutes(zone, instant) * 60_000)
  return new Intl.DateTimeFormat(locale === 'ja' ? 'ja-JP' : 'en-GB', {
    weekday: locale === 'ja' ? 'short' : 'long',
    timeZone: timeZone ?? 'UTC',
  }).format(shifted)
}

/** "土曜日 2026年12月5日 10:00–12:00（日本時間）" style, in one zone. */
export function formatInZone(startsAt: Date, endsAt: Date, zone: string, locale: Locale): string {
  const start = localStartOf(startsAt, zone)
  const end = localStartOf(endsAt, zone)
  const date = start.slice(0, 10)
  const endDate = end.slice(0, 10)
  const sameDay = endDate === date
  const time = formatTimeRange(start.slice(11), sameDay ? end.slice(11) : null, locale)
  const label = timeZoneLabel(zone, locale)
  const day = weekday(startsAt, zone, locale)
  if (locale === 'ja') return `${formatDate(date, 'ja')}（${day}）${time ?? ''}（${label}）`
  return `${day} ${formatDate(date, 'en')}, ${time ?? ''} (${label})`
}

/** One moment (a deadline, say) in a zone, named. */
export function formatMomentInZone(at: Date, zone: string, locale: Locale): string {
  const local = localStartOf(at, zone)
  const time = formatTimeRange(local.slice(11), null, locale)?.replace(/〜$/, '') ?? ''
  const label = timeZoneLabel(zone, locale)
  const date = formatDate(local.slice(0, 10), locale)
  return locale === 'ja' ? `${date} ${time}（${label}）` : `${date}, ${time} (${label})`
}

/**
 * A meeting's time for a reader: always in the meeting's own zone, and, when the reader's zone
 * is known and different, in theirs too.
 */
export function formatMeetingTime(
  meeting: { starts_at: Date; ends_at: Date; timezone: string },
  locale: Locale,
  viewerZone?: string | null,
): { local: string; viewer: string | null } {
  const local = formatInZone(meeting.starts_at, meeting.ends_at, meeting.timezone, locale)
  const differs =
    viewerZone &&
    viewerZone !== meeting.timezone &&
    offsetMinutes(viewerZone, meeting.starts_at) !==
      offsetMinutes(meeting.timezone, meeting.starts_at)
  return {
    local,
    viewer: differs ? formatInZone(meeting.starts_at, meeting.ends_at, viewerZone, locale) : null,
  }
}
