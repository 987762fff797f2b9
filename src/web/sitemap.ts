/**
 * `/sitemap.xml`: every group the public may see and every organisation with one, so that search
 * engines find the directory. Past 45,000 addresses (the protocol allows 50,000 a file) it becomes
 * an index of numbered files.
 */
import { sql } from 'kysely'
import { freshnessCutoffs } from '#src/directory/freshness.ts'
import type { Deps } from '#src/platform/deps.ts'
import type { AppContext } from '#src/platform/http.ts'

export const sitemapPageSize = 45_000

const escapeXml = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')

/** The address pages are reached at: PUBLIC_URL when set, else the request's own origin. */
export function siteOrigin(c: AppContext): string {
  const configured = c.get('deps').env.PUBLIC_URL
  return (configured ?? new URL(c.req.url).origin).replace(/\/+$/, '')
}

interface Entry {
  path: string
  lastmod: Date
}

/** Listed groups, then organisations with a listed group; in a stable order for paging. */
async function entries(
  deps: Pick<Deps, 'db' | 'clock'>,
  offset: number,
  limit: number,
): Promise<{ entries: Entry[]; total: number }> {
  const { hiddenBefore } = freshnessCutoffs(deps.clock.now())
  const rows = await sql<{ kind: string; id: string; lastmod: Date; total: number }>`
    with listed as (
      select id, organisation_id, updated_at from grp
      where status <> 'closed' and hidden_at is null and join_policy <> 'invitation'
        and fresh_since > ${hiddenBefore}
    ), pages as (
      select 'g' as kind, id, updated_at as lastmod from listed
      union all
      select 'o', o.id, greatest(o.updated_at, max(l.updated_at))
      from organisation o join listed l on l.organisation_id = o.id
      group by o.id
    )
    select kind, id, lastmod, count(*) over ()::int as total from pages
    order by kind, id
    limit ${limit} offset ${offset}
  `.execute(deps.db)
  return {
    total: rows.rows[0]?.total ?? 0,
    entries: rows.rows.map((r) => ({
      path: `/${r.kind === 'g' ? 'groups' : 'organisations'}/${encodeURIComponent(r.id)}`,
      lastmod: new Date(r.lastmod),
    })),
  }
}

function urlset(origin: string, list: Entry[]): string {
  const urls = list.map(
    (e) =>
      `  <url><loc>${escapeXml(origin + e.path)}</loc><lastmod>${e.lastmod.toISOString().slice(0, 10)}</lastmod></url>`,
  )
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join('\n')}\n</urlset>\n`
}

function xml(c: AppContext, body: string) {
  c.header('Content-Type', 'application/xml; charset=UTF-8')
  c.header('Cache-Control', 'public, max-age=3600')
  return c.body(body)
}

export async function sitemap(c: AppContext) {
  const deps = c.get('deps')
  const origin = siteOrigin(c)
  const first = await entries(deps, 0, sitemapPageSize)
  if (first.total <= sitemapPageSize) return xml(c, urlset(origin, first.entries))
  const pages = Math.ceil(first.total / sitemapPageSize)
  const items = Array.from(
    { length: pages },
    (_, i) => `  <sitemap><loc>${escapeXml(`${origin}/sitemap-${i + 1}.xml`)}</loc></sitemap>`,
  )
  return xml(
    c,
    `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${items.join('\n')}\n</sitemapindex>\n`,
  )
}

export async function sitemapPage(c: AppContext, page: number) {
  const deps = c.get('deps')
  const found = await entries(deps, (page - 1) * sitemapPageSize, sitemapPageSize)
  if (page < 1 || found.entries.length === 0) return c.notFound()
  return xml(c, urlset(siteOrigin(c), found.entries))
}
