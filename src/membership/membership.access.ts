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

/** Who runs a group is an access question: answered in src/access/policies.ts. */
export { canManageGroup } from '#src/access/policies.ts'
