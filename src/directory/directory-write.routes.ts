/**
 * Organisation self-service: create an organisation, claim one, add and edit its groups, confirm a
 * listing is current in one click, and see who changed what. Only the organisation's admins and
 * staff and the platform's moderators and admins may write; to anyone else an organisation's
 * private side does not exist (404), and a request without a session is asked to sign in (401).
 */
import { createRoute, z } from '@hono/zod-openapi'
import { policy, type PolicyName } from '#src/access/route-policy.ts'
import { claimOrganisation, createOwnOrganisation } from '#src/moderation/claims.ts'
import { AppError, notFound } from '#src/platform/errors.ts'
import { createRouter } from '#src/platform/http.ts'
import { ErrorBody } from '#src/platform/openapi.ts'
import type { GroupInputRaw, OrganisationInputRaw } from './groups.schema.ts'
import {
  confirmGroup,
  createGroup,
  historyWithNames,
  publicGroupIds,
  updateGroup,
  updateOrganisation,
} from './groups.service.ts'

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
})
const body = <T extends z.ZodType>(schema: T, description: string) => ({
  body: { content: { 'application/json': { schema } }, required: true, description },
})
const errors = {
  400: json(ErrorBody, 'Input not valid; `fields` names each bad field'),
  401: json(ErrorBody, 'Not signed in'),
  403: json(
    ErrorBody,
    'Refused: a write from another site, an address not confirmed yet, or `second_factor_required` (staff must sign in with a second factor)',
  ),
  404: json(ErrorBody, 'No such thing, or not yours to change'),
  409: json(ErrorBody, 'Conflicts with what is stored'),
}

function route<M extends 'get' | 'post' | 'patch', P extends string>(
  method: M,
  path: P,
  access: PolicyName,
  summary: string,
) {
  return { method, path, summary, middleware: [policy(access)], tags: ['Directory'] }
}

/** The body is checked by the directory's own schema, which names every bad field. */
const AnyObject = z.record(z.string(), z.unknown())
const Id = z.object({ id: z.string().min(1).max(200) })
const Saved = z.object({ id: z.string(), result: z.enum(['created', 'updated', 'unchanged']) })
const History = z
  .object({
    items: z.array(
      z.object({
        field: z.string(),
        old: z.unknown(),
        new: z.unknown(),
        actor: z.string(),
        actor_name: z.string().nullable(),
        at: z.string(),
      }),
    ),
  })
  .openapi('FieldHistory')

const withoutId = <T extends { id?: unknown }>({ id: _id, ...rest }: T) => rest

const OrganisationPublic = z
  .object({
    id: z.string(),
    kind: z.string(),
    name: z.record(z.string(), z.string()),
    description: z.record(z.string(), z.string()).nullable(),
    url: z.string().nullable(),
    email: z.string().nullable(),
    parent: z.object({ id: z.string(), name: z.record(z.string(), z.string()) }).nullable(),
    verified: z.boolean(),
    claimed: z.boolean(),
    source: z.string(),
    groups: z.array(
      z.object({ id: z.string(), name: z.record(z.string(), z.string()), url: z.string() }),
    ),
  })
  .openapi('OrganisationProfile')

export function directoryWriteRoutes() {
  return createRouter()
    .openapi(
      createRoute({
        ...route(
          'post',
          '/organisations',
          'signed-in',
          'Add your organisation; you become its admin',
        ),
        request: body(
          AnyObject,
          'An organisation: `name` (translatable text), `kind`, `url`, `email`…',
        ),
        responses: {
          201: json(
            z.object({ id: z.string(), role: z.literal('admin'), claimed: z.boolean() }),
            'Created; `claimed` when your address is at its domain',
          ),
          ...errors,
        },
      }),
      async (c) => {
        const created = await createOwnOrganisation(
          c.get('deps'),
          c.get('actor'),
          c.req.valid('json') as OrganisationInputRaw,
        )
        return c.json(created, 201)
      },
    )
    .openapi(
      createRoute({
        ...route('get', '/organisations/{id}', 'public', 'An organisation and its listed groups'),
        request: { params: Id },
        responses: { 200: json(OrganisationPublic, 'The organisation'), 404: errors[404] },
      }),
      async (c) => {
        const deps = c.get('deps')
        const id = c.req.valid('param').id
        const o = await deps.db
          .selectFrom('organisation as o')
          .leftJoin('organisation as p', 'p.id', 'o.parent_id')
          .select([
            'o.id',
            'o.kind',
            'o.name',
            'o.description',
            'o.url',
            'o.email',
            'o.verified_at',
            'o.claimed_at',
            'o.source',
            'p.id as parent_id',
            'p.name as parent_name',
          ])
          .where('o.id', '=', id)
          .executeTakeFirst()
        if (!o) throw notFound('No such organisation.')
        const ids = await publicGroupIds(deps, { organisationId: id })
        const total = await deps.db
          .selectFrom('grp')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('organisation_id', '=', id)
          .executeTakeFirstOrThrow()
        // An organisation whose every group is closed or hidden is not listed either.
        if (ids.length === 0 && Number(total.n) > 0) throw notFound('No such organisation.')
        const groups = ids.length
          ? await deps.db.selectFrom('grp').select(['id', 'name']).where('id', 'in', ids).execute()
          : []
        return c.json(
          {
            id: o.id,
            kind: o.kind,
            name: o.name,
            description: o.description,
            url: o.url,
            email: o.email,
            parent: o.parent_id && o.parent_name ? { id: o.parent_id, name: o.parent_name } : null,
            verified: o.verified_at !== null,
            claimed: o.claimed_at !== null,
            source: o.source,
            groups: groups.map((g) => ({
              id: g.id,
              name: g.name,
              url: `/groups/${encodeURIComponent(g.id)}`,
            })),
          },
          200,
        )
      },
    )
    .openapi(
      createRoute({
        ...route(
          'patch',
          '/organisations/{id}',
          'signed-in',
          'Change some fields of your organisation',
        ),
        request: { params: Id, ...body(AnyObject, 'The fields to change') },
        responses: { 200: json(Saved, 'Saved'), ...errors },
      }),
      async (c) => {
        const id = c.req.valid('param').id
        const patch = c.req.valid('json') as Partial<OrganisationInputRaw>
        const saved = await updateOrganisation(c.get('deps'), c.get('actor'), id, { ...patch, id })
        return c.json(saved, 200)
      },
    )
    .openapi(
      createRoute({
        ...route(
          'post',
          '/organisations/{id}/claim',
          'signed-in',
          'Claim an organisation: at once with an address at its domain, else a moderator decides',
        ),
        request: {
          params: Id,
          body: {
            content: {
              'application/json': {
                schema: z.object({ message: z.string().max(5000).optional() }),
              },
            },
            required: false,
          },
        },
        responses: {
          200: json(
            z.object({ status: z.enum(['claimed', 'already']), role: z.string().optional() }),
            'Claimed now, or yours already',
          ),
          202: json(
            z.object({ status: z.literal('pending'), request_id: z.string() }),
            'Waiting for a moderator',
          ),
          ...errors,
        },
      }),
      async (c) => {
        let message: string | undefined
        if ((c.req.header('content-type') ?? '').includes('json')) {
          message = c.req.valid('json').message
        }
        const result = await claimOrganisation(
          c.get('deps'),
          c.get('actor'),
          c.req.valid('param').id,
          {
            message,
            locale: c.get('locale'),
          },
        )
        return result.status === 'pending' ? c.json(result, 202) : c.json(result, 200)
      },
    )
    .openapi(
      createRoute({
        ...route('get', '/organisations/{id}/history', 'signed-in', 'Who changed what, for staff'),
        request: { params: Id },
        responses: { 200: json(History, 'Changes, oldest first'), ...errors },
      }),
      async (c) => {
        const deps = c.get('deps')
        const rows = await historyWithNames(
          deps,
          c.get('actor'),
          'organisation',
          c.req.valid('param').id,
        )
        return c.json({ items: rows }, 200)
      },
    )
    .openapi(
      createRoute({
        ...route('post', '/groups', 'signed-in', 'Add a group to an organisation you run'),
        request: body(AnyObject, 'A group, as `GET /api/v1/groups/{id}` describes it'),
        responses: {
          201: json(z.object({ id: z.string(), url: z.string() }), 'Created'),
          ...errors,
        },
      }),
      async (c) => {
        const deps = c.get('deps')
        const actor = c.get('actor')
        // The id is ours to give.
        const input = withoutId(c.req.valid('json') as GroupInputRaw)
        const organisationId =
          typeof input.organisation_id === 'string' ? input.organisation_id : undefined
        if (!organisationId) {
          throw new AppError('invalid_input', 'Some of the input is not valid.', {
            fields: { organisation_id: 'is required' },
          })
        }
        const { id } = await createGroup(deps, actor, input)
        return c.json({ id, url: `/groups/${encodeURIComponent(id)}` }, 201)
      },
    )
    .openapi(
      createRoute({
        ...route('patch', '/groups/{id}', 'signed-in', 'Change some fields of a group you run'),
        request: { params: Id, ...body(AnyObject, 'The fields to change') },
        responses: { 200: json(Saved, 'Saved'), ...errors },
      }),
      async (c) => {
        const id = c.req.valid('param').id
        const patch = c.req.valid('json') as Partial<GroupInputRaw>
        const saved = await updateGroup(c.get('deps'), c.get('actor'), id, patch)
        return c.json(saved, 200)
      },
    )
    .openapi(
      createRoute({
        ...route('post', '/groups/{id}/confirm', 'signed-in', 'Confirm the listing is current'),
        request: { params: Id },
        responses: {
          200: json(z.object({ id: z.string(), last_confirmed_at: z.string() }), 'Confirmed'),
          ...errors,
        },
      }),
      async (c) => {
        const deps = c.get('deps')
        const id = c.req.valid('param').id
        await confirmGroup(deps, c.get('actor'), id)
        return c.json({ id, last_confirmed_at: deps.clock.now().toISOString() }, 200)
      },
    )
    .openapi(
      createRoute({
        ...route('get', '/groups/{id}/history', 'signed-in', 'Who changed what, for staff'),
        request: { params: Id },
        responses: { 200: json(History, 'Changes, oldest first'), ...errors },
      }),
      async (c) => {
        const deps = c.get('deps')
        const rows = await historyWithNames(deps, c.get('actor'), 'group', c.req.valid('param').id)
        return c.json({ items: rows }, 200)
      },
    )
}
