import { parseRrule } from '#src/directory/schedule.ts'

/** Meeting rules in words a person reads: 毎月第2土曜日 10:00〜, "Second Saturday of the month, 10:00". */

const dayNames = {
  ja: ['日曜日', '月曜日', '火曜日', '水曜日', '木曜日', '金曜日', '土曜日'],
  en: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
}
const dayCodes = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA']
const ordinalsEn = ['', 'First', 'Second', 'Third', 'Fourth', 'Fifth']

function day(code: string, locale: 'ja' | 'en') {
  return dayNames[locale][dayCodes.indexOf(code)] ?? code
}

export function describeSchedule(
  s: { rrule: string; opens_at: string | null },
  locale: 'ja' | 'en',
): string | null {
  const rule = parseRrule(s.rrule)
  if (!rule) return null
  let text: string | null = null
  const days = rule.byday
  if (rule.freq === 'WEEKLY') {
    const list = days.map((d) => day(d.day, locale))
    if (locale === 'ja') {
      text = `${rule.interval === 2 ? '隔週' : rule.interval > 2 ? `${rule.interval}週ごと` : '毎週'}${list.join('・')}`
    } else {
      const every =
        rule.interval === 2
          ? 'Every other'
          : rule.interval > 2
            ? `Every ${rule.interval} weeks on`
            : 'Every'
      text = list.length ? `${every} ${list.join(' and ')}` : 'Weekly'
    }
  } else if (rule.freq === 'MONTHLY') {
    const months = rule.interval
    if (days.length) {
      const parts = days.map((d) => {
        if (locale === 'ja') {
          return d.n === null
            ? `毎${day(d.day, locale)}`
            : d.n < 0
              ? `最終${day(d.day, locale)}`
              : `第${d.n}${day(d.day, locale)}`
        }
        return d.n === null
          ? `Every ${day(d.day, locale)}`
          : d.n < 0
            ? `Last ${day(d.day, locale)}`
            : `${ordinalsEn[d.n] ?? `${d.n}th`} ${day(d.day, locale)}`
      })
      text =
        locale === 'ja'
          ? `${months > 1 ? `${months}か月ごと` : '毎月'}${parts.join('・')}`
          : `${parts.join(' and ')} of ${months > 1 ? `every ${months} months` : 'the month'}`
    } else if (rule.bymonthday.length) {
      const list = rule.bymonthday.join(locale === 'ja' ? '・' : ', ')
      text =
        locale === 'ja'
          ? `${months > 1 ? `${months}か月ごと` : '毎月'}${list}日`
          : `${months > 1 ? `Every ${months} months` : 'Monthly'} on day ${list}`
    } else {
      text =
        locale === 'ja'
          ? months > 1
            ? `${months}か月ごと`
            : '毎月'
          : months > 1
            ? `Every ${months} months`
            : 'Monthly'
    }
  } else if (rule.freq === 'YEARLY') {
    text = locale === 'ja' ? '年1回' : 'Once a year'
  } else if (rule.freq === 'DAILY') {
    text = locale === 'ja' ? '毎日' : 'Daily'
  }
  if (!text) return null
  if (s.opens_at) text += locale === 'ja' ? ` ${s.opens_at}〜` : `, ${s.opens_at}`
  return text
}

/** A cost in the reader's conventions: 2,000円, ¥2,000, £10. */
export function formatMoney(amount: number, currency: string, locale: 'ja' | 'en'): string {
  try {
    return new Intl.NumberFormat(locale === 'ja' ? 'ja-JP' : 'en-GB', {
      style: 'currency',
      currency,
      maximumFractionDigits: currency === 'JPY' ? 0 : 2,
    }).format(amount)
  } catch {
    return `${amount} ${currency}`
  }
}

export function languageName(code: string, locale: 'ja' | 'en'): string {
  try {
    return new Intl.DisplayNames([locale], { type: 'language' }).of(code) ?? code
  } catch {
    return code
  }
}

/** A meeting time in the reader's language and the group's zone. */
export function formatMeeting(iso: string, locale: 'ja' | 'en'): string {
  const date = new Date(iso)
  const offset = /([+-]\d\d):?(\d\d)$/.exec(iso)
  // Shown in the group's own offset, as the meeting's page does: that is when it happens there.
  const shifted = offset
    ? new Date(
        date.getTime() +
          (Number(offset[1]) * 60 + Math.sign(Number(offset[1]) || 1) * Number(offset[2])) * 60_000,
      )
    : date
  return new Intl.DateTimeFormat(locale === 'ja' ? 'ja-JP' : 'en-GB', {
    timeZone: 'UTC',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
  }).format(shifted)
}
