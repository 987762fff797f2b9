import crypto from 'node:crypto'
import type { LocalizedText } from './directory.tables.ts'
import {
  accessibilityFeatures,
  activities,
  audiences,
  channels,
  conditionCodePattern,
  groupTypes,
  independenceKinds,
  leaderships,
  organisationKinds,
  type GroupInputRaw,
  type OrganisationInputRaw,
} from './groups.schema.ts'
import type { LoadedGroup } from './groups.repo.ts'
import {
  formatOffset,
  offsetMinutes,
  parseRrule,
  rruleFromHsds,
  timeZoneFromHsds,
  zonedToUtc,
} from './schedule.ts'

/**
 * The Tomoni profile of HSDS 3.0: how a group travels as an HSDS service and back. What HSDS has
 * no field for travels as `attribute` rows linking to terms of the `tomoni:*` taxonomies below.
 */

/** An HSDS object as it comes: JSON, or a CSV row where every value is a string. */
export type Hsds = Record<string, unknown>

export interface Rejection {
  /** The HSDS table the row belongs to: organization, service, schedule, attribute, … */
  table: string
  id: string | null
  /** The CSV line, for tabular packages. */
  row?: number
  reason: string
}

/** Where a tabular row came from, so that a rejection can name the file and line. */
export const origins = new WeakMap<object, { table: string; row: number }>()

export function rejection(table: string, item: unknown, reason: string): Rejection {
  const origin = item && typeof item === 'object' ? origins.get(item) : undefined
  const id = item && typeof item === 'object' ? str((item as Hsds).id) : null
  return { table: origin?.table ?? table, id, ...(origin ? { row: origin.row } : {}), reason }
}

interface Taxonomy {
  name: string
  description: string
  /** Allowed codes; null where any condition code is allowed. */
  codes: readonly string[] | null
  /** HSDS `link_type` written on export. */
  linkType: string
}

/** The contract's six, then the ones added beside them for what else a listing needs. */
export const taxonomies = {
  condition: {
    name: 'tomoni:condition',
    description:
      'Condition (disease, disorder or situation) the group is about; term code is a prefixed code (NANDO:, MONDO:, ORPHA:, ICD10:, ICD10CM:, DOID:)',
    codes: null,
    linkType: 'condition',
  },
  groupType: {
    name: 'tomoni:group-type',
    description: 'Kind of group',
    codes: groupTypes,
    linkType: 'group_type',
  },
  audience: {
    name: 'tomoni:audience',
    description: 'Who the group is for',
    codes: audiences,
    linkType: 'audience',
  },
  leadership: {
    name: 'tomoni:leadership',
    description: 'Who leads the group',
    codes: leaderships,
    linkType: 'leadership',
  },
  activity: {
    name: 'tomoni:activity',
    description: 'What the group does',
    codes: activities,
    linkType: 'activity',
  },
  channel: {
    name: 'tomoni:channel',
    description: 'How members meet and talk',
    codes: channels,
    linkType: 'channel',
  },
  accessibility: {
    name: 'tomoni:accessibility',
    description: 'Accessibility of the meetings',
    codes: accessibilityFeatures,
    linkType: 'accessibility',
  },
  participation: {
    name: 'tomoni:participation',
    description: 'Conditions for taking part',
    codes: [
      'diagnosis_required',
      'referral_required',
      'screening_required',
      'observers_welcome',
      'observers_not_welcome',
    ],
    linkType: 'eligibility',
  },
  independence: {
    name: 'tomoni:independence',
    description: 'Who runs and funds the group',
    codes: independenceKinds,
    linkType: 'independence',
  },
  membership: {
    name: 'tomoni:membership',
    description: 'Whether the group takes new members',
    codes: ['not_accepting_members'],
    linkType: 'membership',
  },
  organisationKind: {
    name: 'tomoni:organisation-kind',
    description: 'Kind of organisation',
    codes: organisationKinds,
    linkType: 'organisation_kind',
  },
  locationVisibility: {
    name: 'tomoni:location-visibility',
    description: 'Who may see the meeting place: members only',
    codes: ['members'],
    linkType: 'visibility',
  },
} satisfies Record<string, Taxonomy>

type TaxonomyKey = keyof typeof taxonomies
const taxonomyByName = new Map<string, Taxonomy>(
  Object.values(taxonomies).map((t: Taxonomy) => [t.name, t]),
)

/** A UUID derived from its parts, so that an export writes the same ids every time (RFC 4122 v5 layout). */
export function stableId(...parts: string[]): string {
  const hash = crypto.createHash('sha1').update(parts.join('\u0000')).digest()
  hash[6] = (hash[6]! & 0x0f) | 0x50
  hash[8] = (hash[8]! & 0x3f) | 0x80
  const hex = hash.subarray(0, 16).toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

// ---------------------------------------------------------------------------------------------
// Reading values that may be JSON or CSV text

export function str(value: unknown): string | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'string') return value.trim() === '' ? null : value.trim()
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return null
}

function num(value: unknown): number | null | undefined {
  const text = str(value)
  if (text === null) return null
  const n = Number(text)
  return Number.isFinite(n) ? n : undefined
}

const list = (value: unknown): Hsds[] =>
  Array.isArray(value) ? value.filter((v): v is Hsds => !!v && typeof v === 'object') : []

const japanese = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]/

/** The language a text is in: Japanese when it has kana or kanji, else the group's other language. */
export function languageOf(text: string, languages: string[]): string {
  if (japanese.test(text)) return 'ja'
  return languages.find((l) => l !== 'ja') ?? 'en'
}

function localized(value: unknown, languages: string[]): LocalizedText | null {
  const text = str(value)
  if (!text) return null
  const lang = languageOf(text, languages)
  return { original: lang, [lang]: text }
}

/** A name with its `alternate_name`: when that is in another language, it is the translation. */
function nameWithAlternate(name: unknown, alternate: unknown, languages: string[]) {
  const text = localized(name, languages)
  const alt = str(alternate)
  if (text && alt) {
    const lang = languageOf(alt, languages)
    if (!text[lang]) return { ...text, [lang]: alt } as LocalizedText
  }
  return text
}

/** An attribute's taxonomy and code, from the nested term, its taxonomy or the attribute. */
function termOf(attribute: Hsds): { taxonomy: string | null; code: string | null } {
  const term = (attribute.taxonomy_term ?? {}) as Hsds
  const detail = (term.taxonomy_detail ?? {}) as Hsds
  return {
    taxonomy: str(term.taxonomy) ?? str(detail.name),
    code: str(term.code) ?? str(attribute.value),
  }
}

/** The codes of the profile's taxonomies on an object; bad codes become rejections. */
function readAttributes(owner: Hsds, rejections: Rejection[]) {
  const found = new Map<TaxonomyKey, string[]>()
  for (const attribute of list(owner.attributes)) {
    const { taxonomy, code } = termOf(attribute)
    const spec = taxonomy ? taxonomyByName.get(taxonomy) : undefined
    if (!spec) continue // Other taxonomies are welcome in HSDS; Tomoni does not use them.
    const key = (Object.keys(taxonomies) as TaxonomyKey[]).find((k) => taxonomies[k] === spec)!
    const value = spec.codes === null ? code?.toUpperCase() : code
    const valid =
      value !== null &&
      value !== undefined &&
      (spec.codes === null ? conditionCodePattern.test(value) : spec.codes.includes(value))
    if (!valid) {
      rejections.push(
        rejection('attribute', attribute, `${spec.name}: unknown code "${code ?? ''}"`),
      )
      continue
    }
    found.set(key, [...(found.get(key) ?? []), value])
  }
  return (key: TaxonomyKey) => found.get(key) ?? []
}

// ---------------------------------------------------------------------------------------------
// HSDS → Tomoni

export function organisationFromHsds(org: Hsds): {
  input: OrganisationInputRaw
  rejections: Rejection[]
} {
  const rejections: Rejection[] = []
  const attrs = readAttributes(org, rejections)
  const kind = attrs('organisationKind')[0] as OrganisationInputRaw['kind']
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
      name: nameWithAlternate(org.name, org.alternate_name, [])!,
      description: localized(org.description, []),
      url: str(org.website) ?? str(org.url),
      email: str(org.email),
      identifiers,
    },
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

export function groupFromHsds(
  service: Hsds,
  org: Hsds,
): { input: GroupInputRaw; rejections: Rejection[] } {
  const rejections: Rejection[] = []
  const attrs = readAttributes(service, rejections)

  const languages: string[] = []
  for (const l of list(service.languages)) {
    const code = str(l.code)?.toLowerCase()
    if (code && /^[a-z]{2,3}$/.test(code)) languages.push(code)
    else rejections.push(rejection('language', l, `language code "${code ?? ''}" is not ISO 639`))
  }

  const orgLocations = new Map(list(org.locations).map((l) => [str(l.id), l]))
  const locations: NonNullable<GroupInputRaw['locations']> = []
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
    const locationRejections: Rejection[] = []
    const visibility = readAttributes(location, locationRejections)('locationVisibility')
    rejections.push(...locationRejections)
    if (lat === undefined || lon === undefined) {
      rejections.push(rejection('location', location, 'latitude and longitude must be numbers'))
      continue
    }
    locations.push({
      id: str(location.id) ?? undefined,
      kind,
      name: str(location.name),
      lat,
      lon,
      url: str(location.url),
      visibility: visibility.includes('members') ? 'members' : 'public',
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
  const country =
    locations.find((l) => l.address?.country)?.address?.country?.toUpperCase() ??
    list(org.locations)
      .flatMap((l) => list(l.addresses))
      .map((a) => str(a.country))
      .find((c) => c)
      ?.toUpperCase() ??
    null

  const schedules: NonNullable<GroupInputRaw['schedules']> = []
  for (const s of list(service.schedules)) {
    const rrule = rruleFromHsds(s)
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
      description: str(s.description),
      hsds,
    })
  }

  const options: NonNullable<NonNullable<GroupInputRaw['fees']>['options']> = []
  for (const c of list(service.cost_options)) {
    const amount = num(c.amount)
    const currency = str(c.currency)
    if (amount === null || amount === undefined || !currency) {
      rejections.push(rejection('cost_option', c, 'amount and currency are required'))
      continue
    }
    options.push({
      id: str(c.id) ?? undefined,
      option: str(c.option),
      amount,
      currency,
      amount_description: str(c.amount_description),
    })
  }

  const participation = attrs('participation')
  const status = str(service.status)?.toLowerCase() ?? 'active'
  const minAge = num(service.minimum_age)
  const maxAge = num(service.maximum_age)
  return {
    input: {
      id: str(service.id) ?? undefined,
      organisation_id: str(service.organization_id) ?? str(org.id) ?? '',
      name: nameWithAlternate(service.name, service.alternate_name, languages)!,
      description: localized(service.description, languages),
      url: str(service.url),
      email: str(service.email),
      phone:
        list(service.phones)
          .map((p) => str(p.number))
          .find((n) => n) ?? null,
      types: attrs('groupType') as GroupInputRaw['types'],
      leadership: (attrs('leadership')[0] ?? null) as GroupInputRaw['leadership'],
      audience: attrs('audience') as GroupInputRaw['audience'],
      min_age: minAge === undefined ? (service.minimum_age as number) : minAge,
      max_age: maxAge === undefined ? (service.maximum_age as number) : maxAge,
      conditions: attrs('condition'),
      activities: attrs('activity') as GroupInputRaw['activities'],
      participation: {
        diagnosis_required: participation.includes('diagnosis_required'),
        referral_required: participation.includes('referral_required'),
        screening_required: participation.includes('screening_required'),
        observers_welcome: participation.includes('observers_welcome')
          ? true
          : participation.includes('observers_not_welcome')
            ? false
            : null,
        text: localized(service.eligibility_description, languages),
      },
      fees: { options, description: localized(service.fees_description, languages) },
      languages,
      channels: attrs('channel') as GroupInputRaw['channels'],
      accessibility: attrs('accessibility') as GroupInputRaw['accessibility'],
      independence: (attrs('independence')[0] ?? null) as GroupInputRaw['independence'],
      status: statusFromHsds[status] ?? (status as 'active'),
      accepting_members: !attrs('membership').includes('not_accepting_members'),
      locations,
      service_areas: list(service.service_areas).map((a) => ({
        id: str(a.id) ?? undefined,
        name: str(a.name),
      })),
      schedules,
      last_checked_at: str(service.assured_date),
    },
    rejections,
  }
}

// ---------------------------------------------------------------------------------------------
// Tomoni → HSDS

export interface ConditionNames {
  ja: string | null
  en: string | null
}

/** The text in the language it was written in, and one translation for `alternate_name`. */
function original(text: LocalizedText | null): string | null {
  return text ? (text[text.original] ?? null) : null
}
function translation(text: LocalizedText | null): string | null {
  if (!text) return null
  const other = Object.keys(text)
    .filter((k) => k !== 'original' && k !== text.original)
    .sort((a, b) =>
      a === 'ja' || a === 'en' ? -1 : b === 'ja' || b === 'en' ? 1 : a < b ? -1 : 1,
    )[0]
  return other ? (text[other] ?? null) : null
}

export function taxonomyToHsds(key: TaxonomyKey) {
  const t: Taxonomy = taxonomies[key]
  return {
    id: stableId('taxonomy', t.name),
    name: t.name,
    description: t.description,
    uri: `https://tomoni.example/taxonomies/${t.name.slice('tomoni:'.length)}`,
    version: '1',
  }
}

function attribute(
  linkEntity: 'service' | 'organization' | 'location',
  linkId: string,
  key: TaxonomyKey,
  code: string,
  names?: Map<string, ConditionNames>,
) {
  const t: Taxonomy = taxonomies[key]
  const detail = taxonomyToHsds(key)
  const termId = stableId('taxonomy_term', t.name, code)
  const n = names?.get(code)
  const name = n && (n.ja || n.en) ? [n.ja, n.en].filter(Boolean).join(' / ') : code
  return {
    id: stableId('attribute', linkEntity, linkId, t.name, code),
    link_id: linkId,
    link_type: t.linkType,
    link_entity: linkEntity,
    taxonomy_term_id: termId,
    value: code,
    taxonomy_term: {
      id: termId,
      code,
      name,
      description: `${t.name} ${code}`,
      taxonomy: t.name,
      taxonomy_id: detail.id,
      taxonomy_detail: detail,
    },
  }
}

const statusToHsds: Record<string, string> = {
  active: 'active',
  paused: 'temporarily closed',
  closed: 'defunct',
}

/**
 * A location as the public may see it: a members-only place keeps its town, and loses its street,
 * coordinates and link.
 */
export function locationToHsds(l: LoadedGroup['locations'][number], organisationId: string) {
  const open = l.visibility === 'public'
  const a = l.address
  return {
    id: l.id,
    location_type: l.kind,
    organization_id: organisationId,
    name: open ? l.name : null,
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
    attributes: open ? [] : [attribute('location', l.id, 'locationVisibility', 'members')],
  }
}

export function groupToHsds(g: LoadedGroup, names: Map<string, ConditionNames>) {
  const attributes = [
    ...g.conditions.map((c) => attribute('service', g.id, 'condition', c, names)),
    ...g.types.map((c) => attribute('service', g.id, 'groupType', c)),
    ...g.audience.map((c) => attribute('service', g.id, 'audience', c)),
    ...(g.leadership ? [attribute('service', g.id, 'leadership', g.leadership)] : []),
    ...g.activities.map((c) => attribute('service', g.id, 'activity', c)),
    ...g.channels.map((c) => attribute('service', g.id, 'channel', c)),
    ...g.accessibility.map((c) => attribute('service', g.id, 'accessibility', c)),
    ...(['diagnosis_required', 'referral_required', 'screening_required'] as const)
      .filter((k) => g.participation[k])
      .map((k) => attribute('service', g.id, 'participation', k)),
    ...(g.participation.observers_welcome === null
      ? []
      : [
          attribute(
            'service',
            g.id,
            'participation',
            g.participation.observers_welcome ? 'observers_welcome' : 'observers_not_welcome',
          ),
        ]),
    ...(g.independence ? [attribute('service', g.id, 'independence', g.independence)] : []),
    ...(g.accepting_members
      ? []
      : [attribute('service', g.id, 'membership', 'not_accepting_members')]),
  ]
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
    cost_options: g.fees.options.map((c) => ({
      id: c.id,
      service_id: g.id,
      option: c.option,
      currency: c.currency,
      amount: c.amount,
      amount_description: c.amount_description,
    })),
    languages: g.languages.map((code) => ({
      id: stableId('language', g.id, code),
      service_id: g.id,
      name: languageName(code),
      code,
    })),
    phones: g.phone ? [{ id: stableId('phone', g.id), service_id: g.id, number: g.phone }] : [],
    schedules: g.schedules.map((s) => {
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
        description: s.description,
        ...s.hsds,
      }
    }),
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
    })),
    attributes,
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
    organization_identifiers: o.identifiers.map((i) => ({
      id: i.id,
      organization_id: o.id,
      identifier_scheme: i.scheme,
      identifier_type: i.type,
      identifier: i.identifier,
    })),
    attributes: [attribute('organization', o.id, 'organisationKind', o.kind)],
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
