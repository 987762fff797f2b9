import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import { adminQuery, withDatabase } from '../tests/db-template.ts'
import { openDatabase, openPostgres, type DbHandle } from '#src/platform/db.ts'
import { createLogger } from '#src/platform/log.ts'
import { migrateToLatest } from '#src/platform/migrate.ts'
import { serverEnv, serverNodeFlags } from '#src/platform/node-flags.ts'
import { loadReferenceData } from '#src/reference/load.ts'
import { generateDirectory, makeRandom, queryMix } from './bench-search-data.ts'

/**
 * Search speed: a synthetic directory of N groups (see bench-search-data.ts), the real server in
 * its own process, and 32 clients on 127.0.0.1 sending a realistic mix of searches for 30 s;
 * p50/p95/p99 latency and throughput, against the bare /healthz route in the same run; condition
 * type-ahead; and the server's memory.
 *
 * Two ways of loading: closed loop (32 clients each sending the next search as soon as the last
 * answer arrives: the most the server can do, with the latency that queueing then causes) and
 * open loop at the target rate (200/s on PGlite, 500/s on PostgreSQL; --rate to change): the
 * latency a person sees at that load.
 *
 * Usage: npm run bench:search [-- --groups N | --million] [--postgres [URL]] [--duration S]
 *        [--clients C] [--rate R] [--fresh] [--prepare-only]
 * The generated directory is kept (in the temp folder, or as database tomoni_bench_search_N) and
 * reused by the next run of the same size unless --fresh is given.
 */

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const flag = (name: string) => args.includes(name)
const option = (name: string) => {
  const i = args.indexOf(name)
  const v = i >= 0 ? args[i + 1] : undefined
  return v && !v.startsWith('--') ? v : undefined
}
const groups = flag('--million') ? 1_000_000 : Number(option('--groups') ?? 100_000)
const usePostgres = flag('--postgres')
const postgresUrl =
  option('--postgres') ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:55432/postgres'
const durationS = Number(option('--duration') ?? 30)
const clients = Number(option('--clients') ?? 32)
const fresh = flag('--fresh')
const silent = createLogger({ level: 'silent' })

function log(message: string) {
  console.error(`[${new Date().toISOString().slice(11, 19)}] ${message}`)
}

async function countGroups(handle: DbHandle): Promise<number> {
  try {
    const r = await sql<{ n: number }>`select count(*)::int as n from grp`.execute(handle.db)
    return r.rows[0]?.n ?? 0
  } catch {
    return 0
  }
}

/** A database holding the reference data and N synthetic groups, made or reused. */
async function prepare(): Promise<{ env: Record<string, string>; handle: DbHandle }> {
  let handle: DbHandle
  let env: Record<string, string>
  if (usePostgres) {
    const name = `tomoni_bench_search_${groups}`
    if (fresh) await adminQuery(postgresUrl, `drop database if exists ${name}`)
    try {
      await adminQuery(postgresUrl, `create database ${name}`)
    } catch {
      // It is there already: reused when complete.
    }
    const url = withDatabase(postgresUrl, name)
    handle = openPostgres(url, 4)
    env = { DATABASE_URL: url, DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'tomoni-bench-')) }
  } else {
    const dataDir = path.join(os.tmpdir(), `tomoni-bench-search-${groups}`)
    if (fresh) fs.rmSync(dataDir, { recursive: true, force: true })
    fs.mkdirSync(dataDir, { recursive: true })
    handle = await openDatabase({ dataDir })
    env = { DATA_DIR: dataDir }
  }
  await migrateToLatest(handle.db)
  await loadReferenceData(handle.db, silent)
  const existing = await countGroups(handle)
  if (existing !== groups) {
    if (existing > 0) throw new Error(`the bench database holds ${existing} groups; use --fresh`)
    log(`generating ${groups} groups…`)
    const t0 = performance.now()
    let last = 0
    await generateDirectory(handle.db, groups, {
      onProgress: (done) => {
        if (done - last >= groups / 10 || done === groups) {
          last = done
          log(`  ${done} groups`)
        }
      },
    })
    log(`generated in ${((performance.now() - t0) / 1000).toFixed(0)} s`)
  } else {
    log(`reusing the ${groups} groups generated before`)
  }
  return { env, handle }
}

// ---------------------------------------------------------------------------------------------
// Load

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port
      server.close(() => resolve(port))
    })
  })
}

async function startServer(env: Record<string, string>) {
  const port = await freePort()
  // --node-options="…" passes flags to the server's Node (for profiling: --cpu-prof).
  const nodeFlags =
    args
      .find((a) => a.startsWith('--node-options='))
      ?.slice('--node-options='.length)
      .split(' ')
      .filter(Boolean) ?? []
  const child = spawn(process.execPath, [...serverNodeFlags(), ...nodeFlags, 'src/server.ts'], {
    cwd: repo,
    env: {
      ...process.env,
      ...serverEnv(),
      ...env,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      NODE_ENV: 'development',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const origin = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 180_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`)
    try {
      if ((await fetch(`${origin}/readyz`)).status === 200) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('server not ready after 180 s')
    await new Promise((r) => setTimeout(r, 200))
  }
  return { child, origin }
}

function memory(child: ChildProcess) {
  const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8')
  const mb = (key: string) =>
    Math.round(Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024)
  return { rssMb: mb('VmRSS'), peakRssMb: mb('VmHWM') }
}

interface LoadResult {
  requests: number
  errors: number
  perSecond: number
  p50: number
  p95: number
  p99: number
  max: number
}

async function load(origin: string, paths: string[], seconds: number, concurrency: number) {
  const latencies: number[] = []
  let errors = 0
  let next = 0
  const end = performance.now() + seconds * 1000
  const worker = async () => {
    while (performance.now() < end) {
      const p = paths[next++ % paths.length]!
      const t0 = performance.now()
      try {
        const res = await fetch(origin + p)
        await res.arrayBuffer()
        if (res.status !== 200) errors++
      } catch {
        errors++
      }
      latencies.push(performance.now() - t0)
    }
  }
  const started = performance.now()
  await Promise.all(Array.from({ length: concurrency }, worker))
  const elapsed = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  const q = (p: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]! * 10) /
    10
  return {
    requests: latencies.length,
    errors,
    perSecond: Math.round(latencies.length / elapsed),
    p50: q(0.5),
    p95: q(0.95),
    p99: q(0.99),
    max: Math.round(latencies.at(-1)! * 10) / 10,
  } satisfies LoadResult
}

/**
 * Requests sent at a fixed rate (open loop), at most `concurrency` in flight; each latency counts
 * from when the request was due, so time spent waiting for a free client counts too.
 */
async function paced(
  origin: string,
  paths: string[],
  seconds: number,
  rate: number,
  concurrency: number,
) {
  const latencies: number[] = []
  let errors = 0
  const total = Math.floor(seconds * rate)
  let next = 0
  const started = performance.now()
  // Requests still waiting for a client when the time is up are not sent: the server could not
  // keep up with the rate, which `perSecond` then shows.
  const stopAt = started + seconds * 1000
  const worker = async () => {
    for (;;) {
      const i = next++
      if (i >= total) return
      const due = started + (i * 1000) / rate
      if (performance.now() > stopAt + 1000) return
      const wait = due - performance.now()
      if (wait > 0) await new Promise((r) => setTimeout(r, wait))
      try {
        const res = await fetch(origin + paths[i % paths.length]!)
        await res.arrayBuffer()
        if (res.status !== 200) errors++
      } catch {
        errors++
      }
      latencies.push(performance.now() - due)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  const elapsed = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  const q = (p: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]! * 10) /
    10
  return {
    rate,
    due: total,
    requests: latencies.length,
    errors,
    perSecond: Math.round(latencies.length / elapsed),
    p50: q(0.5),
    p95: q(0.95),
    p99: q(0.99),
    max: Math.round(latencies.at(-1)! * 10) / 10,
  }
}

async function main() {
  const { env, handle } = await prepare()
  const mix = await queryMix(handle.db, makeRandom(7))
  await handle.close()
  if (flag('--prepare-only')) return

  log('starting the server…')
  const { child, origin } = await startServer(env)
  try {
    const t0 = performance.now()
    const first = await fetch(`${origin}/api/v1/groups?q=${encodeURIComponent('がん')}`)
    await first.arrayBuffer()
    const firstSearchS = (performance.now() - t0) / 1000
    log(`first search (builds the index): ${firstSearchS.toFixed(1)} s`)
    const afterIndex = memory(child)
    log('warming up…')
    await load(origin, mix.searches.slice(0, 500), 5, clients)
    await load(origin, mix.typeahead.slice(0, 200), 2, clients)

    log(`healthz: ${clients} clients for 10 s`)
    const healthz = await load(origin, ['/healthz'], 10, clients)
    log(`search: ${clients} clients for ${durationS} s`)
    const search = await load(origin, mix.searches, durationS, clients)
    const rate = Number(option('--rate') ?? (usePostgres ? 500 : 200))
    log(`search at ${rate}/s (open loop, up to ${clients} in flight) for ${durationS} s`)
    const searchPaced = await paced(origin, mix.searches.slice(1000), durationS, rate, clients)
    log(`type-ahead: ${clients} clients for 10 s`)
    const typeahead = await load(origin, mix.typeahead, 10, clients)
    const typeaheadOne = await load(origin, mix.typeahead, 5, 1)
    const end = memory(child)

    const result = {
      date: new Date().toISOString().slice(0, 10),
      machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
      database: usePostgres ? 'postgresql' : 'pglite',
      groups,
      clients,
      firstSearchSeconds: Math.round(firstSearchS * 10) / 10,
      healthz,
      search,
      searchToHealthz: Math.round((search.perSecond / healthz.perSecond) * 1000) / 1000,
      searchAtTargetRate: searchPaced,
      typeahead,
      typeaheadOneClient: typeaheadOne,
      memory: { afterIndexBuild: afterIndex, atEnd: end },
    }
    console.log(JSON.stringify(result, null, 2))
  } finally {
    child.kill('SIGTERM')
    await new Promise((r) => child.once('exit', r))
  }
}

await main()
