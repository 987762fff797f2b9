import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../tests/app.ts'

describe('health routes', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>
  let ready = true
  beforeAll(async () => {
    t = await createTestApp({ isReady: () => ready })
  })
  afterAll(() => t.close())

  it('answers /healthz while the process runs', async () => {
    const res = await t.app.request('/healthz')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok' })
  })

  it('answers /readyz with 200 when the database is migrated', async () => {
    const res = await t.app.request('/readyz')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ready' })
  })

  it('answers /readyz with 503 while start-up work is still running', async () => {
    ready = false
    const res = await t.app.request('/readyz')
    ready = true
    expect(res.status).toBe(503)
  })

  it('serves an OpenAPI 3.1 document describing the API routes', async () => {
    const res = await t.app.request('/api/openapi.json')
    expect(res.status).toBe(200)
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> }
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.paths)).toContain('/api/v1/conditions')
  })
})
