/**
 * The group form's values and the directory's group, both ways. The form is plain HTML: repeated
 * parts (cost options, meeting places, areas, schedules) are numbered slots, a blank slot is left
 * out, and a schedule is chosen with a few fields (every week, the second Saturday…) or, for
 * anything else, written as an RFC 5545 rule. What the form does not show (a moderator's check,
 * HSDS fields kept for export) is kept by saving through `updateGroup`, which merges.
 */
import type { FormValues } from '#src/web/forms.ts'
import type { LocalizedText } from './directory.tables.ts'
import { chatApps, type GroupInputRaw } from './groups.schema.ts'
import type { StoredGroup } from './groups.repo.ts'
import { formatRrule, parseRrule, type Rrule } from './schedule.ts'

export const repeated = ['fees.options', 'locations', 'service_areas', 'schedules'] as const
export type Repeated = (typeof repeated)[number]

/** Languages offered for each text: Japanese and English, and any other the text already has. */
export function textLanguages(values: FormValues, prefix: string): string[] {
  const found = Object.keys(values)
    .map((k) => (k.startsWith(`${prefix}.`) ? k.slice(prefix.length + 1) : ''))
    .filter((lang) => /^[a-z]{2,3}$/.test(lang))
  return [...new Set(['ja', 'en', ...found])]
}

const put = (values: FormValues, name: string, value: string | number | null | undefined) => {
  if (value !== null && value !== undefined && value !== '') values[name] = [String(value)]
}

function putText(values: FormValues, prefix: string, text: LocalizedText | null) {
  if (!text) return
  for (const [lang, value] of Object.entries(text)) {
    if (lang !== 'original') put(values, `${prefix}.${lang}`, value)
  }
  put(values, `${prefix}.original`, text.original)
}

// ---------------------------------------------------------------------------------------------
// Schedules: a few fields for the usual rules

export const builderFreqs = ['WEEKLY', 'MONTHLY', 'YEARLY'] as const

/** The builder's fields for a rule, or null when only the written rule can say it. */
function builderOf(rule: Rrule): Record<string, string | string[]> | null {
  if (!(builderFreqs as readonly string[]).includes(rule.freq) || rule.count !== null) return null
  const weeks = new Set(rule.byday.map((d) => d.n))
  if (weeks.size > 1 || rule.bymonth.length > 1 || rule.bymonthday.length > 1) return null
  const week = [...weeks][0] ?? null
  if (week !== null && rule.freq === 'WEEKLY') return null
  if (rule.bymonth.length && rule.freq !== 'YEARLY') return null
  return {
    freq: rule.freq,
    interval: String(rule.interval),
    day: rule.byday.map((d) => d.day),
    week: week === null ? '' : String(week),
    month: rule.bymonth[0] ? String(rule.bymonth[0]) : '',
    monthday: rule.bymonthday[0] ? String(rule.bymonthday[0]) : '',
    until: rule.until ?? '',
  }
}

/** The rule the builder's fields make; `custom` means the written rule. */
function ruleFromBuilder(values: FormValues, p: string): string {
  const v = (name: string) => values[`${p}.${name}`]?.[0]?.trim() ?? ''
  const freq = v('freq')
  if (freq === 'custom' || !freq) return v('rrule')
  const parts = [`FREQ=${freq}`]
  if (v('interval') && v('interval') !== '1') parts.push(`INTERVAL=${v('interval')}`)
  if (freq === 'YEARLY' && v('month')) parts.push(`BYMONTH=${v('month')}`)
  if (freq !== 'WEEKLY' && v('monthday')) parts.push(`BYMONTHDAY=${v('monthday')}`)
  const days = values[`${p}.day`] ?? []
  const week = freq === 'WEEKLY' ? '' : v('week')
  if (days.length) parts.push(`BYDAY=${days.map((d) => `${week}${d}`).join(',')}`)
  if (v('until')) parts.push(`UNTIL=${v('until').replaceAll('-', '')}`)
  const rule = parseRrule(parts.join(';'))
  return rule ? formatRrule(rule) : parts.join(';')
}

// ---------------------------------------------------------------------------------------------
// Group → form

/** The form's values for a group as stored (or as it was given, for a new one). */
export function groupToForm(g: Omit<StoredGroup, 'id' | 'organisation_id'>): FormValues {
  const values: FormValues = {}
  putText(values, 'name', g.name)
  putText(values, 'description', g.description)
  put(values, 'url', g.url)
  put(values, 'email', g.email)
  put(values, 'phone', g.phone)
  values.types = [...g.types]
  put(values, 'leadership', g.leadership)
  values.audience = [...g.audience]
  put(values, 'min_age', g.min_age)
  put(values, 'max_age', g.max_age)
  values.conditions = [...g.conditions]
  values.activities = [...g.activities]
  for (const k of ['diagnosis_required', 'referral_required', 'screening_required'] as const) {
    if (g.participation[k]) values[`participation.${k}`] = ['1']
  }
  const observers = g.participation.observers_welcome
  put(values, 'participation.observers_welcome', observers === null ? '' : observers ? 'yes' : 'no')
  putText(values, 'participation.text', g.participation.text)
  if (g.fees.free && g.fees.options.every((o) => o.amount === 0)) values['fees.free'] = ['1']
  putText(values, 'fees.description', g.fees.description)
  g.fees.options.forEach((o, i) => {
    const p = `fees.options.${i}`
    put(values, `${p}.id`, o.id)
    putText(values, `${p}.option`, o.option)
    put(values, `${p}.amount`, o.amount)
    put(values, `${p}.currency`, o.currency)
    put(values, `${p}.period`, o.period)
    putText(values, `${p}.amount_description`, o.amount_description)
    if (o.waiver) values[`${p}.waiver`] = ['1']
    putText(values, `${p}.waiver_text`, o.waiver_text)
  })
  values.languages = [...g.languages]
  // `chat` comes with a named app by itself; ticked alone, it means some other app.
  const named = g.channels.some((c) => (chatApps as readonly string[]).includes(c))
  values.channels = g.channels.filter((c) => c !== 'chat' || !named)
  for (const [channel, link] of Object.entries(g.channel_links)) {
    put(values, `channel_links.${channel}`, link)
  }
  values.accessibility = [...g.accessibility]
  put(values, 'independence', g.independence)
  put(values, 'industry_funding_pct', g.industry_funding_pct)
  putText(values, 'funding', g.funding)
  putText(values, 'medical_advisers', g.medical_advisers)
  putText(values, 'evidence_policy', g.evidence_policy)
  put(values, 'status', g.status)
  if (g.accepting_members) values.accepting_members = ['1']
  put(values, 'capacity', g.capacity)
  g.locations.forEach((l, i) => {
    const p = `locations.${i}`
    put(values, `${p}.id`, l.id)
    put(values, `${p}.kind`, l.kind)
    putText(values, `${p}.name`, l.name)
    for (const [key, value] of Object.entries(l.address ?? {}) as [string, string | null][]) {
      put(values, `${p}.address.${key}`, value)
    }
    put(values, `${p}.lat`, l.lat)
    put(values, `${p}.lon`, l.lon)
    put(values, `${p}.url`, l.url)
    if (l.visibility === 'members') values[`${p}.visibility`] = ['members']
  })
  g.service_areas.forEach((a, i) => {
    put(values, `service_areas.${i}.id`, a.id)
    put(values, `service_areas.${i}.place`, a.place)
    put(values, `service_areas.${i}.name`, a.name)
  })
  g.schedules.forEach((s, i) => {
    const p = `schedules.${i}`
    put(values, `${p}.id`, s.id)
    const rule = parseRrule(s.rrule)
    const builder = rule ? builderOf(rule) : null
    if (builder) {
      for (const [key, value] of Object.entries(builder)) {
        if (Array.isArray(value)) values[`${p}.${key}`] = value
        else put(values, `${p}.${key}`, value)
      }
    } else {
      put(values, `${p}.freq`, 'custom')
      put(values, `${p}.rrule`, s.rrule)
    }
    put(values, `${p}.dtstart`, s.dtstart)
    put(values, `${p}.timezone`, s.timezone)
    put(values, `${p}.opens_at`, s.opens_at)
    put(values, `${p}.closes_at`, s.closes_at)
    put(values, `${p}.exdates`, s.exdates.join('\n'))
    putText(values, `${p}.description`, s.description)
    if (Object.keys(s.hsds).length) put(values, `${p}.hsds`, JSON.stringify(s.hsds))
  })
  return values
}

// ---------------------------------------------------------------------------------------------
// Form → group

/** The numbered slots of a repeated part, in order. */
export function slots(values: FormValues, prefix: Repeated): number[] {
  const found = new Set<number>()
  const pattern = new RegExp(`^${prefix.replace('.', '\\.')}\\.(\\d{1,3})\\.`)
  for (const key of Object.keys(values)) {
    const m = pattern.exec(key)
    if (m) found.add(Number(m[1]))
  }
  return [...found].sort((a, b) => a - b)
}

export interface FormReading {
  input: Partial<GroupInputRaw>
  /** Fields that are not even of the right kind (a number that is not one): by path. */
  problems: string[]
  /** The form's slot for each item given, so that an error at `locations.0` finds its slot. */
  slotOf: Partial<Record<Repeated, number[]>>
}

/** The group the form describes, as input for the directory's schema (which checks the rest). */
export function formToGroup(values: FormValues): FormReading {
  const problems: string[] = []
  const slotOf: FormReading['slotOf'] = {}
  const v = (name: string) => values[name]?.[0]?.trim() ?? ''
  const list = (name: string) => (values[name] ?? []).map((x) => x.trim()).filter(Boolean)
  const flag = (name: string) => list(name).length > 0
  const nullable = (name: string) => v(name) || null
  const number = (name: string, integer = true) => {
    const text = v(name).replace(/[,，]/g, '')
    if (!text) return null
    const n = Number(text.normalize('NFKC'))
    if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) {
      problems.push(name)
      return null
    }
    return n
  }
  const text = (prefix: string): LocalizedText | null => {
    const out: Record<string, string> = {}
    for (const lang of textLanguages(values, prefix)) {
      const value = values[`${prefix}.${lang}`]?.[0]?.trim()
      if (value) out[lang] = value
    }
    const langs = Object.keys(out)
    if (langs.length === 0) return null
    // Written in one language only: that is its original, whatever the list was left at.
    const chosen = v(`${prefix}.original`)
    const original = langs.length === 1 || !chosen ? langs[0]! : chosen
    return { ...out, original }
  }
  const kept = (prefix: Repeated, blank: (p: string) => boolean) => {
    const chosen = slots(values, prefix).filter(
      (i) => !flag(`${prefix}.${i}.remove`) && !blank(`${prefix}.${i}`),
    )
    slotOf[prefix] = chosen
    return chosen.map((i) => `${prefix}.${i}`)
  }
  // A text's "written first in" list always has a value, so it does not make a slot filled.
  const empty = (p: string, fields: string[]) =>
    fields.every(
      (f) =>
        !Object.keys(values).some(
          (k) => k.startsWith(`${p}.${f}`) && !k.endsWith('.original') && v(k),
        ),
    )
  const id = (p: string) => v(`${p}.id`) || undefined

  const options = kept('fees.options', (p) =>
    empty(p, ['amount', 'option', 'amount_description', 'waiver_text']),
  ).map((p) => ({
    id: id(p),
    option: text(`${p}.option`),
    amount: number(`${p}.amount`, false) ?? (problems.push(`${p}.amount`), 0),
    currency: v(`${p}.currency`) || 'JPY',
    period: (nullable(`${p}.period`) ?? null) as 'annual' | null,
    amount_description: text(`${p}.amount_description`),
    waiver: flag(`${p}.waiver`),
    waiver_text: text(`${p}.waiver_text`),
  }))
  const locations = kept('locations', (p) =>
    empty(p, ['name', 'address', 'url', 'lat', 'lon']),
  ).map((p) => {
    const address: Record<string, string | null> = {}
    for (const key of [
      'address_1',
      'address_2',
      'city',
      'region',
      'state_province',
      'postal_code',
      'country',
    ]) {
      address[key] = nullable(`${p}.address.${key}`)
    }
    return {
      id: id(p),
      kind: (v(`${p}.kind`) || 'physical') as 'physical',
      name: text(`${p}.name`),
      address: Object.values(address).some(Boolean) ? address : null,
      lat: number(`${p}.lat`, false),
      lon: number(`${p}.lon`, false),
      url: nullable(`${p}.url`),
      visibility: (flag(`${p}.visibility`) ? 'members' : 'public') as 'members',
    }
  })
  const areas = kept('service_areas', (p) => empty(p, ['place', 'name'])).map((p) => ({
    id: id(p),
    place:
      nullable(`${p}.place`)
        ?.toUpperCase()
        .replace(/^WORLDWIDE$/, 'worldwide') ?? null,
    name: nullable(`${p}.name`),
  }))
  const schedules = kept('schedules', (p) =>
    empty(p, ['dtstart', 'rrule', 'day', 'opens_at', 'monthday']),
  ).map((p) => {
    let hsds: Record<string, string> = {}
    try {
      hsds = v(`${p}.hsds`) ? (JSON.parse(v(`${p}.hsds`)) as Record<string, string>) : {}
    } catch {
      problems.push(`${p}.hsds`)
    }
    return {
      id: id(p),
      rrule: ruleFromBuilder(values, p),
      dtstart: v(`${p}.dtstart`),
      timezone: v(`${p}.timezone`) || 'Asia/Tokyo',
      opens_at: nullable(`${p}.opens_at`),
      closes_at: nullable(`${p}.closes_at`),
      exdates: v(`${p}.exdates`)
        .split(/[\s,、]+/)
        .filter(Boolean),
      description: text(`${p}.description`),
      hsds,
    }
  })
  const links: Record<string, string> = {}
  for (const key of Object.keys(values)) {
    const channel = /^channel_links\.([a-z_]+)$/.exec(key)?.[1]
    if (channel && v(key)) links[channel] = v(key)
  }
  const observers = v('participation.observers_welcome')
  const input: Partial<GroupInputRaw> = {
    name: text('name') ?? undefined,
    description: text('description'),
    url: nullable('url'),
    email: nullable('email'),
    phone: nullable('phone'),
    types: list('types') as GroupInputRaw['types'],
    leadership: nullable('leadership') as 'peer' | null,
    audience: list('audience') as GroupInputRaw['audience'],
    min_age: number('min_age'),
    max_age: number('max_age'),
    conditions: list('conditions'),
    activities: list('activities') as GroupInputRaw['activities'],
    participation: {
      diagnosis_required: flag('participation.diagnosis_required'),
      referral_required: flag('participation.referral_required'),
      screening_required: flag('participation.screening_required'),
      observers_welcome: observers === 'yes' ? true : observers === 'no' ? false : null,
      text: text('participation.text'),
    },
    fees: {
      ...(flag('fees.free') ? { free: true } : {}),
      options,
      description: text('fees.description'),
    },
    languages: [
      ...list('languages'),
      ...v('languages_other')
        .toLowerCase()
        .split(/[\s,、]+/)
        .filter(Boolean),
    ],
    channels: list('channels') as GroupInputRaw['channels'],
    channel_links: links,
    accessibility: list('accessibility') as GroupInputRaw['accessibility'],
    independence: nullable('independence') as 'independent' | null,
    industry_funding_pct: number('industry_funding_pct'),
    funding: text('funding'),
    medical_advisers: text('medical_advisers'),
    evidence_policy: text('evidence_policy'),
    status: (v('status') || 'active') as 'active',
    accepting_members: flag('accepting_members'),
    capacity: number('capacity'),
    locations,
    service_areas: areas,
    schedules,
  }
  return { input, problems, slotOf }
}

/**
 * Where an error the schema gives belongs in the form: slots renumbered to the form's, list items
 * (`types.0`) to their list, and a schedule's rule to the field that made it.
 */
export function formPath(path: string, reading: Pick<FormReading, 'slotOf'>, values: FormValues) {
  let out = path
  for (const prefix of repeated) {
    const m = new RegExp(`^${prefix.replace('.', '\\.')}\\.(\\d+)(\\.|$)`).exec(out)
    if (m) {
      const slot = reading.slotOf[prefix]?.[Number(m[1])] ?? Number(m[1])
      out = `${prefix}.${slot}${out.slice(m[0].length - m[2]!.length)}`
    }
  }
  out = out.replace(/\.\d+$/, '')
  const rule = /^(schedules\.\d+)\.rrule$/.exec(out)
  if (rule && (values[`${rule[1]}.freq`]?.[0] ?? 'custom') !== 'custom') out = `${rule[1]}.freq`
  return out
}
