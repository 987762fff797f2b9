import { publicBaseUrl } from '#src/accounts/accounts.mail.ts'
import type { MailMessage } from '#src/mail/mailer.ts'
import type { Env } from '#src/platform/env.ts'
import type { LocalizedText } from './directory.tables.ts'

type Locale = 'ja' | 'en'

/**
 * The invitation to help run an organisation's listings, in the language the admin chose. It names
 * the organisation, since the person must know what they are asked to join, and nothing else.
 */
const invitation = {
  ja: (organisation: string, link: string) => ({
    subject: `Tomoni：「${organisation}」の掲載の管理へのご招待`,
    text: [
      `「${organisation}」の管理者から、Tomoni でこの団体の掲載を一緒に管理するよう招待が届いています。`,
      '',
      'このメールアドレスで Tomoni にログインしてから、次のリンクを開いて招待を受けてください。リンクの有効期限は14日間です。アカウントがない場合は、このアドレスで登録してください。',
      '',
      link,
      '',
      '心当たりがない場合は、何もせずにこのメールを削除してください。',
    ],
  }),
  en: (organisation: string, link: string) => ({
    subject: `Tomoni: you are invited to help run ${organisation}’s listings`,
    text: [
      `An admin of ${organisation} has invited you to help keep its listings on Tomoni up to date.`,
      '',
      'Sign in to Tomoni with this e-mail address, then open this link to accept. It works for 14 days. If you have no account yet, sign up with this address first.',
      '',
      link,
      '',
      'If this means nothing to you, just delete this mail.',
    ],
  }),
}

const nameIn = (name: LocalizedText, locale: Locale) => name[locale] ?? name[name.original] ?? ''

export const staffMail = {
  invitation: (
    env: Env,
    to: string,
    locale: Locale,
    organisation: LocalizedText,
    token: string,
  ): MailMessage => {
    const parts = invitation[locale](
      nameIn(organisation, locale),
      `${publicBaseUrl(env)}/manage/invitation?token=${token}`,
    )
    return { to, subject: parts.subject, text: parts.text.join('\n') }
  },
}
