/**
 * Who is in a group, and a person's own memberships. The member list is for the people who run
 * the group; a member sees only those who chose to be visible to other members (and themselves).
 * Nobody else learns of any member: not from a list, a count, or a search.
 */
import { requireUser, type Actor } from '#src/access/actor.ts'
import type { LocalizedText } from '#src/directory/directory.tables.ts'
import type { Deps } from '#src/platform/deps.ts'
import { AppError, notFound } from '#src/platform/errors.ts'
import { checkDisplayName } from './join.service.ts'
import { canManageGroup } from './membership.access.ts'
import { membershipOf, presentStates, requireKnownGroup } from './membership.groups.ts'
import type { JoinPolicy, MembershipState } from './membership.tables.ts'

export interface MyGroup {
  group_id: string
  name: LocalizedText
  join_policy: JoinPolicy
  state: MembershipState
  display_name: string
  visible_to_members: boolean
  offer_expires_at: string | null
  since: string
  /** The reason the people who run the group gave, for a declined or removed membership. */
  reason: string | null
}

/** Every group the person is in, on the way into, or was turned away from, newest first. */
export async function myGroups(deps: Deps, actor: Actor): Promise<MyGroup[]> {
  const user = requireUser(actor)
  const rows = await deps.db
    .selectFrom('membership as m')
    .innerJoin('grp as g', 'g.id', 'm.group_id')
    .select([
      'm.id',
      'm.group_id',
      'g.name',
      'g.join_policy',
      'm.state',
      'm.display_name',
      'm.visible_to_members',
      'm.offer_expires_at',
      'm.updated_at',
    ])
    .select((eb) =>
      eb
        .selectFrom('membership_event as e')
        .select('e.reason')
        .whereRef('e.membership_id', '=', 'm.id')
        .whereRef('e.to_state', '=', 'm.state')
        .orderBy('e.at', 'desc')
        .limit(1)
        .as('reason'),
    )
    .where('m.user_id', '=', user.userId)
    .where('m.state', '<>', 'left')
    .orderBy('m.updated_at', 'desc')
    .execute()
  return rows.map((r) => ({
    group_id: r.group_id,
    name: r.name,
    join_policy: r.join_policy,
    state: r.state,
    display_name: r.display_name,
    visible_to_members: r.visible_to_members,
    offer_expires_at: r.offer_expires_at?.toISOString() ?? null,
    since: r.updated_at.toISOString(),
    reason: r.state === 'declined' || r.state === 'removed' ? (r.reason ?? null) : null,
  }))
}

export interface MemberRow {
  membership_id: string
  display_name: string
  state: MembershipState
  visible_to_members: boolean
  since: string
  note: string | null
  via: { kind: string; label: string } | null
  offer_expires_at: string | null
  has_answers: boolean
  you: boolean
}

/**
 * For the people who run the group: everyone in it and on the way in. For an active member: the
 * active members who chose to be visible, and themselves. For anyone else: nothing (404).
 */
export async function listMembers(deps: Deps, actor: Actor, groupId: string): Promise<MemberRow[]> {
  const user = requireUser(actor)
  await requireKnownGroup(deps.db, actor, groupId)
  const manager = await canManageGroup(deps.db, actor, groupId)
  if (!manager) {
    const mine = await membershipOf(deps.db, groupId, user.userId)
    if (mine?.state !== 'active') throw notFound('No such list.')
  }
  let query = deps.db
    .selectFrom('membership as m')
    .leftJoin('group_pass as p', 'p.id', 'm.pass_id')
    .leftJoin('screening_answer as a', 'a.membership_id', 'm.id')
    .select([
      'm.id',
      'm.user_id',
      'm.display_name',
      'm.state',
      'm.visible_to_members',
      'm.updated_at',
      'm.note',
      'm.offer_expires_at',
      'p.kind as pass_kind',
      'p.label as pass_label',
      'a.membership_id as answered',
    ])
    .where('m.group_id', '=', groupId)
  query = manager
    ? query.where('m.state', 'in', [...presentStates, 'declined', 'removed'])
    : query
        .where('m.state', '=', 'active')
        .where((eb) =>
          eb.or([eb('m.visible_to_members', '=', true), eb('m.user_id', '=', user.userId)]),
        )
  const rows = await query
    .orderBy('m.state')
    .orderBy('m.waitlist_position')
    .orderBy('m.created_at')
    .execute()
  return rows.map((r) => ({
    membership_id: r.id,
    display_name: r.display_name,
    state: r.state,
    visible_to_members: r.visible_to_members,
    since: r.updated_at.toISOString(),
    note: manager ? r.note : null,
    via: manager && r.pass_kind ? { kind: r.pass_kind, label: r.pass_label ?? '' } : null,
    offer_expires_at: manager ? (r.offer_expires_at?.toISOString() ?? null) : null,
    has_answers: manager && r.answered !== null,
    you: r.user_id === user.userId,
  }))
}

/** The person's own name in the group and whether other members may see them. */
export async function updateMyMembership(
  deps: Deps,
  actor: Actor,
  groupId: string,
  input: { display_name?: string | undefined; visible_to_members?: boolean | undefined },
): Promise<void> {
  const user = requireUser(actor)
  await requireKnownGroup(deps.db, actor, groupId)
  const mine = await membershipOf(deps.db, groupId, user.userId)
  if (!mine || !presentStates.includes(mine.state)) throw notFound('You are not in this group.')
  const changes: { display_name?: string; visible_to_members?: boolean } = {}
  if (input.display_name !== undefined) changes.display_name = checkDisplayName(input.display_name)
  if (input.visible_to_members !== undefined) changes.visible_to_members = input.visible_to_members
  if (Object.keys(changes).length === 0) throw new AppError('invalid_input', 'Nothing to change.')
  await deps.db.updateTable('membership').set(changes).where('id', '=', mine.id).execute()
}

/** A person's standing in a group, for the pages: null when they have none. */
export async function myStanding(deps: Deps, actor: Actor, groupId: string) {
  if (actor.kind !== 'user') return null
  const mine = await membershipOf(deps.db, groupId, actor.userId)
  return mine ?? null
}
