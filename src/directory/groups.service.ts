import crypto from 'node:crypto'
import { sql } from 'kysely'
import type { z } from '@hono/zod-openapi'
import type { Actor } from '#src/access/actor.ts'
import { appendAudit, organisationScope } from '#src/audit/audit.ts'
import {
  canModerate,
  decideOrganisationManager,
  requireGroupListingManager,
  requireListingConfirmer,
  requireOrganisationCreator,
  requireOrganisationManager,
  secondFactorRequired,
} from '#src/access/policies.ts'
import type { Db } from '#src/platform/db.ts'
import type { Deps } from '#src/platform/deps.ts'
import { AppError, notFound } from '#src/platform/errors.ts'
import type { LocalizedText } from './directory.tables.ts'
import { freshnessCutoffs, freshnessOf, type Freshness } from './freshness.ts'
import {
  GroupInput,
  OrganisationInput,
  fieldErrors,
  type GroupInputData,
  type GroupInputRaw,
  type OrganisationInputData,
  type OrganisationInputRaw,
} from './groups.schema.ts'
import {
  LocationOwnedElsewhere,
  conceptsOfCodes,
  loadGroup,
  loadGroups,
  writeGroup,
  type Derived,
  type LoadedGroup,
  type StoredGroup,
} from './groups.repo.ts'
import { placeResolver, type PlaceResolver } from './places.ts'
import { nextMeetingOf } from './schedule.ts'
import { meetingSchedules, mergeSchedules } from '#src/meetings/public-schedule.ts'

export type Source = 'hsds_import' | 'tomoni' | 'public_register'
export type SaveResult = 'created' | 'updated' | 'unchanged'
type ServiceDeps = Pick<Deps, 'db' | 'clock'>
/** Writes also record people's changes in the audit log, which is keyed. */
type WriteDeps = Pick<Deps, 'db' | 'clock' | 'secrets'>

/**
 * Dates and provenance an import brings for a listing (the Tomoni profile of HSDS carries them).
 * Only the importer passes these; no form or API input can set them.
 */
export interface ImportedMeta {
  created_at?: string | null
  updated_at?: string | null
  last_confirmed_at?: string | null
  verified_at?: string | null
  claimed_at?: string | null
}

const mayCheck = (actor: Actor) => canModerate(actor)

/** A moderator's check is theirs to record: the organisation's staff cannot set or change it. */
function assertCheckUnchanged(actor: Actor, before: string | null, after: string | null) {
  if (before === after || mayCheck(actor)) return
  throw new AppError('invalid_input', 'Some of the input is not valid.', {
    fields: { last_checked_at: 'is recorded by moderators only' },
  })
}

const iso = (value: string | Date | null | undefined) =>
  value === null || value === undefined ? null : new Date(value).toISOString()

const actorLabel = (actor: Actor) =>
  actor.kind === 'user' ? `user:${actor.userId}` : actor.kind === 'system' ? 'system' : 'anonymous'

export function parseInput<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const result = schema.safeParse(raw)
  if (!result.success) {
    throw new AppError('invalid_input', 'Some of the input is not valid.', {
      fields: fieldErrors(result.error),
    })
  }
  return result.data
}

/** Database refusals that input can cause become the contract's errors, never a 500. */
function translateDbError(error: unknown): never {
  if (error instanceof LocationOwnedElsewhere) {
    throw new AppError(
      'conflict',
      'A meeting place with this id belongs to another organisation.',
      {
        fields: { locations: `location ${error.locationId} belongs to another organisation` },
      },
    )
  }
  const code = (error as { code?: string } | null)?.code
  if (code === '23505') throw new AppError('conflict', 'An item with this id exists elsewhere.')
  if (code === '23503') throw new AppError('invalid_input', 'A referenced item does not exist.')
  if (code === '23514') {
    throw new AppError('invalid_input', 'The database refused a value as out of range.')
  }
  throw error
}

// ---------------------------------------------------------------------------------------------
// History

/** JSON with object keys sorted: jsonb gives keys back in its own order, not the writer's. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  )
}

/** Field names whose values differ (children and sets are in canonical order on both sides). */
function changedFields<T extends object>(before: T, after: T): (keyof T & string)[] {
  const keys = Object.keys(after) as (keyof T & string)[]
  return keys.filter((k) => canonicalJson(before[k]) !== canonicalJson(after[k]))
}

type Change = { field: string; old: unknown; new: unknown }

const fieldChanges = <T extends object>(before: T, after: T): Change[] =>
  changedFields(before, after).map((field) => ({ field, old: before[field], new: after[field] }))

/** The dates an import changes (those it says nothing of stay), with their history entries. */
function importedChanges<F extends keyof ImportedMeta>(
  imported: ImportedMeta | undefined,
  fields: readonly F[],
  current: (field: F) => string | null | undefined,
) {
  const set: Partial<Record<F, string | null>> = {}
  const changes: Change[] = []
  for (const field of fields) {
    if (imported?.[field] === undefined) continue
    const value = iso(imported[field])
    const old = current(field) ?? null
    if (value === old) continue
    set[field] = value
    changes.push({ field, old, new: value })
  }
  return { set, changes }
}

async function writeHistory(
  trx: Db,
  entity: 'organisation' | 'group',
  entityId: string,
  changes: { field: string; old: unknown; new: unknown }[],
  actor: Actor,
  at: Date,
) {
  if (changes.length === 0) return
  await trx
    .insertInto('field_history')
    .values(
      changes.map((c) => ({
        entity,
        entity_id: entityId,
        field: c.field,
        old: c.old === undefined ? null : JSON.stringify(c.old),
        new: c.new === undefined ? null : JSON.stringify(c.new),
        actor: actorLabel(actor),
        at,
      })),
    )
    .execute()
}

/** Who changed what in a listing, for the organisation's managers. */
/**
 * A person's change to a listing also goes to its organisation's audit log, naming the fields
 * (their values are in the field history). Imports and the operator's commands are recorded in
 * the field history only: an import touches thousands of listings, and says so itself.
 */
async function auditListing(
  deps: WriteDeps,
  trx: Db,
  actor: Actor,
  entry: {
    action: 'listing_changed' | 'listing_confirmed'
    entity: 'organisation' | 'group'
    entityId: string
    organisationId: string
    fields?: string[]
  },
) {
  if (actor.kind !== 'user') return
  await appendAudit(
    deps,
    {
      actorId: actor.userId,
      action: entry.action,
      subjectType: entry.entity,
      subjectId: entry.entityId,
      scope: organisationScope(entry.organisationId),
      details: entry.fields ? { fields: entry.fields } : {},
    },
    trx,
  )
}

export async function fieldHistory(
  deps: Pick<Deps, 'db'>,
  actor: Actor,
  entity: 'organisation' | 'group',
  id: string,
) {
  if (entity === 'organisation') requireOrganisationManager(actor, id)
  else await requireGroupListingManager(deps.db, actor, id)
  return deps.db
    .selectFrom('field_history')
    .select(['field', 'old', 'new', 'actor', 'at'])
    .where('entity', '=', entity)
    .where('entity_id', '=', id)
    .orderBy('id')
    .execute()
}

/** The history with the display names of the people who made each change. */
export async function historyWithNames(
  deps: Pick<Deps, 'db'>,
  actor: Actor,
  entity: 'organisation' | 'group',
  id: string,
) {
  const rows = await fieldHistory(deps, actor, entity, id)
  const ids = [
    ...new Set(rows.map((r) => /^user:(.+)$/.exec(r.actor)?.[1]).filter((u): u is string => !!u)),
  ]
  const names = new Map<string, string | null>()
  if (ids.length) {
    const users = await deps.db
      .selectFrom('app_user')
      .select(['id', 'display_name'])
      .where('id', 'in', ids)
      .execute()
    for (const u of users) names.set(u.id, u.display_name)
  }
  return rows.map((r) => ({
    field: r.field,
    old: r.old,
    new: r.new,
    actor: r.actor,
    actor_name: names.get(r.actor.replace(/^user:/, '')) ?? null,
    at: r.at.toISOString(),
  }))
}

export type HistoryEntry = Awaited<ReturnType<typeof historyWithNames>>[number]

// ---------------------------------------------------------------------------------------------
// Organisations

type StoredOrganisation = Required<Omit<OrganisationInputData, 'id'>> & {
  id: string
  /** Kept beside the canonical form: set by claims and moderators, compared only on import. */
  claimed_at?: string | null
  verified_at?: string | null
}

function toStoredOrganisation(input: OrganisationInputData, id: string): StoredOrganisation {
  return {
    id,
    kind: input.kind,
    parent_id: input.parent_id,
    name: input.name,
    description: input.description,
    url: input.url,
    email: input.email,
    identifiers: [...input.identifiers].sort((a, b) => (a.id < b.id ? -1 : 1)),
  }
}

async function loadStoredOrganisation(db: Db, id: string): Promise<StoredOrganisation | undefined> {
  const row = await db
    .selectFrom('organisation')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst()
  if (!row) return undefined
  return {
    id: row.id,
    kind: row.kind as StoredOrganisation['kind'],
    parent_id: row.parent_id,
    name: row.name,
    description: row.description,
    url: row.url,
    email: row.email,
    identifiers: row.identifiers.map((i) => ({ ...i, scheme: i.scheme ?? null })),
    claimed_at: iso(row.claimed_at),
    verified_at: iso(row.verified_at),
  }
}

/**
 * Creates the organisation, or brings it up to date when it exists: the one write path for the
 * form, the API and the importers, so that every change lands in the field history.
 */
export async function saveOrganisation(
  deps: WriteDeps,
  actor: Actor,
  raw: OrganisationInputRaw,
  options: { source: Source; mode?: 'create' | 'update' | 'upsert'; imported?: ImportedMeta },
): Promise<{ id: string; result: SaveResult }> {
  const input = parseInput(OrganisationInput, raw)
  const mode = options.mode ?? 'upsert'
  const id = input.id ?? crypto.randomUUID()
  const now = deps.clock.now()
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const existing = await loadStoredOrganisation(trx, id)
      if (existing) {
        requireOrganisationManager(actor, id)
        if (mode === 'create')
          throw new AppError('conflict', 'An organisation with this id exists.')
      } else {
        requireOrganisationCreator(actor)
        if (mode === 'update') throw notFound('No such organisation.')
      }
      if (input.parent_id) {
        const parent = await trx
          .selectFrom('organisation')
          .select('id')
          .where('id', '=', input.parent_id)
          .executeTakeFirst()
        if (!parent || input.parent_id === id) {
          throw new AppError('invalid_input', 'Some of the input is not valid.', {
            fields: { parent_id: 'no such organisation' },
          })
        }
      }
      const stored = toStoredOrganisation(input, id)
      const columns = {
        kind: stored.kind,
        parent_id: stored.parent_id,
        name: JSON.stringify(stored.name),
        description: stored.description ? JSON.stringify(stored.description) : null,
        url: stored.url,
        email: stored.email,
        identifiers: JSON.stringify(stored.identifiers),
        updated_at: now,
      }
      const imported = options.imported
      if (!existing) {
        await trx
          .insertInto('organisation')
          .values({
            id,
            ...columns,
            source: options.source,
            claimed_at: iso(imported?.claimed_at),
            verified_at: iso(imported?.verified_at),
            created_at: iso(imported?.created_at) ?? now,
            updated_at: iso(imported?.updated_at) ?? now,
          })
          .execute()
        return { id, result: 'created' as const }
      }
      const trust = importedChanges(imported, ['claimed_at', 'verified_at'], (f) => existing[f])
      const changes = [...fieldChanges(existing, stored), ...trust.changes]
      if (changes.length === 0) return { id, result: 'unchanged' as const }
      await trx
        .updateTable('organisation')
        .set({ ...columns, ...trust.set })
        .where('id', '=', id)
        .execute()
      await writeHistory(trx, 'organisation', id, changes, actor, now)
      await auditListing(deps, trx, actor, {
        action: 'listing_changed',
        entity: 'organisation',
        entityId: id,
        organisationId: id,
        fields: changes.map((c) => c.field),
      })
      return { id, result: 'updated' as const }
    })
  } catch (error) {
    if (error instanceof AppError) throw error
    translateDbError(error)
  }
}

/** Saying "we are a chapter of X" is X's to say: its managers (or a moderator). */
export function checkParentOrganisation(actor: Actor, parentId: string): void {
  const decision = decideOrganisationManager(actor, parentId)
  if (decision === 'second_factor_required') throw secondFactorRequired()
  if (decision === 'deny') {
    throw new AppError('invalid_input', 'Some of the input is not valid.', {
      fields: { parent_id: 'only the parent organisation’s staff can add a chapter to it' },
    })
  }
}

export async function updateOrganisation(
  deps: WriteDeps,
  actor: Actor,
  id: string,
  patch: Partial<OrganisationInputRaw>,
) {
  requireOrganisationManager(actor, id)
  const existing = await loadStoredOrganisation(deps.db, id)
  if (!existing) throw notFound('No such organisation.')
  if (typeof patch.parent_id === 'string' && patch.parent_id !== existing.parent_id) {
    checkParentOrganisation(actor, patch.parent_id)
  }
  return saveOrganisation(
    deps,
    actor,
    { ...existing, ...patch, id },
    { source: 'tomoni', mode: 'update' },
  )
}

// ---------------------------------------------------------------------------------------------
// Groups

const attendanceOf = (kinds: string[]) => {
  const physical = kinds.includes('physical')
  const virtual = kinds.includes('virtual')
  return physical && virtual ? 'hybrid' : physical ? 'in_person' : virtual ? 'online' : null
}

const sortById = <T extends { id: string }>(list: T[]) =>
  [...list].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))

/** The canonical stored form of validated input, with ids given to new children. */
async function toStoredGroup(
  input: GroupInputData,
  id: string,
  places: PlaceResolver,
): Promise<StoredGroup> {
  const options = input.fees.options.map((o) => ({
    id: o.id ?? crypto.randomUUID(),
    option: o.option,
    amount: o.amount,
    currency: o.currency,
    period: o.period,
    amount_description: o.amount_description,
    waiver: o.waiver,
    waiver_text: o.waiver_text,
  }))
  const areas = []
  for (const a of input.service_areas) {
    const resolved = await places.area(a.name, a.place)
    // A name that is only the code says nothing the code does not.
    const name =
      a.name && resolved.place_id && a.name.toUpperCase() === resolved.place_id.toUpperCase()
        ? null
        : a.name
    areas.push({ id: a.id ?? crypto.randomUUID(), name, place: resolved.place_id })
  }
  return {
    id,
    organisation_id: input.organisation_id,
    name: input.name,
    description: input.description,
    url: input.url,
    email: input.email,
    phone: input.phone,
    types: input.types,
    leadership: input.leadership,
    audience: input.audience,
    min_age: input.min_age,
    max_age: input.max_age,
    conditions: input.conditions,
    activities: input.activities,
    participation: input.participation,
    fees: {
      free: input.fees.free ?? (options.length > 0 && options.every((o) => o.amount === 0)),
      options: sortById(options),
      description: input.fees.description,
    },
    languages: input.languages,
    channels: input.channels,
    channel_links: input.channel_links,
    accessibility: input.accessibility,
    independence: input.independence,
    industry_funding_pct: input.industry_funding_pct,
    funding: input.funding,
    medical_advisers: input.medical_advisers,
    evidence_policy: input.evidence_policy,
    status: input.status,
    accepting_members: input.accepting_members,
    capacity: input.capacity,
    last_checked_at: input.last_checked_at ? input.last_checked_at.toISOString() : null,
    locations: sortById(
      input.locations.map((l) => ({
        id: l.id ?? crypto.randomUUID(),
        kind: l.kind,
        name: l.name,
        lat: l.lat,
        lon: l.lon,
        address: l.address,
        url: l.url,
        visibility: l.visibility,
      })),
    ),
    service_areas: sortById(areas),
    schedules: sortById(
      input.schedules.map((s) => ({
        id: s.id ?? crypto.randomUUID(),
        rrule: s.rrule,
        dtstart: s.dtstart,
        timezone: s.timezone,
        opens_at: s.opens_at,
        closes_at: s.closes_at,
        exdates: s.exdates,
        description: s.description,
        hsds: s.hsds,
      })),
    ),
  }
}

async function derive(db: Db, g: StoredGroup, places: PlaceResolver): Promise<Derived> {
  const placesOfLocation = new Map<string, string[]>()
  for (const l of g.locations) {
    placesOfLocation.set(l.id, l.kind === 'physical' ? await places.placesOfAddress(l.address) : [])
  }
  const pathOfArea = new Map<string, string[]>()
  for (const a of g.service_areas) {
    pathOfArea.set(a.id, a.place ? (await places.area(null, a.place)).place_path : [])
  }
  return {
    condition_ids: await conceptsOfCodes(db, g.conditions),
    attendance: attendanceOf(g.locations.map((l) => l.kind)),
    placesOfLocation,
    pathOfArea,
  }
}

const withoutMeta = ({ meta: _meta, ...group }: LoadedGroup): StoredGroup => group

/**
 * Creates the group, or brings it up to date when it exists, in one transaction: every field is
 * checked first, so nothing is saved unless all of it is. Changed fields go to the history.
 */
export async function saveGroup(
  deps: WriteDeps,
  actor: Actor,
  raw: GroupInputRaw,
  options: {
    source: Source
    mode?: 'create' | 'update' | 'upsert'
    places?: PlaceResolver
    imported?: ImportedMeta
  },
): Promise<{ id: string; result: SaveResult }> {
  // The organisation named decides who may write; asked before anything else is looked at.
  if (typeof raw.organisation_id === 'string')
    requireOrganisationManager(actor, raw.organisation_id)
  const input = parseInput(GroupInput, raw)
  requireOrganisationManager(actor, input.organisation_id)
  const mode = options.mode ?? 'upsert'
  const id = input.id ?? crypto.randomUUID()
  const now = deps.clock.now()
  const places = options.places ?? placeResolver(deps.db)
  // Resolving places and conditions only reads reference data, so it happens before the
  // transaction (on the embedded database a transaction holds its only connection).
  const stored = await toStoredGroup(input, id, places)
  const derived = await derive(deps.db, stored, places)
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const organisation = await trx
        .selectFrom('organisation')
        .select('id')
        .where('id', '=', input.organisation_id)
        .executeTakeFirst()
      if (!organisation) {
        throw new AppError('invalid_input', 'Some of the input is not valid.', {
          fields: { organisation_id: 'no such organisation' },
        })
      }
      // Lock the row, so that two writers of one group take turns and both land in the history.
      await sql`select 1 from grp where id = ${id} for update`.execute(trx)
      const loaded = await loadGroup(trx, id)
      if (loaded && mode === 'create')
        throw new AppError('conflict', 'A group with this id exists.')
      if (!loaded && mode === 'update') throw notFound('No such group.')
      if (loaded && loaded.organisation_id !== input.organisation_id) {
        requireOrganisationManager(actor, loaded.organisation_id)
      }
      assertCheckUnchanged(actor, loaded?.last_checked_at ?? null, stored.last_checked_at)
      const imported = options.imported
      if (!loaded) {
        await writeGroup(trx, stored, derived, {
          source: options.source,
          now,
          isNew: true,
          created_at: iso(imported?.created_at),
          updated_at: iso(imported?.updated_at),
          last_confirmed_at: iso(imported?.last_confirmed_at),
          verified_at: iso(imported?.verified_at),
        })
        return { id, result: 'created' as const }
      }
      const before = withoutMeta(loaded)
      const trust = importedChanges(imported, ['last_confirmed_at', 'verified_at'], (f) =>
        iso(loaded.meta[f]),
      )
      const changes = [...fieldChanges(before, stored), ...trust.changes]
      if (changes.length === 0) return { id, result: 'unchanged' as const }
      await writeGroup(trx, stored, derived, {
        source: loaded.meta.source,
        now,
        isNew: false,
        ...trust.set,
      })
      await writeHistory(trx, 'group', id, changes, actor, now)
      await auditListing(deps, trx, actor, {
        action: 'listing_changed',
        entity: 'group',
        entityId: id,
        organisationId: stored.organisation_id,
        fields: changes.map((c) => c.field),
      })
      return { id, result: 'updated' as const }
    })
  } catch (error) {
    if (error instanceof AppError) throw error
    translateDbError(error)
  }
}

export const createGroup = (deps: WriteDeps, actor: Actor, raw: GroupInputRaw) =>
  saveGroup(deps, actor, raw, { source: 'tomoni', mode: 'create' })

/** Changes some fields of a group; the rest stay as they are. */
export async function updateGroup(
  deps: WriteDeps,
  actor: Actor,
  id: string,
  patch: Partial<GroupInputRaw>,
) {
  await requireGroupListingManager(deps.db, actor, id)
  const loaded = await loadGroup(deps.db, id)
  if (!loaded) throw notFound('No such group.')
  // The stored form is valid input by construction; the merged whole is validated again.
  const merged = { ...withoutMeta(loaded), ...patch, id } as GroupInputRaw
  return saveGroup(deps, actor, merged, { source: 'tomoni', mode: 'update' })
}

/**
 * "This listing is still right": one click for the organisation, and the listing is fresh again.
 * `proof.mailedLink` only from the checked link of a reminder mail (see requireListingConfirmer).
 */
export async function confirmGroup(
  deps: WriteDeps,
  actor: Actor,
  id: string,
  proof: { mailedLink: boolean } = { mailedLink: false },
) {
  await requireListingConfirmer(deps.db, actor, id, proof)
  const loaded = await loadGroup(deps.db, id)
  if (!loaded) throw notFound('No such group.')
  const now = deps.clock.now()
  await deps.db.transaction().execute(async (trx) => {
    await trx.updateTable('grp').set({ last_confirmed_at: now }).where('id', '=', id).execute()
    await writeHistory(
      trx,
      'group',
      id,
      [
        {
          field: 'last_confirmed_at',
          old: loaded.meta.last_confirmed_at?.toISOString() ?? null,
          new: now.toISOString(),
        },
      ],
      actor,
      now,
    )
    await auditListing(deps, trx, actor, {
      action: 'listing_confirmed',
      entity: 'group',
      entityId: id,
      organisationId: loaded.organisation_id,
    })
  })
}

// ---------------------------------------------------------------------------------------------
// The public profile

export type Locale = 'ja' | 'en'

/** The text in the reader's language, else in the language it was written in. */
export const textIn = (text: LocalizedText | null, locale: string): string | null =>
  text ? (text[locale] ?? text[text.original] ?? null) : null

/** Whether the public may see a group at all: closed and long-unconfirmed ones are not listed. */
export function isPublic(
  meta: Pick<LoadedGroup, 'status'> & {
    meta: { fresh_since: Date; hidden_at?: Date | null; join_policy?: string }
  },
  now: Date,
) {
  return (
    meta.status !== 'closed' &&
    !meta.meta.hidden_at &&
    meta.meta.join_policy !== 'invitation' &&
    freshnessOf(meta.meta.fresh_since, now) !== 'hidden'
  )
}

export interface ConditionRef {
  code: string
  id: string | null
  names: { ja: string | null; en: string | null }
}

export async function conditionRefs(
  db: Db,
  groups: StoredGroup[],
): Promise<Map<string, ConditionRef>> {
  const codes = [...new Set(groups.flatMap((g) => g.conditions))]
  const refs = new Map<string, ConditionRef>()
  if (codes.length === 0) return refs
  const own = codes.filter((c) => c.startsWith('TOMONI:'))
  const rows = await sql<{
    code: string
    id: string
    name_ja: string | null
    name_en: string | null
  }>`
    select distinct on (m.code) m.code, c.id, c.name_ja, c.name_en
    from (
      select cc.code, cc.condition_id as id from condition_code cc
      where cc.code = any(${codes}::text[])
      union all
      -- Tomoni's own concepts have lower-case ids; codes are kept upper-case.
      select upper(o.id), o.id from condition o
      where cardinality(${own}::text[]) > 0 and o.id like 'TOMONI:%'
        and upper(o.id) = any(${own}::text[])
    ) m
    join condition c on c.id = m.id
    order by m.code, c.weight desc, c.id
  `.execute(db)
  for (const r of rows.rows) {
    refs.set(r.code, { code: r.code, id: r.id, names: { ja: r.name_ja, en: r.name_en } })
  }
  for (const code of codes) {
    if (!refs.has(code)) refs.set(code, { code, id: null, names: { ja: null, en: null } })
  }
  return refs
}

export async function organisationSummaries(db: Db, ids: string[]) {
  if (ids.length === 0) return new Map<string, OrganisationSummary>()
  const rows = await db
    .selectFrom('organisation as o')
    .leftJoin('organisation as p', 'p.id', 'o.parent_id')
    .select([
      'o.id',
      'o.kind',
      'o.name',
      'o.url',
      'o.email',
      'o.claimed_at',
      'o.verified_at',
      'p.id as parent_id',
      'p.name as parent_name',
    ])
    .where('o.id', 'in', ids)
    .execute()
  return new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        kind: r.kind,
        name: r.name,
        url: r.url,
        email: r.email,
        claimed: r.claimed_at !== null,
        verified: r.verified_at !== null,
        parent: r.parent_id && r.parent_name ? { id: r.parent_id, name: r.parent_name } : null,
      },
    ]),
  )
}

export interface OrganisationSummary {
  id: string
  kind: string
  name: LocalizedText
  url: string | null
  email: string | null
  claimed: boolean
  verified: boolean
  parent: { id: string; name: LocalizedText } | null
}

/**
 * What anyone may see of a group. A meeting place the group keeps for members shows only the
 * town it is in: no street, no coordinates, no link.
 */
export function publicProfile(
  g: LoadedGroup,
  organisation: OrganisationSummary,
  conditions: Map<string, ConditionRef>,
  now: Date,
) {
  const freshness: Freshness = freshnessOf(g.meta.fresh_since, now)
  return {
    id: g.id,
    url: `/groups/${encodeURIComponent(g.id)}`,
    name: g.name,
    description: g.description,
    organisation,
    types: g.types,
    leadership: g.leadership,
    audience: g.audience,
    ages: { min: g.min_age, max: g.max_age },
    conditions: g.conditions.map(
      (code) => conditions.get(code) ?? { code, id: null, names: { ja: null, en: null } },
    ),
    activities: g.activities,
    participation: g.participation,
    fees: g.fees,
    languages: g.languages,
    attendance: g.meta.attendance,
    channels: g.channels,
    channel_links: g.channel_links,
    accessibility: g.accessibility,
    independence: {
      kind: g.independence,
      industry_funding_pct: g.industry_funding_pct,
      funding: g.funding,
      medical_advisers: g.medical_advisers,
      evidence_policy: g.evidence_policy,
    },
    locations: g.locations.map((l) =>
      l.visibility === 'public'
        ? { ...l }
        : {
            id: l.id,
            kind: l.kind,
            name: null,
            visibility: l.visibility,
            area: l.address
              ? { city: l.address.city, region: l.address.region, country: l.address.country }
              : null,
          },
    ),
    service_areas: g.service_areas,
    schedules: g.schedules.map(({ hsds: _hsds, ...s }) => s),
    next_meeting: g.status === 'active' ? nextMeetingOf(g.schedules, now) : null,
    contact: { email: g.email, url: g.url, phone: g.phone },
    status: g.status,
    accepting_members: g.accepting_members,
    capacity: g.capacity,
    trust: {
      source: g.meta.source,
      freshness,
      organisation_claimed: organisation.claimed,
      organisation_verified: organisation.verified,
      verified_at: g.meta.verified_at?.toISOString() ?? null,
      last_confirmed_at: g.meta.last_confirmed_at?.toISOString() ?? null,
      last_checked_at: g.last_checked_at,
      updated_at: g.meta.updated_at.toISOString(),
    },
  }
}

export type GroupProfile = ReturnType<typeof publicProfile>

/** Public profiles of the given groups that the public may see, in the order asked. */
export async function publicProfiles(deps: ServiceDeps, ids: string[]): Promise<GroupProfile[]> {
  const now = deps.clock.now()
  const loaded = await loadGroups(deps.db, ids)
  const visible = ids
    .map((id) => loaded.get(id))
    .filter((g): g is LoadedGroup => !!g && isPublic(g, now))
  const [organisations, conditions, own] = await Promise.all([
    organisationSummaries(deps.db, [...new Set(visible.map((g) => g.organisation_id))]),
    conditionRefs(deps.db, visible),
    meetingSchedules(
      deps.db,
      visible.map((g) => g.id),
      now,
    ),
  ])
  return visible.map((g) =>
    publicProfile(
      { ...g, schedules: mergeSchedules(g.schedules, own.get(g.id)) },
      organisations.get(g.organisation_id)!,
      conditions,
      now,
    ),
  )
}

/** Anyone may read a listed group; hidden and closed ones are not found. */
export async function getGroupProfile(deps: ServiceDeps, _actor: Actor, id: string) {
  const [profile] = await publicProfiles(deps, [id])
  if (!profile) throw notFound('No such group.')
  return profile
}

/** Ids of every group the public may see, for export and the HSDS API. */
export async function publicGroupIds(
  deps: ServiceDeps,
  filter: { organisationId?: string; modifiedAfter?: Date } = {},
): Promise<string[]> {
  const { hiddenBefore } = freshnessCutoffs(deps.clock.now())
  let query = deps.db
    .selectFrom('grp')
    .select('id')
    .where('status', '<>', 'closed')
    .where('hidden_at', 'is', null)
    .where('join_policy', '<>', 'invitation')
    .where('fresh_since', '>', hiddenBefore)
  if (filter.organisationId) query = query.where('organisation_id', '=', filter.organisationId)
  if (filter.modifiedAfter) query = query.where('updated_at', '>', filter.modifiedAfter)
  const rows = await query.orderBy('id').execute()
  return rows.map((r) => r.id)
}
