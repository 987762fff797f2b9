/**
 * What the people who run a group decide: approve or decline a request (with a reason the person
 * sees), remove a member, and how the group lets people in. Each is audited without names, and
 * the person concerned is told by a mail that says only that there is news, with a link.
 */
import type { Actor } from '#src/access/actor.ts'
import { appendAudit, type AuditAction } from '#src/audit/audit.ts'
import { addNotice } from '#src/jobs/notices.ts'
import { releaseRsvps } from '#src/meetings/rsvp.service.ts'
import type { Db } from '#src/platform/db.ts'
import type { Deps } from '#src/platform/deps.ts'
import { AppError, notFound } from '#src/platform/errors.ts'
import { lockGroup, requireManager } from './membership.groups.ts'
import { joinPolicies, type JoinPolicy, type MembershipState } from './membership.tables.ts'
import { fillPlaces, hasPlace, transition } from './places.ts'

export type Decision = 'approve' | 'decline' | 'remove'

const allowedFrom: Record<Decision, readonly MembershipState[]> = {
  approve: ['requested', 'screening'],
  decline: ['requested', 'screening', 'waitlisted'],
  remove: ['active', 'waitlisted'],
}

const auditAction: Record<Decision, AuditAction> = {
  approve: 'member_approved',
  decline: 'member_declined',
  remove: 'member_removed',
}

export const reasonMax = 1000

async function memberForDecision(trx: Db, groupId: string, membershipId: string) {
  const m = await trx
    .selectFrom('membership')
    .select(['id', 'state', 'user_id'])
    .where('id', '=', membershipId)
    .where('group_id', '=', groupId)
    .forUpdate()
    .executeTakeFirst()
  if (!m) throw notFound('No such member or request.')
  return m
}

export async function decideMember(
  deps: Deps,
  actor: Actor,
  input: { groupId: string; membershipId: string; decision: Decision; reason?: string | undefined },
): Promise<{ state: MembershipState }> {
  const { user } = await requireManager(deps.db, actor, input.groupId)
  const reason = input.reason?.trim() || null
  if (reason && reason.length > reasonMax) {
    throw new AppError('invalid_input', 'The reason is too long.', {
      fields: { reason: 'too_long' },
    })
  }
  if (input.decision === 'decline' && !reason) {
    throw new AppError('invalid_input', 'Say why, in a few words: the person will see it.', {
      fields: { reason: 'required' },
    })
  }
  const now = deps.clock.now()
  return deps.db.transaction().execute(async (trx) => {
    const group = await lockGroup(trx, input.groupId)
    const m = await memberForDecision(trx, input.groupId, input.membershipId)
    if (!allowedFrom[input.decision].includes(m.state)) {
      throw new AppError('conflict', `This cannot be done to a ${m.state} membership.`)
    }
    const by = `user:${user.userId}`
    let to: MembershipState
    if (input.decision === 'approve') {
      to = (await hasPlace(trx, group, now)) ? 'active' : 'waitlisted'
      await transition(trx, now, m, to, by, reason, {
        waitlisted_at: to === 'waitlisted' ? now : null,
      })
    } else {
      to = input.decision === 'decline' ? 'declined' : 'removed'
      await transition(trx, now, m, to, by, reason, { offer_expires_at: null })
      await releaseRsvps(trx, now, { groupId: group.id, userId: m.user_id, scope: 'all' })
      await fillPlaces(trx, group, now)
    }
    await addNotice(trx, now, {
      kind: 'membership.decided',
      key: `decided:${m.id}:${input.decision}:${now.toISOString()}`,
      userId: m.user_id,
      groupId: group.id,
      payload: { membership_id: m.id, state: to },
    })
    await appendAudit(
      deps,
      {
        actorId: user.userId,
        action: auditAction[input.decision],
        subjectType: 'membership',
        subjectId: m.id,
        scope: `group:${group.id}`,
        details: { to },
      },
      trx,
    )
    return { state: to }
  })
}

export interface JoinSettings {
  join_policy: JoinPolicy
  capacity: number | null
  accepting_members: boolean
}

export async function getJoinSettings(
  deps: Deps,
  actor: Actor,
  groupId: string,
): Promise<JoinSettings> {
  const { group } = await requireManager(deps.db, actor, groupId)
  return {
    join_policy: group.join_policy,
    capacity: group.capacity,
    accepting_members: group.accepting_members,
  }
}

/**
 * Changes how the group lets people in. A larger capacity (or none) offers the new places to the
 * waiting list at once. Making a group invitation-only hides it from the directory.
 */
export async function updateJoinSettings(
  deps: Deps,
  actor: Actor,
  groupId: string,
  input: JoinSettings,
): Promise<JoinSettings> {
  const { user } = await requireManager(deps.db, actor, groupId)
  if (!(joinPolicies as readonly string[]).includes(input.join_policy)) {
    throw new AppError('invalid_input', 'No such way of joining.', {
      fields: { join_policy: 'enum' },
    })
  }
  if (
    input.capacity !== null &&
    (!Number.isInteger(input.capacity) || input.capacity < 1 || input.capacity > 100_000)
  ) {
    throw new AppError('invalid_input', 'The capacity is a whole number of people, or empty.', {
      fields: { capacity: 'range' },
    })
  }
  const now = deps.clock.now()
  await deps.db.transaction().execute(async (trx) => {
    await lockGroup(trx, groupId)
    await trx
      .updateTable('grp')
      .set({
        join_policy: input.join_policy,
        capacity: input.capacity,
        accepting_members: input.accepting_members,
      })
      .where('id', '=', groupId)
      .execute()
    await fillPlaces(trx, await lockGroup(trx, groupId), now)
    await appendAudit(
      deps,
      {
        actorId: user.userId,
        action: 'join_settings_changed',
        subjectType: 'group',
        subjectId: groupId,
        scope: `group:${groupId}`,
        details: { ...input },
      },
      trx,
    )
  })
  return input
}
