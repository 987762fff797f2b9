import { sql } from 'kysely'
import { appendAudit } from '#src/audit/audit.ts'
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
    await appendAudit(
      deps,
      {
        actorId,
        action: 'role_granted',
        subjectType: 'user',
        subjectId: input.userId,
        scope: scopeLabel(input),
        details: { role: input.role },
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
    await appendAudit(
      deps,
      {
        actorId,
        action: 'role_revoked',
        subjectType: 'user',
        subjectId: input.userId,
        scope: scopeLabel(input),
        details: { role: input.role },
      },
      trx,
    )
  })
}
