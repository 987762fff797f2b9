import type { LocalizedText } from '#src/directory/directory.tables.ts'
/**
 * A group's own meetings as schedules the directory understands, for what the public sees of a
 * listed group: its next meeting in search results and on its page, its JSON-LD, its public
 * feed. Series are their rules (with cancelled and separately changed dates as exceptions); single
 * meetings and separately changed occurrences are one-occurrence rules. Only times and, for
 * public meetings, titles: never a venue or a link. Once a group runs a regular series of its own,
 * that replaces the schedule its listing carried.
 */
import type { StoredSchedule } from '#src/directory/groups.repo.ts'
import type { Db } from '#src/platform/db.ts'
import { localStartOf } from './time.ts'

export interface GroupMeetingSchedules {
  replacesDirectory: boolean
  schedules: StoredSchedule[]
}

function endTime(start: string, minutes: number): string | null {
  const [h, m] = start.split(':').map(Number) as [number, number]
  const total = h * 60 + m + minutes
  if (total >= 24 * 60) return null
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`
}

export async function meetingSchedules(
  db: Db,
  groupIds: string[],
  now: Date,
): Promise<Map<string, GroupMeetingSchedules>> {
  const result = new Map<string, GroupMeetingSchedules>()
  if (groupIds.length === 0) return result
  const [series, singles, exceptions] = await Promise.all([
    db
      .selectFrom('meeting_series')
      .selectAll()
      .where('group_id', 'in', groupIds)
      .where('ended_at', 'is', null)
      .execute(),
    db
      .selectFrom('meeting')
      .select([
        'id',
        'group_id',
        'title',
        'audience',
        'timezone',
        'starts_at',
        'ends_at',
        'local_start',
      ])
      .where('group_id', 'in', groupIds)
      .where('status', '=', 'scheduled')
      .where((eb) => eb.or([eb('series_id', 'is', null), eb('detached', '=', true)]))
      .where('ends_at', '>', now)
      .orderBy('starts_at')
      .execute(),
    db
      .selectFrom('meeting')
      .select(['series_id', 'occurrence_date'])
      .where('group_id', 'in', groupIds)
      .where((eb) => eb.or([eb('status', '=', 'cancelled'), eb('detached', '=', true)]))
      .where('series_id', 'is not', null)
      .execute(),
  ])
  const exdates = new Map<string, string[]>()
  for (const e of exceptions) {
    if (e.series_id && e.occurrence_date) {
      exdates.set(e.series_id, [...(exdates.get(e.series_id) ?? []), e.occurrence_date])
    }
  }
  const entry = (groupId: string) => {
    let found = result.get(groupId)
    if (!found) result.set(groupId, (found = { replacesDirectory: false, schedules: [] }))
    return found
  }
  for (const s of series) {
    const e = entry(s.group_id)
    if (s.kind === 'meeting') e.replacesDirectory = true
    e.schedules.push({
      id: `tomoni-series-${s.id}`,
      rrule: s.rrule,
      dtstart: s.dtstart,
      timezone: s.timezone,
      opens_at: s.start_time,
      closes_at: endTime(s.start_time, s.duration_minutes),
      exdates: [...s.exdates, ...(exdates.get(s.id) ?? [])].sort(),
      description: s.audience === 'public' ? untagged(s.title) : null,
      hsds: {},
    })
  }
  for (const m of singles) {
    const end = localStartOf(m.ends_at, m.timezone)
    entry(m.group_id).schedules.push({
      id: `tomoni-meeting-${m.id}`,
      rrule: 'FREQ=DAILY;COUNT=1',
      dtstart: m.local_start.slice(0, 10),
      timezone: m.timezone,
      opens_at: m.local_start.slice(11, 16),
      closes_at: end.slice(0, 10) === m.local_start.slice(0, 10) ? end.slice(11, 16) : null,
      exdates: [],
      description: m.audience === 'public' ? untagged(m.title) : null,
      hsds: {},
    })
  }
  return result
}

/** The schedules the public sees for a group: its listing's, unless its own series replace them, and its own. */
export function mergeSchedules(
  directory: StoredSchedule[],
  own: GroupMeetingSchedules | undefined,
): StoredSchedule[] {
  if (!own) return directory
  return [...(own.replacesDirectory ? [] : directory), ...own.schedules]
}

/** A meeting's title, in whatever language its group wrote it (`und`: not determined). */
const untagged = (text: string | null): LocalizedText | null =>
  text ? { original: 'und', und: text } : null
