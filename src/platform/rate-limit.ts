import { sql } from 'kysely'
import type { Deps } from './deps.ts'
import { AppError } from './errors.ts'
import { pseudonym } from './secrets.ts'

export interface RateLimitTables {
  rate_limit: {
    /** `<rule>:<keyed hash of the address or IP>`: never the address itself. */
    key: string
    window_start: Date
    count: number
  }
}

export interface RateLimitRule {
  /** Names the counter, e.g. `sign-in:ip`. */
  name: string
  limit: number
  windowSeconds: number
}

/**
 * Counts one attempt against each rule and throws 429 with Retry-After when any is over its
 * limit. Fixed windows aligned to the epoch, so tests with a fake clock know where one ends.
 * Every attempt counts, failed or not: counting only failures would tell an attacker which
 * addresses exist.
 */
export async function hitRateLimits(
  deps: Pick<Deps, 'db' | 'clock' | 'secrets'>,
  hits: { rule: RateLimitRule; value: string }[],
): Promise<void> {
  const now = deps.clock.now()
  let retryAfter = 0
  for (const { rule, value } of hits) {
    const windowMs = rule.windowSeconds * 1000
    const windowStart = new Date(Math.floor(now.getTime() / windowMs) * windowMs)
    const row = await deps.db
      .insertInto('rate_limit')
      .values({ key: rateLimitKey(deps, rule, value), window_start: windowStart, count: 1 })
      .onConflict((oc) =>
        oc.columns(['key', 'window_start']).doUpdateSet({ count: sql`rate_limit.count + 1` }),
      )
      .returning('count')
      .executeTakeFirstOrThrow()
    if (row.count > rule.limit) {
      const seconds = Math.ceil((windowStart.getTime() + windowMs - now.getTime()) / 1000)
      retryAfter = Math.max(retryAfter, seconds)
    }
  }
  // The longest window any counter here uses is a day; older rows count nothing any more.
  await deps.db
    .deleteFrom('rate_limit')
    .where('window_start', '<', new Date(now.getTime() - 2 * 86_400_000))
    .execute()
  if (retryAfter > 0) {
    throw new AppError('rate_limited', 'Too many attempts. Please wait and try again.', {
      retryAfterSeconds: retryAfter,
    })
  }
}

export function rateLimitKey(deps: Pick<Deps, 'secrets'>, rule: RateLimitRule, value: string) {
  return `${rule.name}:${pseudonym(deps.secrets, value)}`
}

/**
 * Removes every counter keyed by one of the values, whatever its rule: an erased person's
 * address and account id leave no trace in the counters.
 */
export async function forgetRateLimits(
  deps: Pick<Deps, 'db' | 'secrets'>,
  values: string[],
  db = deps.db,
): Promise<void> {
  for (const value of values) {
    const suffix = `:${pseudonym(deps.secrets, value)}`
    await db
      .deleteFrom('rate_limit')
      .where(sql<string>`right(key, ${suffix.length})`, '=', suffix)
      .execute()
  }
}
