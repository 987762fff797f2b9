/**
 * The JSON API of meetings: a group's meetings, one meeting, RSVP, your own meetings and your
 * private feed's address; and, for the people who run the group, one-off meetings and events,
 * series, one-off changes and cancellations. Feeds themselves (`.ics`) are in calendar.routes.ts.
 */
import { createRoute, z } from '@hono/zod-openapi'
import { policy } from '#src/access/route-policy.ts'
import { createRouter } from '#src/platform/http.ts'
import { errorResponses as e, jsonBody, jsonResponse, noContent } from '#src/platform/openapi.ts'
import { feedStatus, renewFeed, stopFeed } from './calendar.service.ts'
import { MeetingChange, MeetingInput, SeriesInput } from './meetings.schema.ts'
import { getMeeting, listGroupMeetings, myMeetings } from './meetings.read.ts'
import { cancelMeeting, createMeeting, updateMeeting } from './meetings.service.ts'
import { audiences, meetingFormats, meetingKinds, rsvpStates } from './meetings.tables.ts'
import { cancelRsvp, rsvp } from './rsvp.service.ts'
import { createSeries, endSeries, getSeries, updateSeries } from './series.service.ts'

const tags = ['Meetings']
const GroupParam = z.object({ id: z.string().min(1).max(200) })
const IdParam = z.object({ id: z.uuid() })
const Meeting = z
  .object({
    id: z.string(),
    group_id: z.string(),
    series_id: z.string().nullable(),
    occurrence_date: z.string().nullable(),
    kind: z.enum(meetingKinds),
    audience: z.enum(audiences),
    format: z.enum(meetingFormats),
    title: z
      .string()
      .nullable()
      .describe('Null where the reader may not see what a members-only meeting is about'),
    description: z.string().nullable(),
    lang: z.enum(['ja', 'en']),
    speakers: z.array(z.object({ name: z.string(), affiliation: z.string().nullable() })),
    starts_at: z.string(),
    ends_at: z.string(),
    timezone: z.string(),
    status: z.enum(['scheduled', 'cancelled']),
    cancel_reason: z.string().nullable(),
    venue: z.string().nullable(),
    venue_hidden: z.boolean(),
    online_url: z.string().nullable().describe('Only for confirmed attendees'),
    your_rsvp: z.enum(rsvpStates).nullable(),
    can_rsvp: z.boolean(),
    full: z.boolean().nullable().describe('Whether every place is taken; never a count'),
    can_manage: z.boolean(),
    sequence: z.number(),
    updated_at: z.string(),
  })
  .openapi('Meeting')
const Created = jsonResponse(z.object({ id: z.string() }), 'Made')
const refusals = { 400: e[400], 401: e[401], 403: e[403], 404: e[404], 409: e[409] }

export function meetingRoutes() {
  return createRouter()
    .openapi(
      createRoute({
        method: 'get',
        path: '/groups/{id}/meetings',
        summary: 'A group’s coming meetings, as you may see them',
        tags,
        middleware: [policy('public')],
        request: { params: GroupParam },
        responses: {
          200: jsonResponse(z.object({ items: z.array(Meeting) }), 'Soonest first'),
          404: e[404],
        },
      }),
      async (c) => {
        const { items } = await listGroupMeetings(
          c.get('deps'),
          c.get('actor'),
          c.req.valid('param').id,
        )
        return c.json({ items }, 200)
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/groups/{id}/meetings',
        summary: 'Add a one-off meeting or an event',
        tags,
        middleware: [policy('signed-in')],
        request: { params: GroupParam, ...jsonBody(MeetingInput) },
        responses: { 201: Created, ...refusals },
      }),
      async (c) =>
        c.json(
          await createMeeting(
            c.get('deps'),
            c.get('actor'),
            c.req.valid('param').id,
            c.req.valid('json'),
          ),
          201,
        ),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/groups/{id}/series',
        summary: 'Add a recurring meeting (an RFC 5545 rule in the zone given)',
        tags,
        middleware: [policy('signed-in')],
        request: { params: GroupParam, ...jsonBody(SeriesInput) },
        responses: { 201: Created, ...refusals },
      }),
      async (c) =>
        c.json(
          await createSeries(
            c.get('deps'),
            c.get('actor'),
            c.req.valid('param').id,
            c.req.valid('json'),
          ),
          201,
        ),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/series/{id}',
        summary: 'A recurring meeting, for the people who run the group',
        tags,
        middleware: [policy('signed-in')],
        request: { params: IdParam },
        responses: {
          200: jsonResponse(z.record(z.string(), z.unknown()), 'The series'),
          ...refusals,
        },
      }),
      async (c) =>
        c.json(await getSeries(c.get('deps'), c.get('actor'), c.req.valid('param').id), 200),
    )
    .openapi(
      createRoute({
        method: 'put',
        path: '/series/{id}',
        summary: 'Change a recurring meeting; occurrences changed on their own keep their changes',
        tags,
        middleware: [policy('signed-in')],
        request: { params: IdParam, ...jsonBody(SeriesInput) },
        responses: { ...noContent, ...refusals },
      }),
      async (c) => {
        await updateSeries(
          c.get('deps'),
          c.get('actor'),
          c.req.valid('param').id,
          c.req.valid('json'),
        )
        return c.body(null, 204)
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/series/{id}/end',
        summary: 'Stop a recurring meeting: its coming occurrences are cancelled',
        tags,
        middleware: [policy('signed-in')],
        request: { params: IdParam },
        responses: { ...noContent, ...refusals },
      }),
      async (c) => {
        await endSeries(c.get('deps'), c.get('actor'), c.req.valid('param').id)
        return c.body(null, 204)
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/meetings/{id}',
        summary: 'One meeting, as you may see it',
        tags,
        middleware: [policy('public')],
        request: { params: IdParam },
        responses: { 200: jsonResponse(Meeting, 'The meeting'), 404: e[404] },
      }),
      async (c) =>
        c.json(
          (await getMeeting(c.get('deps'), c.get('actor'), c.req.valid('param').id)).meeting,
          200,
        ),
    )
    .openapi(
      createRoute({
        method: 'patch',
        path: '/meetings/{id}',
        summary: 'Change this meeting alone (an occurrence so changed leaves its series)',
        tags,
        middleware: [policy('signed-in')],
        request: { params: IdParam, ...jsonBody(MeetingChange) },
        responses: { ...noContent, ...refusals },
      }),
      async (c) => {
        await updateMeeting(
          c.get('deps'),
          c.get('actor'),
          c.req.valid('param').id,
          c.req.valid('json'),
        )
        return c.body(null, 204)
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/meetings/{id}/cancel',
        summary: 'Cancel this meeting; those with a place are told',
        tags,
        middleware: [policy('signed-in')],
        request: {
          params: IdParam,
          ...jsonBody(z.object({ reason: z.string().max(5000).optional() })),
        },
        responses: { ...noContent, ...refusals },
      }),
      async (c) => {
        await cancelMeeting(
          c.get('deps'),
          c.get('actor'),
          c.req.valid('param').id,
          c.req.valid('json'),
        )
        return c.body(null, 204)
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/meetings/{id}/rsvp',
        summary: 'Ask for a place: going, or on the waiting list when full',
        tags,
        middleware: [policy('signed-in')],
        request: { params: IdParam },
        responses: {
          200: jsonResponse(z.object({ state: z.enum(rsvpStates) }), 'Your reply'),
          ...refusals,
        },
      }),
      async (c) => c.json(await rsvp(c.get('deps'), c.get('actor'), c.req.valid('param').id), 200),
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: '/meetings/{id}/rsvp',
        summary: 'Give up your place (the next on the waiting list gets it)',
        tags,
        middleware: [policy('signed-in')],
        request: { params: IdParam },
        responses: { ...noContent, ...refusals },
      }),
      async (c) => {
        await cancelRsvp(c.get('deps'), c.get('actor'), c.req.valid('param').id)
        return c.body(null, 204)
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/me/meetings',
        summary: 'The meetings you have a place at, or are waiting for',
        tags,
        middleware: [policy('signed-in')],
        responses: {
          200: jsonResponse(
            z.object({
              items: z.array(Meeting.extend({ group_name: z.record(z.string(), z.string()) })),
            }),
            'Soonest first',
          ),
          401: e[401],
        },
      }),
      async (c) => c.json({ items: await myMeetings(c.get('deps'), c.get('actor')) }, 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/me/calendar-feed',
        summary: 'Whether you have a private feed (its address is shown only when made)',
        tags,
        middleware: [policy('signed-in')],
        responses: {
          200: jsonResponse(
            z.object({ exists: z.boolean(), created_at: z.string().nullable() }),
            'Status',
          ),
          401: e[401],
        },
      }),
      async (c) => c.json(await feedStatus(c.get('deps'), c.get('actor')), 200),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/me/calendar-feed',
        summary: 'Make a new secret address for your private feed; the old one stops working',
        tags,
        middleware: [policy('signed-in')],
        responses: {
          200: jsonResponse(z.object({ url: z.string() }), 'The new address'),
          401: e[401],
        },
      }),
      async (c) => c.json(await renewFeed(c.get('deps'), c.get('actor')), 200),
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: '/me/calendar-feed',
        summary: 'Stop your private feed',
        tags,
        middleware: [policy('signed-in')],
        responses: { ...noContent, 401: e[401] },
      }),
      async (c) => {
        await stopFeed(c.get('deps'), c.get('actor'))
        return c.body(null, 204)
      },
    )
}
