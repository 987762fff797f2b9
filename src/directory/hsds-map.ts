import type { LocalizedText } from './directory.tables.ts'
import type { LoadedGroup } from './groups.repo.ts'
import { attribute, original, stableId, textAttributes, translation } from './hsds-profile.ts'
import { formatOffset, offsetMinutes, parseRrule, zonedToUtc } from './schedule.ts'

/**
 * How a group travels as an HSDS service, and an organisation as an organization, in the Tomoni
 * profile (`hsds-profile.ts`); `hsds-read.ts` reads them back. Export then import gives back the
 * same listing: texts with their translations, trust dates, schedules with their exceptions. What
 * the public may not see (the name, street, coordinates and link of a members-only meeting place)
 * never leaves.
 */

export { origins, rejection, stableId, str, taxonomies, taxonomyToHsds } from './hsds-profile.ts'
export type { Hsds, Rejection } from './hsds-profile.ts'
export { groupFromHsds, organisationFromHsds, type ImportedTrust } from './hsds-read.ts'

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
