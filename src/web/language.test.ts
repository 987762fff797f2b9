import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../tests/app.ts'
import { safeNext } from './language.ts'

describe('safeNext', () => {
  it('keeps a path on this site, with its query and fragment', () => {
    expect(safeNext('/about/data')).toBe('/about/data')
    expect(safeNext('/search?q=%E5%B0%8F%E5%85%90%E3%81%8C%E3%82%93#results')).toBe(
      '/search?q=%E5%B0%8F%E5%85%90%E3%81%8C%E3%82%93#results',
    )
  })

  it.each([
    ['nothing', undefined],
    ['an empty value', ''],
    ['a protocol-relative URL', '//evil.example/'],
    ['a backslash that browsers read as a slash', '/\\evil.example'],
    ['a tab that browsers drop', '/\t/evil.example'],
    ['a newline that browsers drop', '/\n/evil.example'],
    ['an absolute URL', 'https://evil.example/'],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a relative path', 'about/data'],
  ])('falls back to / for %s', (_, next) => {
    expect(safeNext(next)).toBe('/')
  })

  it('keeps encoded slashes as a path, never as a host', () => {
    expect(safeNext('/%2F%2Fevil.example')).toBe('/%2F%2Fevil.example')
  })
})

describe('GET /locale', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>
  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(() => t.close())

  it('remembers the language in a cookie and goes back to the page', async () => {
    const res = await t.app.request('/locale?lang=en&next=%2Fabout%2Fdata')
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/about/data')
    expect(res.headers.get('cache-control')).toBe('no-store')
    const cookie = res.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/^tomoni_locale=en;/)
    expect(cookie).toContain('Path=/')
    expect(cookie).toContain('Max-Age=31536000')
    expect(cookie).toContain('HttpOnly')
    expect(cookie).toContain('SameSite=Lax')
  })

  it('serves the next page in the chosen language', async () => {
    const res = await t.app.request('/locale?lang=ja&next=/')
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
    const page = await t.app.request('/', {
      headers: { cookie, 'accept-language': 'en-US,en;q=0.9' },
    })
    expect(await page.text()).toContain('<html lang="ja">')
  })

  it.each(['//evil.example', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)'])(
    'does not redirect off the site (next=%s)',
    async (next) => {
      const res = await t.app.request(`/locale?lang=en&next=${encodeURIComponent(next)}`)
      expect(res.status).toBe(303)
      expect(res.headers.get('location')).toBe('/')
    },
  )

  it('goes home when there is no next page', async () => {
    const res = await t.app.request('/locale?lang=en')
    expect(res.headers.get('location')).toBe('/')
  })

  it('refuses a language Tomoni does not speak, and sets no cookie', async () => {
    const res = await t.app.request('/locale?lang=fr&next=/', {
      headers: { 'accept-language': 'en' },
    })
    expect(res.status).toBe(400)
    expect(res.headers.get('set-cookie')).toBeNull()
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
  })
})
