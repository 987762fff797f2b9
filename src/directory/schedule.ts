/**
 * Recurring meetings: the part of RFC 5545 recurrence rules that meeting schedules use, evaluated
 * in the group's own time zone so that "second Saturday at 10:00" stays 10:00 across daylight
 * saving changes.
 */

const weekdays = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'] as const
type Weekday = (typeof weekdays)[number]
const freqs = ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'] as const
type Freq = (typeof freqs)[number]

export interface Rrule {
  freq: Freq
  interval: number
  /** `{ n: 2, day: 'SA' }` is the second Saturday; `n` null means every such weekday. */
  byday: { n: number | null; day: Weekday }[]
  bymonthday: number[]
  bymonth: number[]
  count: number | null
  /** Last local date a meeting may fall on. */
  until: string | null
}

/** Parses `FREQ=MONTHLY;BYDAY=2SA`; null when it is not a rule we can evaluate. */
export function parseRrule(text: string): Rrule | null {
  const rule: Rrule = {
    freq: 'WEEKLY',
    interval: 1,
    byday: [],
    bymonthday: [],
    bymonth: [],
    count: null,
    until: null,
  }
  const seen = new Set<string>()
  for (const part of text.replace(/^RRULE:/i, '').split(';')) {
    const [rawKey, value] = part.split('=')
    const key = rawKey?.trim().toUpperCase()
    if (!key || value === undefined || value === '' || seen.has(key)) return null
    seen.add(key)
    const v = value.trim().toUpperCase()
    switch (key) {
      case 'FREQ':
        if (!(freqs as readonly string[]).includes(v)) return null
        rule.freq = v as Freq
        break
      case 'INTERVAL':
        if (!/^\d{1,3}$/.test(v) || Number(v) < 1) return null
        rule.interval = Number(v)
        break
      case 'BYDAY':
        for (const item of v.split(',')) {
          const m = /^([+-]?[1-5])?(SU|MO|TU|WE|TH|FR|SA)$/.exec(item)
          if (!m) return null
          rule.byday.push({ n: m[1] ? Number(m[1]) : null, day: m[2] as Weekday })
        }
        break
      case 'BYMONTHDAY':
        for (const item of v.split(',')) {
          const n = Number(item)
          if (!Number.isInteger(n) || n === 0 || n < -31 || n > 31) return null
          rule.bymonthday.push(n)
        }
        break
      case 'BYMONTH':
        for (const item of v.split(',')) {
          const n = Number(item)
          if (!Number.isInteger(n) || n < 1 || n > 12) return null
          rule.bymonth.push(n)
        }
        break
      case 'COUNT':
        if (!/^\d{1,4}$/.test(v) || Number(v) < 1) return null
        rule.count = Number(v)
        break
      case 'UNTIL': {
        const m = /^(\d{4})-?(\d{2})-?(\d{2})/.exec(v)
        if (!m) return null
        rule.until = `${m[1]}-${m[2]}-${m[3]}`
        break
      }
      case 'WKST':
        if (v !== 'MO') return null
        break
      default:
        return null
    }
  }
  return seen.has('FREQ') ? rule : null
}

/** One spelling per rule, so that equal rules compare equal. */
export function formatRrule(rule: Rrule): string {
  const parts = [`FREQ=${rule.freq}`]
  if (rule.interval !== 1) parts.push(`INTERVAL=${rule.interval}`)
  if (rule.bymonth.length) parts.push(`BYMONTH=${rule.bymonth.join(',')}`)
  if (rule.bymonthday.length) parts.push(`BYMONTHDAY=${rule.bymonthday.join(',')}`)
  if (rule.byday.length)
    parts.push(`BYDAY=${rule.byday.map((d) => `${d.n ?? ''}${d.day}`).join(',')}`)
  if (rule.count !== null) parts.push(`COUNT=${rule.count}`)
  if (rule.until !== null) parts.push(`UNTIL=${rule.until.replaceAll('-', '')}`)
  return parts.join(';')
}

export const normalizeRrule = (text: string) => {
  const rule = parseRrule(text)
  return rule ? formatRrule(rule) : text
}

export interface ScheduleLike {
  rrule: string
  /** Local date of the first meeting, YYYY-MM-DD. */
  dtstart: string
  timezone: string
  opens_at: string | null
  exdates: string[]
}

const dayMs = 86_400_000

/** A local calendar date as a day number (days since 1970-01-01), to step through dates. */
const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / dayMs
const dateOf = (day: number) => new Date(day * dayMs).toISOString().slice(0, 10)

function matches(rule: Rrule, start: number, day: number): boolean {
  const d = new Date(day * dayMs)
  const s = new Date(start * dayMs)
  const year = d.getUTCFullYear()
  const month = d.getUTCMonth()
  const date = d.getUTCDate()
  const weekday = weekdays[d.getUTCDay()]!
  const monthLength = new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
  const months = (year - s.getUTCFullYear()) * 12 + month - s.getUTCMonth()

  switch (rule.freq) {
    case 'DAILY':
      if ((day - start) % rule.interval !== 0) return false
      break
    case 'WEEKLY': {
      // Weeks start on Monday (WKST=MO).
      const monday = (n: number) => n - ((new Date(n * dayMs).getUTCDay() + 6) % 7)
      if (((monday(day) - monday(start)) / 7) % rule.interval !== 0) return false
      break
    }
    case 'MONTHLY':
      if (months % rule.interval !== 0) return false
      break
    case 'YEARLY':
      if ((year - s.getUTCFullYear()) % rule.interval !== 0) return false
      break
  }
  if (rule.bymonth.length) {
    if (!rule.bymonth.includes(month + 1)) return false
  } else if (rule.freq === 'YEARLY' && month !== s.getUTCMonth()) {
    return false
  }
  if (rule.bymonthday.length) {
    const ok = rule.bymonthday.some((n) => (n > 0 ? n === date : monthLength + n + 1 === date))
    if (!ok) return false
  }
  if (rule.byday.length) {
    const ok = rule.byday.some(({ n, day: wd }) => {
      if (wd !== weekday) return false
      if (n === null || rule.freq === 'DAILY' || rule.freq === 'WEEKLY') return true
      const nth = Math.ceil(date / 7)
      const nthFromEnd = -Math.ceil((monthLength - date + 1) / 7)
      return n > 0 ? n === nth : n === nthFromEnd
    })
    if (!ok) return false
  }
  // Without BYDAY/BYMONTHDAY a rule repeats on the start's own weekday or day of the month.
  if (!rule.byday.length && !rule.bymonthday.length) {
    if (rule.freq === 'WEEKLY' && d.getUTCDay() !== s.getUTCDay()) return false
    if ((rule.freq === 'MONTHLY' || rule.freq === 'YEARLY') && date !== s.getUTCDate()) return false
  }
  return true
}

/**
 * Local dates of the meetings up to `untilDay`. Rules with a COUNT are walked from the start, since
 * earlier meetings count; the others may begin at `fromDay`.
 */
function* occurrences(schedule: ScheduleLike, rule: Rrule, fromDay: number, untilDay: number) {
  const start = dayNumber(schedule.dtstart)
  const first = rule.count === null ? Math.max(start, fromDay) : start
  const last = Math.min(untilDay, rule.until ? dayNumber(rule.until) : Infinity)
  const except = new Set(schedule.exdates)
  let count = 0
  for (let day = first; day <= last; day++) {
    if (!matches(rule, start, day)) continue
    count++
    if (rule.count !== null && count > rule.count) return
    const date = dateOf(day)
    if (!except.has(date)) yield date
  }
}

/** The local dates a schedule meets on from `fromDate` to `untilDate` (both YYYY-MM-DD, inclusive). */
export function occurrenceDates(
  schedule: ScheduleLike,
  fromDate: string,
  untilDate: string,
): string[] {
  const rule = parseRrule(schedule.rrule)
  if (!rule) return []
  return [...occurrences(schedule, rule, dayNumber(fromDate), dayNumber(untilDate))]
}

/** The next meeting that starts at or after `now`, as a local ISO time with its offset. */
export function nextMeeting(schedule: ScheduleLike, now: Date): string | null {
  const rule = parseRrule(schedule.rrule)
  if (!rule) return null
  const today = Math.floor(now.getTime() / dayMs)
  const time = schedule.opens_at ?? '00:00'
  // From yesterday: a zone ahead of UTC may already be on the next local date.
  for (const date of occurrences(schedule, rule, today - 1, today + 3 * 366)) {
    const instant = zonedToUtc(date, time, schedule.timezone)
    if (instant.getTime() >= now.getTime()) {
      return formatLocal(date, time, offsetMinutes(schedule.timezone, instant))
    }
  }
  return null
}

/** The earliest next meeting over several schedules. */
export function nextMeetingOf(schedules: ScheduleLike[], now: Date): string | null {
  let best: { at: number; text: string } | null = null
  for (const s of schedules) {
    const text = nextMeeting(s, now)
    if (!text) continue
    const at = Date.parse(text)
    if (!best || at < best.at) best = { at, text }
  }
  return best?.text ?? null
}

const formatters = new Map<string, Intl.DateTimeFormat>()
const offsets = new Map<string, number>()
const quarterHourMs = 15 * 60_000

/**
 * The zone's offset from UTC, in minutes, at an instant. Remembered per quarter hour: offsets
 * change only on quarter hours of UTC (every zone's offset is a multiple of 15 minutes, and
 * changes happen on a local hour or half hour), and asking Intl is the costly part of listing
 * next meetings.
 */
export function offsetMinutes(timeZone: string, at: Date): number {
  const key = `${timeZone} ${Math.floor(at.getTime() / quarterHourMs)}`
  let offset = offsets.get(key)
  if (offset === undefined) {
    if (offsets.size > 100_000) offsets.clear()
    offset = askOffset(timeZone, at)
    offsets.set(key, offset)
  }
  return offset
}

function askOffset(timeZone: string, at: Date): number {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    formatters.set(timeZone, f)
  }
  const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, x.value]))
  const asUtc = Date.UTC(
    Number(p.year),
    Number(p.month) - 1,
    Number(p.day),
    Number(p.hour),
    Number(p.minute),
    Number(p.second),
  )
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000)
}

/** The instant a local date and time in a zone refers to. */
export function zonedToUtc(date: string, time: string, timeZone: string): Date {
  const guess = Date.parse(`${date}T${time.slice(0, 5)}:00Z`)
  let instant = guess - offsetMinutes(timeZone, new Date(guess)) * 60_000
  // Across a daylight-saving change the offset at the guess can differ from the one at the answer.
  instant = guess - offsetMinutes(timeZone, new Date(instant)) * 60_000
  return new Date(instant)
}

export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+'
  const abs = Math.abs(minutes)
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`
}

const formatLocal = (date: string, time: string, offset: number) =>
  `${date}T${time.slice(0, 5)}:00${formatOffset(offset)}`

/**
 * Countries with one time zone and no daylight saving: there a numeric HSDS offset and the zone's
 * name mean the same thing all year, so the name (which people recognise) is kept instead.
 */
const fixedOffsetCountryZones: Record<string, string> = {
  JP: 'Asia/Tokyo',
  KR: 'Asia/Seoul',
  CN: 'Asia/Shanghai',
  TW: 'Asia/Taipei',
  HK: 'Asia/Hong_Kong',
  SG: 'Asia/Singapore',
  MY: 'Asia/Kuala_Lumpur',
  PH: 'Asia/Manila',
  TH: 'Asia/Bangkok',
  VN: 'Asia/Ho_Chi_Minh',
  IN: 'Asia/Kolkata',
}

/**
 * Reads HSDS `schedule.timezone`: an IANA name (the Tomoni profile), or a number, which HSDS 3.0
 * defines as a fixed UTC offset in hours. A whole-hour offset becomes `Etc/GMT-9` (IANA's sign is
 * inverted), or the country's own zone when that zone never changes its offset; other offsets
 * stay fixed offsets such as `+05:45`.
 */
/** A JSON or CSV scalar as text; anything else as nothing. */
const scalar = (value: unknown): string =>
  typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : ''

export function timeZoneFromHsds(value: unknown, country: string | null): string | null {
  const text = scalar(value)
  if (text === '') return null
  if (!/^[+-]?\d+(\.\d+)?$/.test(text)) {
    try {
      return new Intl.DateTimeFormat('en', { timeZone: text }).resolvedOptions().timeZone
    } catch {
      return null
    }
  }
  const hours = Number(text)
  if (hours < -12 || hours > 14) return null
  const minutes = Math.round(hours * 60)
  const zone = country ? fixedOffsetCountryZones[country] : undefined
  if (zone) {
    const jan = offsetMinutes(zone, new Date(Date.UTC(2026, 0, 15)))
    const jul = offsetMinutes(zone, new Date(Date.UTC(2026, 6, 15)))
    if (jan === minutes && jul === minutes) return zone
  }
  if (minutes === 0) return 'UTC'
  if (minutes % 60 === 0) return `Etc/GMT${minutes > 0 ? '-' : '+'}${Math.abs(minutes / 60)}`
  return formatOffset(minutes)
}

/** HSDS 3.0 splits the rule into fields; these build one rule from them. */
export function rruleFromHsds(s: {
  freq?: unknown
  interval?: unknown
  byday?: unknown
  bymonthday?: unknown
  count?: unknown
  until?: unknown
}): string | null {
  const parts = [`FREQ=${scalar(s.freq).toUpperCase()}`]
  const fields = [
    ['INTERVAL', s.interval],
    ['BYDAY', s.byday],
    ['BYMONTHDAY', s.bymonthday],
    ['COUNT', s.count],
    ['UNTIL', s.until],
  ] as const
  for (const [key, value] of fields) {
    const text = scalar(value).replace(/\s+/g, '')
    if (text) parts.push(`${key}=${text}`)
  }
  const rule = parseRrule(parts.join(';'))
  return rule ? formatRrule(rule) : null
}
