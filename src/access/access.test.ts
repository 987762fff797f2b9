import fs from 'node:fs'
import path from 'node:path'
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
      if (!route.path.startsWith('/api/')) {
        // Pages send the person to the sign-in page instead.
        expect(res.status, `${route.method} ${route.path}`).toBe(303)
        expect(res.headers.get('location')).toBe('/sign-in')
        continue
      }
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

  it('sends the security headers on every API answer, errors included', async () => {
    const reads = routePolicies(t.app).filter(
      (r) => r.method === 'GET' && r.path.startsWith('/api'),
    )
    for (const path of [...reads.map((r) => concrete(r.path)), '/api/v1/nothing-here']) {
      const res = await send(t, 'GET', path, { cookie })
      const csp = res.headers.get('content-security-policy') ?? ''
      expect(csp, path).toContain("frame-ancestors 'none'")
      expect(csp, path).not.toContain('unsafe-inline')
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff')
      expect(res.headers.get('referrer-policy'), path).toBe('strict-origin-when-cross-origin')
    }
  })

  it('has no other spelling of a rate-limited path that skips its limits', async () => {
    for (const path of [
      '/api/v1/auth/sign-in/',
      '/api/v1/auth/Sign-In',
      '/api/v1/auth/sign-in.json',
      '/api/v1//auth/sign-in',
      '/API/v1/auth/sign-in',
    ]) {
      const res = await send(t, 'POST', path, { body: { email: 'a@example.test', password: 'x' } })
      expect(res.status, path).toBe(404)
    }
  })

  it('reads no token or password from a query string', () => {
    const sources = fs
      .readdirSync(path.resolve(import.meta.dirname, '..'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      // The exceptions: a mailed link must carry its single-use token, and its page only
      // copies it into a form; showing the page uses nothing up (the account links, and an
      // organisation's invitation to a colleague).
      .filter(
        (f) =>
          f !== path.join('accounts', 'accounts.pages.ts') &&
          f !== path.join('directory', 'people.pages.ts'),
      )
      .map((f) => fs.readFileSync(path.resolve(import.meta.dirname, '..', f), 'utf8'))
    for (const source of sources) {
      expect(source).not.toMatch(/query\(\s*['"](token|password|code|secret)['"]/)
    }
  })
})
