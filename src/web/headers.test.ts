import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../tests/app.ts'
import { addSecondFactor, createAccount, send } from '../../tests/accounts.ts'
import { system } from '#src/access/actor.ts'
import { requireOrganisationManager } from '#src/access/policies.ts'
import { policy } from '#src/access/route-policy.ts'
import { grantRole } from '#src/access/roles.service.ts'
import { buildApp } from '#src/app.ts'
import { requireConsent } from '#src/consent/consent.service.ts'
import { saveGroup, saveOrganisation } from '#src/directory/groups.service.ts'
import { parseEnv } from '#src/platform/env.ts'
import type { AppEnv } from '#src/platform/http.ts'
import { fixtureGroup, fixtureOrganisation } from './group-page.fixtures.ts'

type TestApp = Awaited<ReturnType<typeof createTestApp>>

/** The security headers every answer carries, page or API, success or error. */
function expectSecurityHeaders(res: Response, where: string) {
  const csp = res.headers.get('content-security-policy') ?? ''
  expect(csp, where).toContain("default-src 'self'")
  expect(csp, where).toContain("script-src 'self'")
  expect(csp, where).toContain("frame-ancestors 'none'")
  expect(csp, where).toContain("object-src 'none'")
  expect(csp, where).not.toContain('unsafe-inline')
  expect(csp, where).not.toContain('unsafe-eval')
  expect(res.headers.get('x-content-type-options'), where).toBe('nosniff')
  expect(res.headers.get('x-frame-options'), where).toBe('DENY')
  expect(res.headers.get('referrer-policy'), where).toBe('strict-origin-when-cross-origin')
}

/** No inline code, style or handler the CSP would block, and scripts only from /assets/. */
async function expectNothingInline(res: Response, where: string) {
  if (!(res.headers.get('content-type') ?? '').includes('text/html')) return
  const body = await res.clone().text()
  for (const tag of body.match(/<script[^>]*>[\s\S]*?<\/script>/gi) ?? []) {
    // JSON-LD is data for search engines, which browsers do not run.
    if (tag.startsWith('<script type="application/ld+json">')) continue
    expect(tag, where).toMatch(/^<script type="module" src="\/assets\/[^"]+"><\/script>$/)
  }
  expect(body, where).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i)
}

describe('security headers on every page, signed in or not, and on error pages', () => {
  let t: TestApp
  let admin: string
  beforeAll(async () => {
    t = await createTestApp()
    await saveOrganisation(t.deps, system, fixtureOrganisation, { source: 'tomoni' })
    await saveGroup(t.deps, system, fixtureGroup(), { source: 'tomoni' })
    const who = await createAccount(t)
    await grantRole(t.deps, system, {
      userId: who.id,
      scopeType: 'organisation',
      scopeId: 'org-chiba-parents',
      role: 'admin',
    })
    admin = (await addSecondFactor(t, who)).cookie
  })
  afterAll(() => t.close())

  /** Every GET page route of the app, with its parameters filled from the fixtures. */
  function pageRoutes(app: Hono<AppEnv>) {
    const paths = new Set<string>()
    for (const route of app.routes) {
      if (route.method !== 'GET' || route.path.startsWith('/api')) continue
      paths.add(
        route.path
          .replace(/^(\/manage)?\/groups\/:id/, '$1/groups/grp-chiba-parents')
          .replace(/^(\/manage)?\/organisations\/:id/, '$1/organisations/org-chiba-parents')
          .replace(/:page\{[^}]*\}/, '1')
          .replace(/\*$/, 'site.css')
          // Meetings, members, questions, tokens: an unknown id answers 404, which must carry the
          // same headers as any page.
          .replace(/:[a-z]+/g, '00000000-0000-4000-8000-000000000000'),
      )
    }
    return [...paths].sort()
  }

  it('crawls every page route, anonymously and signed in, and finds them all protected', async () => {
    const paths = pageRoutes(t.app)
    expect(paths).toEqual(
      expect.arrayContaining([
        '/',
        '/account',
        '/account/security',
        '/organisations/org-chiba-parents/audit',
      ]),
    )
    expect(paths.some((p) => p.includes(':'))).toBe(false)
    for (const path of paths) {
      for (const cookie of [undefined, admin]) {
        const where = `${path} ${cookie ? 'signed in' : 'anonymous'}`
        const res = await send(t, 'GET', path, { cookie, headers: { 'accept-language': 'en' } })
        expect(res.status, where).toBeLessThan(500)
        expectSecurityHeaders(res, where)
        await expectNothingInline(res, where)
        // Whatever a signed-in person is shown is theirs: no cache may keep it.
        if (cookie) expect(res.headers.get('cache-control'), where).toBe('no-store')
        await res.body?.cancel()
      }
    }
  })

  it('protects and never caches the error pages: 404, 500, second factor and consent', async () => {
    const app = buildApp(t.deps) as unknown as Hono<AppEnv>
    app.get('/test-boom', policy('public'), () => {
      throw new Error('secret detail')
    })
    app.get('/test-staff', policy('signed-in'), (c) => {
      requireOrganisationManager(c.get('actor'), 'org-chiba-parents')
      return c.text('staff')
    })
    app.get('/test-consent', policy('signed-in'), async (c) => {
      await requireConsent(c.get('deps'), c.get('actor'), 'health_data')
      return c.text('kept')
    })
    const member = await createAccount(t)
    const unsecured = await createAccount(t)
    await grantRole(t.deps, system, {
      userId: unsecured.id,
      scopeType: 'organisation',
      scopeId: 'org-chiba-parents',
      role: 'staff',
    })
    for (const [path, cookie, status] of [
      ['/no-such-page', undefined, 404],
      ['/no-such-page', member.cookie, 404],
      ['/groups/no-such-group', undefined, 404],
      ['/test-boom', undefined, 500],
      ['/test-staff', unsecured.cookie, 403],
      ['/test-staff', member.cookie, 404],
      ['/test-consent', member.cookie, 409],
    ] as const) {
      const res = await app.request(path, {
        headers: { 'accept-language': 'en', ...(cookie ? { cookie } : {}) },
      })
      const where = `${path} ${status}`
      expect(res.status, where).toBe(status)
      expectSecurityHeaders(res, where)
      await expectNothingInline(res, where)
      expect(res.headers.get('cache-control'), where).toBe('no-store')
      expect(await res.text(), where).not.toContain('secret detail')
    }
  })

  it('sends HSTS in production only', async () => {
    const test = await send(t, 'GET', '/')
    expect(test.headers.get('strict-transport-security')).toBeNull()
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomoni-prod-'))
    const production = await createTestApp({
      env: parseEnv({
        NODE_ENV: 'production',
        DATA_DIR: dataDir,
        PUBLIC_URL: 'https://tomoni.example',
        AUDIT_KEY: 'a production key for the header test, 32+ chars',
      }),
    })
    try {
      for (const path of ['/', '/api/v1/conditions?q=als', '/no-such-page']) {
        const res = await production.app.request(path)
        expect(res.headers.get('strict-transport-security'), path).toBe(
          'max-age=63072000; includeSubDomains',
        )
        expectSecurityHeaders(res, path)
      }
    } finally {
      await production.close()
      fs.rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
