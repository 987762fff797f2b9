import type { Hono, MiddlewareHandler } from 'hono'
import { matchedRoutes } from 'hono/route'
import { AppError } from '#src/platform/errors.ts'
import type { AppEnv } from '#src/platform/http.ts'
import { requireUser, type Actor } from './actor.ts'
import { requireStaff } from './policies.ts'

/**
 * Layer 1 of authorisation: what a route demands before its handler runs. Layer 2 is the first
 * line of every service function, which decides about the particular thing asked for. Add a
 * name here when a route needs a new kind of gate (say, 'platform-admin').
 */
const policies = {
  /** Anyone, signed in or not. */
  public: () => {},
  /** A signed-in person; the service decides what they may see. */
  'signed-in': (actor: Actor) => {
    requireUser(actor)
  },
  /** Someone holding a staff role, in a session opened with a second factor. */
  staff: (actor: Actor) => {
    requireStaff(actor)
  },
} satisfies Record<string, (actor: Actor) => void>

export type PolicyName = keyof typeof policies

const policyHandlers = new WeakMap<object, PolicyName>()

/** The gate a route declares, as route middleware: `createRoute({ middleware: [policy('public')] })`. */
export function policy(name: PolicyName): MiddlewareHandler<AppEnv> {
  const handler: MiddlewareHandler<AppEnv> = async (c, next) => {
    policies[name](c.get('actor'))
    await next()
  }
  policyHandlers.set(handler, name)
  return handler
}

/** The policy a registered handler stands for, seeing through Hono's wrapping of sub-apps. */
export function policyOf(handler: unknown): PolicyName | undefined {
  let current = handler
  while (typeof current === 'function') {
    const name = policyHandlers.get(current)
    if (name) return name
    current = (current as unknown as Record<string, unknown>).__COMPOSED_HANDLER
  }
  return undefined
}

/**
 * Routes whose feature folder does not declare a policy itself yet, including pages of the
 * contract still being built (declaring a policy for a path with no handler yet is harmless).
 * Each would better move into its own routes file as `middleware: [policy(…)]`.
 */
export const routePoliciesDeclaredHere: { method: string; path: string; policy: PolicyName }[] = [
  { method: 'GET', path: '/api/openapi.json', policy: 'public' },
  { method: 'GET', path: '/api/v1/conditions', policy: 'public' },
  { method: 'GET', path: '/', policy: 'public' },
  { method: 'GET', path: '/locale', policy: 'public' },
  { method: 'GET', path: '/about/data', policy: 'public' },
  { method: 'GET', path: '/groups', policy: 'public' },
  { method: 'GET', path: '/groups/:id', policy: 'public' },
]

export function applyDeclaredPolicies(app: Hono<AppEnv>) {
  for (const route of routePoliciesDeclaredHere) {
    app.on(route.method, route.path, policy(route.policy))
  }
}

/**
 * Deny by default: an API request that reaches a route with no declared policy is refused, so
 * a route added without one fails loudly in its own tests rather than quietly serving everyone.
 * Pages are held to the same rule by the registry test (access.test.ts) only, for now: they are
 * all public, and tests mount throwaway pages on a built app.
 */
export const denyRoutesWithoutPolicy: MiddlewareHandler<AppEnv> = async (c, next) => {
  const isApi = c.req.path === '/api' || c.req.path.startsWith('/api/')
  const matched = matchedRoutes(c).filter((r) => r.method !== 'ALL')
  if (isApi && matched.length > 0 && !matched.some((r) => policyOf(r.handler))) {
    const route = `${c.req.method} ${matched.at(-1)?.path ?? c.req.path}`
    c.get('log').error({ route }, 'route has no access policy')
    throw new AppError(
      'not_found',
      c.get('deps').env.NODE_ENV === 'production'
        ? 'Not found'
        : `No access policy is declared for ${route}: see src/access/route-policy.ts`,
    )
  }
  await next()
}

/** `METHOD path` of every route in the app with no policy among its handlers: should be none. */
export function routesWithoutPolicy(app: Hono<AppEnv>): string[] {
  const normalise = (path: string) => path.replace(/:[^/{}]+(\{[^}]*\})?/g, ':param')
  const guarded = new Set<string>()
  const endpoints = new Set<string>()
  for (const route of app.routes) {
    if (route.method === 'ALL') continue
    const key = `${route.method} ${normalise(route.path)}`
    if (policyOf(route.handler)) guarded.add(key)
    else endpoints.add(key)
  }
  return [...endpoints].filter((key) => !guarded.has(key)).sort()
}

/** Every route with its policy, for tests that try each one. */
export function routePolicies(
  app: Hono<AppEnv>,
): { method: string; path: string; policy: PolicyName }[] {
  const seen = new Map<string, { method: string; path: string; policy: PolicyName }>()
  for (const route of app.routes) {
    const name = policyOf(route.handler)
    if (name && route.method !== 'ALL') {
      seen.set(`${route.method} ${route.path}`, {
        method: route.method,
        path: route.path,
        policy: name,
      })
    }
  }
  return [...seen.values()]
}
