import { createRoute, z } from '@hono/zod-openapi'
import { anonymous } from '#src/access/actor.ts'
import { policy } from '#src/access/route-policy.ts'
import { createRouter } from '#src/platform/http.ts'
import { ErrorBody } from '#src/platform/openapi.ts'
import { attendanceModes, audiences, groupTypes, leaderships } from './groups.schema.ts'
import { listGroups } from './groups.search.ts'
import { getGroupProfile } from './groups.service.ts'

/** A parameter that may be repeated (`type=online&type=family`): always a list here. */
const repeatable = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? (v as unknown[]) : [v]),
    z.array(item).max(20),
  )

const GroupQuery = z.object({
  q: z.string().max(200).optional().openapi({
    description:
      'Free text as a person types it, in Japanese or English: condition, place, who the group is for, format, fee',
    example: '千葉 小児がん 親の会',
  }),
  condition: z
    .string()
    .max(100)
    .optional()
    .openapi({ description: 'A condition code in any system', example: 'ORPHA:365' }),
  near: z
    .string()
    .regex(/^\s*-?\d+(\.\d+)?\s*,\s*-?\d+(\.\d+)?\s*$/, 'must be lat,lon')
    .transform((v) => {
      const [lat, lon] = v.split(',').map(Number) as [number, number]
      return { lat, lon }
    })
    .refine((p) => Math.abs(p.lat) <= 90 && Math.abs(p.lon) <= 180, 'must be a point on Earth')
    .optional()
    .openapi({ type: 'string', example: '34.98,138.38' }),
  radius_km: z.coerce
    .number()
    .positive()
    .max(20_000)
    .optional()
    .openapi({ description: 'With `near`; 50 when not given', example: 30 }),
  place: z.string().max(100).optional().openapi({ example: 'JP-12' }),
  type: repeatable(z.enum(groupTypes)).openapi({
    type: 'array',
    items: { type: 'string', enum: [...groupTypes] },
  }),
  audience: repeatable(z.enum(audiences)).openapi({
    type: 'array',
    items: { type: 'string', enum: [...audiences] },
  }),
  language: repeatable(z.string().regex(/^[a-z]{2,3}$/, 'must be an ISO 639-1 code')).openapi({
    type: 'array',
    items: { type: 'string' },
  }),
  attendance: z.enum(attendanceModes).optional(),
  free: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  leadership: z.enum(leaderships).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  per_page: z.coerce.number().int().min(1).max(100).default(20),
})

const GroupListBody = z
  .object({
    items: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        url: z.string(),
        distance_km: z.number().nullable(),
        next_meeting: z.string().nullable(),
        why: z.array(z.string()),
        attendance: z.string().nullable(),
        freshness: z.enum(['fresh', 'stale']),
      }),
    ),
    total: z.number().int(),
    facets: z.record(z.string(), z.record(z.string(), z.number().int())),
    page: z.number().int(),
    per_page: z.number().int(),
    understood: z
      .array(
        z.object({
          kind: z.enum([
            'condition',
            'place',
            'audience',
            'attendance',
            'free',
            'type',
            'language',
          ]),
          value: z.string(),
          label: z.string(),
          text: z.string(),
          q_without: z.string(),
        }),
      )
      .openapi({
        description:
          'What `q` was read as: each item is a filter, `q_without` the same text without it',
      }),
    terms: z.array(z.string()).openapi({
      description: 'Words of `q` searched for in names and descriptions',
    }),
    suggestions: z
      .array(
        z.object({
          kind: z.enum([
            'wider_radius',
            'wider_place',
            'broader_condition',
            'online',
            'other_language',
            'drop',
          ]),
          label: z.string(),
          count: z.number().int(),
          query: z.string(),
        }),
      )
      .openapi({
        description:
          'When nothing matches: wider searches that would find groups, with how many and their parameters',
      }),
  })
  .openapi('GroupList')

const Localized = z.object({ original: z.string() }).catchall(z.string()).openapi('LocalizedText', {
  description: 'A text with its translations; `original` names its language',
})

const GroupProfileBody = z
  .object({
    id: z.string(),
    url: z.string(),
    name: Localized,
    description: Localized.nullable(),
    organisation: z.object({ id: z.string(), kind: z.string(), name: Localized }).loose(),
    types: z.array(z.string()),
    leadership: z.string().nullable(),
    audience: z.array(z.string()),
    ages: z.object({ min: z.number().nullable(), max: z.number().nullable() }),
    conditions: z.array(
      z.object({
        code: z.string(),
        id: z.string().nullable(),
        names: z.object({ ja: z.string().nullable(), en: z.string().nullable() }),
      }),
    ),
    activities: z.array(z.string()),
    participation: z.object({}).loose(),
    fees: z.object({ free: z.boolean() }).loose(),
    languages: z.array(z.string()),
    attendance: z.string().nullable(),
    channels: z.array(z.string()),
    accessibility: z.array(z.string()),
    locations: z.array(
      z.object({ id: z.string(), kind: z.string(), visibility: z.string() }).loose(),
    ),
    service_areas: z.array(
      z.object({ id: z.string(), name: z.string().nullable(), place: z.string().nullable() }),
    ),
    schedules: z.array(
      z.object({ id: z.string(), rrule: z.string(), timezone: z.string() }).loose(),
    ),
    next_meeting: z.string().nullable(),
    status: z.string(),
    accepting_members: z.boolean(),
    trust: z.object({ freshness: z.string(), source: z.string() }).loose(),
  })
  .loose()
  .openapi('GroupProfile')

const listRoute = createRoute({
  method: 'get',
  middleware: [policy('public')] as const,
  path: '/groups',
  summary: 'Find support groups by condition, place, distance, audience, language and more',
  request: { query: GroupQuery },
  responses: {
    200: {
      description: 'Matching groups, best first',
      content: { 'application/json': { schema: GroupListBody } },
    },
    400: { description: 'Bad parameters', content: { 'application/json': { schema: ErrorBody } } },
  },
})

const profileRoute = createRoute({
  method: 'get',
  middleware: [policy('public')] as const,
  path: '/groups/{id}',
  summary: 'A group’s whole public profile',
  request: { params: z.object({ id: z.string().min(1).max(200) }) },
  responses: {
    200: {
      description: 'The profile',
      content: { 'application/json': { schema: GroupProfileBody } },
    },
    404: {
      description: 'No such group, or not listed',
      content: { 'application/json': { schema: ErrorBody } },
    },
  },
})

export function groupRoutes() {
  return createRouter()
    .openapi(listRoute, async (c) => {
      const q = c.req.valid('query')
      const list = await listGroups(
        c.get('deps'),
        c.get('actor') ?? anonymous,
        {
          q: q.q,
          condition: q.condition,
          near: q.near,
          radiusKm: q.radius_km,
          place: q.place,
          types: q.type,
          audience: q.audience,
          languages: q.language,
          attendance: q.attendance,
          free: q.free,
          leadership: q.leadership,
          page: q.page,
          perPage: q.per_page,
        },
        c.get('locale'),
      )
      return c.json(list, 200)
    })
    .openapi(profileRoute, async (c) => {
      const profile = await getGroupProfile(
        c.get('deps'),
        c.get('actor') ?? anonymous,
        c.req.valid('param').id,
      )
      return c.json(profile, 200)
    })
}
