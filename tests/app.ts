import { buildApp } from '#src/app.ts'
import type { Clock, Deps } from '#src/platform/deps.ts'
import { parseEnv } from '#src/platform/env.ts'
import { createLogger } from '#src/platform/log.ts'
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

/** The whole app over a fresh test database, for requests through `app.request()`. */
export async function createTestApp(overrides: Partial<Deps> = {}) {
  const handle = await createTestDb()
  const clock = fakeClock()
  const deps: Deps = {
    env: parseEnv({ NODE_ENV: 'test', DATA_DIR: './data/test' }),
    db: handle.db,
    dbKind: handle.kind,
    log: createLogger({ level: 'silent' }),
    clock,
    isReady: () => true,
    ...overrides,
  }
  const app = buildApp(deps)
  return { app, deps, clock, close: () => handle.close() }
}
