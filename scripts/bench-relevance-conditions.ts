import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import { OpenAPIHono } from '@hono/zod-openapi'
import { conditionRoutes } from '#src/conditions/conditions.routes.ts'
import type { Deps } from '#src/platform/deps.ts'
import { pgliteExtensions, wrapPglite } from '#src/platform/db.ts'
import type { AppEnv } from '#src/platform/http.ts'
import { createLogger } from '#src/platform/log.ts'
import { migrateToLatest } from '#src/platform/migrate.ts'
import { loadReferenceData } from '#src/reference/load.ts'

/**
 * Condition search relevance on the shared development bench: recall@5, overall and per kind,
 * scored as /work/shared/bench/README.md describes, through the real HTTP route.
 * Usage: npm run bench:conditions [-- --misses] [bench.tsv]
 */

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const showMisses = args.includes('--misses')
const benchFile = path.resolve(
  repo,
  args.find((a) => !a.startsWith('--')) ?? '../shared/bench/conditions-dev.tsv',
)

interface Item {
  id: string
  codes: string[]
  names: { ja: string | null; en: string | null }
}

async function main() {
  const lines = fs.readFileSync(benchFile, 'utf8').split('\n').slice(1)
  const cases = lines
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [query = '', expected = '', kind = ''] = line.split('\t')
      return { query, expected: expected.split('|').map((c) => c.trim().toUpperCase()), kind }
    })

  const pglite = await PGlite.create({ extensions: pgliteExtensions })
  const handle = wrapPglite(pglite)
  const log = createLogger({ level: 'silent' })
  await migrateToLatest(handle.db)
  await loadReferenceData(handle.db, log)
  // Only the conditions route, which needs nothing but the database from its dependencies.
  const app = new OpenAPIHono<AppEnv>()
  app.use((c, next) => {
    c.set('deps', { db: handle.db } as Deps)
    return next()
  })
  app.route('/api/v1', conditionRoutes())

  const byKind = new Map<string, { hits: number; total: number }>()
  let hits = 0
  let slowest = 0
  for (const { query, expected, kind } of cases) {
    const started = performance.now()
    const res = await app.request(`/api/v1/conditions?q=${encodeURIComponent(query)}&limit=5`)
    slowest = Math.max(slowest, performance.now() - started)
    const items = res.status === 200 ? ((await res.json()) as { items: Item[] }).items : []
    const hit = items.some((item) =>
      [item.id, ...item.codes].some((code) => expected.includes(code.trim().toUpperCase())),
    )
    const stats = byKind.get(kind) ?? { hits: 0, total: 0 }
    stats.total++
    if (hit) {
      stats.hits++
      hits++
    } else if (showMisses) {
      const got = items.map((i) => `${i.id} ${i.names.ja ?? i.names.en ?? ''}`).join('; ')
      console.log(`MISS [${kind}] ${query} -> ${got || '(nothing)'}`)
    }
    byKind.set(kind, stats)
  }
  await handle.close()

  const pct = (h: number, t: number) => `${((100 * h) / t).toFixed(1)}%`
  console.log(`recall@5: ${pct(hits, cases.length)} (${hits}/${cases.length})`)
  for (const [kind, s] of [...byKind].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(`  ${kind.padEnd(20)} ${pct(s.hits, s.total).padStart(6)} (${s.hits}/${s.total})`)
  }
  console.log(`slowest query: ${Math.round(slowest)} ms`)
}

await main()
