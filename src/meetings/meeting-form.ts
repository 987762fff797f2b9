/**
 * The form for a meeting, an event or a series, shared by the pages that add and change them:
 * its fields, what a person typed turned into the API's input, and the schema's refusals turned
 * into messages beside the fields.
 */
import { html } from 'hono/html'
import type { Translate } from '#src/i18n/i18n.ts'
import { radios, select, textArea, textInput, type Errors } from '#src/web/form-controls.ts'
import type { Html } from '#src/web/layout.ts'
import { knownZones } from '#src/web/viewer-zone.ts'
import { audiences, meetingFormats, meetingKinds, venueVisibilities } from './meetings.tables.ts'

export type FormValues = Record<string, string>

const weekdays = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA']
export const repeats = [
  'weekly',
  'biweekly',
  'monthly_nth',
  'monthly_last',
  'monthly_date',
  'custom',
] as const

/** The RFC 5545 rule a repeat choice means, from the first date. */
export function ruleOf(repeat: string, date: string, custom: string, until: string): string {
  const d = new Date(`${date}T00:00:00Z`)
  if (Number.isNaN(d.getTime())) return custom
  const day = weekdays[d.getUTCDay()]!
  const nth = Math.ceil(d.getUTCDate() / 7)
  const base: Record<string, string> = {
    weekly: `FREQ=WEEKLY;BYDAY=${day}`,
    biweekly: `FREQ=WEEKLY;INTERVAL=2;BYDAY=${day}`,
    monthly_nth: `FREQ=MONTHLY;BYDAY=${nth === 5 ? -1 : nth}${day}`,
    monthly_last: `FREQ=MONTHLY;BYDAY=-1${day}`,
    monthly_date: `FREQ=MONTHLY;BYMONTHDAY=${d.getUTCDate()}`,
  }
  const rule = base[repeat] ?? custom.trim()
  return /^\d{4}-\d{2}-\d{2}$/.test(until) && !/UNTIL=|COUNT=/i.test(rule)
    ? `${rule};UNTIL=${until.replace(/-/g, '')}`
    : rule
}

const lines = (text: string | undefined) =>
  (text ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)

/** "Name — affiliation" per line. */
function speakersOf(text: string | undefined) {
  return lines(text).map((line) => {
    const [name, ...rest] = line.split(/\s+[—–-]\s+|,\s*/)
    return { name: (name ?? '').trim(), affiliation: rest.join(', ').trim() || null }
  })
}

const int = (v: string | undefined) => (v && /^\d+$/.test(v.trim()) ? Number(v) : v ? NaN : null)

/** What the form sent, as the API's input (the schema then judges it). */
export function inputOf(form: FormValues, mode: 'meeting' | 'series') {
  const common = {
    kind: form.kind,
    title: form.title,
    description: form.description,
    lang: form.lang,
    timezone: form.timezone,
    format: form.format,
    venue: form.venue,
    venue_visibility: form.venue_visibility,
    online_url: form.online_url,
    capacity: int(form.capacity),
    audience: form.audience,
    speakers: speakersOf(form.speakers),
    start_time: form.start_time,
    duration_minutes: int(form.duration_minutes) ?? NaN,
  }
  if (mode === 'meeting') return { ...common, date: form.date }
  return {
    ...common,
    dtstart: form.date,
    rrule: ruleOf(form.repeat ?? '', form.date ?? '', form.rrule ?? '', form.until ?? ''),
    exdates: lines(form.exdates),
  }
}

/** The schema's field names are the form's, but for a few. */
export function fieldErrors(t: Translate, fields: Record<string, string>): Errors {
  const errors: Errors = {}
  for (const key of Object.keys(fields)) {
    const name =
      key === 'dtstart'
        ? 'date'
        : key.startsWith('speakers')
          ? 'speakers'
          : key.startsWith('exdates')
            ? 'exdates'
            : key
    errors[name] = (fieldsWithMessages as readonly string[]).includes(name)
      ? t(`meetingForm.error.${name}` as Parameters<Translate>[0])
      : t('join.error.general')
  }
  return errors
}

export const fieldsWithMessages = [
  'kind',
  'title',
  'description',
  'lang',
  'timezone',
  'format',
  'venue',
  'venue_visibility',
  'online_url',
  'capacity',
  'audience',
  'speakers',
  'start_time',
  'duration_minutes',
  'date',
  'rrule',
  'exdates',
] as const

const options = <T extends string>(t: Translate, prefix: string, values: readonly T[]) =>
  values.map((value) => ({ value, label: t(`${prefix}.${value}` as Parameters<Translate>[0]) }))

export function meetingFields(
  t: Translate,
  v: FormValues,
  e: Errors,
  mode: 'meeting' | 'series' | 'change',
): Html {
  const full = mode !== 'change'
  return html`${
    full
      ? radios({
          name: 'kind',
          label: t('meetingForm.kind'),
          value: v.kind ?? 'meeting',
          options: options(t, 'meetingForm.kind', meetingKinds),
          errors: e,
        })
      : ''
  }
  ${textInput({ name: 'title', label: t('meetingForm.title'), value: v.title, maxlength: 200, required: true, errors: e })}
  ${textArea({ name: 'description', label: t('meetingForm.description'), value: v.description, maxlength: 5000, errors: e })}
  ${
    full
      ? select({
          name: 'lang',
          label: t('meetingForm.lang'),
          value: v.lang ?? 'ja',
          options: [
            { value: 'ja', label: '日本語' },
            { value: 'en', label: 'English' },
          ],
        })
      : ''
  }
  ${textInput({ name: 'date', type: 'date', label: t(mode === 'series' ? 'meetingForm.firstDate' : 'meetingForm.date'), value: v.date, maxlength: 10, required: true, errors: e })}
  ${textInput({ name: 'start_time', type: 'time', label: t('meetingForm.startTime'), value: v.start_time, maxlength: 5, required: true, errors: e })}
  ${textInput({ name: 'duration_minutes', label: t('meetingForm.duration'), value: v.duration_minutes ?? '120', maxlength: 4, required: true, errors: e })}
  ${
    full
      ? select({
          name: 'timezone',
          label: t('meetingForm.timezone'),
          hint: t('meetingForm.timezoneHint'),
          value: v.timezone,
          options: knownZones().map((z) => ({ value: z, label: z })),
          errors: e,
        })
      : ''
  }
  ${
    mode === 'series'
      ? html`${select({ name: 'repeat', label: t('meetingForm.repeat'), value: v.repeat ?? 'monthly_nth', options: options(t, 'meetingForm.repeat', repeats) })}
        ${textInput({ name: 'rrule', label: t('meetingForm.rrule'), hint: t('meetingForm.rruleHint'), value: v.rrule, maxlength: 200, errors: e })}
        ${textInput({ name: 'until', type: 'date', label: t('meetingForm.until'), value: v.until, maxlength: 10 })}
        ${textArea({ name: 'exdates', label: t('meetingForm.exdates'), hint: t('meetingForm.exdatesHint'), value: v.exdates, maxlength: 4000, rows: 3, errors: e })}`
      : ''
  }
  ${radios({ name: 'format', label: t('meetingForm.format'), value: v.format ?? 'in_person', options: options(t, 'meetings.format', meetingFormats), errors: e })}
  ${textInput({ name: 'venue', label: t('meetingForm.venue'), value: v.venue, maxlength: 500, errors: e })}
  ${radios({ name: 'venue_visibility', label: t('meetingForm.venueVisibility'), value: v.venue_visibility ?? 'attendees', options: options(t, 'meetingForm.venueVisibility', venueVisibilities) })}
  ${textInput({ name: 'online_url', type: 'url', label: t('meetingForm.onlineUrl'), hint: t('meetingForm.onlineUrlHint'), value: v.online_url, maxlength: 500, errors: e })}
  ${textInput({ name: 'capacity', label: t('meetingForm.capacity'), hint: t('meetingForm.capacityHint'), value: v.capacity, maxlength: 6, errors: e })}
  ${
    full
      ? radios({
          name: 'audience',
          label: t('meetingForm.audience'),
          value: v.audience ?? 'members',
          options: options(t, 'meetingForm.audience', audiences),
          errors: e,
        })
      : ''
  }
  ${textArea({ name: 'speakers', label: t('meetingForm.speakers'), hint: t('meetingForm.speakersHint'), value: v.speakers, maxlength: 2000, rows: 3, errors: e })}`
}
