/**
 * iCalendar (RFC 5545) text: every time in UTC, so no VTIMEZONE is needed and every reader places
 * the meeting at the same instant; the meeting's own zone travels in the description's words.
 * Lines end in CRLF and are folded at 75 octets, without splitting a character.
 */

export interface IcsEvent {
  uid: string
  sequence: number
  /** When this version of the event was written (DTSTAMP). */
  stamp: Date
  start: Date
  end: Date
  /** An all-day event on these local dates instead of `start`/`end` times. */
  allDay?: { date: string } | undefined
  summary: string
  description?: string | null | undefined
  location?: string | null | undefined
  url?: string | null | undefined
  status: 'CONFIRMED' | 'CANCELLED' | 'TENTATIVE'
}

export function escapeText(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n')
}

export function utcStamp(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`
}

/** Folds a content line: at most 75 octets each, continuation lines starting with a space. */
export function foldLine(line: string): string {
  const out: string[] = []
  let current = ''
  let octets = 0
  for (const ch of line) {
    const size = Buffer.byteLength(ch, 'utf8')
    const limit = out.length === 0 ? 75 : 74
    if (octets + size > limit) {
      out.push(current)
      current = ''
      octets = 0
    }
    current += ch
    octets += size
  }
  out.push(current)
  return out.join('\r\n ')
}

function eventLines(e: IcsEvent): string[] {
  const lines = [
    'BEGIN:VEVENT',
    `UID:${e.uid}`,
    `SEQUENCE:${e.sequence}`,
    `DTSTAMP:${utcStamp(e.stamp)}`,
  ]
  if (e.allDay) {
    const day = e.allDay.date.replace(/-/g, '')
    const next = new Date(Date.parse(`${e.allDay.date}T00:00:00Z`) + 86_400_000)
    lines.push(
      `DTSTART;VALUE=DATE:${day}`,
      `DTEND;VALUE=DATE:${next.toISOString().slice(0, 10).replace(/-/g, '')}`,
    )
  } else {
    lines.push(`DTSTART:${utcStamp(e.start)}`, `DTEND:${utcStamp(e.end)}`)
  }
  lines.push(`SUMMARY:${escapeText(e.summary)}`)
  if (e.description) lines.push(`DESCRIPTION:${escapeText(e.description)}`)
  if (e.location) lines.push(`LOCATION:${escapeText(e.location)}`)
  if (e.url) lines.push(`URL:${e.url.replace(/[\r\n]/g, '')}`)
  lines.push(`STATUS:${e.status}`, 'END:VEVENT')
  return lines
}

export function icsCalendar(name: string, events: IcsEvent[]): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Tomoni//Tomoni meetings//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(name)}`,
    ...events.flatMap(eventLines),
    'END:VCALENDAR',
  ]
  return `${lines.map(foldLine).join('\r\n')}\r\n`
}
