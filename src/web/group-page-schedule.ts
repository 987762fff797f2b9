/**
 * Meeting schedules in words a person reads: "毎月第2土曜日 14:00–16:00（日本時間）", "Second Saturday
 * of each month, 2–4 pm (Japan time)". Always in the group's own time zone, which is named, so a
 * reader abroad is not misled. The grammar of the two languages differs too much for one message
 * with placeholders, so each language has its own small writer here.
 */
import { nextMeeting, parseRrule, type Rrule, type ScheduleLike } from '#src/directory/schedule.ts'
import type { LocalizedText } from '#src/directory/directory.tables.ts'
import type { Locale } from '#src/i18n/locale.ts'

export interface ScheduleText extends ScheduleLike {
  closes_at: string | null
  description?: LocalizedText | null
}

type Weekday = Rrule['byday'][number]['day']

const weekdayJa: Record<Weekday, string> = {
  MO: '月曜日',
  TU: '火曜日',
  WE: '水曜日',
  TH: '木曜日',
  FR: '金曜日',
  SA: '土曜日',
  SU: '日曜日',
}
const weekdayEn: Record<Weekday, string> = {
  MO: 'Monday',
  TU: 'Tuesday',
  WE: 'Wednesday',
  TH: 'Thursday',
  FR: 'Friday',
  SA: 'Saturday',
  SU: 'Sunday',
}
const weekdayOrder: Weekday[] = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU']
const monthEn = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]
const ordinalEn: Record<number, string> = {
  1: 'first',
  2: 'second',
  3: 'third',
  4: 'fourth',
  5: 'fifth',
  [-1]: 'last',
  [-2]: 'second-to-last',
}

/** Zones readers know by a short name; others get what Intl calls them. */
const zoneNames: Record<string, { ja: string; en: string }> = {
  'Asia/Tokyo': { ja: '日本時間', en: 'Japan time' },
  'Europe/London': { ja: 'イギリス時間', en: 'UK time' },
  UTC: { ja: '協定世界時', en: 'UTC' },
}

export function timeZoneLabel(timeZone: string, locale: Locale): string {
  const known = zoneNames[timeZone]
  if (known) return known[locale]
  if (/^[+-]\d{2}:\d{2}$/.test(timeZone)) return `UTC${timeZone}`
  try {
    const part = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'longGeneric' })
      .formatToParts(new Date(Date.UTC(2026, 0, 15)))
      .find((p) => p.type === 'timeZoneName')
    return part?.value ?? timeZone
  } catch {
    return timeZone
  }
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1)

function joinEn(items: string[]): string {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`
}

const englishDayOfMonth = (n: number) => {
  if (n === -1) return 'the last day'
  const suffix =
    n % 10 === 1 && n !== 11
      ? 'st'
      : n % 10 === 2 && n !== 12
        ? 'nd'
        : n % 10 === 3 && n !== 13
          ? 'rd'
          : 'th'
  return `the ${n}${suffix}`
}

/** `2026-01-10` → 2026年1月10日 / 10 January 2026. */
export function formatDate(date: string, locale: Locale): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  return locale === 'ja' ? `${y}年${m}月${d}日` : `${d} ${monthEn[m - 1]} ${y}`
}

/** Weekday of a local date, as a rule's two letters. */
function weekdayOf(date: string): Weekday {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay()
  return (['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'] as const)[day]!
}

/** Groups BYDAY entries by weekday, keeping the weeks of the month each one has. */
function nthByDay(rule: Rrule): { day: Weekday; weeks: number[] }[] {
  const map = new Map<Weekday, number[]>()
  for (const { n, day } of rule.byday) {
    const weeks = map.get(day) ?? []
    if (n !== null) weeks.push(n)
    map.set(day, weeks)
  }
  return weekdayOrder
    .filter((d) => map.has(d))
    .map((day) => ({
      day,
      weeks: (map.get(day) ?? []).sort((a, b) => (a < 0 ? 10 - a : a) - (b < 0 ? 10 - b : b)),
    }))
}

function ruleJa(rule: Rrule, dtstart: string): string {
  const days = nthByDay(rule)
  const weekdays = (list: Weekday[]) => list.map((d) => weekdayJa[d]).join('・')
  const nthJa = (n: number) => (n === -1 ? '最終' : n < 0 ? `最後から${-n}番目の` : `第${n}`)
  const monthDays = (list: number[]) => list.map((n) => (n === -1 ? '末日' : `${n}日`)).join('・')
  const monthWeekdays = () =>
    days.map(({ day, weeks }) => `${weeks.map(nthJa).join('・')}${weekdayJa[day]}`).join('・')
  const months = rule.bymonth.length ? `${rule.bymonth.map((m) => `${m}月`).join('・')}の` : ''
  const [, sm, sd] = dtstart.split('-').map(Number) as [number, number, number]

  switch (rule.freq) {
    case 'DAILY':
      return rule.interval === 1 ? '毎日' : `${rule.interval}日ごと`
    case 'WEEKLY': {
      const list = days.length ? days.map((d) => d.day) : [weekdayOf(dtstart)]
      if (rule.interval === 1) return `毎週${weekdays(list)}`
      if (rule.interval === 2) return `隔週${weekdays(list)}`
      return `${rule.interval}週間ごとの${weekdays(list)}`
    }
    case 'MONTHLY': {
      const what = days.some((d) => d.weeks.length)
        ? monthWeekdays()
        : days.length
          ? `毎週${weekdays(days.map((d) => d.day))}`
          : monthDays(rule.bymonthday.length ? rule.bymonthday : [sd])
      if (months) return `${months}${what}`
      if (rule.interval === 1) return what.startsWith('毎週') ? what : `毎月${what}`
      if (rule.interval === 2) return `隔月${what}`
      return `${rule.interval}か月ごとの${what}`
    }
    case 'YEARLY': {
      const every = rule.interval === 1 ? '毎年' : `${rule.interval}年ごと、`
      if (days.some((d) => d.weeks.length)) {
        return `${every}${months || `${sm}月の`}${monthWeekdays()}`
      }
      const month = rule.bymonth.length ? rule.bymonth.map((m) => `${m}月`).join('・') : `${sm}月`
      return `${every}${month}${monthDays(rule.bymonthday.length ? rule.bymonthday : [sd])}`
    }
  }
}

function ruleEn(rule: Rrule, dtstart: string): string {
  const days = nthByDay(rule)
  const weekdays = (list: Weekday[]) => joinEn(list.map((d) => weekdayEn[d]))
  const monthWeekdays = () =>
    joinEn(
      days.map(
        ({ day, weeks }) =>
          `${joinEn(weeks.map((n) => ordinalEn[n] ?? `${n}th`))} ${weekdayEn[day]}`,
      ),
    )
  const monthDays = (list: number[]) => joinEn(list.map(englishDayOfMonth))
  const months = joinEn(rule.bymonth.map((m) => monthEn[m - 1]!))
  const [, sm, sd] = dtstart.split('-').map(Number) as [number, number, number]

  switch (rule.freq) {
    case 'DAILY':
      return rule.interval === 1 ? 'Every day' : `Every ${rule.interval} days`
    case 'WEEKLY': {
      const list = days.length ? days.map((d) => d.day) : [weekdayOf(dtstart)]
      if (rule.interval === 1) return `Every ${weekdays(list)}`
      if (rule.interval === 2) return `Every other ${weekdays(list)}`
      return `Every ${rule.interval} weeks on ${weekdays(list)}`
    }
    case 'MONTHLY': {
      if (!days.some((d) => d.weeks.length) && days.length) {
        const base = `Every ${weekdays(days.map((d) => d.day))}`
        return months ? `${base} in ${months}` : base
      }
      const what = days.length
        ? monthWeekdays()
        : monthDays(rule.bymonthday.length ? rule.bymonthday : [sd])
      if (months) return capitalise(`${what} of ${months}`)
      if (rule.interval === 1) return capitalise(`${what} of each month`)
      if (rule.interval === 2) return capitalise(`${what} of every other month`)
      return capitalise(`${what}, every ${rule.interval} months`)
    }
    case 'YEARLY': {
      const every = rule.interval === 1 ? 'every year' : `every ${rule.interval} years`
      if (days.some((d) => d.weeks.length)) {
        return capitalise(`${monthWeekdays()} of ${months || monthEn[sm - 1]}, ${every}`)
      }
      const month = months || monthEn[sm - 1]!
      const dates = rule.bymonthday.length ? rule.bymonthday : [sd]
      if (dates.length === 1 && dates[0]! > 0) return capitalise(`${every} on ${dates[0]} ${month}`)
      return capitalise(`${monthDays(dates)} of ${month}, ${every}`)
    }
  }
}

/** "14:00–16:00" / "2–4 pm"; null without a time. */
export function formatTimeRange(
  opens: string | null,
  closes: string | null,
  locale: Locale,
): string | null {
  if (!opens) return null
  if (locale === 'ja') return closes ? `${opens}–${closes}` : `${opens}〜`
  const parts = (time: string) => {
    const [h, m] = time.split(':').map(Number) as [number, number]
    const period = h < 12 ? 'am' : 'pm'
    const hour = h % 12 === 0 ? 12 : h % 12
    return {
      clock: m === 0 ? `${hour}` : `${hour}:${String(m).padStart(2, '0')}`,
      period,
      noon: h === 12 && m === 0,
    }
  }
  const a = parts(opens)
  const one = (p: ReturnType<typeof parts>) => (p.noon ? 'noon' : `${p.clock} ${p.period}`)
  if (!closes) return `from ${one(a)}`
  const b = parts(closes)
  if (!a.noon && !b.noon && a.period === b.period) return `${a.clock}–${b.clock} ${b.period}`
  return `${one(a)}–${one(b)}`
}

/**
 * The whole schedule in one line: the rule, the time and the zone, then its limits ("until …",
 * "from …" while it has not begun). Null when the rule cannot be read.
 */
export function describeSchedule(s: ScheduleText, locale: Locale, now: Date): string | null {
  const rule = parseRrule(s.rrule)
  if (!rule) return null
  const when = locale === 'ja' ? ruleJa(rule, s.dtstart) : ruleEn(rule, s.dtstart)
  const time = formatTimeRange(s.opens_at, s.closes_at, locale)
  const zone = timeZoneLabel(s.timezone, locale)
  const limits: string[] = []
  const today = now.toISOString().slice(0, 10)
  if (s.dtstart > today) {
    limits.push(
      locale === 'ja'
        ? `${formatDate(s.dtstart, 'ja')}から`
        : `from ${formatDate(s.dtstart, 'en')}`,
    )
  }
  if (rule.until) {
    limits.push(
      locale === 'ja'
        ? `${formatDate(rule.until, 'ja')}まで`
        : `until ${formatDate(rule.until, 'en')}`,
    )
  }
  if (rule.count !== null) {
    limits.push(locale === 'ja' ? `全${rule.count}回` : `${rule.count} meetings in all`)
  }
  if (locale === 'ja') {
    const head = time ? `${when} ${time}（${zone}）` : `${when}（${zone}）`
    return limits.length ? `${head}、${limits.join('、')}` : head
  }
  const head = time ? `${when}, ${time} (${zone})` : `${when} (${zone})`
  return limits.length ? `${head}, ${limits.join(', ')}` : head
}

export interface Meeting {
  /** Local time with offset, as `nextMeeting` gives it. */
  start: string
  schedule: ScheduleText
}

/** The next few meetings over all schedules, soonest first. */
export function upcomingMeetings(schedules: ScheduleText[], now: Date, count = 3): Meeting[] {
  const found: Meeting[] = []
  for (const schedule of schedules) {
    let from = now
    for (let i = 0; i < count; i++) {
      const start = nextMeeting(schedule, from)
      if (!start) break
      found.push({ start, schedule })
      from = new Date(Date.parse(start) + 60_000)
    }
  }
  return found.sort((a, b) => Date.parse(a.start) - Date.parse(b.start)).slice(0, count)
}

/** "2026年12月12日（土）14:00–16:00（日本時間）" / "Saturday 12 December 2026, 2–4 pm (Japan time)". */
export function formatMeeting(meeting: Meeting, locale: Locale): string {
  const date = meeting.start.slice(0, 10)
  const opens = meeting.schedule.opens_at ? meeting.start.slice(11, 16) : null
  const time = formatTimeRange(opens, meeting.schedule.closes_at, locale)
  const zone = timeZoneLabel(meeting.schedule.timezone, locale)
  const day = weekdayOf(date)
  if (locale === 'ja') {
    const short = weekdayJa[day].slice(0, 1)
    return `${formatDate(date, 'ja')}（${short}）${time ?? ''}（${zone}）`
  }
  return `${weekdayEn[day]} ${formatDate(date, 'en')}${time ? `, ${time}` : ''} (${zone})`
}
