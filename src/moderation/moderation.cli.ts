import type { Deps } from '#src/platform/deps.ts'
import { remindStaleListings } from './stale-reminders.ts'

/** Moderation's command-line tools, added to the command table in `src/cli.ts`. */
export const moderationCommands = {
  'remind-stale': {
    summary:
      'Mail the people who run listings unconfirmed for 12 months (run daily; sends each reminder once)',
    needsDb: true,
    run: async (_args: string[], deps: Deps | undefined) => {
      const report = await remindStaleListings(deps!)
      console.log(
        `${report.stale} stale listings; reminded about ${report.reminded} in ${report.messages} messages.`,
      )
      if (report.withoutKeepers.length) {
        console.log(
          `${report.withoutKeepers.length} newly stale listings have nobody to remind (no staff or facilitator with a confirmed address):`,
        )
        for (const id of report.withoutKeepers.slice(0, 50)) console.log(`  ${id}`)
        if (report.withoutKeepers.length > 50) console.log('  …')
      }
      return 0
    },
  },
}
