/**
 * Runs the queue: due jobs first (they may record notices), then notices. Inside the server it
 * polls every few seconds; `npm run cli -- run-jobs` runs everything due once and exits.
 */
import type { Deps } from '#src/platform/deps.ts'
import {
  deliverNotices,
  recoverNotices,
  type DeliverOptions,
  type NoticeComposer,
} from './notices.ts'
import { claimJobs, failJob, finishJob, type JobHandler } from './queue.ts'

export interface WorkRegistry {
  jobs: Record<string, JobHandler>
  notices: Record<string, NoticeComposer>
}

export interface WorkDone {
  jobs: number
  notices: number
}

/** Does everything due now, batch by batch, until nothing is left (or `maxRounds` batches). */
export async function runDueWork(
  deps: Deps,
  registry: WorkRegistry,
  options: DeliverOptions & { maxRounds?: number; shouldStop?: () => boolean } = {},
): Promise<WorkDone> {
  const done: WorkDone = { jobs: 0, notices: 0 }
  await recoverNotices(deps)
  await prune(deps)
  for (let round = 0; round < (options.maxRounds ?? 100) && !options.shouldStop?.(); round++) {
    const jobs = await claimJobs(deps.db, deps.clock.now(), 20)
    for (const job of jobs) {
      const handler = registry.jobs[job.kind]
      try {
        if (!handler) throw new Error(`No handler for job kind ${job.kind}`)
        await handler(deps, job)
        await finishJob(deps.db, deps.clock.now(), job.id)
      } catch (err) {
        deps.log.error({ err, job: job.id, kind: job.kind }, 'job failed')
        await failJob(deps.db, deps.clock.now(), job, err)
      }
    }
    const notices = await deliverNotices(deps, registry.notices, options)
    done.jobs += jobs.length
    done.notices += notices
    if (jobs.length === 0 && notices === 0) break
  }
  return done
}

/** Finished jobs are kept a month and settled notices half a year, for the operator to look at. */
export const keepJobsDays = 30
export const keepNoticesDays = 180

async function prune(deps: Deps) {
  const now = deps.clock.now().getTime()
  await deps.db
    .deleteFrom('job')
    .where('state', 'in', ['done', 'failed'])
    .where('finished_at', '<', new Date(now - keepJobsDays * 86_400_000))
    .execute()
  await deps.db
    .deleteFrom('notice')
    .where('state', 'in', ['sent', 'skipped', 'uncertain'])
    .where('finished_at', '<', new Date(now - keepNoticesDays * 86_400_000))
    .execute()
}

export interface RunningWorker {
  stop(): Promise<void>
}

/** Polls in the background until stopped; a failing round is logged and the next one tries again. */
export function startWorker(deps: Deps, registry: WorkRegistry, intervalMs = 5_000): RunningWorker {
  let stopped = false
  let current: Promise<unknown> = Promise.resolve()
  let timer: NodeJS.Timeout | undefined
  const tick = () => {
    // A stop waits for the batch in hand only, so that shutdown stays within its drain time.
    current = runDueWork(deps, registry, { shouldStop: () => stopped })
      .catch((err: unknown) => deps.log.error({ err }, 'worker round failed'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs)
      })
  }
  timer = setTimeout(tick, intervalMs)
  return {
    async stop() {
      stopped = true
      clearTimeout(timer)
      await current
    },
  }
}
