/**
 * Places in a group with a capacity: who holds one, who waits, and the offers made as places free
 * up. Every function here runs inside a transaction that has locked the group's row first
 * (`lockGroup`), so two people can never take the last place at once: the second waits for the
 * first to commit, then finds the group full.
 */
import { sql } from 'kysely'
import { enqueue } from '#src/jobs/queue.ts'
import { addNotice } from '#src/jobs/notices.ts'
import type { ClaimedJob } from '#src/jobs/queue.ts'
import type { Db } from '#src/platform/db.ts'
import type { Deps } from '#src/platform/deps.ts'
import { lockGroup, type JoinGroup } from './membership.groups.ts'
import type { MembershipState } from './membership.tables.ts'

/** How long a waitlisted person has to take up a place offered to them. */
export const offerHours = 72

/** The next place in any waiting list: served in the order people came, even within one instant. */
export const nextWaitlistPosition = () => sql`nextval('waitlist_position_seq')`

/** Records a change of state with its history entry; `actor` is `user:<id>` or `system`. */
export async function transition(
  trx: Db,
  now: Date,
  membership: { id: string; state: MembershipState | null },
  to: MembershipState,
  actor: string,
  reason: string | null = null,
  extra: { waitlisted_at?: Date | null; offer_expires_at?: Date | null } = {},
) {
  const position =
    extra.waitlisted_at === undefined
      ? {}
      : { waitlist_position: extra.waitlisted_at ? nextWaitlistPosition() : null }
  await trx
    .updateTable('membership')
    .set({ state: to, updated_at: now, ...extra, ...position })
    .where('id', '=', membership.id)
    .execute()
  await trx
    .insertInto('membership_event')
    .values({
      membership_id: membership.id,
      from_state: membership.state,
      to_state: to,
      actor,
      reason,
      at: now,
    })
    .execute()
}

async function counts(trx: Db, groupId: string, now: Date) {
  const rows = await trx
    .selectFrom('membership')
    .select(['state', 'offer_expires_at'])
    .where('group_id', '=', groupId)
    .where('state', 'in', ['active', 'waitlisted'])
    .execute()
  let held = 0
  let waiting = 0
  for (const r of rows) {
    if (r.state === 'active') held++
    else if (r.offer_expires_at && r.offer_expires_at > now) held++
    else waiting++
  }
  return { held, waiting }
}

/** Whether a newcomer may take a place now: one is free and nobody is waiting ahead of them. */
export async function hasPlace(trx: Db, group: JoinGroup, now: Date): Promise<boolean> {
  if (group.capacity === null) return true
  const { held, waiting } = await counts(trx, group.id, now)
  return held < group.capacity && waiting === 0
}

const offerKey = (membershipId: string, at: Date) => `offer:${membershipId}:${at.toISOString()}`

/**
 * Offers every free place to the next in line, oldest first: a mail each, and a job that ends the
 * offer when it lapses.
 */
export async function fillPlaces(trx: Db, group: JoinGroup, now: Date): Promise<number> {
  const { held } = await counts(trx, group.id, now)
  let free = group.capacity === null ? Infinity : group.capacity - held
  let offered = 0
  while (free > 0) {
    const next = await trx
      .selectFrom('membership')
      .select(['id', 'user_id'])
      .where('group_id', '=', group.id)
      .where('state', '=', 'waitlisted')
      // A lapsed offer is ended by its own job; the person is not offered again meanwhile.
      .where('offer_expires_at', 'is', null)
      .orderBy('waitlist_position')
      .limit(1)
      .executeTakeFirst()
    if (!next) break
    const expires = new Date(now.getTime() + offerHours * 3_600_000)
    await trx
      .updateTable('membership')
      .set({ offer_expires_at: expires, updated_at: now })
      .where('id', '=', next.id)
      .execute()
    await trx
      .insertInto('membership_event')
      .values({
        membership_id: next.id,
        from_state: 'waitlisted',
        to_state: 'waitlisted',
        actor: 'system',
        reason: 'place_offered',
        at: now,
      })
      .execute()
    const key = offerKey(next.id, now)
    await addNotice(trx, now, {
      kind: 'membership.offer',
      key,
      userId: next.user_id,
      groupId: group.id,
      payload: { membership_id: next.id, expires_at: expires.toISOString() },
    })
    await enqueue(trx, now, {
      kind: 'membership.offer-lapse',
      key,
      runAt: expires,
      payload: { membership_id: next.id, group_id: group.id },
    })
    free--
    offered++
  }
  return offered
}

/**
 * The job at the end of an offer: if it was not taken up, the person leaves the waiting list (they
 * are told, and may ask again) and the place goes to the next in line.
 */
export async function lapseOffer(deps: Deps, job: ClaimedJob): Promise<void> {
  const { membership_id: membershipId, group_id: groupId } = job.payload as {
    membership_id: string
    group_id: string
  }
  const now = deps.clock.now()
  await deps.db.transaction().execute(async (trx) => {
    const group = await lockGroup(trx, groupId)
    const m = await trx
      .selectFrom('membership')
      .select(['id', 'state', 'user_id', 'offer_expires_at'])
      .where('id', '=', membershipId)
      .executeTakeFirst()
    if (!m || m.state !== 'waitlisted' || !m.offer_expires_at || m.offer_expires_at > now) return
    await transition(trx, now, m, 'left', 'system', 'offer_lapsed', { offer_expires_at: null })
    await addNotice(trx, now, {
      kind: 'membership.offer-lapsed',
      key: `offer-lapsed:${m.id}:${m.offer_expires_at.toISOString()}`,
      userId: m.user_id,
      groupId,
      payload: { membership_id: m.id },
    })
    await fillPlaces(trx, group, now)
  })
}
