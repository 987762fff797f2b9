/**
 * Pieces the group and organisation pages share: text in the reader's language or, failing that,
 * in its own with a note saying so; names of languages, places and registers; dates.
 */
import { html } from 'hono/html'
import type { LocalizedText } from '#src/directory/directory.tables.ts'
import type { MessageKey, Translate } from '#src/i18n/i18n.ts'
import type { Locale } from '#src/i18n/locale.ts'
import type { Html } from './layout.ts'
import type { PlaceName } from './group-page-data.ts'

export interface Localized {
  text: string
  /** The language the text is in. */
  lang: string
  /** True when the reader's language had no version and the original is shown. */
  fallback: boolean
}

export function pick(text: LocalizedText | null, locale: Locale): Localized | null {
  if (!text) return null
  const own = text[locale]
  if (own) return { text: own, lang: locale, fallback: false }
  const original = text[text.original]
  if (!original) return null
  return { text: original, lang: text.original, fallback: text.original !== locale }
}

const displayNames = new Map<Locale, Intl.DisplayNames>()

/** A language's name in the reader's language: 英語, Japanese. */
export function languageName(code: string, locale: Locale): string {
  let names = displayNames.get(locale)
  if (!names) {
    names = new Intl.DisplayNames(locale, { type: 'language', fallback: 'code' })
    displayNames.set(locale, names)
  }
  try {
    return names.of(code) ?? code
  } catch {
    return code
  }
}

/** The language of a text as shown, for its element's `lang`: the page's, or its original's. */
export const langOf = (value: Localized | null | undefined, locale: Locale) => value?.lang ?? locale

/** Text inline, marked with its language when it is not the page's. */
export function inline(value: Localized | null): Html | string {
  if (!value) return ''
  return value.lang === undefined || !value.fallback
    ? value.text
    : html`<span lang="${value.lang}">${value.text}</span>`
}

/** Free text a group wrote without a language mark: assumed to be in its name's language. */
export function inLanguage(text: string, lang: string, locale: Locale): Html | string {
  return lang === locale ? text : html`<span lang="${lang}">${text}</span>`
}

/** "Shown in the original Japanese." */
export function originalNote(value: Localized | null, t: Translate, locale: Locale) {
  if (!value?.fallback) return ''
  return html`<p class="original-note">
    ${t('group.original', { language: languageName(value.lang, locale) })}
  </p>`
}

/** A long text as paragraphs, in its language, with the note when it is the original. */
export function textBlock(
  text: LocalizedText | null,
  locale: Locale,
  t: Translate,
  className = 'text-block',
) {
  const value = pick(text, locale)
  if (!value) return ''
  const paragraphs = value.text
    .split(/\n\s*\n|\r\n\s*\r\n/)
    .map((p) => p.trim())
    .filter(Boolean)
  return html`<div class="${className}" lang="${value.lang}">
      ${paragraphs.map((p) => html`<p>${p}</p>`)}
    </div>
    ${originalNote(value, t, locale)}`
}

export function placeLabel(
  code: string | null,
  names: Map<string, PlaceName>,
  locale: Locale,
  t: Translate,
): string | null {
  if (!code) return null
  if (code === 'worldwide') return t('group.place.worldwide')
  const name = names.get(code)
  const own = name?.[locale] ?? name?.en ?? name?.ja
  if (own) return own
  if (/^[A-Z]{2}$/.test(code)) {
    try {
      return new Intl.DisplayNames(locale, { type: 'region' }).of(code) ?? code
    } catch {
      return code
    }
  }
  return code
}

/** An instant as a date in words, in Japan's calendar day for Japanese readers. */
export function formatInstant(iso: string | Date, locale: Locale): string {
  const date = typeof iso === 'string' ? new Date(iso) : iso
  return new Intl.DateTimeFormat(locale === 'ja' ? 'ja-JP' : 'en-GB', {
    dateStyle: 'long',
    timeZone: locale === 'ja' ? 'Asia/Tokyo' : 'UTC',
  }).format(date)
}

/** Money as people write it: 3,000円 for yen in Japanese, otherwise the currency's own sign. */
export function formatMoney(amount: number, currency: string, locale: Locale): string {
  if (locale === 'ja' && currency === 'JPY') return `${amount.toLocaleString('ja-JP')}円`
  try {
    return new Intl.NumberFormat(locale === 'ja' ? 'ja-JP' : 'en-GB', {
      style: 'currency',
      currency,
      currencyDisplay: 'narrowSymbol',
      maximumFractionDigits: Number.isInteger(amount) ? 0 : 2,
    }).format(amount)
  } catch {
    return `${amount} ${currency}`
  }
}

const registers = ['GB-CHC', 'GB-SC', 'GB-NIC', 'US-EIN'] as const

/** The register an imported organisation came from, by its identifier's scheme. */
export function registerName(identifiers: { scheme: string | null }[], t: Translate): string {
  const scheme = identifiers.map((i) => i.scheme).find((s) => s && registers.includes(s as never))
  return scheme ? t(`group.register.${scheme}` as MessageKey) : t('group.register.other')
}

export const label = (t: Translate, prefix: string, value: string) =>
  t(`${prefix}.${value}` as MessageKey)
