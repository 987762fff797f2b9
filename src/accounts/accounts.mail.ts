import type { MailMessage } from '#src/mail/mailer.ts'
import type { Env } from '#src/platform/env.ts'

type Locale = 'ja' | 'en'

/**
 * The account mails, in both languages. They say nothing about health or groups: a mailbox can
 * be read by others (a shared family address, a work account), so an account's existence is all
 * these may reveal, and only to that mailbox.
 */
const catalog = {
  confirm: {
    ja: (link: string) => ({
      subject: 'Tomoni：メールアドレスの確認',
      text: [
        'Tomoni へのご登録ありがとうございます。',
        '',
        '次のリンクを開き、登録のときに決めたパスワードを入力すると、登録が完了します。リンクの有効期限は24時間です。',
        '',
        link,
        '',
        'このメールに心当たりがない場合は、何もせずに削除してください。アカウントは作られません。',
      ],
    }),
    en: (link: string) => ({
      subject: 'Tomoni: please confirm your e-mail address',
      text: [
        'Thank you for signing up to Tomoni.',
        '',
        'Open this link and enter the password you chose to finish. The link works for 24 hours.',
        '',
        link,
        '',
        'If you did not sign up, just delete this mail: no account will be created.',
      ],
    }),
  },
  existing: {
    ja: (signIn: string, reset: string) => ({
      subject: 'Tomoni：登録のお申し込みについて',
      text: [
        'このメールアドレスで Tomoni への新規登録のお申し込みがありましたが、このアドレスのアカウントはすでにあります。',
        '',
        `ログインはこちら：${signIn}`,
        `パスワードを忘れた場合はこちら：${reset}`,
        '',
        'お申し込みに心当たりがない場合は、このメールを削除してください。アカウントは変更されていません。',
      ],
    }),
    en: (signIn: string, reset: string) => ({
      subject: 'Tomoni: about your sign-up',
      text: [
        'Someone, perhaps you, tried to sign up to Tomoni with this address, but it already has an account.',
        '',
        `Sign in: ${signIn}`,
        `Forgot your password? ${reset}`,
        '',
        'If it was not you, just delete this mail: your account has not changed.',
      ],
    }),
  },
  reset: {
    ja: (link: string) => ({
      subject: 'Tomoni：パスワードの再設定',
      text: [
        'パスワードの再設定のお申し込みを受け付けました。次のリンクから新しいパスワードを設定してください。リンクの有効期限は1時間です。',
        '',
        link,
        '',
        'お申し込みに心当たりがない場合は、このメールを削除してください。パスワードは変更されません。',
      ],
    }),
    en: (link: string) => ({
      subject: 'Tomoni: reset your password',
      text: [
        'We received a request to reset your password. Set a new one with this link, which works for one hour.',
        '',
        link,
        '',
        'If you did not ask for this, just delete this mail: your password stays as it is.',
      ],
    }),
  },
  passwordChanged: {
    ja: (reset: string) => ({
      subject: 'Tomoni：パスワードが変更されました',
      text: [
        'あなたの Tomoni アカウントのパスワードが変更され、ほかの端末からはログアウトしました。',
        '',
        `ご自身で変更していない場合は、すぐにパスワードを再設定してください：${reset}`,
      ],
    }),
    en: (reset: string) => ({
      subject: 'Tomoni: your password was changed',
      text: [
        'The password of your Tomoni account was changed, and your other devices were signed out.',
        '',
        `If this was not you, reset your password now: ${reset}`,
      ],
    }),
  },
  changeEmail: {
    ja: (link: string) => ({
      subject: 'Tomoni：新しいメールアドレスの確認',
      text: [
        'Tomoni アカウントのメールアドレスをこのアドレスに変更するお申し込みがありました。次のリンクを開くと変更が完了します。リンクの有効期限は24時間です。',
        '',
        link,
        '',
        'お申し込みに心当たりがない場合は、このメールを削除してください。何も変更されません。',
      ],
    }),
    en: (link: string) => ({
      subject: 'Tomoni: confirm your new e-mail address',
      text: [
        'Someone asked to move a Tomoni account to this address. Open this link to confirm; it works for 24 hours.',
        '',
        link,
        '',
        'If this was not you, just delete this mail: nothing will change.',
      ],
    }),
  },
  emailChanged: {
    ja: (reset: string) => ({
      subject: 'Tomoni：メールアドレスが変更されました',
      text: [
        'あなたの Tomoni アカウントのメールアドレスが別のアドレスに変更されました。今後のお知らせは新しいアドレスに届きます。',
        '',
        `ご自身で変更していない場合は、Tomoni の運営者にご連絡ください。パスワードの再設定はこちら：${reset}`,
      ],
    }),
    en: (reset: string) => ({
      subject: 'Tomoni: your e-mail address was changed',
      text: [
        'The e-mail address of your Tomoni account was changed to another one; mail will go there from now on.',
        '',
        `If this was not you, please contact the people who run Tomoni. To reset your password: ${reset}`,
      ],
    }),
  },
  erased: {
    ja: () => ({
      subject: 'Tomoni：アカウントを削除しました',
      text: [
        'ご依頼により、あなたの Tomoni アカウントと、あなたに関する情報を削除しました。',
        '',
        'ご利用ありがとうございました。',
      ],
    }),
    en: () => ({
      subject: 'Tomoni: your account has been erased',
      text: [
        'As you asked, your Tomoni account and the information about you have been erased.',
        '',
        'Thank you for having been with us.',
      ],
    }),
  },
} as const

/** The address links in mail point at. */
export function publicBaseUrl(env: Env): string {
  if (env.PUBLIC_URL) return env.PUBLIC_URL.replace(/\/+$/, '')
  const host = env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST
  return `http://${host}:${env.PORT}`
}

function message(to: string, parts: { subject: string; text: readonly string[] }): MailMessage {
  return { to, subject: parts.subject, text: parts.text.join('\n') }
}

export const accountMail = {
  confirm: (env: Env, to: string, locale: Locale, token: string) =>
    message(to, catalog.confirm[locale](`${publicBaseUrl(env)}/auth/confirm?token=${token}`)),
  existing: (env: Env, to: string, locale: Locale) =>
    message(
      to,
      catalog.existing[locale](
        `${publicBaseUrl(env)}/auth/sign-in`,
        `${publicBaseUrl(env)}/auth/reset`,
      ),
    ),
  reset: (env: Env, to: string, locale: Locale, token: string) =>
    message(to, catalog.reset[locale](`${publicBaseUrl(env)}/auth/reset?token=${token}`)),
  passwordChanged: (env: Env, to: string, locale: Locale) =>
    message(to, catalog.passwordChanged[locale](`${publicBaseUrl(env)}/auth/reset`)),
  changeEmail: (env: Env, to: string, locale: Locale, token: string) =>
    message(
      to,
      catalog.changeEmail[locale](`${publicBaseUrl(env)}/auth/confirm-email?token=${token}`),
    ),
  emailChanged: (env: Env, to: string, locale: Locale) =>
    message(to, catalog.emailChanged[locale](`${publicBaseUrl(env)}/auth/reset`)),
  erased: (to: string, locale: Locale) => message(to, catalog.erased[locale]()),
}
