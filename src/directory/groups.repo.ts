import { sql } from 'kysely'
import type { Db } from '#src/platform/db.ts'
import type { Address, CostOption, LocalizedText, Participation } from './directory.tables.ts'

/**
 * A group as it is stored, in one canonical form: children carry ids and come sorted by id, sets
 * are sorted. Saving compares two of these field by field, which is what makes imports idempotent
 * and gives the field history its entries.
 */
export interface StoredGroup {
  id: string
  organisation_id: string
  name: LocalizedText
  description: LocalizedText | null
  url: string | null
  email: string | null
  phone: string | null
  types: string[]
  leadership: string | null
  audience: string[]
  min_age: number | null
  max_age: number | null
  conditions: string[]
  activities: string[]
  participation: Participation
  fees: { free: boolean; options: CostOption[]; description: LocalizedText | null }
  languages: string[]
  channels: string[]
  channel_links: Partial<Record<string, string>>
  accessibility: string[]
  independence: string | null
  industry_funding_pct: number | null
  funding: LocalizedText | null
  medical_advisers: LocalizedText | null
  evidence_policy: LocalizedText | null
  status: string
  accepting_members: boolean
  capacity: number | null
  last_checked_at: string | null
  locations: StoredLocation[]
  service_areas: StoredArea[]
  schedules: StoredSchedule[]
}

export interface StoredLocation {
  id: string
  kind: 'physical' | 'virtual'
  name: LocalizedText | null
  lat: number | null
  lon: number | null
  address: Address | null
  url: string | null
  visibility: 'public' | 'members'
}

export interface StoredArea {
  id: string
  name: string | null
  /** A place code or `worldwide`; null when the name could not be resolved. */
  place: string | null
}

export interface StoredSchedule {
  id: string
  rrule: string
  dtstart: string
  timezone: string
  opens_at: string | null
  closes_at: string | null
  exdates: string[]
  description: LocalizedText | null
  hsds: Record<string, string | number | null>
}

/** What is stored beside the canonical form: derived for search, or kept by the system. */
export interface GroupMeta {
  condition_ids: string[]
  attendance: string | null
  source: string
  last_confirmed_at: Date | null
  verified_at: Date | null
  fresh_since: Date
  /** Set when a moderator took the listing down; it is then out of every public answer. */
  hidden_at: Date | null
  /** How people join (src/membership); `invitation` groups are hidden from the public too. */
  join_policy: string
  created_at: Date
  updated_at: Date
}

export type LoadedGroup = StoredGroup & { meta: GroupMeta }

/** Derived values computed by the service before a write. */
export interface Derived {
  condition_ids: string[]
  attendance: string | null
  placesOfLocation: Map<string, string[]>
  pathOfArea: Map<string, string[]>
}

const json = (value: unknown) => (value === null ? null : JSON.stringify(value))
const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

export async function loadGroups(db: Db, ids: string[]): Promise<Map<string, LoadedGroup>> {
  const result = new Map<string, LoadedGroup>()
  if (ids.length === 0) return result
  const rows = await db.selectFrom('grp').selectAll().where('id', 'in', ids).execute()
  if (rows.length === 0) return result
  const found = rows.map((r) => r.id)
  const [locations, areas, schedules] = await Promise.all([
    db
      .selectFrom('group_location as gl')
      .innerJoin('location as l', 'l.id', 'gl.location_id')
      .select([
        'gl.group_id',
        'l.id',
        'l.kind',
        'l.name',
        'l.lat',
        'l.lon',
        'l.address',
        'l.url',
        'l.visibility',
      ])
      .where('gl.group_id', 'in', found)
      .execute(),
    db.selectFrom('service_area').selectAll().where('group_id', 'in', found).execute(),
    db
      .selectFrom('schedule')
      .select([
        'id',
        'group_id',
        'rrule',
        sql<string>`dtstart::text`.as('dtstart'),
        'timezone',
        sql<string | null>`to_char(opens_at, 'HH24:MI')`.as('opens_at'),
        sql<string | null>`to_char(closes_at, 'HH24:MI')`.as('closes_at'),
        sql<string[]>`exdates::text[]`.as('exdates'),
        'description',
        'hsds',
      ])
      .where('group_id', 'in', found)
      .execute(),
  ])
  for (const r of rows) {
    result.set(r.id, {
      id: r.id,
      organisation_id: r.organisation_id,
      name: r.name,
      description: r.description,
      url: r.url,
      email: r.email,
      phone: r.phone,
      types: r.types,
      leadership: r.leadership,
      audience: r.audience,
      min_age: r.min_age,
      max_age: r.max_age,
      conditions: r.condition_codes,
      activities: r.activities,
      participation: r.participation,
      fees: { free: r.free, options: r.cost_options, description: r.fees_description },
      languages: r.languages,
      channels: r.channels,
      channel_links: r.channel_links,
      accessibility: r.accessibility,
      independence: r.independence,
      industry_funding_pct: r.industry_funding_pct,
      funding: r.funding,
      medical_advisers: r.medical_advisers,
      evidence_policy: r.evidence_policy,
      status: r.status,
      accepting_members: r.accepting_members,
      capacity: r.capacity,
      last_checked_at: r.last_checked_at ? r.last_checked_at.toISOString() : null,
      locations: [],
      service_areas: [],
      schedules: [],
      meta: {
        condition_ids: r.condition_ids,
        attendance: r.attendance,
        source: r.source,
        last_confirmed_at: r.last_confirmed_at,
        verified_at: r.verified_at,
        fresh_since: r.fresh_since,
        hidden_at: r.hidden_at,
        join_policy: r.join_policy,
        created_at: r.created_at,
        updated_at: r.updated_at,
      },
    })
  }
  for (const l of locations) {
    result.get(l.group_id)?.locations.push({
      id: l.id,
      kind: l.kind as StoredLocation['kind'],
      name: l.name,
      lat: l.lat,
      lon: l.lon,
      address: l.address,
      url: l.url,
      visibility: l.visibility as StoredLocation['visibility'],
    })
  }
  for (const a of areas) {
    result.get(a.group_id)?.service_areas.push({ id: a.id, name: a.name, place: a.place_id })
  }
  for (const s of schedules) {
    const { group_id, ...schedule } = s
    result.get(group_id)?.schedules.push({ ...schedule, exdates: schedule.exdates ?? [] })
  }
  for (const g of result.values()) {
    g.locations.sort(byId)
    g.service_areas.sort(byId)
    g.schedules.sort(byId)
  }
  return result
}

export async function loadGroup(db: Db, id: string): Promise<LoadedGroup | undefined> {
  return (await loadGroups(db, [id])).get(id)
}

/** Writes a group and its children; the caller holds the transaction. */
export async function writeGroup(
  trx: Db,
  g: StoredGroup,
  derived: Derived,
  meta: {
    source: string
    now: Date
    isNew: boolean
    /** From an import: the listing's own dates instead of now (creation), or changed trust dates. */
    created_at?: string | null
    updated_at?: string | null
    last_confirmed_at?: string | null
    verified_at?: string | null
  },
): Promise<void> {
  const columns = {
    organisation_id: g.organisation_id,
    name: JSON.stringify(g.name),
    description: json(g.description),
    url: g.url,
    email: g.email,
    phone: g.phone,
    types: g.types,
    leadership: g.leadership,
    audience: g.audience,
    min_age: g.min_age,
    max_age: g.max_age,
    condition_codes: g.conditions,
    condition_ids: derived.condition_ids,
    activities: g.activities,
    participation: JSON.stringify(g.participation),
    free: g.fees.free,
    cost_options: JSON.stringify(g.fees.options),
    fees_description: json(g.fees.description),
    languages: g.languages,
    attendance: derived.attendance,
    channels: g.channels,
    channel_links: JSON.stringify(g.channel_links),
    accessibility: g.accessibility,
    independence: g.independence,
    industry_funding_pct: g.industry_funding_pct,
    funding: json(g.funding),
    medical_advisers: json(g.medical_advisers),
    evidence_policy: json(g.evidence_policy),
    status: g.status,
    accepting_members: g.accepting_members,
    capacity: g.capacity,
    last_checked_at: g.last_checked_at,
    updated_at: meta.now,
  }
  const trust = {
    ...(meta.last_confirmed_at !== undefined ? { last_confirmed_at: meta.last_confirmed_at } : {}),
    ...(meta.verified_at !== undefined ? { verified_at: meta.verified_at } : {}),
  }
  if (meta.isNew) {
    await trx
      .insertInto('grp')
      .values({
        id: g.id,
        ...columns,
        ...trust,
        updated_at: meta.updated_at ?? meta.now,
        source: meta.source,
        created_at: meta.created_at ?? meta.now,
      })
      .execute()
  } else {
    await trx
      .updateTable('grp')
      .set({ ...columns, ...trust })
      .where('id', '=', g.id)
      .execute()
  }

  // Locations belong to the organisation and may be shared by its groups, so they are upserted
  // and only unlinked here; one no group uses any more is removed.
  const before = await trx
    .selectFrom('group_location')
    .select('location_id')
    .where('group_id', '=', g.id)
    .execute()
  for (const l of g.locations) {
    const values = {
      organisation_id: g.organisation_id,
      kind: l.kind,
      name: json(l.name),
      lat: l.lat,
      lon: l.lon,
      address: json(l.address),
      url: l.url,
      visibility: l.visibility,
      place_ids: derived.placesOfLocation.get(l.id) ?? [],
    }
    const written = await trx
      .insertInto('location')
      .values({ id: l.id, ...values })
      .onConflict((oc) =>
        oc
          .column('id')
          .doUpdateSet(values)
          .where('location.organisation_id', '=', g.organisation_id),
      )
      .returning('id')
      .execute()
    if (written.length === 0) throw new LocationOwnedElsewhere(l.id)
  }
  const keep = new Set(g.locations.map((l) => l.id))
  const dropped = before.map((b) => b.location_id).filter((id) => !keep.has(id))
  if (dropped.length) {
    await trx
      .deleteFrom('group_location')
      .where('group_id', '=', g.id)
      .where('location_id', 'in', dropped)
      .execute()
    await trx
      .deleteFrom('location')
      .where('id', 'in', dropped)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('group_location')
              .select('location_id')
              .whereRef('location_id', '=', 'location.id'),
          ),
        ),
      )
      .execute()
  }
  const linked = new Set(before.map((b) => b.location_id))
  const added = g.locations.filter((l) => !linked.has(l.id))
  if (added.length) {
    await trx
      .insertInto('group_location')
      .values(added.map((l) => ({ group_id: g.id, location_id: l.id })))
      .execute()
  }

  await trx.deleteFrom('service_area').where('group_id', '=', g.id).execute()
  if (g.service_areas.length) {
    await trx
      .insertInto('service_area')
      .values(
        g.service_areas.map((a) => ({
          id: a.id,
          group_id: g.id,
          name: a.name,
          place_id: a.place,
          place_path: derived.pathOfArea.get(a.id) ?? [],
        })),
      )
      .execute()
  }

  await trx.deleteFrom('schedule').where('group_id', '=', g.id).execute()
  if (g.schedules.length) {
    await trx
      .insertInto('schedule')
      .values(
        g.schedules.map((s) => ({
          id: s.id,
          group_id: g.id,
          rrule: s.rrule,
          dtstart: s.dtstart,
          timezone: s.timezone,
          opens_at: s.opens_at,
          closes_at: s.closes_at,
          exdates: s.exdates,
          description: json(s.description),
          hsds: JSON.stringify(s.hsds),
        })),
      )
      .execute()
  }
}

export class LocationOwnedElsewhere extends Error {
  readonly locationId: string
  constructor(locationId: string) {
    super(`location ${locationId} belongs to another organisation`)
    this.locationId = locationId
  }
}

/**
 * The condition concepts a set of codes stands for (codes are upper-case, as the schema leaves
 * them); a code may also name a concept directly. Tomoni's own concepts have lower-case ids
 * (`TOMONI:childhood-cancer`), so those are compared without case.
 */
export async function conceptsOfCodes(db: Db, codes: string[]): Promise<string[]> {
  if (codes.length === 0) return []
  const own = codes.filter((c) => c.startsWith('TOMONI:'))
  const rows = await sql<{ id: string }>`
    select condition_id as id from condition_code where code = any(${codes}::text[])
    union
    select id from condition where id = any(${codes}::text[])
    union
    select id from condition
    where cardinality(${own}::text[]) > 0 and id like 'TOMONI:%' and upper(id) = any(${own}::text[])
    order by 1
  `.execute(db)
  return rows.rows.map((r) => r.id)
}
