import { createRoute, z } from '@hono/zod-openapi'
import { createRouter } from '#src/platform/http.ts'
import { ErrorBody } from '#src/platform/openapi.ts'
import { findConditions } from './conditions.service.ts'

const ConditionQuery = z.object({
  q: z.string().max(200).default('').openapi({ example: '筋萎縮性側索硬化症' }),
  limit: z.coerce.number().int().min(1).max(50).default(10),
})

const Condition = z
  .object({
    id: z.string().openapi({ example: 'NANDO:1200002' }),
    names: z.object({ ja: z.string().nullable(), en: z.string().nullable() }),
    codes: z.array(z.string()),
    score: z.number(),
  })
  .openapi('Condition')

const listConditions = createRoute({
  method: 'get',
  path: '/conditions',
  summary: 'Find conditions by any name, reading, abbreviation or code',
  request: { query: ConditionQuery },
  responses: {
    200: {
      description: 'Best match first',
      content: { 'application/json': { schema: z.object({ items: z.array(Condition) }) } },
    },
    400: { description: 'Bad parameters', content: { 'application/json': { schema: ErrorBody } } },
  },
})

export function conditionRoutes() {
  return createRouter().openapi(listConditions, async (c) => {
    const { q, limit } = c.req.valid('query')
    const items = await findConditions(c.get('deps'), { q, limit })
    return c.json({ items }, 200)
  })
}
