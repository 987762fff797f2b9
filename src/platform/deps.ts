import type { Env } from './env.ts'
import type { Db } from './db.ts'
import type { Logger } from './log.ts'
import type { Secrets } from './secrets.ts'
import type { Background } from './background.ts'
import type { Mailer } from '#src/mail/mailer.ts'

/** A source of the current time, injected so that tests can move it. */
export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }

/** What services need from the outside world; built once at start and passed down. */
export interface Deps {
  env: Env
  db: Db
  dbKind: 'pglite' | 'postgres'
  log: Logger
  clock: Clock
  mailer: Mailer
  /** Work that runs after the answer has gone (see background.ts). */
  background: Background
  secrets: Secrets
  /** False while start-up work (migrations, reference data) is still running. */
  isReady(): boolean
}
