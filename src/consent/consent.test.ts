import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../tests/app.ts'
import { createAccount, send } from '../../tests/accounts.ts'
import { hasConsent } from './consent.service.ts'
import { consentTexts } from './consent.texts.ts'

describe('consent', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>
  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(() => t.close())

  it('serves the texts in both languages to anyone', async () => {
    const res = await send(t, 'GET', '/api/v1/consent-texts')
    expect(res.status).toBe(200)
    const texts = (await res.json()) as typeof consentTexts
    for (const purpose of Object.values(texts)) {
      expect(purpose.version).toMatch(/^\d{4}-\d{2}-\d{2}$/)
      expect(purpose.ja.text.length).toBeGreaterThan(10)
      expect(purpose.en.text.length).toBeGreaterThan(10)
    }
  })

  it('records consent to a text version, and its withdrawal, with the time of each', async () => {
    const who = await createAccount(t)
    const version = consentTexts.health_data.version
    const give = await send(t, 'POST', '/api/v1/me/consents', {
      cookie: who.cookie,
      body: { purpose: 'health_data', text_version: version, locale: 'ja' },
    })
    expect(give.status).toBe(200)
    expect(await hasConsent(t.deps.db, who.id, 'health_data')).toBe(true)
    // Giving it again changes nothing.
    await send(t, 'POST', '/api/v1/me/consents', {
      cookie: who.cookie,
      body: { purpose: 'health_data', text_version: version, locale: 'ja' },
    })
    t.clock.advance(60_000)
    const withdraw = await send(t, 'DELETE', '/api/v1/me/consents/health_data', {
      cookie: who.cookie,
    })
    expect(withdraw.status).toBe(200)
    expect(await withdraw.json()).toEqual({
      items: [
        {
          purpose: 'health_data',
          text_version: version,
          locale: 'ja',
          given_at: '2026-11-22T00:00:00.000Z',
          withdrawn_at: '2026-11-22T00:01:00.000Z',
        },
      ],
    })
    expect(await hasConsent(t.deps.db, who.id, 'health_data')).toBe(false)
    const again = await send(t, 'DELETE', '/api/v1/me/consents/health_data', { cookie: who.cookie })
    expect(again.status).toBe(404)
    const actions = await t.deps.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('action', 'in', ['consent_given', 'consent_withdrawn'])
      .orderBy('id')
      .execute()
    expect(actions.map((a) => a.action)).toEqual(['consent_given', 'consent_withdrawn'])
  })

  it('refuses consent to a text version that is not the current one', async () => {
    const who = await createAccount(t)
    const res = await send(t, 'POST', '/api/v1/me/consents', {
      cookie: who.cookie,
      body: { purpose: 'health_data', text_version: '2020-01-01', locale: 'en' },
    })
    expect(res.status).toBe(409)
    expect(await hasConsent(t.deps.db, who.id, 'health_data')).toBe(false)
  })
})
