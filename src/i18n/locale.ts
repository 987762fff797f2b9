import { getCookie } from 'hono/cookie'
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '#src/platform/http.ts'

export const locales = ['ja', 'en'] as const
export type Locale = (typeof locales)[number]

export const localeCookie = 'tomoni_locale'

export const isLocale = (value: unknown): value is Locale =>
  typeof value === 'string' && (locales as readonly string[]).includes(value)

/**
 * The person's own choice (the language switch sets a cookie) wins; then the browser's
 * Accept-Language. With no header at all we answer in Japanese, Tomoni's first language; a
 * browser asking only for other languages gets English, the more widely read of the two.
 */
export function negotiateLocale(
  choice: string | undefined,
  acceptLanguage: string | undefined,
): Locale {
  if (isLocale(choice)) return choice
  if (!acceptLanguage) return 'ja'
  const ranked = acceptLanguage
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';')
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
      const quality = q ? Number(q.slice(2)) : 1
      return {
        lang: tag.trim().toLowerCase().split('-')[0] ?? '',
        quality: Number.isFinite(quality) ? quality : 0,
        index,
      }
    })
    .filter((entry) => entry.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index)
  for (const entry of ranked) if (isLocale(entry.lang)) return entry.lang
  return 'en'
}

export const localeMiddleware: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set('locale', negotiateLocale(getCookie(c, localeCookie), c.req.header('accept-language')))
  await next()
}
