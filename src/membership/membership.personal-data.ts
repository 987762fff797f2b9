import type { Db } from '#src/platform/db.ts'

/**
 * A person's memberships in their export and their erasure. Which groups someone belongs to is
 * health information about them; the groups' own records keep nothing of them afterwards.
 */

export async function exportMemberships(db: Db, userId: string) {
  const memberships = await db
    .selectFrom('membership')
    .select(['id', 'group_id', 'state', 'display_name', 'visible_to_members', 'created_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute()
  const events = memberships.length
    ? await db
        .selectFrom('membership_event')
        .select(['membership_id', 'from_state', 'to_state', 'actor', 'reason', 'at'])
        .where(
          'membership_id',
          'in',
          memberships.map((m) => m.id),
        )
        .orderBy('at')
        .execute()
    : []
  return memberships.map((m) => ({
    group_id: m.group_id,
    state: m.state,
    display_name: m.display_name,
    visible_to_members: m.visible_to_members,
    created_at: m.created_at.toISOString(),
    history: events
      .filter((e) => e.membership_id === m.id)
      .map((e) => ({
        from_state: e.from_state,
        to_state: e.to_state,
        // Who else acted is theirs to keep: the person sees whether it was them.
        by: e.actor === `user:${userId}` ? 'you' : e.actor === 'system' ? 'system' : 'the group',
        reason: e.reason,
        at: e.at.toISOString(),
      })),
  }))
}

/** States in which a membership shows the person to the group's runners or lets them in. */
const ongoing = ['requested', 'screening', 'active', 'waitlisted'] as const

/**
 * Withdrawing the consent to keep health information ends the person's memberships: that they
 * belong to a disease group is such information, and showing it to the group's runners is what
 * the consent covered. Each ends as though they had left, with the reason in its history;
 * joining again asks for the consent again.
 */
export async function endMembershipsForWithdrawnConsent(
  db: Db,
  userId: string,
  now: Date,
): Promise<number> {
  const ended = await db
    .updateTable('membership')
    .set({ state: 'left', updated_at: now })
    .where('user_id', '=', userId)
    .where('state', 'in', ongoing)
    .returning(['id'])
    .execute()
  if (ended.length === 0) return 0
  const before = await db
    .selectFrom('membership_event')
    .select(['membership_id', 'to_state'])
    .where(
      'membership_id',
      'in',
      ended.map((m) => m.id),
    )
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .execute()
  await db
    .insertInto('membership_event')
    .values(
      ended.map((m) => ({
        membership_id: m.id,
        from_state: before.find((e) => e.membership_id === m.id)?.to_state ?? null,
        to_state: 'left' as const,
        actor: `user:${userId}`,
        reason: 'consent_withdrawn',
        at: now,
      })),
    )
    .execute()
  return ended.length
}

/** Deletes the person's memberships and their history (membership_event goes by cascade). */
export async function eraseMemberships(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('membership').where('user_id', '=', userId).execute()
}
