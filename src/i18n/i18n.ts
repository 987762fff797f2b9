import { IntlMessageFormat } from 'intl-messageformat'
import en from './messages/en.json' with { type: 'json' }
import ja from './messages/ja.json' with { type: 'json' }
import manageEn from './messages/manage.en.json' with { type: 'json' }
import manageJa from './messages/manage.ja.json' with { type: 'json' }
import meetingsEn from './messages/meetings.en.json' with { type: 'json' }
import meetingsJa from './messages/meetings.ja.json' with { type: 'json' }
import membershipEn from './messages/membership.en.json' with { type: 'json' }
import membershipJa from './messages/membership.ja.json' with { type: 'json' }
import securityEn from './messages/security.en.json' with { type: 'json' }
import securityJa from './messages/security.ja.json' with { type: 'json' }
import staffEn from './messages/staff.en.json' with { type: 'json' }
import staffJa from './messages/staff.ja.json' with { type: 'json' }
import type { Locale } from './locale.ts'

/**
 * One catalog per language, kept in several files by feature so that work on different features
 * does not edit the same file. A key must be defined in one file only (a test checks).
 */
export const catalogParts = {
  en: [en, manageEn, meetingsEn, membershipEn, securityEn, staffEn],
  ja: [ja, manageJa, meetingsJa, membershipJa, securityJa, staffJa],
} as const

const english = {
  ...en,
  ...manageEn,
  ...meetingsEn,
  ...membershipEn,
  ...securityEn,
  ...staffEn,
}

export type MessageKey = keyof typeof english
export type MessageValues = Record<string, string | number | Date>

export const catalogs: Record<Locale, Record<MessageKey, string>> = {
  en: english,
  ja: { ...ja, ...manageJa, ...meetingsJa, ...membershipJa, ...securityJa, ...staffJa },
}

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
