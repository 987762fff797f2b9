/**
 * schema.org JSON-LD for a group's page, so that search engines and other directories can read
 * the listing: the group as an `NGO` under its organisation, its meetings as `Event`s with an
 * `eventSchedule`, and the conditions it is for as `MedicalCondition`s with their codes.
 * Members-only meeting places give only their town here too.
 */
import { parseRrule } from './schedule.ts'
import { nextMeeting } from './schedule.ts'
import type { LocalizedText } from './directory.tables.ts'
import type { GroupProfile } from './groups.service.ts'

type Node = Record<string, unknown>

export interface JsonLdContext {
  /** Absolute URL of the group's page. */
  pageUrl: string
  /** Absolute URL of the organisation's page. */
  organisationUrl: string
  locale: 'ja' | 'en'
  /** Every code of each condition concept, by concept id. */
  conceptCodes: Map<string, string[]>
  /** Display names of place codes (`JP-12` → 千葉県), in the page's language. */
  placeNames: Map<string, string>
  now: Date
}

const codingSystems: Record<string, string> = {
  NANDO: 'NANDO',
  MONDO: 'MONDO',
  ORPHA: 'ORPHA',
  ICD10: 'ICD-10',
  ICD10CM: 'ICD-10-CM',
  DOID: 'DOID',
}

const schemaDay: Record<string, string> = {
  MO: 'https://schema.org/Monday',
  TU: 'https://schema.org/Tuesday',
  WE: 'https://schema.org/Wednesday',
  TH: 'https://schema.org/Thursday',
  FR: 'https://schema.org/Friday',
  SA: 'https://schema.org/Saturday',
  SU: 'https://schema.org/Sunday',
}

const audienceWords: Record<string, string> = {
  patients: 'patients',
  parents: 'parents',
  family: 'family members',
  siblings: 'siblings',
  bereaved: 'bereaved families',
  young_people: 'young people',
  children: 'children',
}

const textIn = (text: LocalizedText | null, locale: string) =>
  text ? (text[locale] ?? text[text.original] ?? null) : null

/** Other languages' versions of a name, for `alternateName`. */
const otherNames = (text: LocalizedText, locale: string) =>
  Object.entries(text)
    .filter(([key, value]) => key !== 'original' && value !== textIn(text, locale))
    .map(([, value]) => value)

/** A code as schema.org's MedicalCode; null for Tomoni's own (they mean nothing elsewhere). */
export function medicalCode(code: string): Node | null {
  const [system = '', value = ''] = code.split(':')
  const codingSystem = codingSystems[system]
  if (!codingSystem || !value) return null
  return { '@type': 'MedicalCode', codeValue: value, codingSystem }
}

function medicalConditions(profile: GroupProfile, ctx: JsonLdContext): Node[] {
  return profile.conditions.map((c) => {
    const codes = [...new Set([c.code, ...(c.id ? (ctx.conceptCodes.get(c.id) ?? []) : [])])]
    const name = c.names[ctx.locale] ?? c.names.en ?? c.names.ja ?? c.code
    const alternate = [c.names.ja, c.names.en].filter((n): n is string => !!n && n !== name)
    const node: Node = { '@type': 'MedicalCondition', name }
    if (alternate.length) node.alternateName = alternate
    const coded = codes.map(medicalCode).filter((x): x is Node => x !== null)
    if (coded.length) node.code = coded
    return node
  })
}

/** ISO 8601 duration of one repetition, schema.org's `repeatFrequency`. */
function repeatFrequency(freq: string, interval: number): string {
  const unit = { DAILY: 'D', WEEKLY: 'W', MONTHLY: 'M', YEARLY: 'Y' }[freq] ?? 'M'
  return `P${interval}${unit}`
}

type ScheduleOf = GroupProfile['schedules'][number]

/** An RFC 5545 rule as schema.org's Schedule (byDay, byMonthWeek, byMonthDay, byMonth…). */
export function scheduleNode(s: ScheduleOf): Node | null {
  const rule = parseRrule(s.rrule)
  if (!rule) return null
  const node: Node = {
    '@type': 'Schedule',
    repeatFrequency: repeatFrequency(rule.freq, rule.interval),
    startDate: s.dtstart,
    scheduleTimezone: s.timezone,
  }
  if (rule.byday.length) {
    const days = [...new Set(rule.byday.map((d) => schemaDay[d.day]!))]
    node.byDay = days.length === 1 ? days[0] : days
    const weeks = [...new Set(rule.byday.map((d) => d.n).filter((n): n is number => n !== null))]
    if (weeks.length) node.byMonthWeek = weeks.length === 1 ? weeks[0] : weeks
  }
  if (rule.bymonthday.length) {
    node.byMonthDay = rule.bymonthday.length === 1 ? rule.bymonthday[0] : rule.bymonthday
  }
  if (rule.bymonth.length) node.byMonth = rule.bymonth.length === 1 ? rule.bymonth[0] : rule.bymonth
  if (s.opens_at) node.startTime = s.opens_at
  if (s.closes_at) node.endTime = s.closes_at
  if (rule.until) node.endDate = rule.until
  if (rule.count !== null) node.repeatCount = rule.count
  if (s.exdates.length) node.exceptDate = s.exdates
  return node
}

type LocationOf = GroupProfile['locations'][number]

function locationNode(l: LocationOf, locale: string): Node {
  if ('area' in l) {
    // Kept for members: the town only.
    if (l.kind === 'virtual') return { '@type': 'VirtualLocation' }
    const address: Node = { '@type': 'PostalAddress' }
    if (l.area?.city) address.addressLocality = l.area.city
    if (l.area?.region) address.addressRegion = l.area.region
    if (l.area?.country) address.addressCountry = l.area.country
    return { '@type': 'Place', address }
  }
  if (l.kind === 'virtual') {
    const node: Node = { '@type': 'VirtualLocation' }
    if (l.url) node.url = l.url
    const name = textIn(l.name, locale)
    if (name) node.name = name
    return node
  }
  const node: Node = { '@type': 'Place' }
  const name = textIn(l.name, locale)
  if (name) node.name = name
  if (l.address) {
    const a = l.address
    const street = [a.address_1, a.address_2].filter(Boolean).join(' ')
    const address: Node = { '@type': 'PostalAddress' }
    if (street) address.streetAddress = street
    if (a.city) address.addressLocality = a.city
    if (a.region ?? a.state_province) address.addressRegion = a.region ?? a.state_province
    if (a.postal_code) address.postalCode = a.postal_code
    if (a.country) address.addressCountry = a.country
    node.address = address
  }
  if (l.lat !== null && l.lon !== null) {
    node.geo = { '@type': 'GeoCoordinates', latitude: l.lat, longitude: l.lon }
  }
  return node
}

const attendanceMode: Record<string, string> = {
  in_person: 'https://schema.org/OfflineEventAttendanceMode',
  online: 'https://schema.org/OnlineEventAttendanceMode',
  hybrid: 'https://schema.org/MixedEventAttendanceMode',
}

/** schema.org's billingDuration for a fee's period (ISO 8601 durations); per meeting has none. */
const billingDuration: Record<string, string | undefined> = { annual: 'P1Y', monthly: 'P1M' }

function organisationType(kind: string): string {
  if (kind === 'hospital') return 'Hospital'
  if (kind === 'other') return 'Organization'
  return 'NGO'
}

/** The page's JSON-LD document. */
export function groupJsonLd(profile: GroupProfile, ctx: JsonLdContext): Node {
  const groupId = `${ctx.pageUrl}#group`
  const organisationId = `${ctx.organisationUrl}#organisation`
  const name = textIn(profile.name, ctx.locale)!
  const conditions = medicalConditions(profile, ctx)
  const org = profile.organisation

  const organisation: Node = {
    '@type': organisationType(org.kind),
    '@id': organisationId,
    name: textIn(org.name, ctx.locale),
    url: ctx.organisationUrl,
  }
  const orgAlternate = otherNames(org.name, ctx.locale)
  if (orgAlternate.length) organisation.alternateName = orgAlternate
  if (org.url) organisation.sameAs = org.url

  const group: Node = {
    '@type': 'NGO',
    '@id': groupId,
    name,
    url: ctx.pageUrl,
    parentOrganization: { '@id': organisationId },
  }
  const alternate = otherNames(profile.name, ctx.locale)
  if (alternate.length) group.alternateName = alternate
  const description = textIn(profile.description, ctx.locale)
  if (description) group.description = description
  if (profile.contact.url) group.sameAs = profile.contact.url
  if (profile.contact.email) group.email = profile.contact.email
  if (profile.contact.phone) group.telephone = profile.contact.phone
  if (profile.languages.length) group.knowsLanguage = profile.languages
  if (conditions.length) group.knowsAbout = conditions
  if (profile.independence.kind === 'hospital_sponsored' && org.kind === 'hospital') {
    group.sponsor = { '@id': organisationId }
  }
  const areas = profile.service_areas.map((a) => {
    if (a.place === 'worldwide') return { '@type': 'Place', name: 'Worldwide' }
    const label = a.name ?? (a.place ? (ctx.placeNames.get(a.place) ?? a.place) : null)
    // "Alaska" within US: the area is a part of the country its code names.
    const country = a.place !== null && /^[A-Z]{2}$/.test(a.place) ? a.place : null
    if (country && !a.name) return { '@type': 'Country', name: label }
    const area: Node = { '@type': 'AdministrativeArea', name: label }
    if (country)
      area.containedInPlace = { '@type': 'Country', name: ctx.placeNames.get(country) ?? country }
    return area
  })
  if (areas.length) group.areaServed = areas

  const audience: Node = { '@type': 'PeopleAudience' }
  if (profile.audience.length) {
    audience.audienceType = profile.audience.map((a) => audienceWords[a] ?? a).join(', ')
  }
  if (conditions.length) audience.healthCondition = conditions
  if (profile.ages.min !== null) audience.requiredMinAge = profile.ages.min
  if (profile.ages.max !== null) audience.requiredMaxAge = profile.ages.max

  const offers = profile.fees.options.map((o) => {
    const offer: Node = { '@type': 'Offer', price: o.amount, priceCurrency: o.currency }
    const what = textIn(o.option, ctx.locale)
    const note = [
      textIn(o.amount_description, ctx.locale),
      o.waiver ? textIn(o.waiver_text, ctx.locale) : null,
    ]
      .filter(Boolean)
      .join(' ')
    if (what) offer.name = what
    if (note) offer.description = note
    const duration = o.period ? billingDuration[o.period] : undefined
    if (duration) {
      offer.priceSpecification = {
        '@type': 'UnitPriceSpecification',
        price: o.amount,
        priceCurrency: o.currency,
        billingDuration: duration,
      }
    }
    return offer
  })

  const events = profile.schedules
    .map((s) => {
      const schedule = scheduleNode(s)
      if (!schedule) return null
      const event: Node = {
        '@type': 'Event',
        name,
        organizer: { '@id': groupId },
        eventSchedule: schedule,
        eventStatus:
          profile.status === 'paused'
            ? 'https://schema.org/EventPostponed'
            : 'https://schema.org/EventScheduled',
      }
      const next = profile.status === 'active' ? nextMeeting(s, ctx.now) : null
      if (next) event.startDate = next
      if (profile.attendance) event.eventAttendanceMode = attendanceMode[profile.attendance]
      if (profile.locations.length)
        event.location = profile.locations.map((l) => locationNode(l, ctx.locale))
      if (profile.languages.length) event.inLanguage = profile.languages
      event.isAccessibleForFree = profile.fees.free
      if (offers.length) event.offers = offers
      if (Object.keys(audience).length > 1) event.audience = audience
      if (profile.capacity !== null) event.maximumAttendeeCapacity = profile.capacity
      const about = textIn(s.description ?? null, ctx.locale)
      if (about) event.description = about
      return event
    })
    .filter((e): e is Node => e !== null)
  if (events.length) group.event = events

  const page: Node = {
    '@type': 'WebPage',
    '@id': ctx.pageUrl,
    url: ctx.pageUrl,
    name,
    inLanguage: ctx.locale,
    mainEntity: { '@id': groupId },
  }
  const reviewed = [profile.trust.last_confirmed_at, profile.trust.last_checked_at]
    .filter((d): d is string => !!d)
    .sort()
    .at(-1)
  if (reviewed) page.lastReviewed = reviewed.slice(0, 10)

  return { '@context': 'https://schema.org', '@graph': [page, group, organisation] }
}

/**
 * JSON for a `<script type="application/ld+json">` element: `<`, `>` and `&` are escaped, so a
 * text in the listing cannot close the element, and the two line separators JavaScript parsers
 * once choked on are escaped too.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}
