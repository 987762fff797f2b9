import type { LocalizedText } from './directory.tables.ts'
import type { GroupInputRaw, OrganisationInputRaw } from './groups.schema.ts'
import {
  guessed,
  languageOf,
  list,
  num,
  readAttributes,
  rejection,
  stableId,
  str,
  textFromHsds,
  type Attributes,
  type Hsds,
  type Rejection,
} from './hsds-profile.ts'
import { formatRrule, parseRrule, rruleFromHsds, timeZoneFromHsds } from './schedule.ts'

/**
 * HSDS → Tomoni: an HSDS organization and its services as the directory's input, in the Tomoni
 * profile (`hsds-profile.ts`) where the package speaks it and as plain HSDS where it does not.
 * Rows that cannot be read become rejections; the rest goes in.
 */

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
