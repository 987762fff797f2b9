import type { Deps } from '#src/platform/deps.ts'
import { progressBar } from '#src/platform/progress.ts'
import { formatDemoReport, loadDemo } from './demo.ts'

/** The demo directory's command, added to the command table in `src/cli.ts`. */
export const demoCommands = {
  demo: {
    summary:
      'Load the demo directory: real UK and US health organisations and example Japanese groups (idempotent)',
    needsDb: true,
    run: async (_args: string[], deps: Deps | undefined) => {
      const bar = progressBar('Loading the demo')
      const started = performance.now()
      try {
        const report = await loadDemo(deps!, {
          onProgress: (done, total) => bar.update(done, total),
        })
        bar.done()
        console.log(formatDemoReport(report))
        console.log(`Done in ${((performance.now() - started) / 1000).toFixed(1)} s.`)
        return 0
      } catch (error) {
        bar.done()
        throw error
      }
    },
  },
}
