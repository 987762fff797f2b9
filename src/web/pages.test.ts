import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../tests/app.ts'
import { policy } from '#src/access/route-policy.ts'
import { translate } from '#src/i18n/i18n.ts'
import { assetUrl } from './assets.ts'

describe('web pages', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>
  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(() => t.close())

  const get = (path: string, headers: Record<string, string> = {}) =>
    t.app.request(path, { headers })

  describe('home page', () => {
    it('answers in Japanese when the browser asks for Japanese', async () => {
      const res = await get('/', { 'accept-language': 'ja,en;q=0.5' })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toMatch(/^text\/html; charset=UTF-8/i)
      const body = await res.text()
      expect(body).toContain('<html lang="ja">')
      expect(body).toContain(translate('ja', 'home.heading'))
      expect(body).toContain(translate('ja', 'home.check.heading'))
    })

    it('answers in English when the browser asks for English', async () => {
      const body = await (await get('/', { 'accept-language': 'en-GB,en;q=0.8' })).text()
      expect(body).toContain('<html lang="en">')
      expect(body).toContain(translate('en', 'home.heading'))
    })

    it('answers in Japanese when the browser names no language', async () => {
      expect(await (await get('/')).text()).toContain('<html lang="ja">')
    })

    it('follows the language cookie over Accept-Language', async () => {
      const res = await get('/', { 'accept-language': 'ja', cookie: 'tomoni_locale=en' })
      const body = await res.text()
      expect(body).toContain('<html lang="en">')
      expect(body).toContain(translate('en', 'home.heading'))
    })

    it('ignores a language cookie it does not know', async () => {
      const res = await get('/', { 'accept-language': 'en', cookie: 'tomoni_locale=fr' })
      expect(await res.text()).toContain('<html lang="en">')
    })

    it('tells caches that the page depends on language and cookie', async () => {
      const vary = (await get('/')).headers.get('vary') ?? ''
      expect(vary).toContain('Accept-Language')
      expect(vary).toContain('Cookie')
    })

    it('has a labelled search form that sends q to /search', async () => {
      const body = await (await get('/', { 'accept-language': 'ja' })).text()
      expect(body).toMatch(/<form[^>]*action="\/search"[^>]*method="get"/)
      expect(body).toContain('<label class="search-label" for="q">')
      expect(body).toMatch(/<input[^>]*id="q"[^>]*name="q"/)
    })

    it('has a skip link, a main landmark and a language switch back to this page', async () => {
      const body = await (await get('/about/data', { 'accept-language': 'ja' })).text()
      expect(body).toContain('<a class="skip-link" href="#main">')
      expect(body).toContain('<main id="main"')
      expect(body).toContain('href="/locale?lang=en&amp;next=%2Fabout%2Fdata"')
      expect(body).toContain('<span aria-current="true">日本語</span>')
      expect(body).toContain('href="/about/data"')
    })

    it('carries the security headers and nothing inline that the CSP would block', async () => {
      const res = await get('/')
      const csp = res.headers.get('content-security-policy') ?? ''
      expect(csp).toContain("default-src 'self'")
      expect(csp).toContain("script-src 'self'")
      expect(csp).toContain("style-src 'self'")
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('x-frame-options')).toBe('DENY')
      expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin')
      const body = await res.text()
      // Scripts only from files ('self'); no inline code, styles or handlers.
      const scripts = body.match(/<script[^>]*>[\s\S]*?<\/script>/gi) ?? []
      for (const tag of scripts)
        expect(tag).toMatch(/^<script type="module" src="\/assets\/[^"]+"><\/script>$/)
      expect(body).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i)
    })
  })

  describe('credits page', () => {
    it('names every data source with a link to its licence', async () => {
      const body = await (await get('/about/data', { 'accept-language': 'en' })).text()
      for (const text of [
        'NANDO',
        '© DBCLS',
        'Orphanet',
        '© INSERM',
        'Human Disease Ontology',
        'Mondo',
        'localgovjp',
        'world-countries',
        'i18n-iso-countries',
        'UK-CAT',
        'Open Government Licence v3.0',
        'reformatted',
        'derived',
      ]) {
        expect(body).toContain(text)
      }
      for (const licence of [
        'https://creativecommons.org/licenses/by/4.0/',
        'https://creativecommons.org/publicdomain/zero/1.0/',
        'https://opendatacommons.org/licenses/odbl/1-0/',
        'https://opensource.org/license/mit',
        'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/',
      ]) {
        expect(body).toContain(`href="${licence}" rel="license"`)
      }
    })

    it('links the Japanese Creative Commons deeds in Japanese', async () => {
      const body = await (await get('/about/data', { 'accept-language': 'ja' })).text()
      expect(body).toContain(translate('ja', 'credits.title'))
      expect(body).toContain('href="https://creativecommons.org/licenses/by/4.0/deed.ja"')
    })
  })

  describe('error pages', () => {
    it.each([
      ['ja', 'ページが見つかりません'],
      ['en', 'Page not found'],
    ] as const)('answers an unknown page with 404 in %s', async (locale, title) => {
      const res = await get('/no-such-page', { 'accept-language': locale })
      expect(res.status).toBe(404)
      expect(res.headers.get('cache-control')).toBe('no-store')
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'")
      const body = await res.text()
      expect(body).toContain(`<html lang="${locale}">`)
      expect(body).toContain(`<h1>${title}</h1>`)
      expect(body).toContain(`href="/">${translate(locale, 'error.home')}</a>`)
    })

    it('escapes what the address carries', async () => {
      const res = await get('/missing?x="><script>alert(1)</script>')
      const body = await res.text()
      expect(body).not.toContain('<script>')
    })

    it('answers a failure with a 500 page without details', async () => {
      const broken = await createTestApp()
      broken.app.get('/boom', policy('public'), () => {
        throw new Error('secret detail')
      })
      const res = await broken.app.request('/boom', { headers: { 'accept-language': 'en' } })
      await broken.close()
      expect(res.status).toBe(500)
      const body = await res.text()
      expect(body).toContain(`<h1>${translate('en', 'error.generic.title')}</h1>`)
      expect(body).not.toContain('secret detail')
    })
  })

  describe('assets', () => {
    it('serves the stylesheet the pages link to, cacheable for a year', async () => {
      const url = assetUrl('site.css')
      expect(url).toMatch(/^\/assets\/site\.css\?v=[0-9a-f]{12}$/)
      expect(await (await get('/')).text()).toContain(`href="${url}"`)
      const res = await get(url)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toMatch(/^text\/css/)
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    })

    it('asks for revalidation when the URL does not carry the current version', async () => {
      const res = await get('/assets/site.css?v=old')
      expect(res.status).toBe(200)
      expect(res.headers.get('cache-control')).toBe('no-cache')
    })

    it('serves nothing outside public/', async () => {
      for (const path of ['/assets/../package.json', '/assets/%2e%2e/package.json', '/assets/x']) {
        expect((await get(path)).status, path).toBe(404)
      }
    })
  })
})
