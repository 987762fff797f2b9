/**
 * Taking a place at a meeting. Each change locks the meeting's row first, so that two people
 * asking for its last place at once are served one after the other: one gets it, the other goes
 * on the waiting list. A place given up goes to the first on the waiting list, who is told.
 */
import { requireUser, type Actor } from '#src/access/actor.ts'
import { addNotice } from '#src/jobs/notices.ts'
import { nextWaitlistPosition } from '#src/membership/places.ts'
import type { Db } from '#src/platform/db.ts'
import type { Deps } from '#src/platform/deps.ts'
import { AppError, notFound } from '#src/platform/errors.ts'
import { loadMeeting, mayRsvp, viewerOf } from './meetings.access.ts'
import type { RsvpState } from './meetings.tables.ts'

async function lockMeeting(trx: Db, id: string) {
  const meeting = await trx
    .selectFrom('meeting')
    .select(['id', 'group_id', 'capacity', 'status', 'starts_at', 'audience'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst()
  if (!meeting) throw notFound('No such meeting.')
  return meeting
}

async function goingCount(trx: Db, meetingId: string) {
  const row = await trx
    .selectFrom('rsvp')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('meeting_id', '=', meetingId)
    .where('state', '=', 'going')
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Fills free places from the waiting list, first come first served; each promoted person is told. */
export async function promoteWaiting(
  trx: Db,
  now: Date,
  meeting: { id: string; group_id: string; capacity: number | null },
): Promise<number> {
  let free =
    meeting.capacity === null ? Infinity : meeting.capacity - (await goingCount(trx, meeting.id))
  let promoted = 0
  while (free > 0) {
    const next = await trx
      .selectFrom('rsvp')
      .select(['id', 'user_id'])
      .where('meeting_id', '=', meeting.id)
      .where('state', '=', 'waitlisted')
      .orderBy('waitlist_position')
      .limit(1)
      .executeTakeFirst()
    if (!next) break
    await trx
      .updateTable('rsvp')
      .set({ state: 'going', updated_at: now })
      .where('id', '=', next.id)
      .execute()
    await addNotice(trx, now, {
      kind: 'meeting.promoted',
      key: `promoted:${next.id}:${now.toISOString()}`,
      userId: next.user_id,
      groupId: meeting.group_id,
      payload: { meeting_id: meeting.id },
    })
    free--
    promoted++
  }
  return promoted
}

/** Asks for a place: going if one is free, otherwise on the waiting list. Asking again changes nothing. */
export async function rsvp(
  deps: Deps,
  actor: Actor,
  meetingId: string,
): Promise<{ state: RsvpState }> {
  const user = requireUser(actor)
  const found = await loadMeeting(deps.db, meetingId)
  const viewer = await viewerOf(deps.db, actor, found.group_id)
  if (!mayRsvp(found, viewer)) {
    throw new AppError('forbidden', 'This meeting is for the group’s members.')
  }
  const now = deps.clock.now()
  return deps.db.transaction().execute(async (trx) => {
    if (found.audience === 'members') {
      // The membership row is locked before the meeting's, in the order removal takes them, so a
      // removal and this cannot both pass: whichever comes second sees the other's result.
      const member = await trx
        .selectFrom('membership')
        .select('id')
        .where('group_id', '=', found.group_id)
        .where('user_id', '=', user.userId)
        .where('state', '=', 'active')
        .forShare()
        .executeTakeFirst()
      if (!member) throw new AppError('forbidden', 'This meeting is for the group’s members.')
    }
    const meeting = await lockMeeting(trx, meetingId)
    if (meeting.status !== 'scheduled' || meeting.starts_at <= now) {
      throw new AppError('conflict', 'This meeting is not taking replies any more.')
    }
    const existing = await trx
      .selectFrom('rsvp')
      .select(['id', 'state'])
      .where('meeting_id', '=', meetingId)
      .where('user_id', '=', user.userId)
      .executeTakeFirst()
    if (existing && existing.state !== 'cancelled') return { state: existing.state }
    const full = meeting.capacity !== null && (await goingCount(trx, meetingId)) >= meeting.capacity
    const waiting = await trx
      .selectFrom('rsvp')
      .select('id')
      .where('meeting_id', '=', meetingId)
      .where('state', '=', 'waitlisted')
      .executeTakeFirst()
    const state: RsvpState = full || waiting ? 'waitlisted' : 'going'
    const waits = state === 'waitlisted'
    const values = {
      state,
      waitlisted_at: waits ? now : null,
      waitlist_position: waits ? nextWaitlistPosition() : null,
      updated_at: now,
    }
    if (existing) {
      await trx.updateTable('rsvp').set(values).where('id', '=', existing.id).execute()
    } else {
      await trx
        .insertInto('rsvp')
        .values({ meeting_id: meetingId, user_id: user.userId, created_at: now, ...values })
        .execute()
    }
    return { state }
  })
}

async function giveUp(trx: Db, now: Date, meetingId: string, userId: string): Promise<boolean> {
  const meeting = await lockMeeting(trx, meetingId)
  const cancelled = await trx
    .updateTable('rsvp')
    .set({ state: 'cancelled', waitlisted_at: null, waitlist_position: null, updated_at: now })
    .where('meeting_id', '=', meetingId)
    .where('user_id', '=', userId)
    .where('state', 'in', ['going', 'waitlisted'])
    .returning('id')
    .executeTakeFirst()
  if (cancelled && meeting.status === 'scheduled' && meeting.starts_at > now) {
    await promoteWaiting(trx, now, meeting)
  }
  return cancelled !== undefined
}

/** Gives up a place (or a place on the waiting list), at any time before the meeting. */
export async function cancelRsvp(deps: Deps, actor: Actor, meetingId: string): Promise<void> {
  const user = requireUser(actor)
  const meeting = await loadMeeting(deps.db, meetingId)
  await viewerOf(deps.db, actor, meeting.group_id)
  const now = deps.clock.now()
  const done = await deps.db
    .transaction()
    .execute((trx) => giveUp(trx, now, meetingId, user.userId))
  if (!done) throw notFound('You have no place at this meeting.')
}

/**
 * When a person leaves or is removed from a group: gives up their places at its coming meetings
 * (`members`: the members-only ones; `all`: every one). Called inside the membership change's
 * transaction, which holds the group's and the membership's locks.
 */
export async function releaseRsvps(
  trx: Db,
  now: Date,
  input: { groupId: string; userId: string; scope: 'members' | 'all' },
): Promise<void> {
  let query = trx
    .selectFrom('rsvp as r')
    .innerJoin('meeting as m', 'm.id', 'r.meeting_id')
    .select('m.id')
    .where('m.group_id', '=', input.groupId)
    .where('r.user_id', '=', input.userId)
    .where('r.state', 'in', ['going', 'waitlisted'])
    .where('m.starts_at', '>', now)
  if (input.scope === 'members') query = query.where('m.audience', '=', 'members')
  // Meetings in id order, so that two releases never wait on each other's locks in a ring.
  for (const { id } of await query.orderBy('m.id').execute()) {
    await giveUp(trx, now, id, input.userId)
  }
}
