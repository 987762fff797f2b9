/**
 * A worker that sends the notices due and is killed (SIGKILL, as the kernel would) right after the
 * first mail has gone, before it can record it: for the job queue's crash test. Run as
 * `node tests/crash-worker.ts` with DATA_DIR (and DATABASE_URL for PostgreSQL) set.
 */
import { deliverNotices, type NoticeComposer } from '#src/jobs/notices.ts'
import { mailToUser } from '#src/jobs/notice-mail.ts'
import { getEnv } from '#src/platform/env.ts'
import { startRuntime } from '#src/platform/runtime.ts'

export const crashNotices: Record<string, NoticeComposer> = {
  hello: (deps, n) =>
    mailToUser(deps.db, n.user_id, 'meeting.promoted', () => ({
      time: 'soon',
      link: 'http://x/y',
    })),
}

if (process.argv[1]?.endsWith('crash-worker.ts')) {
  const { deps } = await startRuntime(getEnv())
  await deliverNotices(deps, crashNotices, {
    afterDeliver: () => {
      process.kill(process.pid, 'SIGKILL')
      return new Promise<void>(() => {})
    },
  })
  console.error('the worker was not killed')
  process.exit(2)
}
