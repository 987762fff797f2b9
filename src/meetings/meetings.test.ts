import ICAL from 'ical.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { anonymous } from '#src/access/actor.ts'
import { joinGroup } from '#src/membership/join.service.ts'
import { decideMember } from '#src/membership/review.service.ts'
import { createTestApp } from '../../tests/app.ts'
import {
  consentVersion,
  facilitator,
  mailTo,
  runWork,
  seedGroup,
  seeker,
} from '../../tests/membership.ts'
import { groupFeed, meetingIcs, privateFeed, renewFeed } from './calendar.service.ts'
import { getMeeting, listGroupMeetings, myMeetings } from './meetings.read.ts'
import { cancelMeeting, createMeeting, updateMeeting } from './meetings.service.ts'
import { cancelRsvp, rsvp } from './rsvp.service.ts'
import { createSeries, updateSeries } from './series.service.ts'
import { formatMeetingTime, instantOf } from './time.ts'

type TestApp = Awaited<ReturnType<typeof createTestApp>>

const details = {
  kind: 'meeting',
  title: 'Monthly circle',
  description: 'Tea and talk.',
  lang: 'en',
  format: 'hybrid',
  venue: 'Community hall, room 2',
  venue_visibility: 'attendees',
  online_url: 'https://video.example/room-42',
  audience: 'members',
  start_time: '10:00',
  duration_minutes: 120,
}

/** Every VEVENT of a feed, as an independent parser reads it. */
function parseFeed(text: string) {
  const calendar = ICAL.Component.fromString(text)
  expect(calendar.name).toBe('vcalendar')
  expect(calendar.getFirstPropertyValue('version')).toBe('2.0')
  return calendar.getAllSubcomponents('vevent').map((c) => {
    const event = new ICAL.Event(c)
    return {
      uid: event.uid,
      summary: event.summary,
      start: event.startDate.toJSDate().toISOString(),
      status: c.getFirstPropertyValue('status'),
      description: event.description,
      location: event.location,
    }
  })
}

describe('meetings', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(() => t.close())

  async function groupWithMember(capacity: number | null = null) {
    const groupId = await seedGroup(t, { policy: 'open', capacity })
    const keeper = await facilitator(t, groupId)
    const member = await seeker(t)
    await joinGroup(t.deps, member.actor, {
      groupId,
      displayName: 'Mika',
      consentVersion,
      locale: 'en',
    })
    return { groupId, keeper, member }
  }

  const starts = async (groupId: string) =>
    (
      await t.deps.db
        .selectFrom('meeting')
        .select(['occurrence_date', 'starts_at', 'local_start', 'status'])
        .where('group_id', '=', groupId)
        .orderBy('starts_at')
        .execute()
    ).map((m) => ({
      date: m.occurrence_date,
      utc: m.starts_at.toISOString(),
      local: m.local_start,
      status: m.status,
    }))

  it('keeps a weekly meeting at 10:00 in London across the change to summer time', async () => {
    const { groupId, keeper } = await groupWithMember()
    await createSeries(t.deps, keeper.actor, groupId, {
      ...details,
      timezone: 'Europe/London',
      rrule: 'FREQ=WEEKLY;BYDAY=SA;COUNT=4',
      dtstart: '2027-03-20',
    })
    expect(await starts(groupId)).toEqual([
      {
        date: '2027-03-20',
        utc: '2027-03-20T10:00:00.000Z',
        local: '2027-03-20T10:00',
        status: 'scheduled',
      },
      {
        date: '2027-03-27',
        utc: '2027-03-27T10:00:00.000Z',
        local: '2027-03-27T10:00',
        status: 'scheduled',
      },
      // British Summer Time from 28 March: 10:00 is 09:00 UTC.
      {
        date: '2027-04-03',
        utc: '2027-04-03T09:00:00.000Z',
        local: '2027-04-03T10:00',
        status: 'scheduled',
      },
      {
        date: '2027-04-10',
        utc: '2027-04-10T09:00:00.000Z',
        local: '2027-04-10T10:00',
        status: 'scheduled',
      },
    ])
  })

  it('keeps the second Sunday at 14:00 in New York, with an exception, across DST', async () => {
    const { groupId, keeper } = await groupWithMember()
    await createSeries(t.deps, keeper.actor, groupId, {
      ...details,
      start_time: '14:00',
      timezone: 'America/New_York',
      rrule: 'FREQ=MONTHLY;BYDAY=2SU',
      dtstart: '2027-01-10',
      exdates: ['2027-02-14'],
    })
    const found = (await starts(groupId)).slice(0, 3)
    expect(found).toEqual([
      {
        date: '2027-01-10',
        utc: '2027-01-10T19:00:00.000Z',
        local: '2027-01-10T14:00',
        status: 'scheduled',
      },
      // 14 February is the exception; 14 March is the day daylight saving starts.
      {
        date: '2027-03-14',
        utc: '2027-03-14T18:00:00.000Z',
        local: '2027-03-14T14:00',
        status: 'scheduled',
      },
      {
        date: '2027-04-11',
        utc: '2027-04-11T18:00:00.000Z',
        local: '2027-04-11T14:00',
        status: 'scheduled',
      },
    ])
  })

  it('reads the hours daylight saving skips and repeats as RFC 5545 does', () => {
    // 02:30 does not exist in New York on 14 March 2027: it is read before the gap, 03:30 EDT.
    expect(instantOf('2027-03-14', '02:30', 'America/New_York').toISOString()).toBe(
      '2027-03-14T07:30:00.000Z',
    )
    // 01:30 happens twice on 7 November 2027: the first, in daylight time.
    expect(instantOf('2027-11-07', '01:30', 'America/New_York').toISOString()).toBe(
      '2027-11-07T05:30:00.000Z',
    )
    expect(instantOf('2027-03-28', '01:30', 'Europe/London').toISOString()).toBe(
      '2027-03-28T01:30:00.000Z',
    )
  })

  it('shows a meeting at its own time, named, and at the reader’s time in another zone', () => {
    const meeting = {
      starts_at: new Date('2026-12-12T10:00:00Z'),
      ends_at: new Date('2026-12-12T12:00:00Z'),
      timezone: 'Asia/Tokyo',
    }
    expect(formatMeetingTime(meeting, 'en', 'Europe/London')).toEqual({
      local: 'Saturday 12 December 2026, 7–9 pm (Japan time)',
      viewer: 'Saturday 12 December 2026, 10 am–noon (UK time)',
    })
    expect(formatMeetingTime(meeting, 'ja', 'Asia/Tokyo')).toEqual({
      local: '2026年12月12日（土）19:00–21:00（日本時間）',
      viewer: null,
    })
    // In July London is an hour nearer Tokyo.
    const july = {
      ...meeting,
      starts_at: new Date('2027-07-10T10:00:00Z'),
      ends_at: new Date('2027-07-10T12:00:00Z'),
    }
    expect(formatMeetingTime(july, 'en', 'Europe/London').viewer).toBe(
      'Saturday 10 July 2027, 11 am–1 pm (UK time)',
    )
  })

  it('changes one occurrence on its own, cancels another, and a series edit leaves both be', async () => {
    const { groupId, keeper, member } = await groupWithMember()
    const { id: seriesId } = await createSeries(t.deps, keeper.actor, groupId, {
      ...details,
      timezone: 'Asia/Tokyo',
      rrule: 'FREQ=WEEKLY;BYDAY=SA;COUNT=3',
      dtstart: '2026-12-05',
    })
    const { items } = await listGroupMeetings(t.deps, keeper.actor, groupId)
    const [first, second, third] = items
    await rsvp(t.deps, member.actor, second!.id)
    await rsvp(t.deps, member.actor, third!.id)
    await updateMeeting(t.deps, keeper.actor, second!.id, { start_time: '13:00', venue: 'Library' })
    await cancelMeeting(t.deps, keeper.actor, third!.id, { reason: 'The hall is closed.' })
    await updateSeries(t.deps, keeper.actor, seriesId, {
      ...details,
      title: 'Saturday circle',
      start_time: '11:00',
      timezone: 'Asia/Tokyo',
      rrule: 'FREQ=WEEKLY;BYDAY=SA;COUNT=3',
      dtstart: '2026-12-05',
    })
    const after = await Promise.all(
      [first!, second!, third!].map((m) => getMeeting(t.deps, keeper.actor, m.id)),
    )
    expect(after.map(({ meeting: m }) => [m.title, m.starts_at, m.status])).toEqual([
      ['Saturday circle', '2026-12-05T02:00:00.000Z', 'scheduled'],
      ['Monthly circle', '2026-12-12T04:00:00.000Z', 'scheduled'],
      ['Monthly circle', '2026-12-19T01:00:00.000Z', 'cancelled'],
    ])
    await runWork(t)
    const subjects = mailTo(t, member.email).map((m) => m.subject)
    expect(subjects).toEqual(['A meeting has changed', 'A meeting was cancelled'])
    // The cancellation is in the member's feed, as cancelled.
    const { url } = await renewFeed(t.deps, member.actor)
    const events = parseFeed(
      await privateFeed(t.deps, url.split('/').at(-1)!.replace('.ics', ''), 'en'),
    )
    expect(events.map((e) => [e.start, e.status])).toEqual([
      ['2026-12-12T04:00:00.000Z', 'CONFIRMED'],
      ['2026-12-19T01:00:00.000Z', 'CANCELLED'],
    ])
  })

  it('gives the last place to one of two who ask at once, and the other a place on the waiting list', async () => {
    const { groupId, keeper } = await groupWithMember()
    const { id } = await createMeeting(t.deps, keeper.actor, groupId, {
      ...details,
      audience: 'public',
      capacity: 1,
      timezone: 'Asia/Tokyo',
      date: '2026-12-20',
    })
    const [a, b] = [await seeker(t), await seeker(t)]
    const results = await Promise.all([rsvp(t.deps, a.actor, id), rsvp(t.deps, b.actor, id)])
    expect(results.map((r) => r.state).sort()).toEqual(['going', 'waitlisted'])
    const waiting = results[0].state === 'waitlisted' ? a : b
    const going = waiting === a ? b : a
    // The waiting one sees that it is full (never how many are coming), and no link.
    const seen = await getMeeting(t.deps, waiting.actor, id)
    expect(seen.meeting).toMatchObject({
      your_rsvp: 'waitlisted',
      full: true,
      online_url: null,
      venue: null,
    })
    expect(JSON.stringify(seen.meeting)).not.toMatch(/"going":\s*\d/)
    // The one going gives up the place: the waiting one has it, and is told.
    await cancelRsvp(t.deps, going.actor, id)
    await runWork(t)
    expect(mailTo(t, waiting.email).map((m) => m.subject)).toEqual(['You have a place'])
    expect((await getMeeting(t.deps, waiting.actor, id)).meeting).toMatchObject({
      your_rsvp: 'going',
      online_url: 'https://video.example/room-42',
      venue: 'Community hall, room 2',
    })
  })

  it('gives up a place and takes one back in the same instant, consistently', async () => {
    const { groupId, keeper } = await groupWithMember()
    const { id } = await createMeeting(t.deps, keeper.actor, groupId, {
      ...details,
      audience: 'public',
      capacity: 1,
      timezone: 'Asia/Tokyo',
      date: '2026-12-21',
    })
    const [a, b] = [await seeker(t), await seeker(t)]
    await rsvp(t.deps, a.actor, id)
    await rsvp(t.deps, b.actor, id)
    // a gives the place up while b gives up waiting: nobody ends up with a place or a mail.
    await Promise.all([cancelRsvp(t.deps, a.actor, id), cancelRsvp(t.deps, b.actor, id)])
    const rows = await t.deps.db
      .selectFrom('rsvp')
      .select('state')
      .where('meeting_id', '=', id)
      .execute()
    expect(rows.map((r) => r.state)).toEqual(['cancelled', 'cancelled'])
    await runWork(t)
    expect(mailTo(t, b.email)).toEqual([])
  })

  it('sends one reminder a day before to each person going, and none to someone removed', async () => {
    const { groupId, keeper, member } = await groupWithMember()
    const other = await seeker(t)
    const joined = await joinGroup(t.deps, other.actor, {
      groupId,
      displayName: 'Oto',
      consentVersion,
      locale: 'en',
    })
    const { id } = await createMeeting(t.deps, keeper.actor, groupId, {
      ...details,
      timezone: 'Asia/Tokyo',
      date: '2026-12-10',
    })
    await rsvp(t.deps, member.actor, id)
    await rsvp(t.deps, other.actor, id)
    expect((await getMeeting(t.deps, other.actor, id)).meeting.online_url).toBe(
      'https://video.example/room-42',
    )
    const token = (await renewFeed(t.deps, other.actor)).url.split('/').at(-1)!.replace('.ics', '')
    expect(parseFeed(await privateFeed(t.deps, token, 'en'))).toHaveLength(1)

    await decideMember(t.deps, keeper.actor, {
      groupId,
      membershipId: joined.membership_id,
      decision: 'remove',
      reason: 'Asked to leave',
    })
    // At once: no link, no venue, no feed entry, not among "my meetings".
    await expect(getMeeting(t.deps, other.actor, id)).resolves.toMatchObject({
      meeting: { online_url: null, venue: null, title: null, your_rsvp: null },
    })
    expect(parseFeed(await privateFeed(t.deps, token, 'en'))).toEqual([])
    expect(await myMeetings(t.deps, other.actor)).toEqual([])

    // The day before (10:00 in Tokyo is 01:00 UTC): one reminder, to the member still in.
    t.clock.set(new Date('2026-12-09T00:59:00Z'))
    await runWork(t)
    expect(mailTo(t, member.email).filter((m) => m.subject.startsWith('Reminder'))).toEqual([])
    t.clock.set(new Date('2026-12-09T01:00:00Z'))
    await runWork(t)
    await runWork(t)
    const reminders = mailTo(t, member.email).filter((m) => m.subject.startsWith('Reminder'))
    expect(reminders).toHaveLength(1)
    expect(reminders[0]!.text).toContain('Thursday 10 December 2026, 10 am–noon (Japan time)')
    expect(reminders[0]!.text).toContain(`/meetings/${id}`)
    // Nothing in it says what the meeting is, or where, or how to join.
    expect(reminders[0]!.text).not.toMatch(/Monthly circle|Community hall|video\.example/)
    expect(mailTo(t, other.email).filter((m) => m.subject.startsWith('Reminder'))).toEqual([])
    t.clock.set(new Date('2026-11-22T00:00:00Z'))
  })

  it('publishes valid iCalendar: the public feed hides members-only details, a meeting’s .ics has them for attendees', async () => {
    const { groupId, keeper, member } = await groupWithMember()
    const { id: privateId } = await createMeeting(t.deps, keeper.actor, groupId, {
      ...details,
      title: 'Members; only, circle',
      timezone: 'Asia/Tokyo',
      date: '2026-12-24',
    })
    await createMeeting(t.deps, keeper.actor, groupId, {
      ...details,
      kind: 'event',
      title: 'Lecture: new treatments',
      audience: 'public',
      venue_visibility: 'public',
      timezone: 'Asia/Tokyo',
      date: '2026-12-26',
      start_time: '14:00',
      speakers: [{ name: 'Dr Ito', affiliation: 'Chiba University Hospital' }],
    })
    const events = parseFeed(await groupFeed(t.deps, groupId, 'en'))
    const own = events.filter((e) => e.uid.startsWith('meeting-'))
    expect(own.map((e) => [e.summary, e.start, e.location])).toEqual([
      ['Members’ meeting', '2026-12-24T01:00:00.000Z', null],
      ['Lecture: new treatments', '2026-12-26T05:00:00.000Z', 'Community hall, room 2'],
    ])
    expect(events.every((e) => !String(e.description ?? '').includes('video.example'))).toBe(true)
    // The listing's own monthly schedule is in the feed too (the group has no series of its own).
    expect(events.some((e) => e.uid.startsWith('schedule-'))).toBe(true)

    await rsvp(t.deps, member.actor, privateId)
    const [mine] = parseFeed(await meetingIcs(t.deps, member.actor, privateId, 'en'))
    expect(mine).toMatchObject({
      summary: 'Members; only, circle',
      location: 'Community hall, room 2',
      start: '2026-12-24T01:00:00.000Z',
    })
    expect(mine!.description).toContain('https://video.example/room-42')
    const [theirs] = parseFeed(await meetingIcs(t.deps, anonymous, privateId, 'en'))
    expect(theirs).toMatchObject({ summary: 'Members’ meeting', location: null })
  })
})
