import { sql } from 'kysely'
import { localWrites, type Db } from '#src/platform/db.ts'
import type { DirectoryIndex } from './directory-index.ts'
import type { Plan } from './engine.ts'
import { batchSize, buildIndexFor, loadRecords } from './index-load.ts'
import { runPlan, type RunOptions, type RunResult } from './run-plan.ts'
import { SearchThreads } from './search-threads.ts'

/**
 * Each database's directory index, kept up with every committed change: a search first applies
 * the changes recorded in `search_change` since the index's watermark (decision 040 says when
 * that look is skipped), and a churned index is built again in the background.
 */

/** On a server, how long a look for changes made by other processes stays good (ms). */
const serverPollMs = 250

/** Directories at least this large are searched on worker threads, when the server has any. */
export const threadsFromGroups = 20_000

/**
 * Sending the index to the threads takes the server's thread a tenth of a second at a million
 * groups, so after changes it is sent at most this often (ms); searches run here meanwhile.
 */
const publishEveryMs = 2_000

/** How far back each look for late-committing changes reaches, and how often it runs. */
const lookbackSeconds = 60
const lookbackEveryMs = 2_000

interface Snapshot {
  index: DirectoryIndex
  /** Every change up to this sequence number is in the index. */
  watermark: number
  /** Changes at or below the watermark already applied, by group, for the late-commit check. */
  recent: Map<string, { seq: number; at: number }>
  lastLookback: number
}

async function snapshot(db: Db): Promise<Snapshot> {
  // The watermark is read first: whatever changes while the snapshot loads comes after it.
  const marks = await sql<{ group_id: string; seq: number }>`
    select group_id, seq::float8 as seq from search_change
    where changed_at > clock_timestamp() - make_interval(secs => ${lookbackSeconds})
    union all
    select '', coalesce(max(seq), 0)::float8 from search_change
  `.execute(db)
  const now = Date.now()
  const recent = new Map<string, { seq: number; at: number }>()
  let watermark = 0
  for (const r of marks.rows) {
    if (r.group_id === '') watermark = Number(r.seq)
    else recent.set(r.group_id, { seq: Number(r.seq), at: now })
  }
  return { index: await buildIndexFor(db), watermark, recent, lastLookback: now }
}

class IndexHolder {
  private snapshot: Promise<Snapshot>
  /** A rebuilt snapshot, swapped in by the next poll. */
  private next: Snapshot | null = null
  private rebuilding = false
  private running: Promise<DirectoryIndex> | null = null
  private queued: Promise<DirectoryIndex> | null = null
  /** This handle's write count when the last poll began (see localWrites), and when it began. */
  private writesAtPoll: number | undefined
  private polledAt = 0

  private readonly db: Db

  /** Searches on worker threads (search-threads.ts), for a directory large enough. */
  private threads: SearchThreads | null = null
  private threadCount = 0
  private threadsFrom = threadsFromGroups
  /** The index changed since it was last sent to the threads. */
  private unpublished = false
  private publishedAt = 0
  private publishTimer: ReturnType<typeof setTimeout> | null = null
  /** The index as the last poll left it. */
  private latest: DirectoryIndex | null = null

  constructor(db: Db) {
    this.db = db
    this.snapshot = snapshot(db)
  }

  useThreads(count: number, fromGroups: number) {
    this.threadCount = count
    this.threadsFrom = fromGroups
    // Sent when the index is ready, or by the poll under way then.
    this.unpublished = true
    this.snapshot.then(
      (s) => {
        if (!this.running) this.publish(s.index)
        this.latest ??= s.index
      },
      () => {},
    )
  }

  async close() {
    if (this.publishTimer) clearTimeout(this.publishTimer)
    this.threadCount = 0
    await this.threads?.close()
    this.threads = null
  }

  get answered() {
    return this.threads?.answered ?? 0
  }

  /** The plan run on a search thread when one holds this index, otherwise here. */
  async run(plan: Plan, index: DirectoryIndex, options: RunOptions): Promise<RunResult> {
    const result = this.threads ? await this.threads.run(plan, index, options) : null
    return result ?? runPlan(plan, index, options)
  }

  /** Only between polls: a thread must never read an index a poll is changing. */
  private publish(index: DirectoryIndex) {
    this.unpublished = false
    this.publishedAt = Date.now()
    if (this.threadCount === 0 || index.size < this.threadsFrom) {
      void this.threads?.close()
      this.threads = null
      return
    }
    this.threads ??= new SearchThreads(this.threadCount)
    this.threads.publish(index)
  }

  /** After a poll: the changed index goes to the threads now, or once `publishEveryMs` has passed. */
  private publishLater() {
    if (this.threadCount === 0 || this.publishTimer || !this.latest) return
    const wait = this.publishedAt + publishEveryMs - Date.now()
    if (wait <= 0) return this.publish(this.latest)
    this.publishTimer = setTimeout(() => {
      this.publishTimer = null
      // A poll under way publishes when it ends.
      if (!this.running && this.unpublished && this.latest) this.publish(this.latest)
    }, wait)
    this.publishTimer.unref()
  }

  /**
   * The index with every change committed before this call applied. Concurrent callers share
   * one poll; a caller arriving during a poll waits for the next one, which sees its writes.
   */
  current(): Promise<DirectoryIndex> {
    if (this.queued) return this.queued
    if (!this.running && !this.next && this.upToDate()) return this.snapshot.then((s) => s.index)
    if (!this.running) {
      this.running = this.poll().finally(() => {
        this.running = null
      })
      return this.running
    }
    const again = () => {
      this.queued = null
      return this.current()
    }
    this.queued = this.running.then(again, again)
    return this.queued
  }

  /**
   * Whether the look for changes can be skipped: nothing was written through this handle since
   * the last look, and on a server (where other processes write too) that look is recent, so
   * their writes show within `serverPollMs`.
   */
  private upToDate(): boolean {
    const writes = localWrites(this.db)
    if (!writes || writes.count !== this.writesAtPoll) return false
    if (writes.only) return true
    const now = Date.now()
    // A write of ours may have been in a transaction that committed after its statement ran.
    return now - this.polledAt < serverPollMs && now - writes.at > serverPollMs
  }

  private async poll(): Promise<DirectoryIndex> {
    this.writesAtPoll = localWrites(this.db)?.count
    this.polledAt = Date.now()
    let s: Snapshot
    try {
      s = await this.snapshot
    } catch (error) {
      // A failed build (the database was not ready) is tried again by the next search.
      this.snapshot = snapshot(this.db)
      throw error
    }
    let swapped = false
    if (this.next) {
      s = this.next
      this.next = null
      this.snapshot = Promise.resolve(s)
      swapped = true
    }
    const now = Date.now()
    const lookback = now - s.lastLookback >= lookbackEveryMs
    const rows = await sql<{ group_id: string; seq: number }>`
      select group_id, seq::float8 as seq from search_change
      where seq > ${s.watermark}
        or (${lookback}::boolean
            and changed_at > clock_timestamp() - make_interval(secs => ${lookbackSeconds}))
    `.execute(this.db)
    if (lookback) {
      s.lastLookback = now
      for (const [id, r] of s.recent) {
        if (now - r.at > 2 * lookbackSeconds * 1000) s.recent.delete(id)
      }
    }
    const changed = new Set<string>()
    let watermark = s.watermark
    for (const r of rows.rows) {
      const seq = Number(r.seq)
      if (seq <= s.watermark && s.recent.get(r.group_id)?.seq === seq) continue
      changed.add(r.group_id)
      s.recent.set(r.group_id, { seq, at: now })
      if (seq > watermark) watermark = seq
    }
    const ids = [...changed]
    if (ids.length) {
      // The threads finish what they are running on this index before it changes.
      await this.threads?.hold()
      this.unpublished = true
    }
    for (let i = 0; i < ids.length; i += batchSize) {
      const part = ids.slice(i, i + batchSize)
      const records = await loadRecords(this.db, { ids: part })
      const found = new Set(records.map((r) => r.id))
      for (const id of part) if (!found.has(id)) s.index.remove(id)
      for (const r of records) s.index.upsert(r)
    }
    s.watermark = watermark
    const { index } = s
    this.latest = index
    if (swapped) this.publish(index)
    else if (this.unpublished) this.publishLater()
    const churned = index.dead > 1000 && index.dead > index.size / 4
    // Groups added since the build sit in uncompressed full-text lists.
    const grown = index.byTerm.overlayEntries > 200_000 && index.size > 2 * index.builtSize
    if ((churned || grown) && !this.rebuilding) {
      this.rebuilding = true
      snapshot(this.db)
        .then((fresh) => {
          this.next = fresh
        })
        .catch(() => {})
        .finally(() => {
          this.rebuilding = false
        })
    }
    return index
  }
}

const holders = new WeakMap<Db, IndexHolder>()

function holderOf(db: Db): IndexHolder {
  let holder = holders.get(db)
  if (!holder) {
    holder = new IndexHolder(db)
    holders.set(db, holder)
  }
  return holder
}

/** The search index of this database's directory, up to date with every committed change. */
export function directoryIndex(db: Db): Promise<DirectoryIndex> {
  return holderOf(db).current()
}

/** Runs a plan over this database's index: on a search thread when there are some (see below). */
export function runSearch(
  db: Db,
  plan: Plan,
  index: DirectoryIndex,
  options: RunOptions,
): Promise<RunResult> {
  return holderOf(db).run(plan, index, options)
}

/**
 * Searches of this database's directory run on `count` worker threads once it holds
 * `fromGroups` groups (for a smaller one the threads cost more memory than they save time).
 */
export function searchOnThreads(db: Db, count: number, fromGroups = threadsFromGroups) {
  holderOf(db).useThreads(count, fromGroups)
}

/** How many searches the database's threads have answered since they started: for tests. */
export function searchThreadsAnswered(db: Db): number {
  return holders.get(db)?.answered ?? 0
}

/** Stops the database's search threads (a test's end; a server's end stops them anyway). */
export async function stopSearchThreads(db: Db) {
  await holders.get(db)?.close()
}
