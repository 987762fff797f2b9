import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { buildApp } from '#src/app.ts'
import { createOutboxMailer } from '#src/mail/mailer.ts'
import { readOutbox } from '#src/mail/outbox.ts'
import type { Clock, Deps } from '#src/platform/deps.ts'
import { parseEnv } from '#src/platform/env.ts'
import { createLogger } from '#src/platform/log.ts'
import { deriveSecrets } from '#src/platform/secrets.ts'
import { createBackground } from '#src/platform/background.ts'
import { createTestDb } from './db.ts'

/** A clock tests can set and move. */
export function fakeClock(start = new Date('2026-11-22T00:00:00Z')) {
  let now = start.getTime()
  return {
    now: () => new Date(now),
    set: (date: Date) => {
      now = date.getTime()
    },
    advance: (ms: number) => {
      now += ms
    },
  } satisfies Clock & Record<string, unknown>
}

/**
 * The whole app over a fresh test database, for requests through `app.request()`. Each test app
 * has its own data folder, so `outbox()` shows only the mail this app sent.
 */
export async function createTestApp(overrides: Partial<Deps> = {}) {
  const handle = await createTestDb()
  const clock = fakeClock()
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomoni-app-'))
  const outboxDir = path.join(dataDir, 'outbox')
  const deps: Deps = {
    env: parseEnv({ NODE_ENV: 'test', DATA_DIR: dataDir }),
    db: handle.db,
    dbKind: handle.kind,
    log: createLogger({ level: 'silent' }),
    clock,
    mailer: createOutboxMailer(outboxDir, 'Tomoni <no-reply@tomoni.test>'),
    // Inline, so that the mail a request causes is in the outbox when its answer arrives.
    background: createBackground(createLogger({ level: 'silent' }), 'inline'),
    secrets: deriveSecrets('a test key that is only ever used in tests'),
    isReady: () => true,
    ...overrides,
  }
  const app = buildApp(deps)
  return {
    app,
    deps,
    clock,
    /** The mail sent so far, oldest first. */
    outbox: () => readOutbox(outboxDir),
    close: async () => {
      await deps.background.idle()
      await handle.close()
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
