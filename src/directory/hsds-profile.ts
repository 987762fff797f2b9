import crypto from 'node:crypto'
import type { LocalizedText } from './directory.tables.ts'
import {
  accessibilityFeatures,
  activities,
  audiences,
  channels,
  conditionCodePattern,
  feePeriods,
  groupTypes,
  independenceKinds,
  leaderships,
  organisationKinds,
  sources,
} from './groups.schema.ts'

/**
 * The Tomoni profile of HSDS 3.0: the taxonomies whose terms carry, as `attribute` rows, what HSDS
 * has no field for. The contract names the first six; the rest are added beside them (decision
 * 021). An attribute's taxonomy is its key, the term's `code` its value; where a fact needs more
 * than a code, the attribute's `value` holds it, and for texts its `link_type` names the field.
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

export function str(value: unknown): string | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'string') return value.trim() === '' ? null : value.trim()
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return null
}

/** A number from JSON or CSV text: null when empty, undefined when not a number. */
export function num(value: unknown): number | null | undefined {
  const text = str(value)
  if (text === null) return null
  const n = Number(text)
  return Number.isFinite(n) ? n : undefined
}

export const list = (value: unknown): Hsds[] =>
  Array.isArray(value) ? value.filter((v): v is Hsds => !!v && typeof v === 'object') : []

/** What an attribute's `value` must hold, for the taxonomies that use it. */
type ValueKind = 'text' | 'integer' | 'date' | 'datetime'

interface Taxonomy {
  name: string
  description: string
  /** Allowed codes, or the pattern codes must match. */
  codes: readonly string[] | RegExp
  /** HSDS `link_type` written on export; for texts, the field's name is written instead. */
  linkType: string
  value?: ValueKind
}

const languageCode = /^[a-z]{2,3}$/
const placeCode = /^(worldwide|[A-Z]{2}(-[A-Z0-9]{1,8})?)$/

/** The contract's six, then the ones added beside them for what else a listing needs. */
export const taxonomies = {
  condition: {
    name: 'tomoni:condition',
    description:
      'Condition (disease, disorder or situation) the group is about; term code is a prefixed code (NANDO:, MONDO:, ORPHA:, ICD10:, ICD10CM:, DOID:)',
    codes: conditionCodePattern,
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
    description:
      'How members meet and talk; a named messaging app (line, whatsapp, …) comes with chat as well',
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
    description:
      'Who may see the meeting place: members only (its name, street, postcode, coordinates and link are then left out of every public answer and export)',
    codes: ['members'],
    linkType: 'visibility',
  },
  text: {
    name: 'tomoni:text',
    description:
      'A text in one language: link_type names the field (name, description, eligibility_description, fees_description, funding, medical_advisers, evidence_policy, option, amount_description, waiver_text), the term code is the language, value the text',
    codes: languageCode,
    linkType: 'text',
    value: 'text',
  },
  originalLanguage: {
    name: 'tomoni:original-language',
    description:
      'The language a text was written in (the others are translations): link_type names the field, the term code is the language',
    codes: languageCode,
    linkType: 'original_language',
  },
  measure: {
    name: 'tomoni:measure',
    description:
      'A number about the group, in value: capacity (how many can take part), industry_funding_pct (share of funding from industry, 0–100)',
    codes: ['capacity', 'industry_funding_pct'],
    linkType: 'measure',
    value: 'integer',
  },
  date: {
    name: 'tomoni:date',
    description:
      'A date in value: created, confirmed (by the group), checked and verified (by a moderator), claimed (by the organisation), exception (a day a schedule does not meet)',
    codes: ['created', 'confirmed', 'checked', 'verified', 'claimed', 'exception'],
    linkType: 'date',
    value: 'datetime',
  },
  source: {
    name: 'tomoni:source',
    description:
      'Where the listing came from: tomoni (written there), hsds_import, public_register (unverified register data)',
    codes: sources,
    linkType: 'source',
  },
  channelLink: {
    name: 'tomoni:channel-link',
    description:
      'Where to find a channel (a chat group’s invitation, a forum): the term code is the channel, value the link',
    codes: channels,
    linkType: 'channel_link',
    value: 'text',
  },
  fees: {
    name: 'tomoni:fees',
    description:
      'Whether joining and taking part cost nothing (free) or not (not_free), also where the cost options do not say',
    codes: ['free', 'not_free'],
    linkType: 'fees',
  },
  feePeriod: {
    name: 'tomoni:fee-period',
    description: 'What a cost option is paid for (on cost_option)',
    codes: feePeriods,
    linkType: 'fee_period',
  },
  feeWaiver: {
    name: 'tomoni:fee-waiver',
    description:
      'The cost can be waived for those who cannot pay (on cost_option); how to ask is the waiver_text text',
    codes: ['available'],
    linkType: 'fee_waiver',
  },
  recurrence: {
    name: 'tomoni:recurrence',
    description:
      'The whole RFC 5545 rule of a schedule in value (on schedule), for the parts HSDS has no field for (BYMONTH)',
    codes: ['rrule'],
    linkType: 'recurrence',
    value: 'text',
  },
  place: {
    name: 'tomoni:place',
    description:
      'The place a service area is (on service_area): an ISO 3166 code such as JP-12, or worldwide',
    codes: placeCode,
    linkType: 'place',
  },
} satisfies Record<string, Taxonomy>

export type TaxonomyKey = keyof typeof taxonomies
const keyByName = new Map<string, TaxonomyKey>(
  (Object.keys(taxonomies) as TaxonomyKey[]).map((k) => [taxonomies[k].name, k]),
)

/** A UUID derived from its parts, so that an export writes the same ids every time (RFC 4122 v5 layout). */
export function stableId(...parts: string[]): string {
  const hash = crypto.createHash('sha1').update(parts.join('\u0000')).digest()
  hash[6] = (hash[6]! & 0x0f) | 0x50
  hash[8] = (hash[8]! & 0x3f) | 0x80
  const hex = hash.subarray(0, 16).toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

export const allowedCodes = (key: TaxonomyKey): readonly string[] | null => {
  const codes = (taxonomies[key] as Taxonomy).codes
  return Array.isArray(codes) ? codes : null
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

export type LinkEntity =
  'service' | 'organization' | 'location' | 'schedule' | 'cost_option' | 'service_area'

/**
 * An attribute linking an object to a term. `field` (texts) and `value` make the attribute's id
 * their own, so that a term used twice on one object gives two attributes; without them the id is
 * what earlier exports wrote.
 */
export function attribute(
  linkEntity: LinkEntity,
  linkId: string,
  key: TaxonomyKey,
  code: string,
  options: { name?: string; field?: string; value?: string } = {},
) {
  const t: Taxonomy = taxonomies[key]
  const detail = taxonomyToHsds(key)
  const termId = stableId('taxonomy_term', t.name, code)
  const extra = [options.field, options.field === undefined ? options.value : undefined].filter(
    (p): p is string => p !== undefined,
  )
  return {
    id: stableId('attribute', linkEntity, linkId, t.name, code, ...extra),
    link_id: linkId,
    link_type: options.field ?? t.linkType,
    link_entity: linkEntity,
    taxonomy_term_id: termId,
    value: options.value ?? code,
    taxonomy_term: {
      id: termId,
      code,
      name: options.name ?? code,
      description: `${t.name} ${code}`,
      taxonomy: t.name,
      taxonomy_id: detail.id,
      taxonomy_detail: detail,
    },
  }
}

export type HsdsAttribute = ReturnType<typeof attribute>

export interface ReadAttribute {
  code: string
  /** The attribute's `link_type`: for texts, the field. */
  linkType: string | null
  value: string | null
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

function valueProblem(kind: ValueKind | undefined, value: string | null): string | null {
  if (!kind) return null
  if (value === null) return 'needs a value'
  if (kind === 'integer' && !/^-?\d+$/.test(value)) return `value "${value}" is not a whole number`
  if ((kind === 'date' || kind === 'datetime') && Number.isNaN(Date.parse(value))) {
    return `value "${value}" is not a date`
  }
  return null
}

/** The profile's attributes on an object; bad codes and values become rejections. */
export function readAttributes(owner: Hsds, rejections: Rejection[]) {
  const found = new Map<TaxonomyKey, ReadAttribute[]>()
  for (const a of list(owner.attributes)) {
    const { taxonomy, code } = termOf(a)
    const key = taxonomy ? keyByName.get(taxonomy) : undefined
    if (!key) continue // Other taxonomies are welcome in HSDS; Tomoni does not use them.
    const spec: Taxonomy = taxonomies[key]
    const value = key === 'condition' ? code?.toUpperCase() : code
    const valid =
      !!value &&
      (Array.isArray(spec.codes) ? spec.codes.includes(value) : (spec.codes as RegExp).test(value))
    if (!valid) {
      rejections.push(rejection('attribute', a, `${spec.name}: unknown code "${code ?? ''}"`))
      continue
    }
    const attributeValue = spec.value ? str(a.value) : null
    const problem = valueProblem(spec.value, attributeValue)
    if (problem) {
      rejections.push(rejection('attribute', a, `${spec.name} ${value}: ${problem}`))
      continue
    }
    found.set(key, [
      ...(found.get(key) ?? []),
      { code: value, linkType: str(a.link_type), value: attributeValue },
    ])
  }
  return {
    codes: (key: TaxonomyKey) => (found.get(key) ?? []).map((a) => a.code),
    all: (key: TaxonomyKey) => found.get(key) ?? [],
    value: (key: TaxonomyKey, code: string) =>
      (found.get(key) ?? []).find((a) => a.code === code)?.value ?? null,
  }
}

export type Attributes = ReturnType<typeof readAttributes>

// ---------------------------------------------------------------------------------------------
// Texts and their translations

const japanese = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]/

/** The language a text is in: Japanese when it has kana or kanji, else the group's other language. */
export function languageOf(text: string, languages: string[]): string {
  if (japanese.test(text)) return 'ja'
  return languages.find((l) => l !== 'ja') ?? 'en'
}

/** A plain HSDS text, its language guessed from its script. */
export function guessed(value: unknown, languages: string[]): LocalizedText | null {
  const text = str(value)
  if (!text) return null
  const lang = languageOf(text, languages)
  return { original: lang, [lang]: text }
}

/** The text in the language it was written in, for the HSDS field. */
export function original(text: LocalizedText | null): string | null {
  return text ? (text[text.original] ?? null) : null
}

/** One translation, Japanese or English first, for `alternate_name`. */
export function translation(text: LocalizedText | null): string | null {
  if (!text) return null
  const other = Object.keys(text)
    .filter((k) => k !== 'original' && k !== text.original)
    .sort((a, b) =>
      a === 'ja' || a === 'en' ? -1 : b === 'ja' || b === 'en' ? 1 : a < b ? -1 : 1,
    )[0]
  return other ? (text[other] ?? null) : null
}

/**
 * The attributes that carry a text losslessly: which language is the original, and every language
 * the HSDS field does not hold (with `inField`, the field holds the original).
 */
export function textAttributes(
  entity: LinkEntity,
  id: string,
  field: string,
  text: LocalizedText | null,
  inField: boolean,
): HsdsAttribute[] {
  if (!text) return []
  const out = [attribute(entity, id, 'originalLanguage', text.original, { field })]
  for (const lang of Object.keys(text).sort()) {
    if (lang === 'original' || (inField && lang === text.original)) continue
    out.push(attribute(entity, id, 'text', lang, { field, value: text[lang]! }))
  }
  return out
}

/**
 * A text back from HSDS. With the profile's marks, the field is the original and `tomoni:text`
 * attributes are the other languages; without them (plain HSDS), `fallback` is the text as guessed.
 */
export function textFromHsds(
  attrs: Attributes,
  field: string,
  fieldValue: unknown,
  fallback: LocalizedText | null,
): LocalizedText | null {
  const marked = attrs.all('originalLanguage').find((a) => a.linkType === field)?.code
  const texts = attrs.all('text').filter((a) => a.linkType === field)
  if (!marked) {
    if (!fallback && texts.length === 0) return null
    const out: Record<string, string> = { ...(fallback ?? {}) }
    for (const t of texts) if (t.value) out[t.code] ??= t.value
    const lang = fallback?.original ?? texts[0]!.code
    return { ...out, original: lang }
  }
  const out: Record<string, string> = {}
  const value = str(fieldValue)
  if (value) out[marked] = value
  for (const t of texts) if (t.value) out[t.code] ??= t.value
  if (!out[marked]) return fallback
  return { ...out, original: marked }
}
