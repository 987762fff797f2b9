/**
 * A notice's mail, in its recipient's language, to their address as it is when the notice goes:
 * never to an erased account. Texts come from the catalogs (`mail.<kind>.subject`, `.body`) and
 * say only what the recipient must know, with a link to the page that tells the rest after they
 * sign in: a mailbox is read by more people, and on more screens, than its owner's account.
 */
import { translate, type MessageKey, type MessageValues } from '#src/i18n/i18n.ts'
import type { Locale } from '#src/i18n/locale.ts'
import type { MailMessage } from '#src/mail/mailer.ts'
import type { Db } from '#src/platform/db.ts'

export async function recipientOf(db: Db, userId: string | null) {
  if (!userId) return null
  const user = await db
    .selectFrom('app_user')
    .select(['email', 'locale'])
    .where('id', '=', userId)
    .where('erased_at', 'is', null)
    .where('email_confirmed_at', 'is not', null)
    .executeTakeFirst()
  return user?.email ? { email: user.email, locale: user.locale } : null
}

export function mailIn(
  locale: Locale,
  to: string,
  kind: string,
  values: MessageValues,
): MailMessage {
  const key = (part: 'subject' | 'body') => `mail.${kind}.${part}` as MessageKey
  return {
    to,
    subject: translate(locale, key('subject'), values),
    text: `${translate(locale, key('body'), values)}\n\n${translate(locale, 'mail.footer')}\n`,
  }
}

/** The mail to a user, or null when they have no address to send to any more. */
export async function mailToUser(
  db: Db,
  userId: string | null,
  kind: string,
  values: (locale: Locale) => MessageValues,
): Promise<MailMessage | null> {
  const who = await recipientOf(db, userId)
  return who ? mailIn(who.locale, who.email, kind, values(who.locale)) : null
}
