/**
 * What a meeting, an event or a series is made of, as the API and the forms send it. One schema
 * for both, so that a page and a script are held to the same rules.
 */
import { z } from '@hono/zod-openapi'
import { parseRrule } from '#src/directory/schedule.ts'
import { audiences, meetingFormats, meetingKinds, venueVisibilities } from './meetings.tables.ts'
import { isTimeZone } from './time.ts'

const LocalDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'A date as YYYY-MM-DD.')
  .refine(
    (d) =>
      !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) &&
      new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    'No such date.',
  )
const LocalTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'A time as HH:MM.')
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullish()
    .transform((v) => (v ? v : null))

export const Speaker = z.object({
  name: z.string().trim().min(1).max(100),
  affiliation: optionalText(200),
})

/** What every meeting and series has. */
export const MeetingDetails = z
  .object({
    kind: z.enum(meetingKinds).default('meeting'),
    title: z.string().trim().min(1, 'Give it a title.').max(200),
    description: optionalText(5000),
    lang: z.enum(['ja', 'en']),
    timezone: z.string().refine(isTimeZone, 'Not a time zone.'),
    format: z.enum(meetingFormats),
    venue: optionalText(500),
    venue_visibility: z.enum(venueVisibilities).default('attendees'),
    online_url: optionalText(500).refine(
      (v) => v === null || /^https?:\/\/[^\s]+$/.test(v),
      'A web address starting with https://.',
    ),
    capacity: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .nullish()
      .transform((v) => v ?? null),
    audience: z.enum(audiences).default('members'),
    speakers: z.array(Speaker).max(10).default([]),
    start_time: LocalTime,
    duration_minutes: z.number().int().min(1).max(1440),
  })
  .superRefine((m, ctx) => {
    if (m.format !== 'online' && !m.venue) {
      ctx.addIssue({ code: 'custom', path: ['venue'], message: 'Say where it takes place.' })
    }
    if (m.format !== 'in_person' && !m.online_url) {
      ctx.addIssue({
        code: 'custom',
        path: ['online_url'],
        message: 'Give the link to join online.',
      })
    }
  })

export const MeetingInput = z
  .intersection(MeetingDetails, z.object({ date: LocalDate }))
  .openapi('MeetingInput')
export type MeetingInput = z.infer<typeof MeetingInput>

export const SeriesInput = z
  .intersection(
    MeetingDetails,
    z.object({
      rrule: z
        .string()
        .trim()
        .max(200)
        .refine((r) => parseRrule(r) !== null, 'Not a repeat rule Tomoni can follow.'),
      dtstart: LocalDate,
      exdates: z.array(LocalDate).max(200).default([]),
    }),
  )
  .openapi('SeriesInput')
export type SeriesInput = z.infer<typeof SeriesInput>

/** A one-off change to a single occurrence (or a one-off meeting): only what is given changes. */
export const MeetingChange = z
  .object({
    title: z.string().trim().min(1).max(200).optional(),
    description: optionalText(5000).optional(),
    date: LocalDate.optional(),
    start_time: LocalTime.optional(),
    duration_minutes: z.number().int().min(1).max(1440).optional(),
    format: z.enum(meetingFormats).optional(),
    venue: optionalText(500).optional(),
    venue_visibility: z.enum(venueVisibilities).optional(),
    online_url: optionalText(500)
      .refine(
        (v) => v === null || /^https?:\/\/[^\s]+$/.test(v),
        'A web address starting with https://.',
      )
      .optional(),
    capacity: z.number().int().min(1).max(100_000).nullable().optional(),
    speakers: z.array(Speaker).max(10).optional(),
  })
  .openapi('MeetingChange')
export type MeetingChange = z.infer<typeof MeetingChange>

/** Field errors from a failed parse, as `{ field: message }`, for the API's 400 and the forms. */
export function issuesOf(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {}
  for (const issue of error.issues) fields[issue.path.join('.') || '_'] ??= issue.message
  return fields
}
