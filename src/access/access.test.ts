import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../tests/app.ts'
import { createAccount, send } from '../../tests/accounts.ts'
import { buildApp } from '#src/app.ts'
import { routePolicies, routesWithoutPolicy } from './route-policy.ts'

const concrete = (path: string) => path.replace(/:[^/]+/g, '00000000-0000-4000-8000-000000000000')

describe('access: every route declares a policy', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>
  let cookie: string
  beforeAll(async () => {
    t = await createTestApp()
    cookie = (await createAccount(t)).cookie
  })
  afterAll(() => t.close())

  it('has no route without a policy', () => {
    expect(routesWithoutPolicy(t.app)).toEqual([])
  })

  it('notices a route added without one, and refuses requests to it under /api', async () => {
    const app = buildApp(t.deps)
    app.get('/api/v1/unguarded', (c) => c.json({ secret: true }))
    expect(routesWithoutPolicy(app)).toEqual(['GET /api/v1/unguarded'])
    const res = await app.request('/api/v1/unguarded')
    expect(res.status).toBe(404)
    expect(await res.text()).not.toContain('secret')
  })

  it('answers 401 on every signed-in route to a request without a session', async () => {
    const routes = routePolicies(t.app).filter((r) => r.policy === 'signed-in')
    expect(routes.length).toBeGreaterThan(5)
    for (const route of routes) {
      const body = route.method === 'GET' ? undefined : {}
      const res = await send(t, route.method, concrete(route.path), { body })
      expect(res.status, `${route.method} ${route.path}`).toBe(401)
      expect(await res.json()).toMatchObject({ error: { code: 'unauthenticated' } })
    }
  })

  it('refuses every write from another site, even with a valid session cookie', async () => {
    const writes = routePolicies(t.app).filter(
      (r) => !['GET', 'HEAD', 'OPTIONS'].includes(r.method),
    )
    expect(writes.length).toBeGreaterThan(5)
    for (const route of writes) {
      for (const headers of [
        { origin: 'https://evil.test', 'content-type': 'application/x-www-form-urlencoded' },
        { 'sec-fetch-site': 'cross-site', 'content-type': 'text/plain' },
        { origin: 'null', 'content-type': 'multipart/form-data; boundary=x' },
      ]) {
        const res = await t.app.request(concrete(route.path), {
          method: route.method,
          headers: { ...headers, cookie },
          body: 'password=x',
        })
        expect(res.status, `${route.method} ${route.path} ${JSON.stringify(headers)}`).toBe(403)
      }
    }
    // The session survived all of it.
    expect((await send(t, 'GET', '/api/v1/me', { cookie })).status).toBe(200)
  })

  it('lets a same-origin write through', async () => {
    const res = await send(t, 'PATCH', '/api/v1/me', {
      cookie,
      body: { locale: 'ja' },
      headers: { origin: 'http://localhost', 'sec-fetch-site': 'same-origin' },
    })
    expect(res.status).toBe(200)
  })
})
