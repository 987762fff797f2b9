/** Reading meetings: a group's list, one meeting, and a person's own ("My meetings"). */
import { requireUser, type Actor } from '#src/access/actor.ts'
import type { LocalizedText } from '#src/directory/directory.tables.ts'
import type { Deps } from '#src/platform/deps.ts'
import {
  loadMeeting,
  presentMeeting,
  rsvpFacts,
  viewerOf,
  type MeetingView,
  type Viewer,
} from './meetings.access.ts'
import { horizonDays } from './schedule-meetings.ts'

/** A group's meetings from yesterday to the horizon, as this reader may see them. */
export async function listGroupMeetings(
  deps: Pick<Deps, 'db' | 'clock'>,
  actor: Actor,
  groupId: string,
): Promise<{ viewer: Viewer; items: MeetingView[] }> {
  const viewer = await viewerOf(deps.db, actor, groupId)
  const now = deps.clock.now()
  const rows = await deps.db
    .selectFrom('meeting')
    .selectAll()
    .where('group_id', '=', groupId)
    .where('ends_at', '>', now)
    .where('starts_at', '<', new Date(now.getTime() + horizonDays * 86_400_000))
    .orderBy('starts_at')
    .orderBy('id')
    .limit(500)
    .execute()
  const facts = await rsvpFacts(
    deps.db,
    rows.map((r) => r.id),
    viewer.userId,
  )
  return {
    viewer,
    items: rows.map((m) =>
      presentMeeting(m, viewer, facts.mine.get(m.id) ?? null, facts.going.get(m.id) ?? 0),
    ),
  }
}

export interface Attendee {
  name: string
  state: 'going' | 'waitlisted'
}

/** One meeting as this reader may see it; those who run the group see who is coming. */
export async function getMeeting(deps: Deps, actor: Actor, meetingId: string) {
  const meeting = await loadMeeting(deps.db, meetingId)
  const viewer = await viewerOf(deps.db, actor, meeting.group_id)
  const facts = await rsvpFacts(deps.db, [meeting.id], viewer.userId)
  const view = presentMeeting(
    meeting,
    viewer,
    facts.mine.get(meeting.id) ?? null,
    facts.going.get(meeting.id) ?? 0,
  )
  const group = await deps.db
    .selectFrom('grp')
    .select(['id', 'name'])
    .where('id', '=', meeting.group_id)
    .executeTakeFirstOrThrow()
  let attendees: Attendee[] | null = null
  if (viewer.canManage) {
    const rows = await deps.db
      .selectFrom('rsvp as r')
      .innerJoin('app_user as u', 'u.id', 'r.user_id')
      .leftJoin('membership as ms', (join) =>
        join.onRef('ms.user_id', '=', 'r.user_id').on('ms.group_id', '=', meeting.group_id),
      )
      .select(['r.state', 'ms.display_name as member_name', 'u.display_name as account_name'])
      .where('r.meeting_id', '=', meeting.id)
      .where('r.state', 'in', ['going', 'waitlisted'])
      .orderBy('r.state')
      .orderBy('r.created_at')
      .execute()
    attendees = rows.map((r) => ({
      name: r.member_name ?? r.account_name ?? '—',
      state: r.state as Attendee['state'],
    }))
  }
  return { meeting: view, group, attendees }
}

export interface MyMeeting extends MeetingView {
  group_name: LocalizedText
}

/** The meetings the person has a place at (or is waiting for), soonest first. */
export async function myMeetings(deps: Deps, actor: Actor): Promise<MyMeeting[]> {
  const user = requireUser(actor)
  const now = deps.clock.now()
  const rows = await deps.db
    .selectFrom('rsvp as r')
    .innerJoin('meeting as m', 'm.id', 'r.meeting_id')
    .innerJoin('grp as g', 'g.id', 'm.group_id')
    .selectAll('m')
    .select(['r.state as rsvp_state', 'g.name as group_name'])
    .where('r.user_id', '=', user.userId)
    .where('r.state', 'in', ['going', 'waitlisted'])
    .where('m.ends_at', '>', now)
    .orderBy('m.starts_at')
    .limit(200)
    .execute()
  const viewers = new Map<string, Viewer | null>()
  const items: MyMeeting[] = []
  const facts = await rsvpFacts(
    deps.db,
    rows.map((r) => r.id),
    user.userId,
  )
  for (const row of rows) {
    if (!viewers.has(row.group_id)) {
      // A hidden group the person has left is not theirs to see any more (404): skip its meetings.
      viewers.set(row.group_id, await viewerOf(deps.db, actor, row.group_id).catch(() => null))
    }
    const viewer = viewers.get(row.group_id)
    if (!viewer) continue
    const view = presentMeeting(row, viewer, row.rsvp_state, facts.going.get(row.id) ?? 0)
    // A members-only meeting of a group the person is no longer in is not theirs any more.
    if (row.audience === 'members' && !viewer.isMember && !viewer.canManage) continue
    items.push({ ...view, group_name: row.group_name })
  }
  return items
}
