import { EnvError, getEnv } from './platform/env.ts'
import { startRuntime } from './platform/runtime.ts'
import type { Deps } from './platform/deps.ts'
import { directoryCommands } from './directory/directory.cli.ts'
import { demoCommands } from './directory/demo.cli.ts'
import { moderationCommands } from './moderation/moderation.cli.ts'
import { jobCommands } from './jobs/jobs.cli.ts'
import { verifyAuditChain } from './audit/audit.ts'
import { AppError } from './platform/errors.ts'
import { system } from './access/actor.ts'
import { rolesByScope, type Role, type ScopeType } from './access/roles.ts'
import { grantRole, revokeRole } from './access/roles.service.ts'
import { revokeUserSessions } from './accounts/admin.ts'

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
  'verify-audit': {
    summary: 'Check that no audit log entry was changed, inserted or removed; exit 1 if one was',
    needsDb: true,
    run: async (_args, deps) => {
      const result = await verifyAuditChain(deps!)
      if (!result.ok) {
        console.error(
          `The audit log is broken at entry ${result.badId}: ${result.reason} (${result.entries} entries before it verify).`,
        )
        return 1
      }
      // Keep this hash somewhere else: it is what shows that no newest entries were removed.
      console.log(
        `The audit log verifies: ${result.entries} entries; last hash ${result.lastHash}.`,
      )
      return 0
    },
  },
  ...directoryCommands,
  ...demoCommands,
  ...moderationCommands,
  ...jobCommands,
  'grant-role': {
    summary: 'Give an account a role',
    usage: 'grant-role EMAIL platform|organisation:ID|group:ID ROLE',
    needsDb: true,
    run: (args, deps) => changeRole('grant', args, deps!),
  },
  'revoke-role': {
    summary: 'Take a role from an account',
    usage: 'revoke-role EMAIL platform|organisation:ID|group:ID ROLE',
    needsDb: true,
    run: (args, deps) => changeRole('revoke', args, deps!),
  },
  'revoke-sessions': {
    summary: 'Sign an account out everywhere',
    usage: 'revoke-sessions EMAIL',
    needsDb: true,
    run: async ([email = ''], deps) => {
      const user = await deps!.db
        .selectFrom('app_user')
        .select('id')
        .where('email', '=', email.trim().toLowerCase())
        .where('erased_at', 'is', null)
        .executeTakeFirst()
      if (!user) {
        console.error(`No account has the address ${email}.`)
        return 1
      }
      const { count } = await revokeUserSessions(deps!, system, { userId: user.id })
      console.log(`Ended ${count} session(s) of ${email}.`)
      return 0
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
        SMTP_URL: env.SMTP_URL ? '(set, hidden)' : '(unset: mail goes to DATA_DIR/outbox)',
        AUDIT_KEY: env.AUDIT_KEY ? '(set, hidden)' : '(unset: DATA_DIR/audit.key)',
      }
      console.log(JSON.stringify(shown, null, 2))
      return Promise.resolve()
    },
  },
}

async function changeRole(change: 'grant' | 'revoke', args: string[], deps: Deps) {
  const [email = '', scope = '', role = ''] = args
  const [scopeType = '', ...rest] = scope.split(':')
  const scopeId = rest.length > 0 ? rest.join(':') : null
  if (!(scopeType in rolesByScope) || !role) {
    const roles = Object.entries(rolesByScope).map(([s, r]) => `${s}: ${r.join(', ')}`)
    console.error(
      `Usage: ${change}-role EMAIL platform|organisation:ID|group:ID ROLE\n  ${roles.join('\n  ')}`,
    )
    return 2
  }
  const user = await deps.db
    .selectFrom('app_user')
    .select('id')
    .where('email', '=', email.trim().toLowerCase())
    .where('erased_at', 'is', null)
    .executeTakeFirst()
  if (!user) {
    console.error(`No account has the address ${email}.`)
    return 1
  }
  const membership = {
    userId: user.id,
    scopeType: scopeType as ScopeType,
    scopeId,
    role: role as Role,
  }
  try {
    await (change === 'grant' ? grantRole : revokeRole)(deps, system, membership)
  } catch (error) {
    if (!(error instanceof AppError)) throw error
    console.error(error.message)
    return 1
  }
  console.log(`${change === 'grant' ? 'Granted' : 'Revoked'} ${role} (${scope}) for ${email}.`)
  return 0
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
