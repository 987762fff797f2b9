/**
 * Recurring meetings. A series is an RFC 5545 rule in the zone the group meets in; its
 * occurrences within the horizon are rows, so each can be replied to, changed on its own or
 * cancelled. Changing the series changes the occurrences that were not changed on their own;
 * dates the rule no longer gives are cancelled (and the people with a place told) or, when nobody
 * had one, removed.
 */
import type { Actor } from '#src/access/actor.ts'
import type { ClaimedJob } from '#src/jobs/queue.ts'
import { requireManager } from '#src/membership/membership.groups.ts'
import type { Db } from '#src/platform/db.ts'
import type { Deps } from '#src/platform/deps.ts'
import { AppError, notFound } from '#src/platform/errors.ts'
import { SeriesInput } from './meetings.schema.ts'
import { issuesOf } from './meetings.schema.ts'
import {
  detailValues,
  materialise,
  noticeAttendees,
  scheduleReminder,
  seriesDates,
  timesOf,
} from './schedule-meetings.ts'
import { todayIn } from './time.ts'

export function parseSeries(raw: unknown): SeriesInput {
  const parsed = SeriesInput.safeParse(raw)
  if (!parsed.success) {
    throw new AppError('invalid_input', 'Some of the details are missing or not valid.', {
      fields: issuesOf(parsed.error),
    })
  }
  return parsed.data
}

async function loadSeries(db: Db, id: string, lock = false) {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw notFound('No such series.')
  let query = db.selectFrom('meeting_series').selectAll().where('id', '=', id)
  if (lock) query = query.forUpdate()
  const series = await query.executeTakeFirst()
  if (!series) throw notFound('No such series.')
  return series
}

const seriesColumns = (input: SeriesInput) => ({
  ...detailValues(input),
  timezone: input.timezone,
  rrule: input.rrule,
  dtstart: input.dtstart,
  start_time: input.start_time,
  duration_minutes: input.duration_minutes,
  exdates: [...new Set(input.exdates)].sort(),
})

export async function createSeries(deps: Deps, actor: Actor, groupId: string, raw: unknown) {
  const { user } = await requireManager(deps.db, actor, groupId)
  const input = parseSeries(raw)
  const now = deps.clock.now()
  return deps.db.transaction().execute(async (trx) => {
    const columns = seriesColumns(input)
    const series = await trx
      .insertInto('meeting_series')
      .values({
        ...columns,
        group_id: groupId,
        materialised_until: null,
        ended_at: null,
        created_by: user.userId,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await materialise(trx, now, {
      ...columns,
      id: series.id,
      group_id: groupId,
      ended_at: null,
      details: detailValues(input),
    })
    return { id: series.id }
  })
}

/** Cancels (people with a place are told) or removes (nobody had one) an occurrence. */
async function dropOccurrence(
  trx: Db,
  now: Date,
  m: { id: string; group_id: string; sequence: number },
  reason: string | null,
) {
  const hadPlaces = await trx
    .selectFrom('rsvp')
    .select('id')
    .where('meeting_id', '=', m.id)
    .where('state', 'in', ['going', 'waitlisted'])
    .executeTakeFirst()
  if (!hadPlaces) {
    await trx.deleteFrom('meeting').where('id', '=', m.id).execute()
    return
  }
  const sequence = m.sequence + 1
  await trx
    .updateTable('meeting')
    .set({ status: 'cancelled', cancel_reason: reason, sequence, updated_at: now })
    .where('id', '=', m.id)
    .execute()
  await noticeAttendees(trx, now, { ...m, sequence }, 'meeting.cancelled')
}

export async function updateSeries(deps: Deps, actor: Actor, seriesId: string, raw: unknown) {
  const found = await loadSeries(deps.db, seriesId)
  await requireManager(deps.db, actor, found.group_id)
  const input = parseSeries(raw)
  const now = deps.clock.now()
  await deps.db.transaction().execute(async (trx) => {
    const series = await loadSeries(trx, seriesId, true)
    if (series.ended_at) throw new AppError('conflict', 'This series has ended.')
    const columns = seriesColumns(input)
    await trx
      .updateTable('meeting_series')
      .set({ ...columns, updated_at: now })
      .where('id', '=', seriesId)
      .execute()
    const coming = await trx
      .selectFrom('meeting')
      .select(['id', 'group_id', 'occurrence_date', 'starts_at', 'sequence'])
      .where('series_id', '=', seriesId)
      .where('status', '=', 'scheduled')
      .where('detached', '=', false)
      .where('starts_at', '>', now)
      .execute()
    const today = todayIn(now, input.timezone)
    const last = series.materialised_until ?? today
    const dates = new Set(seriesDates(columns, today, last > today ? last : today))
    for (const m of coming) {
      if (!m.occurrence_date || !dates.has(m.occurrence_date)) {
        await dropOccurrence(trx, now, m, null)
        continue
      }
      const times = timesOf(
        m.occurrence_date,
        input.start_time,
        input.duration_minutes,
        input.timezone,
      )
      const sequence = m.sequence + 1
      await trx
        .updateTable('meeting')
        .set({
          ...detailValues(input),
          timezone: input.timezone,
          ...times,
          sequence,
          updated_at: now,
        })
        .where('id', '=', m.id)
        .execute()
      if (times.starts_at.getTime() !== m.starts_at.getTime()) {
        await scheduleReminder(trx, now, { id: m.id, starts_at: times.starts_at })
        await noticeAttendees(trx, now, { ...m, sequence }, 'meeting.changed')
      }
    }
    await materialise(trx, now, {
      ...columns,
      id: seriesId,
      group_id: series.group_id,
      ended_at: null,
      details: detailValues(input),
    })
  })
}

/** Stops a series: its coming occurrences are cancelled (or removed where nobody had a place). */
export async function endSeries(deps: Deps, actor: Actor, seriesId: string): Promise<void> {
  const found = await loadSeries(deps.db, seriesId)
  await requireManager(deps.db, actor, found.group_id)
  const now = deps.clock.now()
  await deps.db.transaction().execute(async (trx) => {
    const series = await loadSeries(trx, seriesId, true)
    if (series.ended_at) return
    await trx
      .updateTable('meeting_series')
      .set({ ended_at: now, updated_at: now })
      .where('id', '=', seriesId)
      .execute()
    const coming = await trx
      .selectFrom('meeting')
      .select(['id', 'group_id', 'sequence'])
      .where('series_id', '=', seriesId)
      .where('status', '=', 'scheduled')
      .where('starts_at', '>', now)
      .execute()
    for (const m of coming) await dropOccurrence(trx, now, m, null)
  })
}

/** The weekly job that keeps a series' rows reaching the horizon. */
export async function extendSeries(deps: Deps, job: ClaimedJob): Promise<void> {
  const { series_id: seriesId } = job.payload as { series_id: string }
  const now = deps.clock.now()
  await deps.db.transaction().execute(async (trx) => {
    const series = await trx
      .selectFrom('meeting_series')
      .selectAll()
      .where('id', '=', seriesId)
      .forUpdate()
      .executeTakeFirst()
    if (!series || series.ended_at) return
    await materialise(trx, now, {
      ...series,
      details: detailValues({ ...series, description: series.description }),
    })
  })
}

export async function getSeries(deps: Deps, actor: Actor, seriesId: string) {
  const series = await loadSeries(deps.db, seriesId)
  await requireManager(deps.db, actor, series.group_id)
  return series
}
