import type { Actor } from '#src/access/actor.ts'
import { requirePlatformAdmin } from '#src/access/policies.ts'
import { appendAudit } from '#src/audit/audit.ts'
import type { Deps } from '#src/platform/deps.ts'

/** Signs a person out everywhere, e.g. when their account may be in someone else's hands. */
export async function revokeUserSessions(deps: Deps, actor: Actor, input: { userId: string }) {
  // The operator and platform admins (ASVS v5.0.0-7.4.5).
  requirePlatformAdmin(actor)
  const deleted = await deps.db
    .deleteFrom('user_session')
    .where('user_id', '=', input.userId)
    .executeTakeFirst()
  await appendAudit(deps, {
    actorId: actor.kind === 'user' ? actor.userId : null,
    action: 'sessions_revoked',
    subjectType: 'user',
    subjectId: input.userId,
    details: {
      count: Number(deleted.numDeletedRows),
      by: actor.kind === 'user' ? 'admin' : 'operator',
    },
  })
  return { count: Number(deleted.numDeletedRows) }
}
