import fs from 'node:fs'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import {
  Kysely,
  PGliteDialect,
  PostgresDialect,
  type KyselyPlugin,
  type QueryId,
  type RootOperationNode,
} from 'kysely'
import pg from 'pg'
import type { Database } from './database.ts'

export type Db = Kysely<Database>

export interface DbHandle {
  db: Db
  kind: 'pglite' | 'postgres'
  close(): Promise<void>
}

/** Extensions PGlite must load; PostgreSQL has them in contrib. */
export const pgliteExtensions = { pg_trgm }

export interface OpenDatabaseOptions {
  databaseUrl?: string | undefined
  dataDir: string
  poolMax?: number
}

/** PostgreSQL when a URL is given, otherwise the embedded PGlite persisted in `$DATA_DIR/pglite`. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<DbHandle> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.poolMax ?? 10)
  const dir = path.resolve(options.dataDir, 'pglite')
  fs.mkdirSync(dir, { recursive: true })
  const release = lockDataDir(dir)
  try {
    const pglite = await PGlite.create({ dataDir: dir, extensions: pgliteExtensions })
    return wrapPglite(pglite, release)
  } catch (error) {
    release()
    throw error
  }
}

interface WriteCounter {
  count: number
  /** When the last one finished (ms). */
  at: number
  /** Whether this process is the database's only writer (PGlite, behind its lock file). */
  only: boolean
}

const writeCounters = new WeakMap<Db, WriteCounter>()

/**
 * How many statements that may have written have finished through this handle, when the last
 * did, and whether this process is the database's only writer. On PGlite (this process's alone,
 * see the lock file) a reader that saw the count unchanged knows nothing was written since; on a
 * PostgreSQL server other processes write too. The search index uses it to skip looking for
 * changes.
 */
export function localWrites(db: Db): WriteCounter | undefined {
  return writeCounters.get(db)
}

/** Whatever is not plainly a select counts as a write: being wrong that way costs one look. */
function mayWrite(node: RootOperationNode): boolean {
  if (node.kind === 'SelectQueryNode') return false
  if (node.kind === 'RawNode') return !/^\s*select\b/i.test(node.sqlFragments[0] ?? '')
  return true
}

/** Counts writes once they have run (a transaction's are seen by readers only after commit). */
function countWrites(counter: WriteCounter): KyselyPlugin {
  const writes = new WeakSet<QueryId>()
  return {
    transformQuery({ node, queryId }) {
      if (mayWrite(node)) writes.add(queryId)
      return node
    },
    transformResult({ result, queryId }) {
      if (writes.has(queryId)) {
        counter.count++
        counter.at = Date.now()
      }
      return Promise.resolve(result)
    },
  }
}

/** Wraps an open PGlite (a file-backed one, or an in-memory one in tests). */
export function wrapPglite(pglite: PGlite, onClose: () => void = () => {}): DbHandle {
  const counter = { count: 0, at: 0, only: true }
  const db = new Kysely<Database>({
    dialect: new PGliteDialect({ pglite }),
    plugins: [countWrites(counter)],
  })
  writeCounters.set(db, counter)
  return {
    db,
    kind: 'pglite',
    close: async () => {
      await db.destroy()
      if (!pglite.closed) await pglite.close()
      onClose()
    },
  }
}

const connectionStrings = new WeakMap<Db, string>()

/** The server a PostgreSQL handle connects to, for a worker that opens connections of its own. */
export function connectionOf(db: Db): string | undefined {
  return connectionStrings.get(db)
}

export function openPostgres(connectionString: string, max: number): DbHandle {
  const pool = new pg.Pool({
    connectionString,
    max,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    // A runaway query must not hold a connection for ever.
    statement_timeout: 30_000,
    idle_in_transaction_session_timeout: 60_000,
  })
  const counter = { count: 0, at: 0, only: false }
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    plugins: [countWrites(counter)],
  })
  writeCounters.set(db, counter)
  connectionStrings.set(db, connectionString)
  return { db, kind: 'postgres', close: () => db.destroy() }
}

/**
 * PGlite is one process's database: two servers on one data folder would corrupt it. A lock file
 * holding our pid keeps a second one out; a lock left by a process that died is taken over.
 */
function lockDataDir(dir: string): () => void {
  const lockPath = path.join(dir, '..', 'tomoni.lock')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' })
      return () => fs.rmSync(lockPath, { force: true })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const holder = Number(fs.readFileSync(lockPath, 'utf8'))
      if (holder && holder !== process.pid && isAlive(holder)) {
        throw new Error(
          `Another Tomoni (pid ${holder}) is using the embedded database in ${path.dirname(lockPath)}. ` +
            'Stop it, or set DATA_DIR to another folder, or DATABASE_URL to a PostgreSQL server.',
          { cause: error },
        )
      }
      fs.rmSync(lockPath, { force: true })
    }
  }
  throw new Error(`Could not lock ${lockPath}`)
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
