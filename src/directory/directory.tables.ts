import type { JoinPolicy } from '#src/membership/membership.tables.ts'
import type { ColumnType, Generated } from 'kysely'

/**
 * Text a person wrote, with its translations: `{ original: 'ja', ja: '…', en: '…' }`. `original`
 * names the language it was written in; the other keys are ISO 639-1 codes.
 */
export type LocalizedText = { original: string } & Record<string, string>

/** jsonb columns: written as JSON text, read back as values. */
type Jsonb<T> = ColumnType<T, string, string>
type JsonbOrNull<T> = ColumnType<T | null, string | null, string | null>
type Timestamp = ColumnType<Date, Date | string, Date | string>
type TimestampOrNull = ColumnType<Date | null, Date | string | null, Date | string | null>

export interface Participation {
  diagnosis_required: boolean
  referral_required: boolean
  screening_required: boolean
  /** Null when the group has not said. */
  observers_welcome: boolean | null
  text: LocalizedText | null
}

export interface CostOption {
  id: string
  /** What the cost is for: "Annual membership", "Per meeting". */
  option: LocalizedText | null
  amount: number
  currency: string
  /** What it is paid for: each meeting, a year, a month, once; null when not said. */
  period: 'per_meeting' | 'annual' | 'monthly' | 'one_off' | null
  /** "for materials", "per family". */
  amount_description: LocalizedText | null
  /** Whether the cost can be waived, and how to ask. */
  waiver: boolean
  waiver_text: LocalizedText | null
}

export interface Address {
  address_1: string | null
  address_2: string | null
  city: string | null
  region: string | null
  state_province: string | null
  postal_code: string | null
  /** ISO 3166-1 alpha-2. */
  country: string | null
}

export interface DirectoryTables {
  /** A foundation, patient advocacy group, hospital or alliance: an HSDS organization. */
  organisation: {
    /** The HSDS organization id when imported, a UUID when created here. */
    id: string
    kind: string
    /** The national body this is a chapter of. */
    parent_id: string | null
    name: Jsonb<LocalizedText>
    description: JsonbOrNull<LocalizedText>
    url: string | null
    email: string | null
    /** HSDS organization_identifier rows (charity numbers, tax ids), kept as given. */
    identifiers: Jsonb<{ id: string; scheme: string | null; type: string; identifier: string }[]>
    claimed_at: TimestampOrNull
    verified_at: TimestampOrNull
    verified_by: string | null
    source: string
    created_at: Timestamp
    updated_at: Timestamp
  }
  /** A support group: an HSDS service. `group` is an SQL keyword, hence the name. */
  grp: {
    id: string
    organisation_id: string
    name: Jsonb<LocalizedText>
    description: JsonbOrNull<LocalizedText>
    url: string | null
    email: string | null
    phone: string | null
    types: string[]
    leadership: string | null
    audience: string[]
    min_age: number | null
    max_age: number | null
    /** Condition codes as the group or the import gave them, e.g. `ORPHA:365`. */
    condition_codes: string[]
    /** The condition concepts those codes resolve to, for search. */
    condition_ids: string[]
    activities: string[]
    participation: Jsonb<Participation>
    free: boolean
    cost_options: Jsonb<CostOption[]>
    fees_description: JsonbOrNull<LocalizedText>
    languages: string[]
    /** Derived from the locations: in_person, online or hybrid; null without locations. */
    attendance: string | null
    channels: string[]
    /** A link per channel, by channel code (migration 2026-12-06T2000). */
    channel_links: ColumnType<Record<string, string>, string | undefined, string>
    accessibility: string[]
    independence: string | null
    industry_funding_pct: number | null
    funding: JsonbOrNull<LocalizedText>
    medical_advisers: JsonbOrNull<LocalizedText>
    evidence_policy: JsonbOrNull<LocalizedText>
    status: string
    accepting_members: boolean
    /** How people get in (membership.tables.ts `JoinPolicy`); 'invitation' groups are hidden. */
    join_policy: Generated<JoinPolicy>
    capacity: number | null
    last_confirmed_at: TimestampOrNull
    verified_at: TimestampOrNull
    last_checked_at: TimestampOrNull
    /** The latest of confirmed and checked, else created: what the freshness rule reads. */
    fresh_since: ColumnType<Date, never, never>
    /** When a moderator hid the listing (migration 2026-11-22T1300); null while it is listed. */
    hidden_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>
    source: string
    created_at: Timestamp
    updated_at: Timestamp
  }
  /** A meeting place, physical or virtual; belongs to an organisation, used by its groups. */
  location: {
    id: string
    organisation_id: string
    kind: string
    /** Translatable since migration 2026-12-06T2000. */
    name: JsonbOrNull<LocalizedText>
    lat: number | null
    lon: number | null
    address: JsonbOrNull<Address>
    url: string | null
    /** `members`: the address and link are for members only, never in public answers. */
    visibility: string
    /** The place codes the address lies in, most general first: `JP`, `JP-22`, `JP-221015`. */
    place_ids: string[]
  }
  group_location: {
    group_id: string
    location_id: string
  }
  /** The area a group serves: a place code, `worldwide`, or only a name we could not resolve. */
  service_area: {
    id: string
    group_id: string
    name: string | null
    place_id: string | null
    /** The place and every place containing it, for "serves somewhere inside P" queries. */
    place_path: string[]
  }
  /** A recurring meeting: an RFC 5545 rule in the group's IANA time zone. */
  schedule: {
    id: string
    group_id: string
    /** e.g. `FREQ=MONTHLY;INTERVAL=1;BYDAY=2SA`. */
    rrule: string
    dtstart: ColumnType<string, string, string>
    timezone: string
    opens_at: string | null
    closes_at: string | null
    /** Local dates on which the meeting does not take place. */
    exdates: ColumnType<string[], string[], string[]>
    /** Translatable since migration 2026-12-06T2000. */
    description: JsonbOrNull<LocalizedText>
    /** HSDS schedule fields Tomoni does not model (valid_from, notes, …), kept for export. */
    hsds: Jsonb<Record<string, string | number | null>>
  }
  /** An organisation admin's invitation to a colleague (migration 2026-12-06T2000). */
  organisation_invitation: {
    id: Generated<string>
    organisation_id: string
    /** The address invited; only a person whose confirmed address it is may accept. */
    email: string
    role: 'admin' | 'staff'
    /** SHA-256 of the token mailed in the link; the token itself is not kept. */
    token_hash: string
    invited_by: string | null
    created_at: Timestamp
    expires_at: Timestamp
    accepted_at: TimestampOrNull
    accepted_by: string | null
    revoked_at: TimestampOrNull
  }
  /** Who changed what and when, for organisations and groups. */
  field_history: {
    id: Generated<string>
    entity: string
    entity_id: string
    field: string
    old: JsonbOrNull<unknown>
    new: JsonbOrNull<unknown>
    actor: string
    at: Timestamp
  }
}
