import { createRoute, z } from '@hono/zod-openapi'
import { sql } from 'kysely'
import type { Deps } from '#src/platform/deps.ts'
import { notFound } from '#src/platform/errors.ts'
import { policy } from '#src/access/route-policy.ts'
import { createRouter } from '#src/platform/http.ts'
import { ErrorBody } from '#src/platform/openapi.ts'
import { freshnessCutoffs } from './freshness.ts'
import { servicesAsHsds } from './hsds-export.ts'
import { organisationToHsds } from './hsds-map.ts'
import { allowedCodes, stableId, taxonomies, taxonomyToHsds } from './hsds-profile.ts'

/**
 * The HSDS 3.0 API under `/api/hsds/` (mounted at `/api`, so that the contract's `/api/hsds/` with
 * its trailing slash is a route of its own): the public directory as HSDS services and organizations,
 * for 211 systems and other directories. Filters are cumulative, as HSDS requires.
 */

const Page = (item: z.ZodType, name: string) =>
  z
    .object({
      total_items: z.number().int(),
      total_pages: z.number().int(),
      page_number: z.number().int(),
      size: z.number().int(),
      first_page: z.boolean(),
      last_page: z.boolean(),
      empty: z.boolean(),
      contents: z.array(item),
    })
    .openapi(name)

const HsdsObject = z.record(z.string(), z.unknown())

const paging = {
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  per_page: z.coerce.number().int().min(1).max(100).default(20),
}

const ServiceQuery = z.object({
  search: z.string().max(200).optional(),
  taxonomy_term_id: z.string().max(200).optional(),
  taxonomy_id: z.string().max(200).optional(),
  organization_id: z.string().max(200).optional(),
  modified_after: z.coerce.date().optional(),
  ...paging,
})

const OrganizationQuery = z.object({
  search: z.string().max(200).optional(),
  modified_after: z.coerce.date().optional(),
  ...paging,
})

const json = (schema: z.ZodType, description: string) => ({
  description,
  content: { 'application/json': { schema } },
})
const notFoundResponse = json(ErrorBody, 'Not found')

const rootRoute = createRoute({
  method: 'get',
  middleware: [policy('public')] as const,
  path: '/hsds/',
  summary: 'HSDS API version and the Tomoni profile',
  responses: {
    200: json(
      z.object({ version: z.string(), profile: z.string(), openapi_url: z.string() }),
      'About this HSDS API',
    ),
  },
})
const profileRoute = createRoute({
  method: 'get',
  middleware: [policy('public')] as const,
  path: '/hsds/profile',
  summary: 'The Tomoni profile of HSDS: taxonomies and departures from HSDS 3.0',
  responses: { 200: json(HsdsObject, 'The profile') },
})
const servicesRoute = createRoute({
  method: 'get',
  middleware: [policy('public')] as const,
  path: '/hsds/services',
  summary: 'Support groups as HSDS services',
  request: { query: ServiceQuery },
  responses: {
    200: json(Page(HsdsObject, 'HsdsServicePage'), 'A page of services'),
    400: json(ErrorBody, 'Bad parameters'),
  },
})
const serviceRoute = createRoute({
  method: 'get',
  middleware: [policy('public')] as const,
  path: '/hsds/services/{id}',
  summary: 'One support group as an HSDS service',
  request: { params: z.object({ id: z.string().min(1).max(200) }) },
  responses: { 200: json(HsdsObject, 'The service'), 404: notFoundResponse },
})
const organizationsRoute = createRoute({
  method: 'get',
  middleware: [policy('public')] as const,
  path: '/hsds/organizations',
  summary: 'Organisations as HSDS organizations',
  request: { query: OrganizationQuery },
  responses: {
    200: json(Page(HsdsObject, 'HsdsOrganizationPage'), 'A page of organizations'),
    400: json(ErrorBody, 'Bad parameters'),
  },
})
const organizationRoute = createRoute({
  method: 'get',
  middleware: [policy('public')] as const,
  path: '/hsds/organizations/{id}',
  summary: 'One organisation with its services',
  request: { params: z.object({ id: z.string().min(1).max(200) }) },
  responses: { 200: json(HsdsObject, 'The organization'), 404: notFoundResponse },
})

function page<T>(contents: T[], total: number, pageNumber: number, size: number) {
  const totalPages = Math.max(1, Math.ceil(total / size))
  return {
    total_items: total,
    total_pages: totalPages,
    page_number: pageNumber,
    size: contents.length,
    first_page: pageNumber === 1,
    last_page: pageNumber >= totalPages,
    empty: contents.length === 0,
    contents,
  }
}

const escapeLike = (text: string) => `%${text.replace(/[\\%_]/g, '\\$&')}%`

/** Which group column a profile taxonomy's codes live in. */
const termColumns = {
  condition: 'condition_codes',
  groupType: 'types',
  audience: 'audience',
  activity: 'activities',
  channel: 'channels',
  accessibility: 'accessibility',
} as const

/** Term and taxonomy ids are derived from names and codes, so a filter is matched the same way. */
async function termFilter(
  deps: Pick<Deps, 'db'>,
  termId: string | undefined,
  taxonomyId: string | undefined,
) {
  const parts = []
  const usedConditions = async () =>
    (
      await sql<{ code: string }>`select distinct unnest(condition_codes) as code from grp`.execute(
        deps.db,
      )
    ).rows.map((r) => r.code)
  for (const [key, column] of Object.entries(termColumns) as [keyof typeof termColumns, string][]) {
    const t = taxonomies[key]
    if (taxonomyId && taxonomyToHsds(key).id === taxonomyId)
      parts.push(sql`cardinality(${sql.ref(`g.${column}`)}) > 0`)
    if (!termId) continue
    const codes = allowedCodes(key) ?? (await usedConditions())
    const code = codes.find((c) => stableId('taxonomy_term', t.name, c) === termId)
    if (code) parts.push(sql`${code} = any(${sql.ref(`g.${column}`)})`)
  }
  if (taxonomyId && taxonomyToHsds('leadership').id === taxonomyId)
    parts.push(sql`g.leadership is not null`)
  if (termId) {
    const code = taxonomies.leadership.codes.find(
      (c) => stableId('taxonomy_term', taxonomies.leadership.name, c) === termId,
    )
    if (code) parts.push(sql`g.leadership = ${code}`)
  }
  if ((termId || taxonomyId) && parts.length === 0) return sql`false`
  return parts.length ? sql`(${sql.join(parts, sql` or `)})` : sql`true`
}

const textMatches = (column: string, pattern: string) =>
  sql`exists (select 1 from jsonb_each_text(${sql.ref(column)}) e where e.key <> 'original' and e.value ilike ${pattern})`

export function hsdsRoutes() {
  return createRouter()
    .openapi(rootRoute, (c) =>
      c.json(
        {
          version: '3.0',
          profile: new URL('/api/hsds/profile', c.req.url).toString(),
          openapi_url: new URL('/api/openapi.json', c.req.url).toString(),
        },
        200,
      ),
    )
    .openapi(profileRoute, (c) =>
      c.json(
        {
          name: 'Tomoni profile of HSDS 3.0',
          version: '1',
          taxonomies: (Object.keys(taxonomies) as (keyof typeof taxonomies)[]).map((key) => {
            const t = taxonomies[key]
            const codes = allowedCodes(key)
            return {
              name: t.name,
              description: t.description,
              codes,
              ...(codes ? {} : { pattern: (t.codes as RegExp).source }),
              ...('value' in t ? { value: t.value } : {}),
            }
          }),
          departures: [
            'schedule.timezone is an IANA zone name (Asia/Tokyo); a number is read as a fixed UTC offset',
            'alternate_name holds the name in another language when the name has a translation',
            'attributes may link to schedule, cost_option and service_area rows as well',
            'organization.last_modified is added beside the other fields',
            'a members-only location (tomoni:location-visibility members) is given without its name, street, postal code, coordinates or link; an online one may have no url',
          ],
        },
        200,
      ),
    )
    .openapi(servicesRoute, async (c) => {
      const q = c.req.valid('query')
      const deps = c.get('deps')
      const { hiddenBefore } = freshnessCutoffs(deps.clock.now())
      const where = [
        sql`g.status <> 'closed'`,
        sql`g.hidden_at is null`,
        sql`g.join_policy <> 'invitation'`,
        sql`g.fresh_since > ${hiddenBefore}`,
      ]
      if (q.organization_id) where.push(sql`g.organisation_id = ${q.organization_id}`)
      if (q.modified_after) where.push(sql`g.updated_at > ${q.modified_after}`)
      if (q.search) {
        const pattern = escapeLike(q.search)
        where.push(
          sql`(${textMatches('g.name', pattern)} or ${textMatches('g.description', pattern)})`,
        )
      }
      where.push(await termFilter(deps, q.taxonomy_term_id, q.taxonomy_id))
      const rows = await sql<{ id: string; total: number }>`
        select g.id, count(*) over ()::int as total from grp g
        where ${sql.join(where, sql` and `)}
        order by g.id limit ${q.per_page} offset ${(q.page - 1) * q.per_page}
      `.execute(deps.db)
      let total = rows.rows[0]?.total ?? 0
      if (rows.rows.length === 0 && q.page > 1) {
        const counted = await sql<{
          n: number
        }>`select count(*)::int as n from grp g where ${sql.join(where, sql` and `)}`.execute(
          deps.db,
        )
        total = counted.rows[0]?.n ?? 0
      }
      const services = await servicesAsHsds(
        deps,
        rows.rows.map((r) => r.id),
      )
      return c.json(page(services, total, q.page, q.per_page), 200)
    })
    .openapi(serviceRoute, async (c) => {
      const deps = c.get('deps')
      const { hiddenBefore } = freshnessCutoffs(deps.clock.now())
      const id = c.req.valid('param').id
      const visible = await deps.db
        .selectFrom('grp')
        .select('id')
        .where('id', '=', id)
        .where('status', '<>', 'closed')
        .where('hidden_at', 'is', null)
        .where('join_policy', '<>', 'invitation')
        .where('fresh_since', '>', hiddenBefore)
        .executeTakeFirst()
      const [service] = visible ? await servicesAsHsds(deps, [id]) : []
      if (!service) throw notFound('No such service.')
      return c.json(service, 200)
    })
    .openapi(organizationsRoute, async (c) => {
      const q = c.req.valid('query')
      const deps = c.get('deps')
      const rows = await deps.db
        .selectFrom('organisation as o')
        .selectAll()
        .select(sql<number>`count(*) over ()::int`.as('total'))
        .where(
          q.search
            ? sql<boolean>`${textMatches('o.name', escapeLike(q.search))}`
            : sql<boolean>`true`,
        )
        .where(
          q.modified_after ? sql<boolean>`o.updated_at > ${q.modified_after}` : sql<boolean>`true`,
        )
        .orderBy('o.id')
        .limit(q.per_page)
        .offset((q.page - 1) * q.per_page)
        .execute()
      // List items carry their own fields; services and locations come with /organizations/{id}.
      const contents = rows.map((o) =>
        Object.fromEntries(
          Object.entries(organisationToHsds(o, [])).filter(
            ([key]) => key !== 'services' && key !== 'locations',
          ),
        ),
      )
      return c.json(page(contents, rows[0]?.total ?? 0, q.page, q.per_page), 200)
    })
    .openapi(organizationRoute, async (c) => {
      const deps = c.get('deps')
      const id = c.req.valid('param').id
      const o = await deps.db
        .selectFrom('organisation')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst()
      if (!o) throw notFound('No such organization.')
      const { hiddenBefore } = freshnessCutoffs(deps.clock.now())
      const ids = await deps.db
        .selectFrom('grp')
        .select('id')
        .where('organisation_id', '=', id)
        .where('status', '<>', 'closed')
        .where('hidden_at', 'is', null)
        .where('join_policy', '<>', 'invitation')
        .where('fresh_since', '>', hiddenBefore)
        .orderBy('id')
        .execute()
      const services = await servicesAsHsds(
        deps,
        ids.map((r) => r.id),
      )
      return c.json(organisationToHsds(o, services), 200)
    })
}
