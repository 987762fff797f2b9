import crypto from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { anonymous, type Actor, type UserActor } from '#src/access/actor.ts'
import { isStaffRole, type RoleMembership } from '#src/access/roles.ts'
import type { Deps } from '#src/platform/deps.ts'
import type { Env } from '#src/platform/env.ts'
import type { AppContext, AppEnv } from '#src/platform/http.ts'
import { listRoles } from './accounts.repo.ts'

const minute = 60_000
const hour = 60 * minute

/**
 * How long a session lives without use (idle) and at most (absolute). Staff see other people's
 * health data, so theirs are short, as HIPAA's automatic logoff asks; members' are long enough
 * not to make a weekly visitor sign in every time. Decided in docs/decisions/011.
 */
export const sessionLimits = {
  member: { idleMs: 24 * hour, absoluteMs: 7 * 24 * hour },
  staff: { idleMs: 30 * minute, absoluteMs: 12 * hour },
} as const

/** Exports and erasure ask for the password again unless it was typed this recently. */
export const reauthenticationWindowMs = 10 * minute

// Writing last_seen_at on every request would turn every read into a write.
const touchIntervalMs = minute

export function limitsFor(roles: readonly RoleMembership[]) {
  return roles.some(isStaffRole) ? sessionLimits.staff : sessionLimits.member
}

/**
 * `__Host-` tells browsers the cookie was set over HTTPS, for this host only, for every path;
 * browsers refuse such a cookie without Secure, which plain-HTTP development cannot have. There
 * the cookie goes without the prefix and without Secure (docs/decisions/011).
 */
export function sessionCookie(env: Env): { name: string; secure: boolean } {
  const secure = env.NODE_ENV !== 'development' || !!env.PUBLIC_URL?.startsWith('https:')
  return { name: secure ? '__Host-tomoni_session' : 'tomoni_session', secure }
}

export const newToken = () => crypto.randomBytes(32).toString('base64url')
export const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex')

/** A few words about the browser for the session list; the full header says too much. */
export function summariseUserAgent(header: string | undefined): string | null {
  if (!header) return null
  const browser =
    [
      ['Edge', /Edg\//],
      ['Opera', /OPR\//],
      ['Firefox', /Firefox\//],
      ['Chrome', /Chrome\//],
      ['Safari', /Safari\//],
    ].find(([, re]) => (re as RegExp).test(header))?.[0] ?? 'A browser'
  const system =
    [
      ['Android', /Android/],
      ['iOS', /iPhone|iPad/],
      ['Windows', /Windows/],
      ['macOS', /Mac OS X|Macintosh/],
      ['Linux', /Linux/],
    ].find(([, re]) => (re as RegExp).test(header))?.[0] ?? null
  return system ? `${browser as string} on ${system as string}` : (browser as string)
}

/** How long the step between a right password and the second factor may take. */
export const secondFactorStepMs = 5 * minute

export interface SessionOptions {
  /** `second_factor`: the password was right, the second factor is still to come. */
  stage?: 'full' | 'second_factor'
  /** When a second factor was used; carried over when a session is renewed. */
  secondFactorAt?: Date | null
}

/**
 * Starts a new session for the person and sets its cookie. A session the request already
 * carried is ended first: the id always changes at sign-in, so one planted beforehand is useless.
 */
export async function startSession(
  c: AppContext,
  deps: Pick<Deps, 'db' | 'clock' | 'env'>,
  userId: string,
  options: SessionOptions = {},
): Promise<void> {
  const cookie = sessionCookie(deps.env)
  const previous = getCookie(c, cookie.name)
  if (previous) {
    await deps.db.deleteFrom('user_session').where('token_hash', '=', hashToken(previous)).execute()
  }
  const token = newToken()
  const now = deps.clock.now()
  // Sessions past their last possible moment are of no use to anyone: tidy up as we go.
  await deps.db.deleteFrom('user_session').where('expires_at', '<', now).execute()
  const pending = options.stage === 'second_factor'
  const lifetimeMs = pending
    ? secondFactorStepMs
    : limitsFor(await listRoles(deps.db, userId)).absoluteMs
  await deps.db
    .insertInto('user_session')
    .values({
      token_hash: hashToken(token),
      user_id: userId,
      created_at: now,
      last_seen_at: now,
      reauthenticated_at: now,
      expires_at: new Date(
        now.getTime() + (pending ? secondFactorStepMs : sessionLimits.member.absoluteMs),
      ),
      user_agent: summariseUserAgent(c.req.header('user-agent')),
      stage: options.stage ?? 'full',
      second_factor_at: options.secondFactorAt ?? null,
    })
    .execute()
  setCookie(c, cookie.name, token, {
    path: '/',
    httpOnly: true,
    secure: cookie.secure,
    sameSite: 'Lax',
    maxAge: Math.floor(lifetimeMs / 1000),
  })
}

/** The session waiting for its second factor, if the request carries one still in time. */
export async function findPendingSession(c: AppContext, deps: Pick<Deps, 'db' | 'clock' | 'env'>) {
  const token = getCookie(c, sessionCookie(deps.env).name)
  if (!token) return undefined
  return deps.db
    .selectFrom('user_session')
    .select(['id', 'user_id'])
    .where('token_hash', '=', hashToken(token))
    .where('stage', '=', 'second_factor')
    .where('expires_at', '>', deps.clock.now())
    .executeTakeFirst()
}

/**
 * Whose second factor a request may present, and from which session: the person whose sign-in
 * waits for it, or the signed-in person whose session was opened without one (a step up, say for
 * a staff power).
 */
export async function secondFactorCandidate(
  c: AppContext,
  deps: Pick<Deps, 'db' | 'clock' | 'env'>,
): Promise<{ userId: string; sessionId: string } | undefined> {
  const pending = await findPendingSession(c, deps)
  if (pending) return { userId: pending.user_id, sessionId: pending.id }
  const actor = c.get('actor')
  return actor.kind === 'user' ? { userId: actor.userId, sessionId: actor.sessionId } : undefined
}

export function clearSessionCookie(c: AppContext, env: Env) {
  const cookie = sessionCookie(env)
  deleteCookie(c, cookie.name, { path: '/', secure: cookie.secure })
}

/**
 * Finds who is asking from the session cookie, ends sessions past their limits, and marks every
 * answer to a request that carried a session as not to be stored by any cache.
 */
export const sessionMiddleware: MiddlewareHandler<AppEnv> = async (c, next) => {
  const deps = c.get('deps')
  const cookie = sessionCookie(deps.env)
  const token = getCookie(c, cookie.name)
  const found = token ? await resolveActor(deps, token) : anonymous
  c.set('actor', found === 'pending' ? anonymous : found)
  // A cookie that leads nowhere is removed; one waiting for its second factor is kept.
  if (token && found === anonymous) clearSessionCookie(c, deps.env)
  await next()
  const setsSession = (c.res.headers.get('set-cookie') ?? '').includes(`${cookie.name}=`)
  if (token || setsSession) c.res.headers.set('Cache-Control', 'no-store')
}

async function resolveActor(deps: Deps, token: string): Promise<Actor | 'pending'> {
  const row = await deps.db
    .selectFrom('user_session as s')
    .innerJoin('app_user as u', 'u.id', 's.user_id')
    .select([
      's.id',
      's.user_id',
      's.created_at',
      's.last_seen_at',
      's.reauthenticated_at',
      's.expires_at',
      's.stage',
      's.second_factor_at',
    ])
    .where('s.token_hash', '=', hashToken(token))
    .where('u.erased_at', 'is', null)
    .executeTakeFirst()
  if (!row) return anonymous
  const now = deps.clock.now().getTime()
  if (row.stage !== 'full') return now < row.expires_at.getTime() ? 'pending' : anonymous
  const roles = await listRoles(deps.db, row.user_id)
  const limits = limitsFor(roles)
  if (
    now - row.last_seen_at.getTime() > limits.idleMs ||
    now - row.created_at.getTime() > limits.absoluteMs ||
    now >= row.expires_at.getTime()
  ) {
    await deps.db.deleteFrom('user_session').where('id', '=', row.id).execute()
    return anonymous
  }
  if (now - row.last_seen_at.getTime() > touchIntervalMs) {
    await deps.db
      .updateTable('user_session')
      .set({ last_seen_at: new Date(now) })
      .where('id', '=', row.id)
      .execute()
  }
  const actor: UserActor = {
    kind: 'user',
    userId: row.user_id,
    sessionId: row.id,
    roles,
    reauthenticatedAt: row.reauthenticated_at,
    secondFactorAt: row.second_factor_at,
  }
  return actor
}
