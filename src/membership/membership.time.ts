import type { Locale } from '#src/i18n/locale.ts'

/** A date and time for mail and pages about membership, in Japan's time for Japanese readers. */
export function formatInstantFor(at: Date, locale: Locale): string {
  return new Intl.DateTimeFormat(locale === 'ja' ? 'ja-JP' : 'en-GB', {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: locale === 'ja' ? 'Asia/Tokyo' : 'UTC',
    timeZoneName: 'short',
  }).format(at)
}
