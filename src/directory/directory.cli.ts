import path from 'node:path'
import { system } from '#src/access/actor.ts'
import type { Deps } from '#src/platform/deps.ts'
import { AppError } from '#src/platform/errors.ts'
import { progressBar } from '#src/platform/progress.ts'
import { exportHsds, exportHsdsJson } from './hsds-export.ts'
import { formatReport, importHsds } from './hsds-import.ts'

/** The directory's command-line tools, added to the command table in `src/cli.ts`. */
export const directoryCommands = {
  'import-hsds': {
    summary: 'Import an HSDS JSON file or tabular data package folder (idempotent by id)',
    usage: 'import-hsds PATH',
    needsDb: true,
    run: async (args: string[], deps: Deps | undefined) => {
      const source = args[0]
      if (!source) {
        console.error('Usage: npm run cli -- import-hsds PATH')
        return 2
      }
      const bar = progressBar('Importing')
      try {
        const report = await importHsds(deps!, system, path.resolve(source), {
          onProgress: (done, total) => bar.update(done, total),
        })
        bar.done()
        console.log(formatReport(report))
        return 0
      } catch (error) {
        bar.done()
        if (error instanceof AppError) {
          console.error(error.message)
          return 1
        }
        throw error
      }
    },
  },
  'export-hsds': {
    summary:
      'Write the public directory as an HSDS tabular data package into a folder, or with --json as one JSON file',
    usage: 'export-hsds PATH [--json]',
    needsDb: true,
    run: async (args: string[], deps: Deps | undefined) => {
      const json = args.includes('--json')
      const target = args.find((a) => a !== '--json')
      if (!target || args.some((a) => a.startsWith('--') && a !== '--json')) {
        console.error('Usage: npm run cli -- export-hsds PATH [--json]')
        return 2
      }
      const where = path.resolve(target)
      const written = json ? await exportHsdsJson(deps!, where) : await exportHsds(deps!, where)
      console.log(
        `Wrote ${written.organisations} organisations and ${written.groups} groups to ${where}`,
      )
      return 0
    },
  },
}
