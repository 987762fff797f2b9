import type { Deps } from '#src/platform/deps.ts'
import { workRegistry } from './registry.ts'
import { runDueWork } from './worker.ts'

/** The queue's command line: the server works the queue itself; this runs it once, for cron or by hand. */
export const jobCommands = {
  'run-jobs': {
    summary: 'Run every job and send every notice that is due now, then exit',
    needsDb: true,
    run: async (_args: string[], deps: Deps | undefined) => {
      const done = await runDueWork(deps!, workRegistry)
      console.log(`Ran ${done.jobs} job(s) and handled ${done.notices} notice(s).`)
      return 0
    },
  },
}
