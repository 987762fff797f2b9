import { createLogger } from './log.ts'
import { openDatabase, type DbHandle } from './db.ts'
import { migrateToLatest } from './migrate.ts'
import { systemClock, type Deps } from './deps.ts'
import type { Env } from './env.ts'
import { loadReferenceData } from '#src/reference/load.ts'
import { createMailer } from '#src/mail/mailer.ts'
import { loadSecrets } from './secrets.ts'
import { createBackground } from './background.ts'

/**
 * Opens the database, migrates it and loads the shipped reference data: everything the server and
 * the command line need before they can do their work.
 */
export async function startRuntime(env: Env): Promise<{ deps: Deps; handle: DbHandle }> {
  const log = createLogger({ level: env.LOG_LEVEL })
  const secrets = loadSecrets(env)
  const handle = await openDatabase({
    databaseUrl: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    poolMax: env.DATABASE_POOL_MAX,
  })
  let ready = false
  try {
    const applied = await migrateToLatest(handle.db)
    if (applied.length > 0) log.info({ applied }, 'migrated')
    await loadReferenceData(handle.db, log)
    ready = true
  } catch (error) {
    await handle.close()
    throw error
  }
  const mailer = createMailer(env, log)
  const background = createBackground(log)
  const deps: Deps = {
    env,
    db: handle.db,
    dbKind: handle.kind,
    log,
    clock: systemClock,
    mailer,
    background,
    secrets,
    isReady: () => ready,
  }
  return {
    deps,
    handle: {
      ...handle,
      close: async () => {
        await background.idle()
        await mailer.close()
        await handle.close()
      },
    },
  }
}
