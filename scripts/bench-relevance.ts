import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import { sql } from 'kysely'
import { system } from '#src/access/actor.ts'
import { buildApp } from '#src/app.ts'
import { normalizeForSearch } from '#src/conditions/normalize.ts'
import { importHsds } from '#src/directory/hsds-import.ts'
import { createOutboxMailer } from '#src/mail/mailer.ts'
import { createBackground } from '#src/platform/background.ts'
import { pgliteExtensions, wrapPglite, type Db } from '#src/platform/db.ts'
import type { Deps } from '#src/platform/deps.ts'
import { parseEnv } from '#src/platform/env.ts'
import { createLogger } from '#src/platform/log.ts'
import { migrateToLatest } from '#src/platform/migrate.ts'
import { deriveSecrets } from '#src/platform/secrets.ts'
import { loadReferenceData } from '#src/reference/load.ts'

/**
 * Search relevance on the shared development bench (../shared/bench, README there), through the
 * real app: recall@5 of group search per kind and overall, and of condition search; and the same
 * queries against a plain keyword baseline (ILIKE over names and descriptions).
 *
 * Besides the shared development set, it runs our own further group queries
 * (scripts/bench-relevance-extra.tsv: more ways of asking, over the same directory), reported
 * apart so that the shared set stays comparable.
 *
 * Usage: npm run bench:relevance [-- --misses] [--groups FILE.tsv] [--conditions FILE.tsv]
 */

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const benchDir = path.resolve(repo, '../shared/bench')
const args = process.argv.slice(2)
const showMisses = args.includes('--misses')
const option = (name: string) => {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : undefined
}
const groupQueriesFile = path.resolve(
  repo,
  option('--groups') ?? path.join(benchDir, 'groups-dev-queries.tsv'),
)
const conditionQueriesFile = path.resolve(
  repo,
  option('--conditions') ?? path.join(benchDir, 'conditions-dev.tsv'),
)
const extraQueriesFile = path.join(repo, 'scripts/bench-relevance-extra.tsv')
const fixture = path.join(benchDir, 'groups-dev.json')

function readTsv(file: string): string[][] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .slice(1)
    .filter((line) => line.trim() !== '')
    .map((line) => line.split('\t'))
}

class Tally {
  readonly byKind = new Map<string, { hits: number; total: number }>()
  hits = 0
  total = 0
  add(kind: string, hit: boolean) {
    const s = this.byKind.get(kind) ?? { hits: 0, total: 0 }
    s.total++
    this.total++
    if (hit) {
      s.hits++
      this.hits++
    }
    this.byKind.set(kind, s)
  }
}

const pct = (h: number, t: number) => (t ? (h / t).toFixed(2) : '—')

function report(title: string, system: Tally, baseline: Tally) {
  console.log(`\n${title}: recall@5`)
  console.log(
    `  ${'kind'.padEnd(20)} ${'n'.padStart(4)}  ${'Tomoni'.padStart(7)}  ${'keyword'.padStart(7)}`,
  )
  for (const [kind, s] of [...system.byKind].sort(([a], [b]) => a.localeCompare(b))) {
    const b = baseline.byKind.get(kind) ?? { hits: 0, total: 0 }
    console.log(
      `  ${kind.padEnd(20)} ${String(s.total).padStart(4)}  ${pct(s.hits, s.total).padStart(7)}  ${pct(b.hits, b.total).padStart(7)}`,
    )
  }
  console.log(
    `  ${'overall'.padEnd(20)} ${String(system.total).padStart(4)}  ${pct(system.hits, system.total).padStart(7)}  ${pct(baseline.hits, baseline.total).padStart(7)}`,
  )
}

// ---------------------------------------------------------------------------------------------
// The keyword baseline: what a plain search box over the same data would find

/** Groups whose name or description contains any of the words, most words first. */
async function keywordGroups(db: Db, words: string[]): Promise<string[]> {
  const patterns = [...new Set(words.filter((w) => w.trim()))].map(
    (w) => `%${w.replace(/[\\%_]/g, '\\$&')}%`,
  )
  if (!patterns.length) return []
  const rows = await sql<{ id: string }>`
    select g.id from grp g,
      lateral (select coalesce(g.name::text, '') || ' ' || coalesce(g.description::text, '') as text) t,
      lateral (select count(*) as n from unnest(${patterns}::text[]) p where t.text ilike p) m
    where m.n > 0 and g.status <> 'closed'
    order by m.n desc, g.id
    limit 5
  `.execute(db)
  return rows.rows.map((r) => r.id)
}

/**
 * The words a keyword search gets from a query: the free text as typed, split at spaces; for the
 * structured parameters, the names of the condition and of the place, and the filter values.
 */
async function keywordsOf(db: Db, params: URLSearchParams): Promise<string[]> {
  const words: string[] = []
  const q = params.get('q')
  if (q) words.push(...q.split(/\s+/))
  const condition = params.get('condition')
  if (condition) {
    const rows = await sql<{ name_ja: string | null; name_en: string | null }>`
      select c.name_ja, c.name_en from condition_code cc join condition c on c.id = cc.condition_id
      where cc.code = ${condition.toUpperCase()}
    `.execute(db)
    for (const r of rows.rows) words.push(...[r.name_ja, r.name_en].filter((n) => n !== null))
  }
  const place = params.get('place')
  if (place) {
    const rows = await sql<{ name_ja: string | null; name_en: string | null }>`
      select name_ja, name_en from place where id = ${place.toUpperCase()}
    `.execute(db)
    words.push(place, ...rows.rows.flatMap((r) => [r.name_ja, r.name_en].filter((n) => n !== null)))
  }
  for (const key of ['audience', 'type', 'leadership']) {
    for (const v of params.getAll(key)) words.push(v.replace(/_/g, ' '))
  }
  return words
}

async function keywordConditions(db: Db, q: string): Promise<string[][]> {
  const rows = await sql<{ codes: string[] }>`
    select c.codes || c.id as codes from condition c
    join (
      select condition_id, min(length(name)) as len from condition_name
      where name ilike ${`%${q.replace(/[\\%_]/g, '\\$&')}%`}
      group by condition_id
    ) m on m.condition_id = c.id
    order by m.len, c.weight desc, c.id
    limit 5
  `.execute(db)
  return rows.rows.map((r) => r.codes)
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const started = performance.now()
  const pglite = await PGlite.create({ extensions: pgliteExtensions })
  const handle = wrapPglite(pglite)
  const silent = createLogger({ level: 'silent' })
  await migrateToLatest(handle.db)
  await loadReferenceData(handle.db, silent)
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomoni-bench-'))
  const deps: Deps = {
    env: parseEnv({ NODE_ENV: 'test', DATA_DIR: dataDir }),
    db: handle.db,
    dbKind: 'pglite',
    log: silent,
    clock: { now: () => new Date('2026-11-22T00:00:00Z') },
    mailer: createOutboxMailer(path.join(dataDir, 'outbox'), 'Tomoni <no-reply@tomoni.test>'),
    background: createBackground(silent, 'inline'),
    secrets: deriveSecrets('a key only the relevance bench uses'),
    isReady: () => true,
  }
  const report0 = await importHsds(deps, system, fixture)
  if (report0.rejected.length) throw new Error(`fixture rows rejected: ${report0.rejected.length}`)
  const app = buildApp(deps)
  const fixtureNames = new Map<string, string>()
  for (const org of JSON.parse(fs.readFileSync(fixture, 'utf8')) as {
    services: { id: string; name: string }[]
  }[]) {
    for (const s of org.services) fixtureNames.set(s.name, s.id)
  }

  const fixtureIds = new Set(fixtureNames.values())
  let slowest = 0
  const runGroups = async (file: string) => {
    const tally = new Tally()
    const baseline = new Tally()
    for (const [params = '', expected = '', kind = ''] of readTsv(file)) {
      const wanted = expected.split('|').map((id) => id.trim())
      if (!wanted.every((id) => fixtureIds.has(id))) throw new Error(`unknown id in ${file}`)
      const t0 = performance.now()
      const res = await app.request(`/api/v1/groups?${params}`)
      slowest = Math.max(slowest, performance.now() - t0)
      const body =
        res.status === 200
          ? ((await res.json()) as {
              items: { id: string; url: string; name: string }[]
              understood?: { kind: string; label: string }[]
            })
          : { items: [] }
      const top = body.items.slice(0, 5).map((item) => {
        if (wanted.includes(item.id)) return item.id
        const byUrl = wanted.find((id) => item.url.includes(id))
        return byUrl ?? fixtureNames.get(item.name) ?? item.id
      })
      const hit = top.some((id) => wanted.includes(id))
      tally.add(kind, hit)
      const keywords = await keywordsOf(handle.db, new URLSearchParams(params))
      const baseHit = (await keywordGroups(handle.db, keywords)).some((id) => wanted.includes(id))
      baseline.add(kind, baseHit)
      if (showMisses && !hit) {
        const understood = (body.understood ?? []).map((u) => `${u.kind}:${u.label}`).join(', ')
        console.log(`MISS [${kind}] ${decodeURIComponent(params)} understood=[${understood}]`)
        const got = body.items.slice(0, 5).map((i) => i.name)
        console.log(`     got ${got.join(' | ') || '(nothing)'}`)
      }
    }
    return { tally, baseline }
  }
  const dev = await runGroups(groupQueriesFile)
  const extra = await runGroups(extraQueriesFile)

  // Conditions.
  const conditions = new Tally()
  const conditionsBaseline = new Tally()
  for (const [query = '', expected = '', kind = ''] of readTsv(conditionQueriesFile)) {
    const wanted = expected.split('|').map((c) => c.trim().toUpperCase())
    const res = await app.request(`/api/v1/conditions?q=${encodeURIComponent(query)}&limit=5`)
    const items =
      res.status === 200
        ? ((await res.json()) as { items: { id: string; codes: string[] }[] }).items
        : []
    const hit = items.some((item) =>
      [item.id, ...item.codes].some((code) => wanted.includes(code.trim().toUpperCase())),
    )
    conditions.add(kind, hit)
    const base = await keywordConditions(handle.db, query)
    conditionsBaseline.add(
      kind,
      base.some((codes) => codes.some((c) => wanted.includes(c.toUpperCase()))),
    )
    if (showMisses && !hit) console.log(`MISS [${kind}] ${query} (${normalizeForSearch(query)})`)
  }

  report(`Group search (${path.basename(groupQueriesFile)})`, dev.tally, dev.baseline)
  report(
    `Group search, our further queries (${path.basename(extraQueriesFile)})`,
    extra.tally,
    extra.baseline,
  )
  report(
    `Condition search (${path.basename(conditionQueriesFile)})`,
    conditions,
    conditionsBaseline,
  )
  console.log(`\nslowest group query: ${Math.round(slowest)} ms (first one builds the index)`)
  console.log(`total time: ${((performance.now() - started) / 1000).toFixed(1)} s`)
  await deps.background.idle()
  await handle.close()
  fs.rmSync(dataDir, { recursive: true, force: true })
}

await main()
