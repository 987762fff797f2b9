import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../tests/app.ts'
import { parseEnv } from './env.ts'

describe('same-origin writes', () => {
  let plain: Awaited<ReturnType<typeof createTestApp>>
  let configured: Awaited<ReturnType<typeof createTestApp>>
  beforeAll(async () => {
    plain = await createTestApp()
    configured = await createTestApp({
      env: parseEnv({ NODE_ENV: 'test', PUBLIC_URL: 'https://tomoni.example' }),
    })
  })
  afterAll(async () => {
    await plain.close()
    await configured.close()
  })

  const signOut = (t: typeof plain, headers: Record<string, string>) =>
    t.app.request('/api/v1/auth/sign-out', { method: 'POST', headers })

  it('accepts our own host behind a TLS proxy when PUBLIC_URL is not set', async () => {
    expect((await signOut(plain, { origin: 'https://localhost' })).status).toBe(204)
    expect((await signOut(plain, { origin: 'http://localhost' })).status).toBe(204)
    expect((await signOut(plain, { origin: 'https://localhost.evil.test' })).status).toBe(403)
    expect((await signOut(plain, { origin: 'null' })).status).toBe(403)
  })

  it('accepts only PUBLIC_URL’s origin when it is set', async () => {
    expect((await signOut(configured, { origin: 'https://tomoni.example' })).status).toBe(204)
    expect((await signOut(configured, { origin: 'http://tomoni.example' })).status).toBe(403)
    expect((await signOut(configured, { origin: 'http://localhost' })).status).toBe(403)
  })

  it('trusts Sec-Fetch-Site over a missing Origin, and lets programs without either through', async () => {
    expect((await signOut(plain, { 'sec-fetch-site': 'same-site' })).status).toBe(403)
    expect((await signOut(plain, { 'sec-fetch-site': 'same-origin' })).status).toBe(204)
    expect((await signOut(plain, {})).status).toBe(204)
    // Reads are never refused.
    expect(
      (await plain.app.request('/healthz', { headers: { origin: 'https://evil.test' } })).status,
    ).toBe(200)
  })
})
