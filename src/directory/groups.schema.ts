import { z } from '@hono/zod-openapi'
import { normalizeRrule, parseRrule } from './schedule.ts'
import {
  organisationKinds,
  groupTypes,
  audiences,
  leaderships,
  activities,
  chatApps,
  channels,
  feePeriods,
  accessibilityFeatures,
  independenceKinds,
  groupStatuses,
  conditionCodePattern,
  type Channel,
} from './vocabularies.ts'

// The contract's vocabularies live in vocabularies.ts, which needs no validation library, so
// that search threads can load them without it.
export * from './vocabularies.ts'

const langCode = z.string().regex(/^[a-z]{2,3}$/, 'must be an ISO 639-1 language code')
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullish()
    .transform((v) => v || null)
const setOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .array(z.enum(values))
    .default([])
    // One order for the same set, so that comparisons and exports are stable.
    .transform((list) => [...new Set(list)].sort())

/**
 * Text with its translations, `{ original: 'ja', ja: '…', en: '…' }`: `original` is the language it
 * was written in and must have a text.
 */
export const localizedText = (max: number) =>
  z
    .object(
      { original: langCode },
      { error: (issue) => (issue.input == null ? 'is required' : undefined) },
    )
    .catchall(z.string().trim().max(max))
    .superRefine((value, ctx) => {
      for (const [key, text] of Object.entries(value)) {
        if (key === 'original') continue
        if (!/^[a-z]{2,3}$/.test(key)) {
          ctx.addIssue({ code: 'custom', path: [key], message: 'must be a language code' })
        } else if (text === '') {
          ctx.addIssue({ code: 'custom', path: [key], message: 'must not be empty' })
        }
      }
      if (!value[value.original]) {
        ctx.addIssue({
          code: 'custom',
          path: ['original'],
          message: 'must name a language that has a text',
        })
      }
    })
    .transform((value) => sortKeys(value) as { original: string } & Record<string, string>)

export type LocalizedText = { original: string } & Record<string, string>

function sortKeys(value: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)))
}

/**
 * A short text a person typed: a plain string, taken to be in the language the group's name was
 * written in (the group's schema turns it into a localized text), or a text with translations.
 */
const shortText = (max: number) =>
  z
    .union([z.string().trim().max(max), localizedText(max)])
    .nullish()
    .transform((v) => (v === '' || v === undefined ? null : v))

/** A plain string as a text in the given language; a localized text as it is. */
export function asLocalized(value: string | LocalizedText | null, lang: string) {
  if (value === null) return null
  if (typeof value === 'string') return { original: lang, [lang]: value } as LocalizedText
  return value
}

/** Where a channel is found: a web address, or a `mailto:` or `tel:` link. */
const linkUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((v) => {
    try {
      return ['http:', 'https:', 'mailto:', 'tel:'].includes(new URL(v).protocol)
    } catch {
      return false
    }
  }, 'must be a web address (https://…), or a mailto: or tel: link')

const url = z.url({ protocol: /^https?$/ }).max(2000)
const email = z.email().max(320)

/** IANA names as Intl knows them (canonical case), or a fixed offset such as `+05:30`. */
export function canonicalTimeZone(value: string): string | null {
  if (/^[+-]\d{2}:\d{2}$/.test(value)) return value
  try {
    const resolved = new Intl.DateTimeFormat('en', { timeZone: value }).resolvedOptions().timeZone
    return resolved.toLowerCase() === value.toLowerCase() ? resolved : null
  } catch {
    return null
  }
}

const isoDate = z.iso.date()
const localTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/, 'must be a local time HH:MM')
  .transform((v) => v.slice(0, 5))

export const ScheduleInput = z
  .object({
    id: z.string().min(1).max(200).optional(),
    rrule: z
      .string()
      .max(500)
      .refine(
        (v) => parseRrule(v) !== null,
        'must be an RFC 5545 rule such as FREQ=MONTHLY;BYDAY=2SA',
      )
      .transform(normalizeRrule),
    dtstart: isoDate,
    timezone: z
      .string()
      .refine((v) => canonicalTimeZone(v) !== null, 'must be an IANA time zone such as Asia/Tokyo')
      .transform((v) => canonicalTimeZone(v)!),
    opens_at: localTime.nullish().transform((v) => v ?? null),
    closes_at: localTime.nullish().transform((v) => v ?? null),
    exdates: z
      .array(isoDate)
      .default([])
      .transform((d) => [...new Set(d)].sort()),
    description: shortText(1000),
    hsds: z
      .record(z.string(), z.union([z.string(), z.number(), z.null()]))
      .default({})
      .transform(
        (v) => sortKeys(v as Record<string, string>) as Record<string, string | number | null>,
      ),
  })
  .refine((s) => !s.opens_at || !s.closes_at || s.opens_at < s.closes_at, {
    path: ['closes_at'],
    message: 'must be after opens_at',
  })

export const AddressInput = z.object({
  address_1: optionalText(300),
  address_2: optionalText(300),
  city: optionalText(200),
  region: optionalText(200),
  state_province: optionalText(200),
  postal_code: optionalText(40),
  country: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code')
    .transform((v) => v.toUpperCase())
    .nullish()
    .transform((v) => v ?? null),
})

export const LocationInput = z
  .object({
    id: z.string().min(1).max(200).optional(),
    kind: z.enum(['physical', 'virtual']),
    name: shortText(300),
    lat: z
      .number()
      .min(-90)
      .max(90)
      .nullish()
      .transform((v) => v ?? null),
    lon: z
      .number()
      .min(-180)
      .max(180)
      .nullish()
      .transform((v) => v ?? null),
    address: AddressInput.nullish().transform((v) => v ?? null),
    url: url.nullish().transform((v) => v ?? null),
    visibility: z.enum(['public', 'members']).default('public'),
  })
  .refine((l) => (l.lat === null) === (l.lon === null), {
    path: ['lon'],
    message: 'latitude and longitude go together',
  })
  // One kept for members may be listed without its link: the group gives it to its members.
  .refine((l) => l.kind !== 'virtual' || l.url !== null || l.visibility === 'members', {
    path: ['url'],
    message: 'an online meeting place needs its address (URL)',
  })

export const ServiceAreaInput = z
  .object({
    id: z.string().min(1).max(200).optional(),
    name: optionalText(300),
    /** A place code (`JP-22`, `GB`) or `worldwide`. */
    place: z
      .string()
      .regex(/^(worldwide|[A-Z]{2}(-[A-Z0-9]{1,8})?)$/, 'must be a place code or worldwide')
      .nullish()
      .transform((v) => v ?? null),
  })
  .refine((a) => a.name !== null || a.place !== null, {
    path: ['place'],
    message: 'an area needs a place code or a name',
  })

export const CostOptionInput = z.object({
  id: z.string().min(1).max(200).optional(),
  /** What the cost is for: "Annual membership", "Per meeting". */
  option: shortText(300),
  amount: z.number().min(0).max(100_000_000),
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, 'must be an ISO 4217 currency code')
    .transform((v) => v.toUpperCase()),
  period: z
    .enum(feePeriods)
    .nullish()
    .transform((v) => v ?? null),
  amount_description: shortText(300),
  /** The cost can be waived (for those who cannot pay); the text says how. */
  waiver: z.boolean().default(false),
  waiver_text: shortText(1000),
})

const id = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'may hold letters, digits and . _ : - only')

export const GroupInput = z
  .object({
    id: id.optional(),
    organisation_id: id,
    name: localizedText(300),
    description: localizedText(10_000)
      .nullish()
      .transform((v) => v ?? null),
    url: url.nullish().transform((v) => v ?? null),
    email: email.nullish().transform((v) => v ?? null),
    phone: optionalText(60),
    types: setOf(groupTypes),
    leadership: z
      .enum(leaderships)
      .nullish()
      .transform((v) => v ?? null),
    audience: setOf(audiences),
    min_age: z
      .int()
      .min(0)
      .max(120)
      .nullish()
      .transform((v) => v ?? null),
    max_age: z
      .int()
      .min(0)
      .max(120)
      .nullish()
      .transform((v) => v ?? null),
    conditions: z
      .array(
        z
          .string()
          .trim()
          .toUpperCase()
          .regex(conditionCodePattern, 'must be a prefixed condition code'),
      )
      .max(50)
      .default([])
      .transform((codes) => [...new Set(codes)].sort()),
    activities: setOf(activities),
    participation: z
      .object({
        diagnosis_required: z.boolean().default(false),
        referral_required: z.boolean().default(false),
        screening_required: z.boolean().default(false),
        observers_welcome: z
          .boolean()
          .nullish()
          .transform((v) => v ?? null),
        text: localizedText(5000)
          .nullish()
          .transform((v) => v ?? null),
      })
      .default({
        diagnosis_required: false,
        referral_required: false,
        screening_required: false,
        observers_welcome: null,
        text: null,
      }),
    fees: z
      .object({
        /** Left out: free when there are cost options and every one is 0. */
        free: z.boolean().optional(),
        options: z.array(CostOptionInput).max(20).default([]),
        description: localizedText(2000)
          .nullish()
          .transform((v) => v ?? null),
      })
      .default({ options: [], description: null }),
    languages: z
      .array(langCode)
      .max(20)
      .default([])
      .transform((l) => [...new Set(l)].sort()),
    channels: setOf(channels),
    /** A link for a channel: the LINE group's invitation, the forum's address. */
    channel_links: z
      .partialRecord(z.enum(channels), linkUrl)
      .default({})
      .transform((v) => sortKeys(v as Record<string, string>) as Partial<Record<Channel, string>>),
    accessibility: setOf(accessibilityFeatures),
    independence: z
      .enum(independenceKinds)
      .nullish()
      .transform((v) => v ?? null),
    industry_funding_pct: z
      .int()
      .min(0)
      .max(100)
      .nullish()
      .transform((v) => v ?? null),
    funding: localizedText(2000)
      .nullish()
      .transform((v) => v ?? null),
    medical_advisers: localizedText(2000)
      .nullish()
      .transform((v) => v ?? null),
    evidence_policy: localizedText(2000)
      .nullish()
      .transform((v) => v ?? null),
    status: z.enum(groupStatuses).default('active'),
    accepting_members: z.boolean().default(true),
    capacity: z
      .int()
      .min(1)
      .max(1_000_000)
      .nullish()
      .transform((v) => v ?? null),
    locations: z.array(LocationInput).max(50).default([]),
    service_areas: z.array(ServiceAreaInput).max(100).default([]),
    schedules: z.array(ScheduleInput).max(50).default([]),
    /** When a moderator last checked the listing (HSDS `assured_date` on import). */
    last_checked_at: z.coerce
      .date()
      .nullish()
      .transform((v) => v ?? null),
  })
  .refine((g) => g.min_age === null || g.max_age === null || g.min_age <= g.max_age, {
    path: ['max_age'],
    message: 'must not be below min_age',
  })
  .refine((g) => g.fees.free !== true || g.fees.options.every((o) => o.amount === 0), {
    path: ['fees', 'free'],
    message: 'a free group cannot have a cost option above 0',
  })
  .transform((g) => {
    // Plain strings are in the language the group's name was written in.
    const lang = g.name.original
    const chosen = new Set<Channel>([...g.channels, ...(Object.keys(g.channel_links) as Channel[])])
    if ([...chosen].some((c) => (chatApps as readonly string[]).includes(c))) chosen.add('chat')
    return {
      ...g,
      channels: [...chosen].sort(),
      fees: {
        ...g.fees,
        options: g.fees.options.map((o) => ({
          ...o,
          option: asLocalized(o.option, lang),
          amount_description: asLocalized(o.amount_description, lang),
          waiver: o.waiver || o.waiver_text !== null,
          waiver_text: asLocalized(o.waiver_text, lang),
        })),
      },
      locations: g.locations.map((l) => ({ ...l, name: asLocalized(l.name, lang) })),
      schedules: g.schedules.map((s) => ({ ...s, description: asLocalized(s.description, lang) })),
    }
  })

export type GroupInputRaw = z.input<typeof GroupInput>
export type GroupInputData = z.output<typeof GroupInput>

export const OrganisationInput = z.object({
  id: id.optional(),
  kind: z.enum(organisationKinds).default('other'),
  parent_id: id.nullish().transform((v) => v ?? null),
  name: localizedText(300),
  description: localizedText(10_000)
    .nullish()
    .transform((v) => v ?? null),
  url: url.nullish().transform((v) => v ?? null),
  email: email.nullish().transform((v) => v ?? null),
  identifiers: z
    .array(
      z.object({
        id: z.string().min(1).max(200),
        scheme: optionalText(100),
        type: z.string().trim().min(1).max(100),
        identifier: z.string().trim().min(1).max(100),
      }),
    )
    .max(20)
    .default([]),
})

export type OrganisationInputRaw = z.input<typeof OrganisationInput>
export type OrganisationInputData = z.output<typeof OrganisationInput>

/** zod issues as the contract's `fields`: one message per dotted path. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.') || '_'
    fields[key] ??= issue.message
  }
  return fields
}
