import { sql } from 'kysely'
import { appendAudit, organisationScope } from '#src/audit/audit.ts'
import type { Db } from '#src/platform/db.ts'
import type { Deps } from '#src/platform/deps.ts'
import { AppError, notFound } from '#src/platform/errors.ts'
import type { Actor } from './actor.ts'
import { requireRoleManager } from './policies.ts'
import { isValidMembership, type RoleMembership } from './roles.ts'

function checkMembership(membership: RoleMembership) {
  if (!isValidMembership(membership)) {
    throw new AppError('invalid_input', 'No such role in that scope.', {
      fields: { role: 'No such role in that scope.' },
    })
  }
}

const scopeLabel = (m: RoleMembership) => (m.scopeId ? `${m.scopeType}:${m.scopeId}` : m.scopeType)

/**
 * The organisation a role change belongs to in the audit log, so that its admins see it: the
 * organisation itself, or the one the group is part of. Platform roles belong to none.
 */
async function auditScopeOf(db: Db, m: RoleMembership): Promise<string | undefined> {
  if (m.scopeType === 'organisation' && m.scopeId) return organisationScope(m.scopeId)
  if (m.scopeType !== 'group' || !m.scopeId) return undefined
  const group = await db
    .selectFrom('grp')
    .select('organisation_id')
    .where('id', '=', m.scopeId)
    .executeTakeFirst()
  return group ? organisationScope(group.organisation_id) : undefined
}

export async function grantRole(
  deps: Deps,
  actor: Actor,
  input: { userId: string } & RoleMembership,
): Promise<void> {
  requireRoleManager(actor)
  checkMembership(input)
  const actorId = actor.kind === 'user' ? actor.userId : null
  await deps.db.transaction().execute(async (trx) => {
    const user = await trx
      .selectFrom('app_user')
      .select('id')
      .where('id', '=', input.userId)
      .where('erased_at', 'is', null)
      .executeTakeFirst()
    if (!user) throw notFound('No such account.')
    const inserted = await trx
      .insertInto('role_membership')
      .values({
        user_id: input.userId,
        scope_type: input.scopeType,
        scope_id: input.scopeId,
        role: input.role,
        granted_at: deps.clock.now(),
        granted_by: actorId,
      })
      .onConflict((oc) =>
        oc.expression(sql`user_id, scope_type, coalesce(scope_id, ''), role`).doNothing(),
      )
      .returning('id')
      .executeTakeFirst()
    // Already held: nothing changed, so nothing to record.
    if (!inserted) return
    const scope = await auditScopeOf(trx, input)
    await appendAudit(
      deps,
      {
        actorId,
        action: 'role_granted',
        subjectType: 'user',
        subjectId: input.userId,
        ...(scope ? { scope } : {}),
        details: { role: input.role, scope: scopeLabel(input) },
      },
      trx,
    )
  })
}

export async function revokeRole(
  deps: Deps,
  actor: Actor,
  input: { userId: string } & RoleMembership,
): Promise<void> {
  requireRoleManager(actor)
  checkMembership(input)
  const actorId = actor.kind === 'user' ? actor.userId : null
  await deps.db.transaction().execute(async (trx) => {
    let query = trx
      .deleteFrom('role_membership')
      .where('user_id', '=', input.userId)
      .where('scope_type', '=', input.scopeType)
      .where('role', '=', input.role)
    query =
      input.scopeId === null
        ? query.where('scope_id', 'is', null)
        : query.where('scope_id', '=', input.scopeId)
    const deleted = await query.executeTakeFirst()
    if (deleted.numDeletedRows === 0n) throw notFound('The account does not have that role.')
    const scope = await auditScopeOf(trx, input)
    await appendAudit(
      deps,
      {
        actorId,
        action: 'role_revoked',
        subjectType: 'user',
        subjectId: input.userId,
        ...(scope ? { scope } : {}),
        details: { role: input.role, scope: scopeLabel(input) },
      },
      trx,
    )
  })
}
