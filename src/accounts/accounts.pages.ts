import { Hono } from 'hono'
import { html } from 'hono/html'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { policy } from '#src/access/route-policy.ts'
import { clientIp } from '#src/platform/client-ip.ts'
import { AppError } from '#src/platform/errors.ts'
import { checkFormToken, formToken } from '#src/platform/form-token.ts'
import type { AppContext, AppEnv } from '#src/platform/http.ts'
import { renderPage, type Html } from '#src/web/layout.ts'
import { confirmEmailChange } from './change-email.ts'
import { requestPasswordReset, resetPassword } from './password-reset.ts'
import { confirmSignUp } from './sign-up.ts'
import { startSession } from './user-session.ts'

/**
 * The pages the account mails link to, working without JavaScript: each shows a form that posts
 * back to the same address, where the same services as the API do the work. Sign-up and sign-in
 * are in auth.pages.ts, the signed-in person's own pages in settings.pages.ts.
 */
const text = {
  ja: {
    confirmTitle: 'アカウント登録の完了',
    confirmLead: '登録のときに決めたパスワードを入力して、登録を完了してください。',
    confirmButton: '登録を完了する',
    confirmDone: '登録が完了しました',
    confirmDoneText: 'ようこそ。Tomoni にログインしました。',
    confirmWrong: 'このリンクが使えないか、パスワードが違います。',
    password: 'パスワード',
    newPassword: '新しいパスワード',
    passwordHint:
      '8文字以上。よく使われるパスワードや、名前・メールアドレスと同じものは使えません。',
    passwordRefused:
      'このパスワードは使えません。8文字以上で、よく使われるものや名前・メールアドレスと同じものは避けてください。',
    resetTitle: '新しいパスワードの設定',
    resetButton: 'パスワードを設定する',
    resetDone: 'パスワードを変更しました',
    resetDoneText: '新しいパスワードでログインしてください。ほかの端末からはログアウトしました。',
    forgotTitle: 'パスワードを忘れた場合',
    forgotLead:
      'アカウントのメールアドレスを入力してください。パスワードを再設定するリンクを送ります。',
    email: 'メールアドレス',
    forgotButton: 'リンクを送る',
    forgotDone: 'メールを確認してください',
    forgotDoneText:
      'このアドレスのアカウントがあれば、パスワード再設定のリンクを送りました。リンクの有効期限は1時間です。',
    emailTitle: 'メールアドレスの変更',
    emailLead: 'ボタンを押すと、アカウントのメールアドレスがこのアドレスに変わります。',
    emailButton: '変更する',
    emailDone: 'メールアドレスを変更しました',
    emailDoneText: '今後のお知らせは新しいアドレスに届きます。',
    linkBroken: 'このリンクは使えません。期限が切れたか、すでに使われています。',
    tooMany: '試行の回数が多すぎます。しばらく時間をおいてから、もう一度お試しください。',
    formExpired:
      'フォームの有効期限が切れました。ページを読み込み直してから、もう一度お試しください。',
    home: 'トップページへ',
  },
  en: {
    confirmTitle: 'Finish creating your account',
    confirmLead: 'Enter the password you chose when you signed up.',
    confirmButton: 'Finish',
    confirmDone: 'Your account is ready',
    confirmDoneText: 'Welcome. You are signed in to Tomoni.',
    confirmWrong: 'This link does not work any more, or the password is not the one you chose.',
    password: 'Password',
    newPassword: 'New password',
    passwordHint:
      '8 characters or more. Common passwords, your name and your address are not accepted.',
    passwordRefused:
      'This password cannot be used. Use 8 characters or more, and avoid common passwords, your name and your address.',
    resetTitle: 'Set a new password',
    resetButton: 'Set the password',
    resetDone: 'Your password was changed',
    resetDoneText: 'Please sign in with the new password. Your other devices were signed out.',
    forgotTitle: 'Forgot your password?',
    forgotLead:
      'Enter the address of your account, and we will send you a link to set a new password.',
    email: 'E-mail address',
    forgotButton: 'Send the link',
    forgotDone: 'Please check your mail',
    forgotDoneText:
      'If an account uses this address, we have sent it a link to set a new password. The link works for one hour.',
    emailTitle: 'Change of e-mail address',
    emailLead: 'Press the button to move your account to this address.',
    emailButton: 'Confirm the change',
    emailDone: 'Your address was changed',
    emailDoneText: 'Mail will go to the new address from now on.',
    linkBroken: 'This link does not work any more: it has expired or was used already.',
    tooMany: 'Too many attempts. Please wait a while and try again.',
    formExpired: 'This form has expired. Please reload the page and try again.',
    home: 'Go to the home page',
  },
} as const

type Texts = (typeof text)['ja' | 'en']

const texts = (c: AppContext): Texts => text[c.get('locale') ?? 'ja']

function page(c: AppContext, title: string, body: Html, status: ContentfulStatusCode = 200) {
  return renderPage(
    c,
    () => ({
      title,
      content: html`<div class="container">${body}</div>`,
      mainClass: 'prose-page account-page',
    }),
    status,
  )
}

function done(c: AppContext, title: string, message: string) {
  return page(
    c,
    title,
    html`<h1>${title}</h1>
      <p>${message}</p>
      <p><a class="button" href="/">${texts(c).home}</a></p>`,
  )
}

const alert = (message: string | undefined) =>
  message ? html`<p class="form-error" role="alert">${message}</p>` : ''

const passwordField = (name: string, label: string, hint?: string) =>
  html`<p>
    <label for="${name}">${label}</label><br />
    <input
      id="${name}"
      name="${name}"
      type="password"
      required
      minlength="8"
      maxlength="128"
      autocomplete="${name === 'password' ? 'current-password' : 'new-password'}"
      ${hint ? html`aria-describedby="${name}-hint"` : ''}
    />
    ${hint ? html`<br /><small id="${name}-hint">${hint}</small>` : ''}
  </p>`

/** The form's fields as strings; anything else (files, repeats) counts as missing. */
async function formFields(c: AppContext): Promise<Record<string, string>> {
  const body = await c.req.parseBody()
  const fields: Record<string, string> = {}
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === 'string' && value.length <= 2000) fields[key] = value
  }
  return fields
}

/** What went wrong, in the person's words, or a rethrow when it is not the person's doing. */
function problem(c: AppContext, error: unknown, invalid: string): string {
  if (!(error instanceof AppError)) throw error
  const t = texts(c)
  if (error.code === 'rate_limited') return t.tooMany
  if (error.code === 'forbidden') return t.formExpired
  if (error.code === 'invalid_input') {
    const fields = Object.keys(error.fields ?? {})
    return fields.some((f) => f.includes('password')) && !fields.includes('token')
      ? t.passwordRefused
      : invalid
  }
  throw error
}

const tokenOf = (c: AppContext) => {
  const token = c.req.query('token') ?? ''
  return /^[A-Za-z0-9_-]{20,100}$/.test(token) ? token : ''
}

function confirmForm(c: AppContext, token: string, error?: string) {
  const t = texts(c)
  return page(
    c,
    t.confirmTitle,
    html`<h1>${t.confirmTitle}</h1>
      ${alert(error)}
      <form method="post" action="/auth/confirm">
        <p>${t.confirmLead}</p>
        <input type="hidden" name="token" value="${token}" />
        <input type="hidden" name="form_token" value="${formToken(c)}" />
        ${passwordField('password', t.password)}
        <p><button class="button" type="submit">${t.confirmButton}</button></p>
      </form>`,
    error ? 400 : 200,
  )
}

function resetForm(c: AppContext, token: string, error?: string) {
  const t = texts(c)
  return page(
    c,
    t.resetTitle,
    html`<h1>${t.resetTitle}</h1>
      ${alert(error)}
      <form method="post" action="/auth/reset">
        <input type="hidden" name="token" value="${token}" />
        <input type="hidden" name="form_token" value="${formToken(c)}" />
        ${passwordField('new_password', t.newPassword, t.passwordHint)}
        <p><button class="button" type="submit">${t.resetButton}</button></p>
      </form>`,
    error ? 400 : 200,
  )
}

function forgotForm(c: AppContext, error?: string) {
  const t = texts(c)
  return page(
    c,
    t.forgotTitle,
    html`<h1>${t.forgotTitle}</h1>
      ${alert(error)}
      <form method="post" action="/auth/reset">
        <p>${t.forgotLead}</p>
        <input type="hidden" name="form_token" value="${formToken(c)}" />
        <p>
          <label for="email">${t.email}</label><br />
          <input
            id="email"
            name="email"
            type="email"
            required
            maxlength="254"
            autocomplete="email"
          />
        </p>
        <p><button class="button" type="submit">${t.forgotButton}</button></p>
      </form>`,
    error ? 400 : 200,
  )
}

function emailForm(c: AppContext, token: string, error?: string) {
  const t = texts(c)
  return page(
    c,
    t.emailTitle,
    html`<h1>${t.emailTitle}</h1>
      ${alert(error)}
      <form method="post" action="/auth/confirm-email">
        <p>${t.emailLead}</p>
        <input type="hidden" name="token" value="${token}" />
        <input type="hidden" name="form_token" value="${formToken(c)}" />
        <p><button class="button" type="submit">${t.emailButton}</button></p>
      </form>`,
    error ? 400 : 200,
  )
}

export function accountPages() {
  return new Hono<AppEnv>()
    .get('/auth/confirm', policy('public'), (c) => confirmForm(c, tokenOf(c)))
    .post('/auth/confirm', policy('public'), async (c) => {
      const deps = c.get('deps')
      const form = await formFields(c)
      const token = form.token ?? ''
      try {
        checkFormToken(c, form.form_token)
        const userId = await confirmSignUp(deps, c.get('actor'), {
          token,
          password: form.password ?? '',
          ip: clientIp(c),
        })
        await startSession(c, deps, userId)
      } catch (error) {
        return confirmForm(c, token, problem(c, error, texts(c).confirmWrong))
      }
      return done(c, texts(c).confirmDone, texts(c).confirmDoneText)
    })
    .get('/auth/reset', policy('public'), (c) => {
      const token = tokenOf(c)
      return token ? resetForm(c, token) : forgotForm(c)
    })
    .post('/auth/reset', policy('public'), async (c) => {
      const deps = c.get('deps')
      const form = await formFields(c)
      if (form.token === undefined) {
        try {
          checkFormToken(c, form.form_token)
          const email = (form.email ?? '').trim().toLowerCase()
          if (!/^[^\s@]+@[^\s@]+$/.test(email) || email.length > 254) {
            throw new AppError('invalid_input', 'Enter an e-mail address.')
          }
          await requestPasswordReset(deps, c.get('actor'), { email, ip: clientIp(c) })
        } catch (error) {
          return forgotForm(c, problem(c, error, texts(c).linkBroken))
        }
        return done(c, texts(c).forgotDone, texts(c).forgotDoneText)
      }
      try {
        checkFormToken(c, form.form_token)
        await resetPassword(deps, c.get('actor'), {
          token: form.token,
          password: form.new_password ?? '',
          ip: clientIp(c),
        })
      } catch (error) {
        return resetForm(c, form.token, problem(c, error, texts(c).linkBroken))
      }
      return done(c, texts(c).resetDone, texts(c).resetDoneText)
    })
    .get('/auth/confirm-email', policy('public'), (c) => emailForm(c, tokenOf(c)))
    .post('/auth/confirm-email', policy('public'), async (c) => {
      const form = await formFields(c)
      const token = form.token ?? ''
      try {
        checkFormToken(c, form.form_token)
        await confirmEmailChange(c.get('deps'), c.get('actor'), { token, ip: clientIp(c) })
      } catch (error) {
        return emailForm(c, token, problem(c, error, texts(c).linkBroken))
      }
      return done(c, texts(c).emailDone, texts(c).emailDoneText)
    })
}
