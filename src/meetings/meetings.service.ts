/**
 * One-off gatherings and events, and what can be done to any single meeting: change it on its own
 * (an occurrence so changed keeps its changes when the series is edited), or cancel it. People
 * with a place are told of a cancellation, and of a change of time, place or link.
 */
import type { Actor } from '#src/access/actor.ts'
import type { ClaimedJob } from '#src/jobs/queue.ts'
import { addNotice } from '#src/jobs/notices.ts'
import { isActiveMember } from '#src/membership/membership.access.ts'
import { requireManager } from '#src/membership/membership.groups.ts'
import type { Deps } from '#src/platform/deps.ts'
import { AppError } from '#src/platform/errors.ts'
import { loadMeeting } from './meetings.access.ts'
import { issuesOf, MeetingChange, MeetingInput } from './meetings.schema.ts'
import { promoteWaiting } from './rsvp.service.ts'
import { detailValues, noticeAttendees, scheduleReminder, timesOf } from './schedule-meetings.ts'

function parse<T>(
  schema: {
    safeParse(
      raw: unknown,
    ): { success: true; data: T } | { success: false; error: Parameters<typeof issuesOf>[0] }
  },
  raw: unknown,
): T {
  const parsed = schema.safeParse(raw)
  if (!parsed.success) {
    throw new AppError('invalid_input', 'Some of the details are missing or not valid.', {
      fields: issuesOf(parsed.error),
    })
  }
  return parsed.data
}

export async function createMeeting(deps: Deps, actor: Actor, groupId: string, raw: unknown) {
  await requireManager(deps.db, actor, groupId)
  const input = parse(MeetingInput, raw)
  const now = deps.clock.now()
  const times = timesOf(input.date, input.start_time, input.duration_minutes, input.timezone)
  if (times.starts_at <= now) {
    throw new AppError('invalid_input', 'Choose a time in the future.', {
      fields: { date: 'past' },
    })
  }
  return deps.db.transaction().execute(async (trx) => {
    const meeting = await trx
      .insertInto('meeting')
      .values({
        ...detailValues(input),
        group_id: groupId,
        series_id: null,
        occurrence_date: null,
        timezone: input.timezone,
        ...times,
        created_at: now,
        updated_at: now,
      })
      .returning(['id', 'starts_at'])
      .executeTakeFirstOrThrow()
    await scheduleReminder(trx, now, meeting)
    return { id: meeting.id }
  })
}

export async function updateMeeting(deps: Deps, actor: Actor, meetingId: string, raw: unknown) {
  const found = await loadMeeting(deps.db, meetingId)
  await requireManager(deps.db, actor, found.group_id)
  const change = parse(MeetingChange, raw)
  const now = deps.clock.now()
  await deps.db.transaction().execute(async (trx) => {
    const m = await trx
      .selectFrom('meeting')
      .selectAll()
      .where('id', '=', meetingId)
      .forUpdate()
      .executeTakeFirstOrThrow()
    if (m.status === 'cancelled') throw new AppError('conflict', 'This meeting was cancelled.')
    const date = change.date ?? m.local_start.slice(0, 10)
    const start = change.start_time ?? m.local_start.slice(11, 16)
    const duration =
      change.duration_minutes ?? Math.round((m.ends_at.getTime() - m.starts_at.getTime()) / 60_000)
    const times = timesOf(date, start, duration, m.timezone)
    const next = {
      title: change.title ?? m.title,
      description: change.description === undefined ? m.description : change.description,
      format: change.format ?? m.format,
      venue: change.venue === undefined ? m.venue : change.venue,
      venue_visibility: change.venue_visibility ?? m.venue_visibility,
      online_url: change.online_url === undefined ? m.online_url : change.online_url,
      capacity: change.capacity === undefined ? m.capacity : change.capacity,
      speakers: JSON.stringify(change.speakers ?? m.speakers),
    }
    const fields: Record<string, string> = {}
    if (next.format !== 'online' && !next.venue) fields.venue = 'Say where it takes place.'
    if (next.format !== 'in_person' && !next.online_url)
      fields.online_url = 'Give the link to join online.'
    if (times.starts_at.getTime() !== m.starts_at.getTime() && times.starts_at <= now) {
      fields.date = 'Choose a time in the future.'
    }
    if (Object.keys(fields).length) {
      throw new AppError('invalid_input', 'Some of the details are missing or not valid.', {
        fields,
      })
    }
    const moved =
      times.starts_at.getTime() !== m.starts_at.getTime() ||
      times.ends_at.getTime() !== m.ends_at.getTime()
    const relocated =
      next.format !== m.format || next.venue !== m.venue || next.online_url !== m.online_url
    const sequence = m.sequence + 1
    await trx
      .updateTable('meeting')
      .set({ ...next, ...times, detached: m.series_id !== null, sequence, updated_at: now })
      .where('id', '=', meetingId)
      .execute()
    if (moved) await scheduleReminder(trx, now, { id: m.id, starts_at: times.starts_at })
    if (moved || relocated) await noticeAttendees(trx, now, { ...m, sequence }, 'meeting.changed')
    await promoteWaiting(trx, now, { id: m.id, group_id: m.group_id, capacity: next.capacity })
  })
}

export async function cancelMeeting(
  deps: Deps,
  actor: Actor,
  meetingId: string,
  input: { reason?: string | null | undefined },
) {
  const found = await loadMeeting(deps.db, meetingId)
  await requireManager(deps.db, actor, found.group_id)
  const reason = input.reason?.trim() || null
  if (reason && reason.length > 1000) {
    throw new AppError('invalid_input', 'The reason is too long.', {
      fields: { reason: 'too_long' },
    })
  }
  const now = deps.clock.now()
  await deps.db.transaction().execute(async (trx) => {
    const m = await trx
      .selectFrom('meeting')
      .select(['id', 'group_id', 'status', 'sequence'])
      .where('id', '=', meetingId)
      .forUpdate()
      .executeTakeFirstOrThrow()
    if (m.status === 'cancelled') return
    const sequence = m.sequence + 1
    await trx
      .updateTable('meeting')
      .set({ status: 'cancelled', cancel_reason: reason, sequence, updated_at: now })
      .where('id', '=', meetingId)
      .execute()
    await noticeAttendees(trx, now, { ...m, sequence }, 'meeting.cancelled')
  })
}

/**
 * The job a day before a meeting: one reminder for each person going, if the meeting still takes
 * place at the time the job was made for and the person may still come.
 */
export async function remindAttendees(deps: Deps, job: ClaimedJob): Promise<void> {
  const { meeting_id: meetingId, starts_at: startsAt } = job.payload as {
    meeting_id: string
    starts_at: string
  }
  const now = deps.clock.now()
  const meeting = await deps.db
    .selectFrom('meeting')
    .select(['id', 'group_id', 'status', 'starts_at', 'audience'])
    .where('id', '=', meetingId)
    .executeTakeFirst()
  if (!meeting || meeting.status !== 'scheduled') return
  if (meeting.starts_at.toISOString() !== startsAt || meeting.starts_at <= now) return
  const going = await deps.db
    .selectFrom('rsvp')
    .select('user_id')
    .where('meeting_id', '=', meetingId)
    .where('state', '=', 'going')
    .execute()
  for (const { user_id } of going) {
    if (
      meeting.audience === 'members' &&
      !(await isActiveMember(deps.db, meeting.group_id, user_id))
    )
      continue
    await addNotice(deps.db, now, {
      kind: 'meeting.reminder',
      key: `reminder:${meetingId}:${startsAt}:${user_id}`,
      userId: user_id,
      groupId: meeting.group_id,
      payload: { meeting_id: meetingId, starts_at: startsAt },
    })
  }
}
