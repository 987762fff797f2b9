/**
 * The moderation API: the queue of reports, suggestions and claims, and what moderators do about
 * them; and the public's way in (also reached by the no-JS forms on every group page).
 */
import { createRoute, z } from '@hono/zod-openapi'
import type { Actor } from '#src/access/actor.ts'
import { policy, type PolicyName } from '#src/access/route-policy.ts'
import { clientIp } from '#src/platform/client-ip.ts'
import type { Deps } from '#src/platform/deps.ts'
import { AppError } from '#src/platform/errors.ts'
import { createRouter } from '#src/platform/http.ts'
import { ErrorBody } from '#src/platform/openapi.ts'
import { hitRateLimits, type RateLimitRule } from '#src/platform/rate-limit.ts'
import {
  actOnGroup,
  actOnItem,
  actionsOn,
  groupActions,
  listQueue,
  submitFeedback,
  verifyOrganisation,
} from './moderation.service.ts'
import { reportReasons, suggestionFields } from './moderation.tables.ts'

/**
 * Anyone may report, so reports are counted: per address (or account) an hour, and per listing a
 * day, so that one person cannot bury a group's moderators, nor many a group.
 */
export const feedbackLimits = {
  ip: { name: 'feedback:ip', limit: 10, windowSeconds: 3600 },
  user: { name: 'feedback:user', limit: 30, windowSeconds: 3600 },
  group: { name: 'feedback:group', limit: 50, windowSeconds: 86_400 },
} satisfies Record<string, RateLimitRule>

export async function countFeedback(
  deps: Pick<Deps, 'db' | 'clock' | 'secrets'>,
  actor: Actor,
  ip: string,
  groupId: string,
) {
  await hitRateLimits(deps, [
    actor.kind === 'user'
      ? { rule: feedbackLimits.user, value: actor.userId }
      : { rule: feedbackLimits.ip, value: ip },
    { rule: feedbackLimits.group, value: groupId },
  ])
}

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
})
const body = <T extends z.ZodType>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
})
const errors = {
  400: json(ErrorBody, 'Input not valid'),
  401: json(ErrorBody, 'Not signed in'),
  403: json(
    ErrorBody,
    'Refused: a write from another site, or `second_factor_required` (moderators must sign in with a second factor)',
  ),
  404: json(ErrorBody, 'Not found, or not for you'),
  409: json(ErrorBody, 'Dealt with already'),
  429: json(ErrorBody, 'Too many reports; see Retry-After'),
}

function route<M extends 'get' | 'post', P extends string>(
  method: M,
  path: P,
  access: PolicyName,
  summary: string,
) {
  return { method, path, summary, middleware: [policy(access)], tags: ['Moderation'] }
}

const Id = z.object({ id: z.string().min(1).max(200) })
const Note = z.string().min(1).max(2000)
const Action = z
  .object({
    action: z.enum([...groupActions, 'approve_claim', 'reject_claim']),
    note: Note,
    patch: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi('ModerationAction')

const Feedback = z
  .object({
    kind: z.enum(['report', 'suggestion']),
    reason: z.enum([...reportReasons, ...suggestionFields]),
    details: z.string().max(5000).default(''),
  })
  .openapi('Feedback')

const Item = z
  .object({
    id: z.string(),
    kind: z.string(),
    reason: z.string().nullable(),
    status: z.string(),
    details: z.string(),
    created_at: z.string(),
  })
  .loose()
  .openapi('ModerationItem')

export function moderationRoutes() {
  return createRouter()
    .openapi(
      createRoute({
        ...route('post', '/groups/{id}/feedback', 'public', 'Report a concern or suggest an edit'),
        request: { params: Id, ...body(Feedback) },
        responses: { 202: json(z.object({ received: z.literal(true) }), 'Queued'), ...errors },
      }),
      async (c) => {
        const deps = c.get('deps')
        const actor = c.get('actor')
        const id = c.req.valid('param').id
        const input = c.req.valid('json')
        await countFeedback(deps, actor, clientIp(c), id)
        await submitFeedback(deps, actor, {
          groupId: id,
          kind: input.kind,
          reason: input.reason,
          details: input.details,
          locale: c.get('locale'),
        })
        return c.json({ received: true as const }, 202)
      },
    )
    .openapi(
      createRoute({
        ...route('get', '/moderation/items', 'signed-in', 'The queue, oldest first (moderators)'),
        request: {
          query: z.object({
            status: z.enum(['open', 'resolved', 'dismissed']).default('open'),
            kind: z.enum(['report', 'suggestion', 'claim']).optional(),
            limit: z.coerce.number().int().min(1).max(500).default(100),
          }),
        },
        responses: { 200: json(z.object({ items: z.array(Item) }), 'Items'), ...errors },
      }),
      async (c) => {
        const q = c.req.valid('query')
        const items = await listQueue(c.get('deps'), c.get('actor'), q)
        return c.json({ items }, 200)
      },
    )
    .openapi(
      createRoute({
        ...route(
          'post',
          '/moderation/items/{id}/actions',
          'signed-in',
          'Act on an item, with a note',
        ),
        request: { params: Id, ...body(Action) },
        responses: { 200: json(z.object({ done: z.literal(true) }), 'Done'), ...errors },
      }),
      async (c) => {
        const input = c.req.valid('json')
        await actOnItem(c.get('deps'), c.get('actor'), c.req.valid('param').id, input)
        return c.json({ done: true as const }, 200)
      },
    )
    .openapi(
      createRoute({
        ...route(
          'post',
          '/moderation/groups/{id}/actions',
          'signed-in',
          'Act on a listing, with a note',
        ),
        request: { params: Id, ...body(Action) },
        responses: { 200: json(z.object({ done: z.literal(true) }), 'Done'), ...errors },
      }),
      async (c) => {
        const input = c.req.valid('json')
        if (input.action === 'approve_claim' || input.action === 'reject_claim') {
          throw new AppError('invalid_input', 'Some of the input is not valid.', {
            fields: { action: 'claims are decided on their queue item' },
          })
        }
        await actOnGroup(c.get('deps'), c.get('actor'), c.req.valid('param').id, {
          ...input,
          action: input.action,
        })
        return c.json({ done: true as const }, 200)
      },
    )
    .openapi(
      createRoute({
        ...route(
          'get',
          '/moderation/groups/{id}/actions',
          'signed-in',
          'What was done about a listing',
        ),
        request: { params: Id },
        responses: {
          200: json(z.object({ items: z.array(z.object({}).loose()) }), 'Actions'),
          ...errors,
        },
      }),
      async (c) => {
        const rows = await actionsOn(c.get('deps'), c.get('actor'), {
          type: 'group',
          id: c.req.valid('param').id,
        })
        return c.json({ items: rows.map((r) => ({ ...r, at: r.at.toISOString() })) }, 200)
      },
    )
    .openapi(
      createRoute({
        ...route(
          'post',
          '/moderation/organisations/{id}/verify',
          'signed-in',
          'Verify an organisation, with a note on how',
        ),
        request: { params: Id, ...body(z.object({ note: Note })) },
        responses: { 200: json(z.object({ done: z.literal(true) }), 'Verified'), ...errors },
      }),
      async (c) => {
        await verifyOrganisation(
          c.get('deps'),
          c.get('actor'),
          c.req.valid('param').id,
          c.req.valid('json').note,
        )
        return c.json({ done: true as const }, 200)
      },
    )
    .openapi(
      createRoute({
        ...route(
          'get',
          '/moderation/organisations/{id}/actions',
          'signed-in',
          'What was done about an organisation',
        ),
        request: { params: Id },
        responses: {
          200: json(z.object({ items: z.array(z.object({}).loose()) }), 'Actions'),
          ...errors,
        },
      }),
      async (c) => {
        const rows = await actionsOn(c.get('deps'), c.get('actor'), {
          type: 'organisation',
          id: c.req.valid('param').id,
        })
        return c.json({ items: rows.map((r) => ({ ...r, at: r.at.toISOString() })) }, 200)
      },
    )
}
