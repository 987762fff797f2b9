import { sql } from 'kysely'
import type { Actor, SystemActor, UserActor } from '#src/access/actor.ts'
import { requireOrganisationAdmin } from '#src/access/policies.ts'
import type { LocalizedText } from '#src/directory/directory.tables.ts'
import type { Db } from '#src/platform/db.ts'
import type { Deps } from '#src/platform/deps.ts'
import { notFound } from '#src/platform/errors.ts'
import { appendAudit, organisationScope, type Json } from './audit.ts'

/**
 * An organisation's part of the audit log, for its admins (and platform admins): role changes in
 * it and its groups, claims, changes to its listings, moderators' actions on them, and reads of
 * confidential records. Newest first, a page at a time.
 */

export interface OrganisationAuditEntry {
  id: string
  at: string
  action: string
  /** Who did it: null for the command line and automatic work; no name once erased. */
  actor: { id: string; display_name: string | null } | null
  subject: { type: string; id: string; display_name: string | null } | null
  details: Json
}

export async function listOrganisationAudit(
  deps: Pick<Deps, 'db'>,
  actor: Actor,
  input: { organisationId: string; before?: string | undefined; limit?: number | undefined },
): Promise<{
  organisation: { id: string; name: LocalizedText }
  items: OrganisationAuditEntry[]
  next_before: string | null
}> {
  requireOrganisationAdmin(actor, input.organisationId)
  const organisation = await deps.db
    .selectFrom('organisation')
    .select(['id', 'name'])
    .where('id', '=', input.organisationId)
    .executeTakeFirst()
  if (!organisation) throw notFound('No such organisation.')
  const limit = Math.min(Math.max(input.limit ?? 50, 1), 200)
  let query = deps.db
    .selectFrom('audit_log as a')
    .leftJoin('app_user as who', 'who.id', 'a.actor_id')
    .leftJoin('app_user as whom', (join) =>
      join.on('a.subject_type', '=', 'user').on(sql`whom.id::text`, '=', sql.ref('a.subject_id')),
    )
    .select([
      'a.id',
      'a.at',
      'a.action',
      'a.actor_id',
      'who.display_name as actor_name',
      'a.subject_type',
      'a.subject_id',
      'whom.display_name as subject_name',
      'a.details',
    ])
    .where('a.scope', '=', organisationScope(input.organisationId))
  if (input.before && /^\d{1,19}$/.test(input.before)) {
    query = query.where('a.id', '<', input.before)
  }
  const rows = await query
    .orderBy('a.id', 'desc')
    .limit(limit + 1)
    .execute()
  const page = rows.slice(0, limit)
  return {
    organisation: { id: organisation.id, name: organisation.name },
    items: page.map((r) => ({
      id: String(r.id),
      at: r.at.toISOString(),
      action: r.action,
      actor: r.actor_id ? { id: r.actor_id, display_name: r.actor_name ?? null } : null,
      subject:
        r.subject_type && r.subject_id
          ? { type: r.subject_type, id: r.subject_id, display_name: r.subject_name ?? null }
          : null,
      details: r.details,
    })),
    next_before: rows.length > limit ? String(page.at(-1)!.id) : null,
  }
}

/**
 * Records that someone read a confidential record (a facilitator's notes, screening answers, a
 * referral): call it where the record is read, in the same transaction, naming the organisation
 * whose admins may see the entry. The record's content never goes into the log.
 */
export async function auditConfidentialRead(
  deps: Pick<Deps, 'db' | 'clock' | 'secrets'>,
  actor: UserActor | SystemActor,
  input: { organisationId: string; subjectType: string; subjectId: string },
  db: Db = deps.db,
): Promise<void> {
  await appendAudit(
    deps,
    {
      actorId: actor.kind === 'user' ? actor.userId : null,
      action: 'confidential_record_read',
      subjectType: input.subjectType,
      subjectId: input.subjectId,
      scope: organisationScope(input.organisationId),
    },
    db,
  )
}
