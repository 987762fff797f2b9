/**
 * A durable job queue in the database (decision 062). A job is claimed under a lease with
 * `for update skip locked`, so two workers on a PostgreSQL server never take the same one; on the
 * embedded database the same statements run one at a time on its single connection. A worker that
 * dies leaves its jobs to be claimed again when the lease ends, so handlers must be idempotent:
 * they change state only where it still is as they expect, and speak through notices, which are
 * recorded once by key.
 */
import { sql } from 'kysely'
import type { Db } from '#src/platform/db.ts'
import type { Deps } from '#src/platform/deps.ts'

export interface JobSpec {
  kind: string
  /** Enqueueing a key that is already there adds nothing. */
  key: string
  runAt: Date
  payload?: Record<string, unknown>
}

export interface ClaimedJob {
  id: string
  kind: string
  key: string
  payload: Record<string, unknown>
  attempts: number
}

export type JobHandler = (deps: Deps, job: ClaimedJob) => Promise<void>

/** How long a claimed job is its worker's; after that another may take it. */
export const jobLeaseMs = 5 * 60_000
/** Tries before a job is given up as failed (it is then left for the operator to see). */
export const maxJobAttempts = 5

/** Adds a job, inside the caller's transaction when given one, so that it commits with its cause. */
export async function enqueue(db: Db, now: Date, spec: JobSpec): Promise<void> {
  await db
    .insertInto('job')
    .values({
      kind: spec.kind,
      key: spec.key,
      payload: JSON.stringify(spec.payload ?? {}),
      run_at: spec.runAt,
      created_at: now,
    })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute()
}

/** Takes up to `limit` due jobs: queued ones whose time has come, and running ones whose lease ended. */
export async function claimJobs(db: Db, now: Date, limit: number): Promise<ClaimedJob[]> {
  const leaseEnd = new Date(now.getTime() + jobLeaseMs)
  const result = await sql<ClaimedJob>`
    update job set state = 'running', attempts = attempts + 1, locked_until = ${leaseEnd}
    where id in (
      select id from job
      where (state = 'queued' and run_at <= ${now}) or (state = 'running' and locked_until < ${now})
      order by run_at, id
      limit ${limit}
      for update skip locked
    )
    returning id::text as id, kind, key, payload, attempts
  `.execute(db)
  return result.rows
}

export async function finishJob(db: Db, now: Date, id: string): Promise<void> {
  await db
    .updateTable('job')
    .set({ state: 'done', finished_at: now, locked_until: null, last_error: null })
    .where('id', '=', id)
    .execute()
}

/** Puts a failed job back for later (a few minutes, growing), or gives it up after the last try. */
export async function failJob(
  db: Db,
  now: Date,
  job: Pick<ClaimedJob, 'id' | 'attempts'>,
  error: unknown,
): Promise<void> {
  const message = error instanceof Error ? error.message : String(error)
  const last = job.attempts >= maxJobAttempts
  await db
    .updateTable('job')
    .set({
      state: last ? 'failed' : 'queued',
      run_at: new Date(now.getTime() + job.attempts * job.attempts * 60_000),
      locked_until: null,
      last_error: message.slice(0, 1000),
      finished_at: last ? now : null,
    })
    .where('id', '=', job.id)
    .execute()
}
