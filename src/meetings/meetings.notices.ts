/**
 * The mails about meetings: a reminder the day before, a cancellation, a change, a place come
 * free. Each is composed when it goes and dropped if the person no longer has a place, or (for a
 * members-only meeting) is no longer a member: removal from a group stops its mail at once. The
 * mail gives the time and a link; what the meeting is, where, and the link to join online are on
 * the page, after sign-in.
 */
import { publicBaseUrl } from '#src/accounts/accounts.mail.ts'
import type { NoticeComposer } from '#src/jobs/notices.ts'
import { mailToUser } from '#src/jobs/notice-mail.ts'
import { isActiveMember } from '#src/membership/membership.access.ts'
import type { Deps } from '#src/platform/deps.ts'
import type { ClaimedNotice } from '#src/jobs/notices.ts'
import { formatInZone } from './time.ts'

async function stillAttending(deps: Deps, notice: ClaimedNotice, states: string[]) {
  const id = notice.payload.meeting_id
  if (typeof id !== 'string' || !notice.user_id) return null
  const meeting = await deps.db
    .selectFrom('meeting')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst()
  if (!meeting) return null
  const rsvp = await deps.db
    .selectFrom('rsvp')
    .select('state')
    .where('meeting_id', '=', id)
    .where('user_id', '=', notice.user_id)
    .executeTakeFirst()
  if (!rsvp || !states.includes(rsvp.state)) return null
  if (
    meeting.audience === 'members' &&
    !(await isActiveMember(deps.db, meeting.group_id, notice.user_id))
  ) {
    return null
  }
  return meeting
}

function compose(
  kind: string,
  states: string[],
  still: (
    m: NonNullable<Awaited<ReturnType<typeof stillAttending>>>,
    n: ClaimedNotice,
    now: Date,
  ) => boolean,
): NoticeComposer {
  return async (deps, notice) => {
    const meeting = await stillAttending(deps, notice, states)
    if (!meeting || !still(meeting, notice, deps.clock.now())) return null
    return mailToUser(deps.db, notice.user_id, kind, (locale) => ({
      time: formatInZone(meeting.starts_at, meeting.ends_at, meeting.timezone, locale),
      link: `${publicBaseUrl(deps.env)}/meetings/${meeting.id}`,
    }))
  }
}

export const meetingNotices: Record<string, NoticeComposer> = {
  'meeting.reminder': compose(
    'meeting.reminder',
    ['going'],
    (m, n, now) =>
      m.status === 'scheduled' &&
      m.starts_at.toISOString() === n.payload.starts_at &&
      m.starts_at > now,
  ),
  'meeting.cancelled': compose(
    'meeting.cancelled',
    ['going', 'waitlisted'],
    (m) => m.status === 'cancelled',
  ),
  // Only the latest change is worth a mail: an older one, not yet sent, says what is no longer so.
  'meeting.changed': compose(
    'meeting.changed',
    ['going', 'waitlisted'],
    (m, n, now) =>
      m.status === 'scheduled' && m.sequence === n.payload.sequence && m.starts_at > now,
  ),
  'meeting.promoted': compose(
    'meeting.promoted',
    ['going'],
    (m, _n, now) => m.status === 'scheduled' && m.starts_at > now,
  ),
}
