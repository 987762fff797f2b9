/**
 * Writing meetings: the rows of a series' occurrences within the horizon, a meeting's times from
 * its local date and time, the reminder job of each meeting, and the notices that tell the people
 * with a place that their meeting was cancelled or changed.
 */
import { enqueue } from '#src/jobs/queue.ts'
import { addNotice } from '#src/jobs/notices.ts'
import { occurrenceDates } from '#src/directory/schedule.ts'
import type { Db } from '#src/platform/db.ts'
import type { MeetingRow } from './meetings.access.ts'
import type { MeetingInput, SeriesInput } from './meetings.schema.ts'
import { addDays, instantOf, localStartOf, todayIn } from './time.ts'

/** How far ahead a series' occurrences exist as rows (and so can be replied to). */
export const horizonDays = 180
/** Reminders go this long before a meeting. */
export const reminderLeadMs = 24 * 3_600_000

export function timesOf(date: string, startTime: string, durationMinutes: number, zone: string) {
  const starts = instantOf(date, startTime, zone)
  return {
    starts_at: starts,
    ends_at: new Date(starts.getTime() + durationMinutes * 60_000),
    local_start: localStartOf(starts, zone),
  }
}

/** The reminder job of a meeting at its current time; a changed time makes a new job. */
export async function scheduleReminder(
  trx: Db,
  now: Date,
  meeting: { id: string; starts_at: Date },
): Promise<void> {
  if (meeting.starts_at <= now) return
  const at = meeting.starts_at.toISOString()
  await enqueue(trx, now, {
    kind: 'meeting.remind',
    key: `remind:${meeting.id}:${at}`,
    runAt: new Date(Math.max(now.getTime(), meeting.starts_at.getTime() - reminderLeadMs)),
    payload: { meeting_id: meeting.id, starts_at: at },
  })
}

/** Tells everyone with a place (or waiting for one) that the meeting was cancelled or changed. */
export async function noticeAttendees(
  trx: Db,
  now: Date,
  meeting: Pick<MeetingRow, 'id' | 'group_id'> & { sequence: number },
  kind: 'meeting.cancelled' | 'meeting.changed',
): Promise<void> {
  const people = await trx
    .selectFrom('rsvp')
    .select('user_id')
    .where('meeting_id', '=', meeting.id)
    .where('state', 'in', ['going', 'waitlisted'])
    .execute()
  for (const { user_id } of people) {
    await addNotice(trx, now, {
      kind,
      key: `${kind}:${meeting.id}:${meeting.sequence}:${user_id}`,
      userId: user_id,
      groupId: meeting.group_id,
      payload: { meeting_id: meeting.id, sequence: meeting.sequence },
    })
  }
}

/** The columns a meeting shares with its series, from the validated input. */
export function detailValues(
  input: Omit<MeetingInput, 'date' | 'timezone' | 'start_time' | 'duration_minutes'>,
) {
  return {
    kind: input.kind,
    title: input.title,
    description: input.description,
    lang: input.lang,
    format: input.format,
    venue: input.venue,
    venue_visibility: input.venue_visibility,
    online_url: input.online_url,
    capacity: input.capacity,
    audience: input.audience,
    speakers: JSON.stringify(input.speakers),
  }
}
export type DetailValues = ReturnType<typeof detailValues>

type SeriesRow = Pick<SeriesInput, 'rrule' | 'dtstart' | 'exdates' | 'start_time' | 'timezone'>

/** The local dates a series meets on within [from, until], its exceptions left out. */
export const seriesDates = (s: SeriesRow, from: string, until: string) =>
  occurrenceDates(
    {
      rrule: s.rrule,
      dtstart: s.dtstart,
      timezone: s.timezone,
      opens_at: s.start_time,
      exdates: s.exdates,
    },
    from,
    until,
  )

/**
 * Makes rows for the series' occurrences from today (in its zone) to the horizon, each with its
 * reminder, and a job that extends the horizon again in a week. Existing rows are left as they are.
 */
export async function materialise(
  trx: Db,
  now: Date,
  series: SeriesRow & {
    id: string
    group_id: string
    duration_minutes: number
    ended_at: Date | null
    details: DetailValues
  },
): Promise<void> {
  if (series.ended_at) return
  const today = todayIn(now, series.timezone)
  const until = addDays(today, horizonDays)
  const from = series.dtstart > today ? series.dtstart : today
  for (const date of seriesDates(series, from, until)) {
    const times = timesOf(date, series.start_time, series.duration_minutes, series.timezone)
    if (times.starts_at <= now) continue
    const inserted = await trx
      .insertInto('meeting')
      .values({
        ...series.details,
        group_id: series.group_id,
        series_id: series.id,
        occurrence_date: date,
        timezone: series.timezone,
        ...times,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.columns(['series_id', 'occurrence_date']).doNothing())
      .returning(['id', 'starts_at'])
      .executeTakeFirst()
    if (inserted) await scheduleReminder(trx, now, inserted)
  }
  await trx
    .updateTable('meeting_series')
    .set({ materialised_until: until })
    .where('id', '=', series.id)
    .execute()
  await enqueue(trx, now, {
    kind: 'meeting.extend-series',
    key: `extend:${series.id}:${until}`,
    runAt: new Date(now.getTime() + 7 * 86_400_000),
    payload: { series_id: series.id },
  })
}
