/**
 * A person's part of joining and meeting, for their export and their erasure (accounts'
 * export-account.ts and erase-account.ts call these). Memberships with their history and the
 * screening answers, questions asked before joining, places at meetings, the private feed and
 * the notices addressed to them.
 */
import { sql } from 'kysely'
import type { Db } from '#src/platform/db.ts'
import type { Deps } from '#src/platform/deps.ts'
import { releaseRsvps } from '#src/meetings/rsvp.service.ts'
import { lockGroup, presentStates } from './membership.groups.ts'
import { fillPlaces, transition } from './places.ts'
import { answersOf } from './questionnaire.service.ts'

export async function exportJoining(deps: Pick<Deps, 'db' | 'secrets'>, userId: string) {
  const memberships = await deps.db
    .selectFrom('membership as m')
    .innerJoin('grp as g', 'g.id', 'm.group_id')
    .select([
      'm.id',
      'm.group_id',
      'g.name',
      'm.state',
      'm.display_name',
      'm.visible_to_members',
      'm.note',
      'm.created_at',
    ])
    .where('m.user_id', '=', userId)
    .orderBy('m.created_at')
    .execute()
  const groups = []
  for (const m of memberships) {
    const history = await deps.db
      .selectFrom('membership_event')
      .select(['from_state', 'to_state', 'reason', 'at'])
      .where('membership_id', '=', m.id)
      .orderBy('id')
      .execute()
    groups.push({
      group_id: m.group_id,
      group_name: m.name,
      state: m.state,
      display_name: m.display_name,
      visible_to_members: m.visible_to_members,
      message_to_facilitators: m.note,
      joined_at: m.created_at.toISOString(),
      history: history.map((h) => ({ ...h, at: h.at.toISOString() })),
      screening_answers: await answersOf(deps.db, deps.secrets, m.id),
    })
  }
  const questions = await deps.db
    .selectFrom('group_question')
    .select(['id', 'group_id', 'created_at', 'revealed_at', 'reveal_name'])
    .where('asker_user_id', '=', userId)
    .orderBy('created_at')
    .execute()
  const asked = []
  for (const q of questions) {
    const messages = await deps.db
      .selectFrom('group_question_message')
      .select(['side', 'body', 'created_at'])
      .where('question_id', '=', q.id)
      .orderBy('id')
      .execute()
    asked.push({
      group_id: q.group_id,
      asked_at: q.created_at.toISOString(),
      revealed_at: q.revealed_at?.toISOString() ?? null,
      revealed_name: q.reveal_name,
      messages: messages.map((x) => ({ ...x, created_at: x.created_at.toISOString() })),
    })
  }
  const rsvps = await deps.db
    .selectFrom('rsvp as r')
    .innerJoin('meeting as m', 'm.id', 'r.meeting_id')
    .select(['m.id', 'm.group_id', 'm.title', 'm.starts_at', 'r.state', 'r.created_at'])
    .where('r.user_id', '=', userId)
    .orderBy('m.starts_at')
    .execute()
  const feed = await deps.db
    .selectFrom('calendar_feed')
    .select('created_at')
    .where('user_id', '=', userId)
    .executeTakeFirst()
  const notices = await deps.db
    .selectFrom('notice')
    .select(['kind', 'state', 'created_at', 'finished_at'])
    .where('user_id', '=', userId)
    .orderBy('id')
    .execute()
  return {
    groups,
    questions_asked: asked,
    meetings: rsvps.map((r) => ({
      meeting_id: r.id,
      group_id: r.group_id,
      title: r.title,
      starts_at: r.starts_at.toISOString(),
      your_reply: r.state,
      replied_at: r.created_at.toISOString(),
    })),
    calendar_feed: feed ? { created_at: feed.created_at.toISOString() } : null,
    notices: notices.map((n) => ({
      kind: n.kind,
      state: n.state,
      created_at: n.created_at.toISOString(),
      sent_at: n.finished_at?.toISOString() ?? null,
    })),
  }
}

/**
 * Inside the erasure's transaction: the person leaves every group and meeting (their places go
 * to the next in line, as if they had left), and everything of theirs here is deleted: who they
 * were in a group is health data, not the group's to keep.
 */
export async function eraseJoining(trx: Db, now: Date, userId: string): Promise<void> {
  const memberships = await trx
    .selectFrom('membership')
    .select(['id', 'group_id', 'state'])
    .where('user_id', '=', userId)
    .orderBy('group_id')
    .execute()
  for (const m of memberships) {
    const group = await lockGroup(trx, m.group_id)
    await releaseRsvps(trx, now, { groupId: m.group_id, userId, scope: 'all' })
    if (presentStates.includes(m.state)) {
      await transition(trx, now, m, 'left', 'system', 'account_erased', { offer_expires_at: null })
      await fillPlaces(trx, group, now)
    }
  }
  // Places at meetings of groups the person was never in (public events).
  const others = await trx
    .selectFrom('rsvp as r')
    .innerJoin('meeting as m', 'm.id', 'r.meeting_id')
    .select('m.group_id')
    .distinct()
    .where('r.user_id', '=', userId)
    .where('r.state', 'in', ['going', 'waitlisted'])
    .execute()
  for (const { group_id } of others) {
    await releaseRsvps(trx, now, { groupId: group_id, userId, scope: 'all' })
  }
  // Notices to the facilitators about the person's requests and questions: those not yet sent
  // are about no one any more, those sent would still tie a group to the erased membership.
  const questions = await trx
    .selectFrom('group_question')
    .select('id')
    .where('asker_user_id', '=', userId)
    .execute()
  const about = [...memberships.map((m) => m.id), ...questions.map((q) => q.id)]
  if (about.length) {
    await trx
      .deleteFrom('notice')
      .where((eb) =>
        eb.or([
          eb(sql<string>`payload->>'membership_id'`, 'in', about),
          eb(sql<string>`payload->>'question_id'`, 'in', about),
        ]),
      )
      .execute()
  }
  await trx.deleteFrom('membership').where('user_id', '=', userId).execute()
  await trx.deleteFrom('rsvp').where('user_id', '=', userId).execute()
  await trx.deleteFrom('group_question').where('asker_user_id', '=', userId).execute()
  await trx.deleteFrom('calendar_feed').where('user_id', '=', userId).execute()
  await trx.deleteFrom('notice').where('user_id', '=', userId).execute()
}
