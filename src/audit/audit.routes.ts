import { createRoute, z } from '@hono/zod-openapi'
import { policy } from '#src/access/route-policy.ts'
import { createRouter } from '#src/platform/http.ts'
import { ErrorBody } from '#src/platform/openapi.ts'
import { listOrganisationAudit } from './audit-view.ts'

const error = (description: string) => ({
  description,
  content: { 'application/json': { schema: ErrorBody } },
})

const Entry = z
  .object({
    id: z.string(),
    at: z.string(),
    action: z.string(),
    actor: z.object({ id: z.string(), display_name: z.string().nullable() }).nullable(),
    subject: z
      .object({ type: z.string(), id: z.string(), display_name: z.string().nullable() })
      .nullable(),
    details: z.unknown(),
  })
  .openapi('AuditEntry')

export function auditRoutes() {
  return createRouter().openapi(
    createRoute({
      method: 'get',
      path: '/organisations/{id}/audit',
      summary: 'The organisation’s entries of the audit log, newest first, for its admins',
      tags: ['Audit'],
      middleware: [policy('signed-in')],
      request: {
        params: z.object({ id: z.string().min(1).max(200) }),
        query: z.object({
          before: z
            .string()
            .regex(/^\d{1,19}$/)
            .optional()
            .openapi({ description: 'Entries older than this id (`next_before` of a page)' }),
          limit: z.coerce.number().int().min(1).max(200).optional(),
        }),
      },
      responses: {
        200: {
          description: 'A page of entries',
          content: {
            'application/json': {
              schema: z.object({
                organisation: z.object({ id: z.string(), name: z.record(z.string(), z.string()) }),
                items: z.array(Entry),
                next_before: z.string().nullable(),
              }),
            },
          },
        },
        400: error('Input not valid'),
        401: error('Not signed in'),
        403: error('`second_factor_required`: admins must sign in with a second factor'),
        404: error('No such organisation, or not one you administer'),
      },
    }),
    async (c) => {
      const query = c.req.valid('query')
      const page = await listOrganisationAudit(c.get('deps'), c.get('actor'), {
        organisationId: c.req.valid('param').id,
        before: query.before,
        limit: query.limit,
      })
      return c.json(page, 200)
    },
  )
}
