import type { ColumnType, Generated, RawBuilder } from 'kysely'

export const meetingKinds = ['meeting', 'event'] as const
export type MeetingKind = (typeof meetingKinds)[number]
export const meetingFormats = ['in_person', 'online', 'hybrid'] as const
export type MeetingFormat = (typeof meetingFormats)[number]
export const audiences = ['public', 'members'] as const
export type Audience = (typeof audiences)[number]
export const venueVisibilities = ['attendees', 'public'] as const
export type VenueVisibility = (typeof venueVisibilities)[number]
export const rsvpStates = ['going', 'waitlisted', 'cancelled'] as const
export type RsvpState = (typeof rsvpStates)[number]

export interface Speaker {
  name: string
  affiliation: string | null
}

type Jsonb<T> = ColumnType<T, string | undefined, string>
/** A local date, `YYYY-MM-DD`, stored as text. */
type LocalDate = ColumnType<string, string, string>

/** What a series and each of its occurrences both carry. */
interface MeetingDetails {
  kind: MeetingKind
  title: string
  description: string | null
  lang: 'ja' | 'en'
  timezone: string
  format: MeetingFormat
  venue: string | null
  venue_visibility: Generated<VenueVisibility>
  online_url: string | null
  capacity: number | null
  audience: Audience
  speakers: Jsonb<Speaker[]>
}

export interface MeetingTables {
  /** A recurring meeting: an RFC 5545 rule evaluated in the group's IANA time zone. */
  meeting_series: MeetingDetails & {
    id: Generated<string>
    group_id: string
    rrule: string
    dtstart: LocalDate
    start_time: string
    duration_minutes: number
    exdates: ColumnType<string[], string[] | undefined, string[]>
    materialised_until: ColumnType<string | null, string | null | undefined, string | null>
    ended_at: Date | null
    created_by: string | null
    created_at: Date
    updated_at: Date
  }
  /** One gathering: an occurrence of a series, a one-off meeting or an event. */
  meeting: MeetingDetails & {
    id: Generated<string>
    group_id: string
    series_id: string | null
    occurrence_date: ColumnType<string | null, string | null | undefined, string | null>
    starts_at: Date
    /** Wall-clock time in the meeting's zone, `YYYY-MM-DDTHH:MM`. */
    local_start: string
    ends_at: Date
    status: Generated<'scheduled' | 'cancelled'>
    cancel_reason: string | null
    detached: Generated<boolean>
    sequence: Generated<number>
    created_at: Date
    updated_at: Date
  }
  rsvp: {
    id: Generated<string>
    meeting_id: string
    user_id: string
    state: RsvpState
    waitlisted_at: Date | null
    /** Place in the waiting list, from `waitlist_position_seq`. */
    waitlist_position: ColumnType<
      string | null,
      RawBuilder<unknown> | null | undefined,
      RawBuilder<unknown> | null
    >
    created_at: Date
    updated_at: Date
  }
  /** A person's private calendar feed: the secret in its address, as a hash. */
  calendar_feed: {
    user_id: string
    token_hash: string
    created_at: Date
  }
}
