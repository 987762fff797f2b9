import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../tests/app.ts'

describe('errors under /api', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>
  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(() => t.close())

  it('answers an unknown API route with the contract 404 shape', async () => {
    const res = await t.app.request('/api/v1/nothing-here')
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'Not found' } })
  })

  it('names each bad field with 400', async () => {
    const res = await t.app.request('/api/v1/conditions?q=x&limit=0')
    expect(res.status).toBe(400)
    const body = (await res.json()) as { error: { code: string; fields: Record<string, string> } }
    expect(body.error.code).toBe('invalid_input')
    expect(Object.keys(body.error.fields)).toEqual(['limit'])
  })

  it('refuses a body over the limit with 413 in the contract shape', async () => {
    const res = await t.app.request('/api/v1/conditions', {
      method: 'POST',
      body: 'x'.repeat(2 * 1024 * 1024),
      headers: { 'content-type': 'application/json' },
    })
    expect(res.status).toBe(413)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('payload_too_large')
  })

  it('answers 500 without a stack trace when the database fails', async () => {
    const broken = await createTestApp()
    await broken.close()
    const res = await broken.app.request('/api/v1/conditions?q=als')
    expect(res.status).toBe(500)
    const text = await res.text()
    expect(text).not.toMatch(/at .*\.ts:\d+|Error:/)
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'internal' } })
  })
})
