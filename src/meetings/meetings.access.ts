/**
 * Who may see what of a meeting. The time of a listed group's meetings is public; what a
 * members-only meeting is about, only its members see; the venue goes to those confirmed (or to
 * all, if the group chose so), the link to join online only to those confirmed. Each answer is
 * read from the current state, so a person removed from a group loses all of it at once.
 */
import type { Selectable } from 'kysely'
import type { Actor } from '#src/access/actor.ts'
import { canManageGroup, isActiveMember } from '#src/membership/membership.access.ts'
import { requireKnownGroup } from '#src/membership/membership.groups.ts'
import type { Db } from '#src/platform/db.ts'
import { notFound } from '#src/platform/errors.ts'
import type { MeetingTables, RsvpState } from './meetings.tables.ts'

export type MeetingRow = Selectable<MeetingTables['meeting']>

export interface Viewer {
  userId: string | null
  canManage: boolean
  isMember: boolean
}

/** How the actor stands towards a group's meetings; 404 when they may not know the group. */
export async function viewerOf(db: Db, actor: Actor, groupId: string): Promise<Viewer> {
  await requireKnownGroup(db, actor, groupId)
  const userId = actor.kind === 'user' ? actor.userId : null
  return {
    userId,
    canManage: await canManageGroup(db, actor, groupId),
    isMember: userId ? await isActiveMember(db, groupId, userId) : false,
  }
}

export async function loadMeeting(db: Db, id: string): Promise<MeetingRow> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw notFound('No such meeting.')
  const meeting = await db.selectFrom('meeting').selectAll().where('id', '=', id).executeTakeFirst()
  if (!meeting) throw notFound('No such meeting.')
  return meeting
}

type Audience = Pick<MeetingRow, 'audience' | 'venue_visibility'>

export const detailsVisible = (m: Audience, v: Viewer) =>
  v.canManage || m.audience === 'public' || v.isMember

export const mayRsvp = (m: Audience, v: Viewer) =>
  v.userId !== null && (m.audience === 'public' || v.isMember)

/** A confirmed attendee: going, and (for members-only meetings) still a member. */
export const isConfirmed = (m: Audience, v: Viewer, rsvp: RsvpState | null) =>
  rsvp === 'going' && mayRsvp(m, v)

export const venueVisible = (m: Audience, v: Viewer, rsvp: RsvpState | null) =>
  v.canManage ||
  (detailsVisible(m, v) && (m.venue_visibility === 'public' || isConfirmed(m, v, rsvp)))

export const linkVisible = (m: Audience, v: Viewer, rsvp: RsvpState | null) =>
  v.canManage || isConfirmed(m, v, rsvp)

export interface MeetingView {
  id: string
  group_id: string
  series_id: string | null
  occurrence_date: string | null
  kind: MeetingRow['kind']
  audience: MeetingRow['audience']
  format: MeetingRow['format']
  /** Null when the reader may not see what it is about (a members-only meeting). */
  title: string | null
  description: string | null
  lang: 'ja' | 'en'
  speakers: { name: string; affiliation: string | null }[]
  starts_at: string
  ends_at: string
  timezone: string
  status: MeetingRow['status']
  cancel_reason: string | null
  /** Null when hidden from this reader (they see `venue_hidden`). */
  venue: string | null
  venue_hidden: boolean
  online_url: string | null
  your_rsvp: RsvpState | null
  can_rsvp: boolean
  /** Whether every place is taken, told only to those who may take one: never a count. */
  full: boolean | null
  can_manage: boolean
  /** iCalendar SEQUENCE and the time of the last change, for feeds. */
  sequence: number
  updated_at: string
}

export function presentMeeting(
  m: MeetingRow,
  v: Viewer,
  rsvp: RsvpState | null,
  going: number,
): MeetingView {
  const details = detailsVisible(m, v)
  const venue = venueVisible(m, v, rsvp)
  return {
    id: m.id,
    group_id: m.group_id,
    series_id: m.series_id,
    occurrence_date: m.occurrence_date,
    kind: m.kind,
    audience: m.audience,
    format: m.format,
    title: details ? m.title : null,
    description: details ? m.description : null,
    lang: m.lang,
    speakers: details ? m.speakers : [],
    starts_at: m.starts_at.toISOString(),
    ends_at: m.ends_at.toISOString(),
    timezone: m.timezone,
    status: m.status,
    cancel_reason: details ? m.cancel_reason : null,
    venue: venue ? m.venue : null,
    venue_hidden: !venue && m.format !== 'online',
    online_url: linkVisible(m, v, rsvp) ? m.online_url : null,
    your_rsvp: rsvp === 'cancelled' ? null : rsvp,
    can_rsvp: mayRsvp(m, v) && m.status === 'scheduled',
    full: mayRsvp(m, v) && m.capacity !== null ? going >= m.capacity : null,
    can_manage: v.canManage,
    sequence: m.sequence,
    updated_at: m.updated_at.toISOString(),
  }
}

/** The actor's RSVP states and the going counts of these meetings. */
export async function rsvpFacts(db: Db, meetingIds: string[], userId: string | null) {
  const mine = new Map<string, RsvpState>()
  const going = new Map<string, number>()
  if (meetingIds.length === 0) return { mine, going }
  const rows = await db
    .selectFrom('rsvp')
    .select(['meeting_id', 'user_id', 'state'])
    .where('meeting_id', 'in', meetingIds)
    .where('state', 'in', ['going', 'waitlisted'])
    .execute()
  for (const r of rows) {
    if (r.user_id === userId) mine.set(r.meeting_id, r.state)
    if (r.state === 'going') going.set(r.meeting_id, (going.get(r.meeting_id) ?? 0) + 1)
  }
  return { mine, going }
}
