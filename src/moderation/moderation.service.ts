/**
 * The moderation queue: reports and suggested edits from the public, and claims of listings, and
 * what moderators do about them. Every action is recorded with the moderator's note; changes to a
 * listing go through the directory's one write path, so they land in its field history too.
 */
import { sql } from 'kysely'
import type { Actor } from '#src/access/actor.ts'
import { requireModerator } from '#src/access/policies.ts'
import { appendAudit, organisationScope } from '#src/audit/audit.ts'
import { freshnessCutoffs } from '#src/directory/freshness.ts'
import type { GroupInputRaw } from '#src/directory/groups.schema.ts'
import { updateGroup } from '#src/directory/groups.service.ts'
import type { Db } from '#src/platform/db.ts'
import type { Deps } from '#src/platform/deps.ts'
import { AppError, notFound } from '#src/platform/errors.ts'
import { decideClaim } from './claims.ts'
import { reportReasons, suggestionFields, type ModerationActionName } from './moderation.tables.ts'

type ServiceDeps = Pick<Deps, 'db' | 'clock' | 'secrets'>

export const maxDetails = 5000
export const maxNote = 2000

// Who may moderate: requireModerator in src/access/policies.ts.

const withoutIds = ({ id: _id, organisation_id: _org, ...rest }: Partial<GroupInputRaw>) => rest

export const actorId = (actor: Actor) => (actor.kind === 'user' ? actor.userId : null)
const actorLabel = (actor: Actor) => (actor.kind === 'user' ? `user:${actor.userId}` : 'system')

// ---------------------------------------------------------------------------------------------
// From the public

export interface FeedbackInput {
  groupId: string
  kind: 'report' | 'suggestion'
  /** The report's reason, or the part of the listing a suggestion is about. */
  reason: string
  details: string
  locale: 'ja' | 'en'
}

/** Checks a report or suggestion; the field errors come back by field name. */
export function checkFeedback(input: {
  kind: 'report' | 'suggestion'
  reason: string | undefined
  details: string | undefined
}): { reason: string; details: string } | { errors: Record<string, 'choose' | 'details'> } {
  const errors: Record<string, 'choose' | 'details'> = {}
  const details = (input.details ?? '').replace(/\r\n/g, '\n').trim()
  const reason = input.reason ?? ''
  const reasons: readonly string[] = input.kind === 'report' ? reportReasons : suggestionFields
  if (!reasons.includes(reason)) errors[input.kind === 'report' ? 'reason' : 'field'] = 'choose'
  if (details.length > maxDetails) errors.details = 'details'
  if (input.kind === 'suggestion' && details.length === 0) errors.details = 'details'
  return Object.keys(errors).length ? { errors } : { reason, details }
}

/**
 * A report or a suggested edit about a public listing, from anyone. Hidden, closed and unknown
 * groups are not found, as on their pages.
 */
export async function submitFeedback(
  deps: ServiceDeps,
  actor: Actor,
  input: FeedbackInput,
): Promise<{ id: string }> {
  const checked = checkFeedback(input)
  if ('errors' in checked) {
    throw new AppError('invalid_input', 'Some of the input is not valid.', {
      fields: checked.errors,
    })
  }
  const { hiddenBefore } = freshnessCutoffs(deps.clock.now())
  const group = await deps.db
    .selectFrom('grp')
    .select(['id', 'organisation_id'])
    .where('id', '=', input.groupId)
    .where('status', '<>', 'closed')
    .where('hidden_at', 'is', null)
    .where('join_policy', '<>', 'invitation')
    .where('fresh_since', '>', hiddenBefore)
    .executeTakeFirst()
  if (!group) throw notFound('No such group.')
  const row = await deps.db
    .insertInto('moderation_item')
    .values({
      kind: input.kind,
      reason: checked.reason,
      organisation_id: group.organisation_id,
      group_id: group.id,
      details: checked.details,
      reporter_id: actorId(actor),
      locale: input.locale,
      created_at: deps.clock.now(),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return { id: row.id }
}

// ---------------------------------------------------------------------------------------------
// The queue

export interface QueueItem {
  id: string
  kind: string
  reason: string | null
  status: string
  details: string
  locale: string
  created_at: string
  group: { id: string; name: unknown; status: string; hidden: boolean } | null
  organisation: { id: string; name: unknown; verified: boolean; claimed: boolean }
  reporter: { id: string; display_name: string | null; email: string | null } | null
  resolution: string | null
  resolved_at: string | null
}

export async function listQueue(
  deps: ServiceDeps,
  actor: Actor,
  filter: { status?: 'open' | 'resolved' | 'dismissed'; kind?: string; limit?: number } = {},
): Promise<QueueItem[]> {
  requireModerator(actor)
  let query = deps.db
    .selectFrom('moderation_item as m')
    .innerJoin('organisation as o', 'o.id', 'm.organisation_id')
    .leftJoin('grp as g', 'g.id', 'm.group_id')
    .leftJoin('app_user as u', 'u.id', 'm.reporter_id')
    .select([
      'm.id',
      'm.kind',
      'm.reason',
      'm.status',
      'm.details',
      'm.locale',
      'm.created_at',
      'm.resolution',
      'm.resolved_at',
      'o.id as org_id',
      'o.name as org_name',
      'o.verified_at as org_verified_at',
      'o.claimed_at as org_claimed_at',
      'g.id as group_id',
      'g.name as group_name',
      'g.status as group_status',
      'g.hidden_at as group_hidden_at',
      'u.id as reporter_id',
      'u.display_name as reporter_name',
      'u.email as reporter_email',
    ])
    .where('m.status', '=', filter.status ?? 'open')
  if (filter.kind) query = query.where('m.kind', '=', filter.kind as never)
  const rows = await query
    .orderBy('m.created_at')
    .orderBy('m.id')
    .limit(filter.limit ?? 100)
    .execute()
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    reason: r.reason,
    status: r.status,
    details: r.details,
    locale: r.locale,
    created_at: r.created_at.toISOString(),
    group: r.group_id
      ? {
          id: r.group_id,
          name: r.group_name,
          status: r.group_status ?? 'active',
          hidden: r.group_hidden_at !== null,
        }
      : null,
    organisation: {
      id: r.org_id,
      name: r.org_name,
      verified: r.org_verified_at !== null,
      claimed: r.org_claimed_at !== null,
    },
    // Claims are about who the person is, so moderators see their name and address; reports
    // keep only the account id.
    reporter: r.reporter_id
      ? {
          id: r.reporter_id,
          display_name: r.kind === 'claim' ? r.reporter_name : null,
          email: r.kind === 'claim' ? r.reporter_email : null,
        }
      : null,
    resolution: r.resolution,
    resolved_at: r.resolved_at?.toISOString() ?? null,
  }))
}

/** Every recorded action on a group or an organisation, oldest first. */
export async function actionsOn(
  deps: ServiceDeps,
  actor: Actor,
  subject: { type: 'group' | 'organisation'; id: string },
) {
  requireModerator(actor)
  return deps.db
    .selectFrom('moderation_action')
    .select(['id', 'item_id', 'action', 'note', 'actor_id', 'at'])
    .where('subject_type', '=', subject.type)
    .where('subject_id', '=', subject.id)
    .orderBy('id')
    .execute()
}

/** The latest things moderators did, newest first, with who did them. */
export async function recentActions(deps: ServiceDeps, actor: Actor, limit = 30) {
  requireModerator(actor)
  return deps.db
    .selectFrom('moderation_action as a')
    .leftJoin('app_user as u', 'u.id', 'a.actor_id')
    .select([
      'a.id',
      'a.item_id',
      'a.subject_type',
      'a.subject_id',
      'a.action',
      'a.note',
      'a.at',
      'u.display_name as actor_name',
    ])
    .orderBy('a.id', 'desc')
    .limit(limit)
    .execute()
}

/**
 * Organisations a moderator has not vouched for yet: those written here or claimed first (someone
 * runs them), the newest first. Listings imported from registers wait behind them.
 */
export async function organisationsToVerify(deps: ServiceDeps, actor: Actor, limit = 30) {
  requireModerator(actor)
  return deps.db
    .selectFrom('organisation')
    .select(['id', 'name', 'url', 'email', 'source', 'claimed_at', 'created_at'])
    .where('verified_at', 'is', null)
    .where((eb) => eb.or([eb('source', '=', 'tomoni'), eb('claimed_at', 'is not', null)]))
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute()
}

// ---------------------------------------------------------------------------------------------
// Acting

export const groupActions = [
  'dismiss',
  'apply_edit',
  'mark_verified',
  'hide_listing',
  'restore_listing',
  'close_group',
] as const
export type GroupAction = (typeof groupActions)[number]

export interface ActionInput {
  action: GroupAction | 'approve_claim' | 'reject_claim'
  note: string
  /** For `apply_edit`: the fields to change, as the group API takes them. */
  patch?: Partial<GroupInputRaw>
}

function checkNote(note: string): string {
  const text = note.trim()
  if (!text || text.length > maxNote) {
    throw new AppError('invalid_input', 'Some of the input is not valid.', {
      fields: { note: `a note of 1 to ${maxNote} characters saying why is required` },
    })
  }
  return text
}

async function recordAction(
  db: Db,
  entry: {
    itemId: string | null
    subjectType: 'group' | 'organisation'
    subjectId: string
    action: ModerationActionName
    note: string
    actorId: string | null
    at: Date
  },
) {
  await db
    .insertInto('moderation_action')
    .values({
      item_id: entry.itemId,
      subject_type: entry.subjectType,
      subject_id: entry.subjectId,
      action: entry.action,
      note: entry.note,
      actor_id: entry.actorId,
      at: entry.at,
    })
    .execute()
}

async function historyRow(
  db: Db,
  groupId: string,
  field: string,
  old: unknown,
  value: unknown,
  actor: Actor,
  at: Date,
) {
  await db
    .insertInto('field_history')
    .values({
      entity: 'group',
      entity_id: groupId,
      field,
      old: JSON.stringify(old),
      new: JSON.stringify(value),
      actor: actorLabel(actor),
      at,
    })
    .execute()
}

/**
 * Does something about a listing, with a note saying why. Works on any group, listed or not (a
 * moderator must be able to restore a hidden one).
 */
export async function actOnGroup(
  deps: ServiceDeps,
  actor: Actor,
  groupId: string,
  input: ActionInput,
  itemId: string | null = null,
): Promise<void> {
  requireModerator(actor)
  const note = checkNote(input.note)
  const group = await deps.db
    .selectFrom('grp')
    .select(['id', 'organisation_id', 'status', 'verified_at', 'hidden_at', 'last_checked_at'])
    .where('id', '=', groupId)
    .executeTakeFirst()
  if (!group) throw notFound('No such group.')
  const now = deps.clock.now()
  const action = input.action
  switch (action) {
    case 'dismiss':
      break
    case 'apply_edit': {
      if (!input.patch || Object.keys(input.patch).length === 0) {
        throw new AppError('invalid_input', 'Some of the input is not valid.', {
          fields: { patch: 'the fields to change are required' },
        })
      }
      // A moderator's edit changes fields of the listing, never which listing or whose it is.
      await updateGroup(deps, actor, groupId, withoutIds(input.patch))
      break
    }
    case 'mark_verified':
      // A moderator's check is also what keeps a listing fresh (decision 022).
      await updateGroup(deps, actor, groupId, { last_checked_at: now })
      await deps.db.transaction().execute(async (trx) => {
        await trx.updateTable('grp').set({ verified_at: now }).where('id', '=', groupId).execute()
        await historyRow(
          trx,
          groupId,
          'verified_at',
          group.verified_at?.toISOString() ?? null,
          now.toISOString(),
          actor,
          now,
        )
      })
      break
    case 'hide_listing':
    case 'restore_listing': {
      const hidden = action === 'hide_listing' ? now : null
      if ((group.hidden_at === null) === (hidden === null)) {
        throw new AppError(
          'conflict',
          hidden ? 'The listing is hidden already.' : 'The listing is not hidden.',
        )
      }
      await deps.db.transaction().execute(async (trx) => {
        await trx.updateTable('grp').set({ hidden_at: hidden }).where('id', '=', groupId).execute()
        await historyRow(
          trx,
          groupId,
          'hidden_at',
          group.hidden_at?.toISOString() ?? null,
          hidden?.toISOString() ?? null,
          actor,
          now,
        )
      })
      break
    }
    case 'close_group':
      if (group.status !== 'closed') await updateGroup(deps, actor, groupId, { status: 'closed' })
      break
    default:
      throw new AppError('invalid_input', 'Some of the input is not valid.', {
        fields: { action: 'not an action on a group' },
      })
  }
  await deps.db.transaction().execute(async (trx) => {
    await recordAction(trx, {
      itemId,
      subjectType: 'group',
      subjectId: groupId,
      action,
      note,
      actorId: actorId(actor),
      at: now,
    })
    // The organisation's admins see that a moderator acted on their listing (the note is the
    // moderators' own record).
    await appendAudit(
      deps,
      {
        actorId: actorId(actor),
        action: 'listing_moderated',
        subjectType: 'group',
        subjectId: groupId,
        scope: organisationScope(group.organisation_id),
        details: { action },
      },
      trx,
    )
    if (itemId) {
      await trx
        .updateTable('moderation_item')
        .set({
          status: action === 'dismiss' ? 'dismissed' : 'resolved',
          resolved_at: now,
          resolved_by: actorId(actor),
          resolution: action,
        })
        .where('id', '=', itemId)
        .execute()
    }
  })
}

/** Acts on an open item of the queue and closes it. */
export async function actOnItem(
  deps: Deps,
  actor: Actor,
  itemId: string,
  input: ActionInput,
): Promise<void> {
  requireModerator(actor)
  const item = await deps.db
    .selectFrom('moderation_item')
    .select(['id', 'kind', 'group_id', 'organisation_id', 'status', 'reporter_id'])
    .where('id', '=', itemId)
    .executeTakeFirst()
  if (!item) throw notFound('No such item.')
  if (item.status !== 'open') throw new AppError('conflict', 'This item has been dealt with.')
  if (item.kind === 'claim') {
    if (input.action !== 'approve_claim' && input.action !== 'reject_claim') {
      throw new AppError('invalid_input', 'Some of the input is not valid.', {
        fields: { action: 'a claim is approved or rejected' },
      })
    }
    await decideClaim(deps, actor, item, input.action === 'approve_claim', input.note)
    return
  }
  if (input.action === 'approve_claim' || input.action === 'reject_claim') {
    throw new AppError('invalid_input', 'Some of the input is not valid.', {
      fields: { action: 'only claims are approved or rejected' },
    })
  }
  await actOnGroup(deps, actor, item.group_id!, input, item.id)
}

/** A moderator vouches for an organisation: it is who it says it is. */
export async function verifyOrganisation(
  deps: ServiceDeps,
  actor: Actor,
  organisationId: string,
  note: string,
): Promise<void> {
  requireModerator(actor)
  const text = checkNote(note)
  const now = deps.clock.now()
  await deps.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('organisation')
      .set({ verified_at: now, verified_by: actorLabel(actor) })
      .where('id', '=', organisationId)
      .returning(['id'])
      .executeTakeFirst()
    if (!updated) throw notFound('No such organisation.')
    await trx
      .insertInto('field_history')
      .values({
        entity: 'organisation',
        entity_id: organisationId,
        field: 'verified_at',
        old: null,
        new: JSON.stringify(now.toISOString()),
        actor: actorLabel(actor),
        at: now,
      })
      .execute()
    await recordAction(trx, {
      itemId: null,
      subjectType: 'organisation',
      subjectId: organisationId,
      action: 'verify_organisation',
      note: text,
      actorId: actorId(actor),
      at: now,
    })
    await appendAudit(
      deps,
      {
        actorId: actorId(actor),
        action: 'listing_moderated',
        subjectType: 'organisation',
        subjectId: organisationId,
        scope: organisationScope(organisationId),
        details: { action: 'verify_organisation' },
      },
      trx,
    )
  })
}

export { recordAction }

export async function countOpen(db: Db): Promise<number> {
  const row = await sql<{ n: number }>`
    select count(*)::int as n from moderation_item where status = 'open'
  `.execute(db)
  return row.rows[0]?.n ?? 0
}
