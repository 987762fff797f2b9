/**
 * The group as the membership features see it, and who may know of it. A group that joins by
 * invitation only is hidden: to anyone but its facilitators and the people already in (or on
 * their way in), it does not exist (404), whatever is asked of it.
 */
import { requireUser, type Actor } from '#src/access/actor.ts'
import type { LocalizedText } from '#src/directory/directory.tables.ts'
import type { Db } from '#src/platform/db.ts'
import { AppError, notFound } from '#src/platform/errors.ts'
import type { JoinPolicy, MembershipState } from './membership.tables.ts'
import { canManageGroup } from './membership.access.ts'

export interface JoinGroup {
  id: string
  organisation_id: string
  name: LocalizedText
  join_policy: JoinPolicy
  capacity: number | null
  accepting_members: boolean
  status: string
  hidden_at: Date | null
}

/** States in which a person is in the group or on the way in: they know it exists. */
export const presentStates: readonly MembershipState[] = [
  'requested',
  'screening',
  'active',
  'waitlisted',
]

/** What joining needs to know of a group. */
const joinGroupColumns = [
  'id',
  'organisation_id',
  'name',
  'join_policy',
  'capacity',
  'accepting_members',
  'status',
  'hidden_at',
] as const

export async function loadJoinGroup(db: Db, id: string): Promise<JoinGroup | undefined> {
  return db.selectFrom('grp').select(joinGroupColumns).where('id', '=', id).executeTakeFirst()
}

/** Locks the group's row for the rest of the transaction: every change of who holds a place does. */
export async function lockGroup(db: Db, id: string): Promise<JoinGroup> {
  const group = await db
    .selectFrom('grp')
    .select(joinGroupColumns)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst()
  if (!group) throw notFound('No such group.')
  return group
}

export const isHidden = (group: Pick<JoinGroup, 'join_policy'>) =>
  group.join_policy === 'invitation'

/** Whether the group is taken down or closed: nobody can ask to join it. */
export const isShut = (group: Pick<JoinGroup, 'status' | 'hidden_at'>) =>
  group.status === 'closed' || group.hidden_at !== null

export async function membershipOf(db: Db, groupId: string, userId: string) {
  return db
    .selectFrom('membership')
    .selectAll()
    .where('group_id', '=', groupId)
    .where('user_id', '=', userId)
    .executeTakeFirst()
}

/**
 * The group, if the actor may know it exists: anyone for a listed group; for a hidden one only
 * those who run it and those in it or on their way in (or holding its invitation: see passes).
 */
export async function requireKnownGroup(db: Db, actor: Actor, groupId: string) {
  const group = await loadJoinGroup(db, groupId)
  if (!group) throw notFound('No such group.')
  if (!isHidden(group) && !isShut(group)) return group
  if (await canManageGroup(db, actor, groupId)) return group
  if (actor.kind === 'user') {
    const mine = await membershipOf(db, groupId, actor.userId)
    if (mine && presentStates.includes(mine.state)) return group
  }
  throw notFound('No such group.')
}

/**
 * For what only the people who run a group may do. Those who may not know the group get 404;
 * for a listed group, whose existence is no secret, others get 403 (facilitators without a
 * second-factor session too, with the reason).
 */
export async function requireManager(db: Db, actor: Actor, groupId: string) {
  const user = requireUser(actor)
  const group = await loadJoinGroup(db, groupId)
  if (!group) throw notFound('No such group.')
  if (await canManageGroup(db, actor, groupId)) return { group, user }
  if (isHidden(group)) throw notFound('No such group.')
  const runsIt = user.roles.some(
    (r) =>
      (r.scopeType === 'group' && r.scopeId === groupId) ||
      (r.scopeType === 'organisation' && r.scopeId === group.organisation_id),
  )
  throw new AppError(
    'forbidden',
    runsIt
      ? 'Managing a group needs a session opened with a second factor. Set one up in your account settings, then sign in again.'
      : 'Only the people who run this group can do this.',
  )
}

/**
 * The people to tell about a group's requests and questions: its facilitators and co-facilitators,
 * or, when it has none, the admins and staff of its organisation.
 */
export async function groupKeepers(db: Db, group: Pick<JoinGroup, 'id' | 'organisation_id'>) {
  const rows = await db
    .selectFrom('role_membership')
    .select(['user_id', 'scope_type'])
    .where((eb) =>
      eb.or([
        eb.and([
          eb('scope_type', '=', 'group'),
          eb('scope_id', '=', group.id),
          eb('role', 'in', ['facilitator', 'co_facilitator']),
        ]),
        eb.and([
          eb('scope_type', '=', 'organisation'),
          eb('scope_id', '=', group.organisation_id),
          eb('role', 'in', ['admin', 'staff']),
        ]),
      ]),
    )
    .execute()
  const facilitators = rows.filter((r) => r.scope_type === 'group')
  return [...new Set((facilitators.length ? facilitators : rows).map((r) => r.user_id))]
}
