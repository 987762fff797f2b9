import { hasRole, type Actor } from '#src/access/actor.ts'
import type { Db } from '#src/platform/db.ts'

/**
 * The questions other features ask about membership. Each reads the current state, so a person
 * removed from a group loses what membership gave them (meeting links, feed entries, notices) at
 * the very next request or job.
 */

/** Whether the person is an active member of the group. */
export async function isActiveMember(db: Db, groupId: string, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('membership')
    .select('id')
    .where('group_id', '=', groupId)
    .where('user_id', '=', userId)
    .where('state', '=', 'active')
    .executeTakeFirst()
  return row !== undefined
}

/** The groups the person is an active member of. */
export async function activeGroupIds(db: Db, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('membership')
    .select('group_id')
    .where('user_id', '=', userId)
    .where('state', '=', 'active')
    .execute()
  return rows.map((r) => r.group_id)
}

/**
 * Whether the actor runs this group: its facilitators and co-facilitators, the staff and admins of
 * the organisation it belongs to. Staff powers count only in a session opened with a second factor.
 */
export async function canManageGroup(db: Db, actor: Actor, groupId: string): Promise<boolean> {
  if (actor.kind === 'system') return true
  if (actor.kind !== 'user' || !actor.secondFactorAt) return false
  if (hasRole(actor, 'group', 'facilitator', groupId)) return true
  if (hasRole(actor, 'group', 'co_facilitator', groupId)) return true
  const group = await db
    .selectFrom('grp')
    .select('organisation_id')
    .where('id', '=', groupId)
    .executeTakeFirst()
  if (!group) return false
  return (
    hasRole(actor, 'organisation', 'admin', group.organisation_id) ||
    hasRole(actor, 'organisation', 'staff', group.organisation_id)
  )
}
