import type { LocalizedText } from './directory.tables.ts'
import type { GroupInputRaw, OrganisationInputRaw } from './groups.schema.ts'
import type { LoadedGroup } from './groups.repo.ts'
import {
  attribute,
  guessed,
  languageOf,
  list,
  num,
  original,
  readAttributes,
  rejection,
  stableId,
  str,
  textAttributes,
  textFromHsds,
  translation,
  type Attributes,
  type Hsds,
  type Rejection,
} from './hsds-profile.ts'
import {
  formatOffset,
  formatRrule,
  offsetMinutes,
  parseRrule,
  rruleFromHsds,
  timeZoneFromHsds,
  zonedToUtc,
} from './schedule.ts'

/**
 * How a group travels as an HSDS service and back, and an organisation as an organization, in the
 * Tomoni profile (`hsds-profile.ts`). Export then import gives back the same listing: texts with
 * their translations, trust dates, schedules with their exceptions. What the public may not see
 * (the street, coordinates and link of a members-only meeting place) never leaves.
 */

export { origins, rejection, stableId, str, taxonomies, taxonomyToHsds } from './hsds-profile.ts'
export type { Hsds, Rejection } from './hsds-profile.ts'

/** A name with its `alternate_name`: when that is in another language, it is the translation. */
function nameWithAlternate(name: unknown, alternate: unknown, languages: string[]) {
  const text = guessed(name, languages)
  const alt = str(alternate)
  if (text && alt) {
    const lang = languageOf(alt, languages)
    if (!text[lang]) return { ...text, [lang]: alt } as LocalizedText
  }
  return text
}

const dateOf = (attrs: Attributes, code: string) => {
  const value = attrs.value('date', code)
  return value ? new Date(value).toISOString() : null
}

/** Trust and provenance an HSDS package carries for a listing: applied only by the importer. */
export interface ImportedTrust {
  /** Whether the package speaks the Tomoni profile (it says where the listing came from). */
  profiled: boolean
  source: 'hsds_import' | 'tomoni' | 'public_register'
  created_at: string | null
  updated_at: string | null
  last_confirmed_at: string | null
  verified_at: string | null
  claimed_at: string | null
}

function trustOf(attrs: Attributes, lastModified: unknown): ImportedTrust {
  const source = attrs.codes('source')[0] as ImportedTrust['source'] | undefined
  const modified = str(lastModified)
  return {
    profiled: source !== undefined,
    source: source ?? 'hsds_import',
    created_at: dateOf(attrs, 'created'),
    updated_at: modified && !Number.isNaN(Date.parse(modified)) ? modified : null,
    last_confirmed_at: dateOf(attrs, 'confirmed'),
    verified_at: dateOf(attrs, 'verified'),
    claimed_at: dateOf(attrs, 'claimed'),
  }
}

// ---------------------------------------------------------------------------------------------
// HSDS → Tomoni

export function organisationFromHsds(org: Hsds): {
  input: OrganisationInputRaw
  trust: ImportedTrust
  rejections: Rejection[]
} {
  const rejections: Rejection[] = []
  const attrs = readAttributes(org, rejections)
  const kind = attrs.codes('organisationKind')[0] as OrganisationInputRaw['kind']
  const identifiers = list(org.organization_identifiers).flatMap((i) => {
    const type = str(i.identifier_type)
    const identifier = str(i.identifier)
    if (!type || !identifier) {
      rejections.push(
        rejection('organization_identifier', i, 'identifier_type and identifier are required'),
      )
      return []
    }
    return [
      {
        id: str(i.id) ?? stableId(String(org.id), type, identifier),
        scheme: str(i.identifier_scheme),
        type,
        identifier,
      },
    ]
  })
  return {
    input: {
      id: str(org.id) ?? undefined,
      kind: kind ?? 'other',
      parent_id: str(org.parent_organization_id),
      name: textFromHsds(
        attrs,
        'name',
        org.name,
        nameWithAlternate(org.name, org.alternate_name, []),
      )!,
      description: textFromHsds(
        attrs,
        'description',
        org.description,
        guessed(org.description, []),
      ),
      url: str(org.website) ?? str(org.url),
      email: str(org.email),
      identifiers,
    },
    trust: trustOf(attrs, org.last_modified),
    rejections,
  }
}

const statusFromHsds: Record<string, 'active' | 'paused' | 'closed'> = {
  active: 'active',
  inactive: 'paused',
  'temporarily closed': 'paused',
  defunct: 'closed',
}

/** HSDS schedule fields that Tomoni keeps as they are, for export. */
const keptScheduleFields = [
  'valid_from',
  'valid_to',
  'wkst',
  'byweekno',
  'byyearday',
  'schedule_link',
  'attending_type',
  'notes',
] as const

type Locations = NonNullable<GroupInputRaw['locations']>

function locationsFromHsds(service: Hsds, org: Hsds, languages: string[], rejections: Rejection[]) {
  const orgLocations = new Map(list(org.locations).map((l) => [str(l.id), l]))
  const locations: Locations = []
  for (const sal of list(service.service_at_locations)) {
    const location =
      sal.location && typeof sal.location === 'object'
        ? (sal.location as Hsds)
        : orgLocations.get(str(sal.location_id))
    if (!location) {
      rejections.push(
        rejection('service_at_location', sal, `no location ${str(sal.location_id) ?? ''}`),
      )
      continue
    }
    const kind = str(location.location_type)
    if (kind !== 'physical' && kind !== 'virtual') {
      rejections.push(
        rejection('location', location, `location_type "${kind ?? ''}" is not a meeting place`),
      )
      continue
    }
    const lat = num(location.latitude)
    const lon = num(location.longitude)
    const addresses = list(location.addresses)
    const address =
      addresses.find((a) => str(a.address_type) === 'physical') ?? addresses[0] ?? null
    const attrs = readAttributes(location, rejections)
    if (lat === undefined || lon === undefined) {
      rejections.push(rejection('location', location, 'latitude and longitude must be numbers'))
      continue
    }
    locations.push({
      id: str(location.id) ?? undefined,
      kind,
      name: textFromHsds(attrs, 'name', location.name, guessed(location.name, languages)),
      lat,
      lon,
      url: str(location.url),
      visibility: attrs.codes('locationVisibility').includes('members') ? 'members' : 'public',
      address: address
        ? {
            address_1: str(address.address_1),
            address_2: str(address.address_2),
            city: str(address.city),
            region: str(address.region),
            state_province: str(address.state_province),
            postal_code: str(address.postal_code),
            country: str(address.country),
          }
        : null,
    })
  }
  return locations
}

/**
 * The rule from HSDS's fields, with the parts they cannot hold (BYMONTH) from the profile's whole
 * rule, as long as that rule agrees with the fields: a person who edited the fields in a
 * spreadsheet is believed over a stale copy.
 */
function recurrence(fromFields: string | null, whole: string | null): string | null {
  const rule = whole ? parseRrule(whole) : null
  if (!rule || !fromFields) return fromFields
  return formatRrule({ ...rule, bymonth: [] }) === fromFields ? formatRrule(rule) : fromFields
}

function schedulesFromHsds(
  service: Hsds,
  country: string | null,
  languages: string[],
  rejections: Rejection[],
) {
  const schedules: NonNullable<GroupInputRaw['schedules']> = []
  for (const s of list(service.schedules)) {
    const attrs = readAttributes(s, rejections)
    const rrule = recurrence(rruleFromHsds(s), attrs.value('recurrence', 'rrule'))
    if (!rrule) {
      rejections.push(
        rejection(
          'schedule',
          s,
          'freq, interval, byday or bymonthday cannot be read as a recurrence',
        ),
      )
      continue
    }
    const opens = str(s.opens_at)
    // A time written with its offset ("10:00+09:00") tells the zone when `timezone` is missing.
    const offset = /([+-])(\d{2}):?(\d{2})$/.exec(opens ?? '')
    const fromOffset = offset
      ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) + Number(offset[3]) / 60)
      : null
    const timezone = timeZoneFromHsds(s.timezone, country) ?? timeZoneFromHsds(fromOffset, country)
    if (!timezone) {
      rejections.push(
        rejection(
          'schedule',
          s,
          `timezone "${str(s.timezone) ?? ''}" is neither an IANA zone nor a UTC offset`,
        ),
      )
      continue
    }
    const hsds: Record<string, string | number | null> = {}
    for (const field of keptScheduleFields) {
      const value = str(s[field])
      if (value !== null) hsds[field] = value
    }
    schedules.push({
      id: str(s.id) ?? undefined,
      rrule,
      // HSDS makes dtstart optional; a rule without it repeats from the first valid day.
      dtstart: (str(s.dtstart) ?? str(s.valid_from) ?? '2000-01-01').slice(0, 10),
      timezone,
      opens_at: opens?.slice(0, 5) ?? null,
      closes_at: str(s.closes_at)?.slice(0, 5) ?? null,
      exdates: attrs
        .all('date')
        .filter((a) => a.code === 'exception' && a.value)
        .map((a) => a.value!.slice(0, 10)),
      description: textFromHsds(
        attrs,
        'description',
        s.description,
        guessed(s.description, languages),
      ),
      hsds,
    })
  }
  return schedules
}

function costOptionsFromHsds(service: Hsds, languages: string[], rejections: Rejection[]) {
  const options: NonNullable<NonNullable<GroupInputRaw['fees']>['options']> = []
  for (const c of list(service.cost_options)) {
    const amount = num(c.amount)
    const currency = str(c.currency)
    if (amount === null || amount === undefined || !currency) {
      rejections.push(rejection('cost_option', c, 'amount and currency are required'))
      continue
    }
    const attrs = readAttributes(c, rejections)
    options.push({
      id: str(c.id) ?? undefined,
      option: textFromHsds(attrs, 'option', c.option, guessed(c.option, languages)),
      amount,
      currency,
      period: (attrs.codes('feePeriod')[0] ?? null) as 'annual' | null,
      amount_description: textFromHsds(
        attrs,
        'amount_description',
        c.amount_description,
        guessed(c.amount_description, languages),
      ),
      waiver: attrs.codes('feeWaiver').includes('available'),
      waiver_text: textFromHsds(attrs, 'waiver_text', null, null),
    })
  }
  return options
}

function measure(attrs: Attributes, code: string): number | null {
  const value = attrs.value('measure', code)
  return value === null ? null : Number(value)
}

export function groupFromHsds(
  service: Hsds,
  org: Hsds,
): { input: GroupInputRaw; trust: ImportedTrust; rejections: Rejection[] } {
  const rejections: Rejection[] = []
  const attrs = readAttributes(service, rejections)

  const languages: string[] = []
  for (const l of list(service.languages)) {
    const code = str(l.code)?.toLowerCase()
    if (code && /^[a-z]{2,3}$/.test(code)) languages.push(code)
    else rejections.push(rejection('language', l, `language code "${code ?? ''}" is not ISO 639`))
  }
  const locations = locationsFromHsds(service, org, languages, rejections)
  const country =
    locations.find((l) => l.address?.country)?.address?.country?.toUpperCase() ??
    list(org.locations)
      .flatMap((l) => list(l.addresses))
      .map((a) => str(a.country))
      .find((c) => c)
      ?.toUpperCase() ??
    null

  const participation = attrs.codes('participation')
  const status = str(service.status)?.toLowerCase() ?? 'active'
  const minAge = num(service.minimum_age)
  const maxAge = num(service.maximum_age)
  const text = (field: string, value: unknown) =>
    textFromHsds(attrs, field, value, guessed(value, languages))
  const checked = dateOf(attrs, 'checked') ?? str(service.assured_date)
  return {
    input: {
      id: str(service.id) ?? undefined,
      organisation_id: str(service.organization_id) ?? str(org.id) ?? '',
      name: textFromHsds(
        attrs,
        'name',
        service.name,
        nameWithAlternate(service.name, service.alternate_name, languages),
      )!,
      description: text('description', service.description),
      url: str(service.url),
      email: str(service.email),
      phone:
        list(service.phones)
          .map((p) => str(p.number))
          .find((n) => n) ?? null,
      types: attrs.codes('groupType') as GroupInputRaw['types'],
      leadership: (attrs.codes('leadership')[0] ?? null) as GroupInputRaw['leadership'],
      audience: attrs.codes('audience') as GroupInputRaw['audience'],
      min_age: minAge === undefined ? (service.minimum_age as number) : minAge,
      max_age: maxAge === undefined ? (service.maximum_age as number) : maxAge,
      conditions: attrs.codes('condition'),
      activities: attrs.codes('activity') as GroupInputRaw['activities'],
      participation: {
        diagnosis_required: participation.includes('diagnosis_required'),
        referral_required: participation.includes('referral_required'),
        screening_required: participation.includes('screening_required'),
        observers_welcome: participation.includes('observers_welcome')
          ? true
          : participation.includes('observers_not_welcome')
            ? false
            : null,
        text: text('eligibility_description', service.eligibility_description),
      },
      fees: {
        ...(attrs.codes('fees').length ? { free: attrs.codes('fees').includes('free') } : {}),
        options: costOptionsFromHsds(service, languages, rejections),
        description: text('fees_description', service.fees_description),
      },
      languages,
      channels: attrs.codes('channel') as GroupInputRaw['channels'],
      channel_links: Object.fromEntries(attrs.all('channelLink').map((a) => [a.code, a.value])),
      accessibility: attrs.codes('accessibility') as GroupInputRaw['accessibility'],
      independence: (attrs.codes('independence')[0] ?? null) as GroupInputRaw['independence'],
      industry_funding_pct: measure(attrs, 'industry_funding_pct'),
      funding: textFromHsds(attrs, 'funding', null, null),
      medical_advisers: textFromHsds(attrs, 'medical_advisers', null, null),
      evidence_policy: textFromHsds(attrs, 'evidence_policy', null, null),
      status: statusFromHsds[status] ?? (status as 'active'),
      accepting_members: !attrs.codes('membership').includes('not_accepting_members'),
      capacity: measure(attrs, 'capacity'),
      locations,
      service_areas: list(service.service_areas).map((a) => {
        const place = readAttributes(a, rejections).codes('place')[0] ?? null
        const name = str(a.name)
        // Written as the name when only a code was given: the same place, not a name.
        return { id: str(a.id) ?? undefined, name: place && name === place ? null : name, place }
      }),
      schedules: schedulesFromHsds(service, country, languages, rejections),
      last_checked_at: checked,
    },
    trust: trustOf(attrs, service.last_modified),
    rejections,
  }
}

// ---------------------------------------------------------------------------------------------
// Tomoni → HSDS

export interface ConditionNames {
  ja: string | null
  en: string | null
}

const statusToHsds: Record<string, string> = {
  active: 'active',
  paused: 'temporarily closed',
  closed: 'defunct',
}

const dateAttribute = (
  entity: 'service' | 'organization',
  id: string,
  code: string,
  value: Date | string | null,
) =>
  value
    ? [
        attribute(entity, id, 'date', code, {
          value: typeof value === 'string' ? value : value.toISOString(),
        }),
      ]
    : []

/**
 * A location as the public may see it (decision 021): a members-only place keeps its town and
 * loses its name, street, postcode, coordinates and link.
 */
export function locationToHsds(l: LoadedGroup['locations'][number], organisationId: string) {
  const open = l.visibility === 'public'
  const a = l.address
  return {
    id: l.id,
    location_type: l.kind,
    organization_id: organisationId,
    name: open ? original(l.name) : null,
    url: open ? l.url : null,
    latitude: open ? l.lat : null,
    longitude: open ? l.lon : null,
    addresses: a
      ? [
          {
            id: stableId('address', l.id),
            location_id: l.id,
            address_1: open ? a.address_1 : null,
            address_2: open ? a.address_2 : null,
            city: a.city,
            region: a.region,
            state_province: a.state_province,
            postal_code: open ? a.postal_code : null,
            country: a.country,
            address_type: 'physical',
          },
        ]
      : [],
    attributes: open
      ? textAttributes('location', l.id, 'name', l.name, true)
      : [attribute('location', l.id, 'locationVisibility', 'members')],
  }
}

function scheduleToHsds(g: LoadedGroup, s: LoadedGroup['schedules'][number]) {
  const rule = parseRrule(s.rrule)
  const offset = s.opens_at
    ? formatOffset(offsetMinutes(s.timezone, zonedToUtc(s.dtstart, s.opens_at, s.timezone)))
    : ''
  return {
    id: s.id,
    service_id: g.id,
    freq: rule?.freq ?? null,
    interval: rule?.interval ?? null,
    byday: rule?.byday.length ? rule.byday.map((d) => `${d.n ?? ''}${d.day}`).join(',') : null,
    bymonthday: rule?.bymonthday.length ? rule.bymonthday.join(',') : null,
    count: rule?.count ?? null,
    until: rule?.until ?? null,
    dtstart: s.dtstart,
    timezone: s.timezone,
    opens_at: s.opens_at ? `${s.opens_at}${offset}` : null,
    closes_at: s.closes_at ? `${s.closes_at}${offset}` : null,
    description: original(s.description),
    ...s.hsds,
    attributes: [
      attribute('schedule', s.id, 'recurrence', 'rrule', { value: s.rrule }),
      ...s.exdates.map((d) => attribute('schedule', s.id, 'date', 'exception', { value: d })),
      ...textAttributes('schedule', s.id, 'description', s.description, true),
    ],
  }
}

function costOptionToHsds(g: LoadedGroup, c: LoadedGroup['fees']['options'][number]) {
  return {
    id: c.id,
    service_id: g.id,
    option: original(c.option),
    currency: c.currency,
    amount: c.amount,
    amount_description: original(c.amount_description),
    attributes: [
      ...(c.period ? [attribute('cost_option', c.id, 'feePeriod', c.period)] : []),
      ...(c.waiver ? [attribute('cost_option', c.id, 'feeWaiver', 'available')] : []),
      ...textAttributes('cost_option', c.id, 'option', c.option, true),
      ...textAttributes('cost_option', c.id, 'amount_description', c.amount_description, true),
      ...textAttributes('cost_option', c.id, 'waiver_text', c.waiver_text, false),
    ],
  }
}

function serviceAttributes(g: LoadedGroup, names: Map<string, ConditionNames>) {
  const a = (key: Parameters<typeof attribute>[2], code: string, value?: string) =>
    attribute('service', g.id, key, code, value === undefined ? {} : { value })
  const conditionName = (code: string) => {
    const n = names.get(code)
    return n && (n.ja || n.en) ? [n.ja, n.en].filter(Boolean).join(' / ') : code
  }
  const texts = (
    [
      ['name', g.name, true],
      ['description', g.description, true],
      ['eligibility_description', g.participation.text, true],
      ['fees_description', g.fees.description, true],
      ['funding', g.funding, false],
      ['medical_advisers', g.medical_advisers, false],
      ['evidence_policy', g.evidence_policy, false],
    ] as const
  ).flatMap(([field, text, inField]) => textAttributes('service', g.id, field, text, inField))
  return [
    ...g.conditions.map((c) =>
      attribute('service', g.id, 'condition', c, { name: conditionName(c) }),
    ),
    ...g.types.map((c) => a('groupType', c)),
    ...g.audience.map((c) => a('audience', c)),
    ...(g.leadership ? [a('leadership', g.leadership)] : []),
    ...g.activities.map((c) => a('activity', c)),
    ...g.channels.map((c) => a('channel', c)),
    ...g.accessibility.map((c) => a('accessibility', c)),
    ...(['diagnosis_required', 'referral_required', 'screening_required'] as const)
      .filter((k) => g.participation[k])
      .map((k) => a('participation', k)),
    ...(g.participation.observers_welcome === null
      ? []
      : [
          a(
            'participation',
            g.participation.observers_welcome ? 'observers_welcome' : 'observers_not_welcome',
          ),
        ]),
    ...(g.independence ? [a('independence', g.independence)] : []),
    ...(g.accepting_members ? [] : [a('membership', 'not_accepting_members')]),
    // The profile's additions (decision 021): what HSDS has no field for.
    ...Object.entries(g.channel_links).map(([channel, url]) => a('channelLink', channel, url)),
    a('fees', g.fees.free ? 'free' : 'not_free'),
    ...(g.capacity !== null ? [a('measure', 'capacity', String(g.capacity))] : []),
    ...(g.industry_funding_pct !== null
      ? [a('measure', 'industry_funding_pct', String(g.industry_funding_pct))]
      : []),
    a('source', g.meta.source),
    ...dateAttribute('service', g.id, 'created', g.meta.created_at),
    ...dateAttribute('service', g.id, 'confirmed', g.meta.last_confirmed_at),
    ...dateAttribute('service', g.id, 'checked', g.last_checked_at),
    ...dateAttribute('service', g.id, 'verified', g.meta.verified_at),
    ...texts,
  ]
}

export function groupToHsds(g: LoadedGroup, names: Map<string, ConditionNames>) {
  return {
    id: g.id,
    organization_id: g.organisation_id,
    name: original(g.name),
    alternate_name: translation(g.name),
    description: original(g.description),
    url: g.url,
    email: g.email,
    status: statusToHsds[g.status] ?? 'active',
    eligibility_description: original(g.participation.text),
    minimum_age: g.min_age,
    maximum_age: g.max_age,
    fees_description: original(g.fees.description),
    assured_date: g.last_checked_at?.slice(0, 10) ?? null,
    last_modified: g.meta.updated_at.toISOString(),
    cost_options: g.fees.options.map((c) => costOptionToHsds(g, c)),
    languages: g.languages.map((code) => ({
      id: stableId('language', g.id, code),
      service_id: g.id,
      name: languageName(code),
      code,
    })),
    phones: g.phone ? [{ id: stableId('phone', g.id), service_id: g.id, number: g.phone }] : [],
    schedules: g.schedules.map((s) => scheduleToHsds(g, s)),
    service_at_locations: g.locations.map((l) => ({
      id: stableId('service_at_location', g.id, l.id),
      service_id: g.id,
      location_id: l.id,
      location: locationToHsds(l, g.organisation_id),
    })),
    service_areas: g.service_areas.map((a) => ({
      id: a.id,
      service_id: g.id,
      // The code alone, when only a code was given, is read back as the same place.
      name: a.name ?? a.place,
      extent_type: 'text',
      attributes: a.place ? [attribute('service_area', a.id, 'place', a.place)] : [],
    })),
    attributes: serviceAttributes(g, names),
  }
}

export type HsdsService = ReturnType<typeof groupToHsds>

export function organisationToHsds(
  o: {
    id: string
    kind: string
    parent_id: string | null
    name: LocalizedText
    description: LocalizedText | null
    url: string | null
    email: string | null
    identifiers: { id: string; scheme: string | null; type: string; identifier: string }[]
    source: string
    claimed_at: Date | null
    verified_at: Date | null
    created_at: Date
    updated_at: Date
  },
  services: HsdsService[],
) {
  const locations = new Map<string, unknown>()
  for (const s of services)
    for (const sal of s.service_at_locations) locations.set(sal.location_id, sal.location)
  return {
    id: o.id,
    name: original(o.name),
    alternate_name: translation(o.name),
    description: original(o.description),
    email: o.email,
    website: o.url,
    parent_organization_id: o.parent_id,
    last_modified: o.updated_at.toISOString(),
    organization_identifiers: o.identifiers.map((i) => ({
      id: i.id,
      organization_id: o.id,
      identifier_scheme: i.scheme,
      identifier_type: i.type,
      identifier: i.identifier,
    })),
    attributes: [
      attribute('organization', o.id, 'organisationKind', o.kind),
      attribute('organization', o.id, 'source', o.source),
      ...dateAttribute('organization', o.id, 'created', o.created_at),
      ...dateAttribute('organization', o.id, 'claimed', o.claimed_at),
      ...dateAttribute('organization', o.id, 'verified', o.verified_at),
      ...textAttributes('organization', o.id, 'name', o.name, true),
      ...textAttributes('organization', o.id, 'description', o.description, true),
    ],
    locations: [...locations.values()],
    services,
  }
}

const languageNames = new Intl.DisplayNames(['en'], { type: 'language' })
const languageName = (code: string) => {
  try {
    return languageNames.of(code) ?? code
  } catch {
    return code
  }
}
