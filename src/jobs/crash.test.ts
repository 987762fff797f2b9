import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { openDatabase, pgliteExtensions, wrapPglite, type Db } from '#src/platform/db.ts'
import { createOutboxMailer } from '#src/mail/mailer.ts'
import { readOutbox } from '#src/mail/outbox.ts'
import { createLogger } from '#src/platform/log.ts'
import { parseEnv } from '#src/platform/env.ts'
import { deriveSecrets } from '#src/platform/secrets.ts'
import { createBackground } from '#src/platform/background.ts'
import type { Deps } from '#src/platform/deps.ts'
import { createTestDb } from '../../tests/db.ts'
import { crashNotices } from '../../tests/crash-worker.ts'
import { addNotice, noticeLeaseMs } from './notices.ts'
import { runDueWork } from './worker.ts'

const root = path.resolve(import.meta.dirname, '../..')
const auditKey = 'a crash test key that is only ever used in tests'

/** Runs the crash worker; resolves with the signal that ended it. */
function runCrashWorker(env: Record<string, string>) {
  const child = spawn(process.execPath, ['tests/crash-worker.ts'], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent', AUDIT_KEY: auditKey, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
  return new Promise<{ signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.once('exit', (_code, signal) => resolve({ signal, stderr })),
  )
}

async function seed(db: Db, now: Date): Promise<string> {
  const user = await db
    .insertInto('app_user')
    .values({
      email: 'crash@example.test',
      email_confirmed_at: now,
      password_hash: 'x',
      display_name: 'Crash',
      locale: 'en',
      created_at: now,
      erased_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await addNotice(db, now, { kind: 'hello', key: 'crash:1', userId: user.id, groupId: null })
  return user.id
}

function depsOver(db: Db, dataDir: string, now: Date): Deps {
  return {
    env: parseEnv({ NODE_ENV: 'test', DATA_DIR: dataDir }),
    db,
    dbKind: 'pglite',
    log: createLogger({ level: 'silent' }),
    clock: { now: () => now },
    mailer: createOutboxMailer(path.join(dataDir, 'outbox'), 'Tomoni <no-reply@tomoni.test>'),
    background: createBackground(createLogger({ level: 'silent' }), 'inline'),
    secrets: deriveSecrets(auditKey),
    isReady: () => true,
  }
}

describe('a worker process killed between sending a notice and recording it', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomoni-crash-'))
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }))

  it('is followed by one that sends no second copy', { timeout: 120_000 }, async () => {
    const template = inject('dbTemplate')
    const env: Record<string, string> = { DATA_DIR: dataDir }
    let reopen: () => Promise<{ db: Db; close(): Promise<void> }>
    if (template.kind === 'pglite') {
      // A data folder of our own, copied from the run's template, that the child can open too.
      const blob = new Blob([fs.readFileSync(template.dumpPath)])
      const pglite = await PGlite.create({
        dataDir: path.join(dataDir, 'pglite'),
        loadDataDir: blob,
        extensions: pgliteExtensions,
      })
      const handle = wrapPglite(pglite)
      await seed(handle.db, new Date())
      await handle.close()
      reopen = () => openDatabase({ dataDir })
    } else {
      const handle = await createTestDb()
      await seed(handle.db, new Date())
      env.DATABASE_URL = handle.url!
      reopen = () => Promise.resolve(handle)
    }

    const { signal, stderr } = await runCrashWorker(env)
    expect(signal, stderr).toBe('SIGKILL')
    const outbox = () =>
      readOutbox(path.join(dataDir, 'outbox')).filter((m) => m.to === 'crash@example.test')
    expect(outbox()).toHaveLength(1)

    const handle = await reopen()
    try {
      const state = async () =>
        (
          await handle.db
            .selectFrom('notice')
            .select('state')
            .where('key', '=', 'crash:1')
            .executeTakeFirstOrThrow()
        ).state
      expect(await state()).toBe('sending')
      const later = new Date(Date.now() + noticeLeaseMs + 60_000)
      await runDueWork(depsOver(handle.db, dataDir, later), { jobs: {}, notices: crashNotices })
      expect(await state()).toBe('sent')
      expect(outbox()).toHaveLength(1)
    } finally {
      await handle.close()
    }
  })
})
