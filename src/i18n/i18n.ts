import { IntlMessageFormat } from 'intl-messageformat'
import en from './messages/en.json' with { type: 'json' }
import ja from './messages/ja.json' with { type: 'json' }
import type { Locale } from './locale.ts'

export type MessageKey = keyof typeof en
export type MessageValues = Record<string, string | number | Date>

export const catalogs: Record<Locale, Record<MessageKey, string>> = { en, ja }

const compiled = new Map<string, IntlMessageFormat>()

/** Formats one message from the locale's catalog (ICU MessageFormat). */
export function translate(locale: Locale, key: MessageKey, values?: MessageValues): string {
  const cacheKey = `${locale}\u0000${key}`
  let format = compiled.get(cacheKey)
  if (!format) {
    format = new IntlMessageFormat(catalogs[locale][key], locale)
    compiled.set(cacheKey, format)
  }
  return String(format.format(values))
}

export type Translate = (key: MessageKey, values?: MessageValues) => string

export const translator =
  (locale: Locale): Translate =>
  (key, values) =>
    translate(locale, key, values)
