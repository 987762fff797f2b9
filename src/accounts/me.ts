import type { Actor } from '#src/access/actor.ts'
import type { RoleMembership } from '#src/access/roles.ts'
import { appendAudit } from '#src/audit/audit.ts'
import type { Db } from '#src/platform/db.ts'
import type { Deps } from '#src/platform/deps.ts'
import { AppError, notFound } from '#src/platform/errors.ts'
import { findUserById, listRoles } from './accounts.repo.ts'
import { requireAccountHolder } from './accounts.policy.ts'
import type { Me, UpdateMeInput } from './accounts.schema.ts'
import { secondFactorSummary } from './second-factor.ts'

type UserRow = NonNullable<Awaited<ReturnType<typeof findUserById>>>

export function toMe(
  user: UserRow,
  roles: RoleMembership[],
  secondFactor: { totp: boolean; passkeys: number; recovery_codes_left: number },
): Me {
  return {
    id: user.id,
    email: user.email ?? '',
    display_name: user.display_name ?? '',
    locale: user.locale,
    created_at: user.created_at.toISOString(),
    roles: roles.map((r) => ({ scope_type: r.scopeType, scope_id: r.scopeId, role: r.role })),
    second_factor: {
      totp: secondFactor.totp,
      passkeys: secondFactor.passkeys,
      recovery_codes_left: secondFactor.recovery_codes_left,
    },
  }
}

/** The account, or 401: a session whose account has gone is no session. */
export async function loadAccount(db: Db, userId: string) {
  const user = await findUserById(db, userId)
  if (!user) throw new AppError('unauthenticated', 'Please sign in.')
  return user
}

export async function getMe(deps: Pick<Deps, 'db'>, actor: Actor): Promise<Me> {
  const user = requireAccountHolder(actor)
  return accountView(deps.db, user.userId)
}

/** The account as its holder sees it; for routes that have just signed someone in. */
export async function accountView(db: Db, userId: string): Promise<Me> {
  return toMe(
    await loadAccount(db, userId),
    await listRoles(db, userId),
    await secondFactorSummary(db, userId),
  )
}

export async function updateMe(deps: Deps, actor: Actor, input: UpdateMeInput): Promise<Me> {
  const user = requireAccountHolder(actor)
  const changes: { display_name?: string; locale?: 'ja' | 'en' } = {}
  if (input.display_name !== undefined) changes.display_name = input.display_name
  if (input.locale !== undefined) changes.locale = input.locale
  if (Object.keys(changes).length > 0) {
    await deps.db.updateTable('app_user').set(changes).where('id', '=', user.userId).execute()
    await appendAudit(deps, {
      actorId: user.userId,
      action: 'profile_updated',
      subjectType: 'user',
      subjectId: user.userId,
      details: { fields: Object.keys(changes) },
    })
  }
  return getMe(deps, actor)
}

export async function listSessions(deps: Pick<Deps, 'db'>, actor: Actor) {
  const user = requireAccountHolder(actor)
  const rows = await deps.db
    .selectFrom('user_session')
    .select(['id', 'created_at', 'last_seen_at', 'user_agent'])
    .where('user_id', '=', user.userId)
    .where('stage', '=', 'full')
    .orderBy('last_seen_at', 'desc')
    .execute()
  return rows.map((r) => ({
    id: r.id,
    created_at: r.created_at.toISOString(),
    last_seen_at: r.last_seen_at.toISOString(),
    user_agent: r.user_agent,
    current: r.id === user.sessionId,
  }))
}

/** Another person's session answers 404 like one that never existed. */
export async function revokeSession(deps: Deps, actor: Actor, input: { id: string }) {
  const user = requireAccountHolder(actor)
  const deleted = await deps.db
    .deleteFrom('user_session')
    .where('id', '=', input.id)
    .where('user_id', '=', user.userId)
    .executeTakeFirst()
  if (deleted.numDeletedRows === 0n) throw notFound('No such session.')
  await appendAudit(deps, {
    actorId: user.userId,
    action: 'session_revoked',
    subjectType: 'user',
    subjectId: user.userId,
    details: { current: input.id === user.sessionId },
  })
  return { endedCurrent: input.id === user.sessionId }
}

/** Signs out everywhere, this browser included. */
export async function revokeAllSessions(deps: Deps, actor: Actor) {
  const user = requireAccountHolder(actor)
  const deleted = await deps.db
    .deleteFrom('user_session')
    .where('user_id', '=', user.userId)
    .executeTakeFirst()
  await appendAudit(deps, {
    actorId: user.userId,
    action: 'sessions_revoked',
    subjectType: 'user',
    subjectId: user.userId,
    details: { count: Number(deleted.numDeletedRows) },
  })
}
