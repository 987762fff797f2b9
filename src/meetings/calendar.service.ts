/**
 * Calendar feeds (decision 063): a listed group's public feed, each person's private feed at a
 * secret address they can renew, and one meeting's `.ics`. What an event says follows the same
 * rules as the pages: a members-only meeting is "a members' meeting" to the public; the venue
 * and the link only where the reader is confirmed. The private feed is built from the current
 * state at each fetch, so a removed member's entries for the group are gone at the next one.
 */
import { requireUser, type Actor, type UserActor } from '#src/access/actor.ts'
import { publicBaseUrl } from '#src/accounts/accounts.mail.ts'
import { hashToken, newToken } from '#src/accounts/user-session.ts'
import { getGroupProfile, textIn } from '#src/directory/groups.service.ts'
import { translate } from '#src/i18n/i18n.ts'
import type { Locale } from '#src/i18n/locale.ts'
import type { Deps } from '#src/platform/deps.ts'
import { notFound } from '#src/platform/errors.ts'
import { occurrenceDates } from '#src/directory/schedule.ts'
import { icsCalendar, type IcsEvent } from './ical.ts'
import type { MeetingView } from './meetings.access.ts'
import { getMeeting, listGroupMeetings, myMeetings } from './meetings.read.ts'
import { addDays, formatInZone, instantOf, todayIn } from './time.ts'

const hostOf = (deps: Pick<Deps, 'env'>) => new URL(publicBaseUrl(deps.env)).host

function meetingEvent(
  deps: Deps,
  m: MeetingView,
  locale: Locale,
  context: { groupName: string; waiting: boolean },
): IcsEvent {
  const starts = new Date(m.starts_at)
  const ends = new Date(m.ends_at)
  const title = m.title ?? translate(locale, 'meetings.membersMeeting')
  const lines = [
    context.groupName,
    formatInZone(starts, ends, m.timezone, locale),
    m.description ?? '',
    m.online_url ? `${translate(locale, 'meetings.onlineLink')}: ${m.online_url}` : '',
  ]
  return {
    uid: `meeting-${m.id}@${hostOf(deps)}`,
    sequence: m.sequence,
    stamp: new Date(m.updated_at),
    start: starts,
    end: ends,
    summary:
      m.status === 'cancelled'
        ? `${translate(locale, 'meetings.cancelledPrefix')} ${title}`
        : title,
    description: lines.filter(Boolean).join('\n\n'),
    location:
      m.venue ?? (m.format === 'online' ? translate(locale, 'meetings.format.online') : null),
    url: `${publicBaseUrl(deps.env)}/meetings/${m.id}`,
    status: m.status === 'cancelled' ? 'CANCELLED' : context.waiting ? 'TENTATIVE' : 'CONFIRMED',
  }
}

/** The public feed of a listed group: its own meetings and its listing's schedule. */
export async function groupFeed(deps: Deps, groupId: string, locale: Locale): Promise<string> {
  const profile = await getGroupProfile(deps, { kind: 'anonymous' }, groupId)
  const name = textIn(profile.name, locale) ?? profile.id
  const { items } = await listGroupMeetings(deps, { kind: 'anonymous' }, groupId)
  const events = items.map((m) =>
    meetingEvent(deps, m, locale, { groupName: name, waiting: false }),
  )
  // The listing's own schedule, where the group's series do not replace it.
  const now = deps.clock.now()
  for (const s of profile.schedules.filter((x) => !x.id.startsWith('tomoni-'))) {
    const today = todayIn(now, s.timezone)
    for (const date of occurrenceDates(s, addDays(today, -7), addDays(today, 120))) {
      const start = instantOf(date, s.opens_at ?? '00:00', s.timezone)
      const end = s.closes_at
        ? instantOf(date, s.closes_at, s.timezone)
        : new Date(start.getTime() + 2 * 3_600_000)
      events.push({
        uid: `schedule-${s.id}-${date}@${hostOf(deps)}`,
        sequence: 0,
        stamp: now,
        start,
        end: end > start ? end : new Date(start.getTime() + 2 * 3_600_000),
        allDay: s.opens_at ? undefined : { date },
        summary: name,
        description: s.description ? (s.description[s.description.original] ?? null) : null,
        url: `${publicBaseUrl(deps.env)}/groups/${encodeURIComponent(groupId)}`,
        status: 'CONFIRMED',
      })
    }
  }
  events.sort((a, b) => a.start.getTime() - b.start.getTime())
  return icsCalendar(name, events)
}

/** One meeting, as this reader may see it. */
export async function meetingIcs(deps: Deps, actor: Actor, meetingId: string, locale: Locale) {
  const { meeting, group } = await getMeeting(deps, actor, meetingId)
  const groupName = textIn(group.name, locale) ?? group.id
  const event = meetingEvent(deps, meeting, locale, {
    groupName,
    waiting: meeting.your_rsvp === 'waitlisted',
  })
  return icsCalendar(meeting.title ?? groupName, [event])
}

/** A new secret address for the person's private feed; the old one stops working. */
export async function renewFeed(deps: Deps, actor: Actor): Promise<{ url: string }> {
  const user = requireUser(actor)
  const token = newToken()
  const values = { token_hash: hashToken(token), created_at: deps.clock.now() }
  await deps.db
    .insertInto('calendar_feed')
    .values({ user_id: user.userId, ...values })
    .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
    .execute()
  return { url: `${publicBaseUrl(deps.env)}/calendar/${token}.ics` }
}

export async function feedStatus(deps: Deps, actor: Actor) {
  const user = requireUser(actor)
  const row = await deps.db
    .selectFrom('calendar_feed')
    .select('created_at')
    .where('user_id', '=', user.userId)
    .executeTakeFirst()
  return { exists: !!row, created_at: row?.created_at.toISOString() ?? null }
}

export async function stopFeed(deps: Deps, actor: Actor): Promise<void> {
  const user = requireUser(actor)
  await deps.db.deleteFrom('calendar_feed').where('user_id', '=', user.userId).execute()
}

/** The private feed behind a secret address: the meetings its owner has a place at, or waits for. */
export async function privateFeed(deps: Deps, token: string, locale: Locale): Promise<string> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) throw notFound('No such feed.')
  const row = await deps.db
    .selectFrom('calendar_feed as f')
    .innerJoin('app_user as u', 'u.id', 'f.user_id')
    .select(['f.user_id', 'u.locale'])
    .where('f.token_hash', '=', hashToken(token))
    .where('u.erased_at', 'is', null)
    .executeTakeFirst()
  if (!row) throw notFound('No such feed.')
  // The feed reads as its owner, with no staff powers: what they see as a member.
  const owner: UserActor = {
    kind: 'user',
    userId: row.user_id,
    sessionId: 'calendar-feed',
    roles: [],
    reauthenticatedAt: new Date(0),
  }
  const items = await myMeetings(deps, owner)
  const events = items.map((m) =>
    meetingEvent(deps, m, locale, {
      groupName: textIn(m.group_name, locale) ?? m.group_id,
      waiting: m.your_rsvp === 'waitlisted',
    }),
  )
  return icsCalendar(translate(locale, 'meetings.feedName'), events)
}
