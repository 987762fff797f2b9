import { Hono } from 'hono'
import { setCookie } from 'hono/cookie'
import { AppError } from '#src/platform/errors.ts'
import type { AppEnv } from '#src/platform/http.ts'
import { isLocale, localeCookie, type Locale } from '#src/i18n/locale.ts'

const oneYearSeconds = 365 * 24 * 60 * 60
const base = 'http://tomoni.invalid'

// Browsers read a backslash as a slash and drop tabs and newlines, so `/\x` can mean `//x`.
const isUnsafeChar = (ch: string) => {
  const code = ch.charCodeAt(0)
  return ch === '\\' || code < 0x20 || code === 0x7f
}

/**
 * `next` as a path on this site, or `/`. Only a relative path that starts with a single slash is
 * kept: `//evil.example`, `/\evil.example` and absolute URLs would send the person elsewhere.
 */
export function safeNext(next: string | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//')) return '/'
  if ([...next].some(isUnsafeChar)) return '/'
  const url = new URL(next, base)
  if (url.origin !== base) return '/'
  return `${url.pathname}${url.search}${url.hash}`
}

/** The language switch's link: a plain GET, so it works without JavaScript. */
export function switchLanguageHref(lang: Locale, currentPath: string): string {
  return `/locale?${new URLSearchParams({ lang, next: currentPath }).toString()}`
}

/**
 * Remembers the chosen language in a cookie and goes back to the page the person was on. The
 * cookie holds a preference, not a credential, so it is not marked Secure: the switch keeps
 * working where Tomoni is served over plain HTTP on a local network.
 */
export function languageRoutes() {
  return new Hono<AppEnv>().get('/locale', (c) => {
    const lang = c.req.query('lang')
    if (!isLocale(lang)) {
      throw new AppError('invalid_input', 'Unknown language.', { fields: { lang: 'unknown' } })
    }
    setCookie(c, localeCookie, lang, {
      path: '/',
      sameSite: 'Lax',
      httpOnly: true,
      maxAge: oneYearSeconds,
    })
    c.header('Cache-Control', 'no-store')
    return c.redirect(safeNext(c.req.query('next')), 303)
  })
}
