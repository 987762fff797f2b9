import { EnvError, getEnv } from './platform/env.ts'
import { startRuntime } from './platform/runtime.ts'
import type { Deps } from './platform/deps.ts'

interface Command {
  summary: string
  usage?: string
  /** Commands that need the database get it migrated and loaded; the rest run without. */
  needsDb: boolean
  run(args: string[], deps: Deps | undefined): Promise<number | void>
}

const commands: Record<string, Command> = {
  help: {
    summary: 'List the commands',
    needsDb: false,
    run: () => {
      console.log('Usage: npm run cli -- <command> [args]\n\nCommands:')
      const width = Math.max(...Object.keys(commands).map((n) => n.length))
      for (const [name, command] of Object.entries(commands)) {
        console.log(`  ${name.padEnd(width)}  ${command.summary}`)
        if (command.usage) console.log(`  ${''.padEnd(width)}  usage: ${command.usage}`)
      }
      return Promise.resolve()
    },
  },
  migrate: {
    summary: 'Create or upgrade the database schema and load the reference data, then exit',
    needsDb: true,
    run: () => {
      console.log('The database is migrated and the reference data is loaded.')
      return Promise.resolve()
    },
  },
  'check-env': {
    summary: 'Validate the environment variables and print the settings in effect',
    needsDb: false,
    run: () => {
      const env = getEnv()
      const shown = {
        ...env,
        DATABASE_URL: env.DATABASE_URL ? '(set, hidden)' : '(unset: embedded)',
      }
      console.log(JSON.stringify(shown, null, 2))
      return Promise.resolve()
    },
  },
}

async function main(argv: string[]): Promise<number> {
  const [name = 'help', ...args] = argv
  const command = commands[name]
  if (!command) {
    console.error(`Unknown command "${name}". Run "npm run cli -- help" for the list.`)
    return 2
  }
  if (!command.needsDb) return (await command.run(args, undefined)) ?? 0
  const { deps, handle } = await startRuntime(getEnv())
  try {
    return (await command.run(args, deps)) ?? 0
  } finally {
    await handle.close()
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof EnvError ? error.message : error)
    process.exit(1)
  },
)
