import { createRoute, z } from '@hono/zod-openapi'
import { policy } from '#src/access/route-policy.ts'
import { sql } from 'kysely'
import { createRouter } from '#src/platform/http.ts'
import { isMigrated } from '#src/platform/migrate.ts'

const Status = z.object({ status: z.string() }).openapi('Status')

const healthz = createRoute({
  method: 'get',
  path: '/healthz',
  middleware: [policy('public')],
  summary: 'The process is running',
  responses: {
    200: { description: 'Running', content: { 'application/json': { schema: Status } } },
  },
})

const readyz = createRoute({
  method: 'get',
  path: '/readyz',
  middleware: [policy('public')],
  summary: 'The database answers and is migrated',
  responses: {
    200: { description: 'Ready', content: { 'application/json': { schema: Status } } },
    503: { description: 'Not ready', content: { 'application/json': { schema: Status } } },
  },
})

export function healthRoutes() {
  return createRouter()
    .openapi(healthz, (c) => c.json({ status: 'ok' }, 200))
    .openapi(readyz, async (c) => {
      const deps = c.get('deps')
      try {
        if (!deps.isReady()) return c.json({ status: 'starting' }, 503)
        await sql`select 1`.execute(deps.db)
        if (!(await isMigrated(deps.db))) return c.json({ status: 'not_migrated' }, 503)
        return c.json({ status: 'ready' }, 200)
      } catch (err) {
        c.get('log').warn({ err }, 'readiness check failed')
        return c.json({ status: 'unavailable' }, 503)
      }
    })
}
