import { Hono, type MiddlewareHandler } from 'hono'
import { html } from 'hono/html'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { policy } from '#src/access/route-policy.ts'
import { translator, type MessageKey, type Translate } from '#src/i18n/i18n.ts'
import { clientIp } from '#src/platform/client-ip.ts'
import { AppError } from '#src/platform/errors.ts'
import { checkFormToken, formToken } from '#src/platform/form-token.ts'
import type { AppContext, AppEnv } from '#src/platform/http.ts'
import { renderPage, type Html } from '#src/web/layout.ts'
import { SignInInput, SignUpInput } from './accounts.schema.ts'
import { passkeyForm, passkeyScript } from './passkey-form.ts'
import { signIn, signOut } from './sign-in.ts'
import { signUp } from './sign-up.ts'
import { clearSessionCookie, startSession } from './user-session.ts'

/**
 * Sign-up, sign-in (with its second-factor step) and sign-out as pages that work without
 * JavaScript. Each form posts back to its own address, where the same services as the API do
 * the work; a refusal shows the form again with the message next to the field and what the
 * person typed (except passwords) kept.
 */

/** Messages for the form as a whole (`_`) and for each field, already in the person's words. */
export type Problems = Partial<Record<string, string>>

export interface Field {
  name: string
  /** When one page has two fields of one name (two forms asking for the password). */
  id?: string
  label: MessageKey
  type: 'text' | 'email' | 'password'
  autocomplete: string
  hint?: MessageKey
  value?: string | undefined
  maxlength: number
  required?: boolean
  inputmode?: string
}

export function field(t: Translate, f: Field, problems: Problems) {
  const id = f.id ?? f.name
  const error = problems[id]
  const describedBy = [f.hint ? `${id}-hint` : '', error ? `${id}-error` : '']
    .filter(Boolean)
    .join(' ')
  return html`<p class="form-field${error ? ' has-error' : ''}">
    <label for="${id}">${t(f.label)}</label>
    <input
      id="${id}"
      name="${f.name}"
      type="${f.type}"
      ${f.required === false ? '' : html`required`}
      maxlength="${f.maxlength}"
      autocomplete="${f.autocomplete}"
      ${f.inputmode ? html`inputmode="${f.inputmode}"` : ''}
      ${f.type === 'password' ? '' : html`value="${f.value ?? ''}"`}
      ${describedBy ? html`aria-describedby="${describedBy}"` : ''}
      ${error ? html`aria-invalid="true"` : ''}
    />
    ${f.hint ? html`<small id="${id}-hint">${t(f.hint)}</small>` : ''}
    ${error ? html`<span class="field-error" id="${id}-error">${error}</span>` : ''}
  </p>`
}

export const formAlert = (message: string | undefined) =>
  message ? html`<p class="form-error" role="alert">${message}</p>` : ''

export function page(
  c: AppContext,
  title: MessageKey,
  body: (t: Translate) => Html,
  status: ContentfulStatusCode = 200,
  head?: Html,
) {
  c.header('Cache-Control', 'no-store')
  return renderPage(
    c,
    (t) => ({
      title: t(title),
      content: html`<div class="container">${body(t)}</div>`,
      mainClass: 'prose-page account-page',
      ...(head ? { head } : {}),
    }),
    status,
  )
}

/**
 * The form's fields as strings; anything else (files, repeats, longer than `maxLength`) counts
 * as missing. A passkey's answer is the one long field.
 */
export async function formFields(c: AppContext, maxLength = 2000): Promise<Record<string, string>> {
  const body = await c.req.parseBody()
  const fields: Record<string, string> = {}
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === 'string' && value.length <= maxLength) fields[key] = value
  }
  return fields
}

/** What went wrong, by field, or a rethrow when it is not the person's doing. */
export function problemsOf(t: Translate, error: unknown, otherwise: Problems): Problems {
  if (!(error instanceof AppError)) throw error
  if (error.code === 'rate_limited') return { _: t('account.tooMany') }
  if (error.code === 'forbidden') return { _: t('account.formExpired') }
  if (error.code === 'invalid_input') {
    const fields = Object.keys(error.fields ?? {})
    if (fields.includes('password')) return { password: t('account.passwordRefused') }
    return otherwise
  }
  if (error.code === 'unauthenticated') return otherwise
  throw error
}

/** Field messages from the shared schemas' refusals. */
export function schemaProblems(t: Translate, paths: readonly PropertyKey[][]): Problems {
  const problems: Problems = {}
  for (const [name] of paths) {
    if (name === 'email') problems.email = t('account.invalidEmail')
    if (name === 'display_name') problems.display_name = t('account.invalidName')
    if (name === 'password') problems.password = t('account.passwordRefused')
  }
  return problems
}

function signUpForm(c: AppContext, values: Record<string, string> = {}, problems: Problems = {}) {
  const hasProblems = Object.keys(problems).length > 0
  return page(
    c,
    'account.signUp.title',
    (t) =>
      html`<h1>${t('account.signUp.title')}</h1>
        ${formAlert(problems._)}
        <form method="post" action="/sign-up" novalidate>
          <input type="hidden" name="form_token" value="${formToken(c)}" />
          ${field(
            t,
            {
              name: 'display_name',
              label: 'account.displayName',
              hint: 'account.displayNameHint',
              type: 'text',
              autocomplete: 'nickname',
              maxlength: 60,
              value: values.display_name,
            },
            problems,
          )}
          ${field(
            t,
            {
              name: 'email',
              label: 'account.email',
              type: 'email',
              autocomplete: 'email',
              maxlength: 254,
              value: values.email,
            },
            problems,
          )}
          ${field(
            t,
            {
              name: 'password',
              label: 'account.password',
              hint: 'account.passwordHint',
              type: 'password',
              autocomplete: 'new-password',
              maxlength: 1024,
            },
            problems,
          )}
          <p><button class="button" type="submit">${t('account.signUp.button')}</button></p>
        </form>
        <p><a href="/sign-in">${t('account.signUp.haveAccount')}</a></p>`,
    hasProblems ? 400 : 200,
  )
}

export function signInForm(
  c: AppContext,
  values: Record<string, string> = {},
  problems: Problems = {},
) {
  const hasProblems = Object.keys(problems).length > 0
  return page(
    c,
    'account.signIn.title',
    (t) =>
      html`<h1>${t('account.signIn.title')}</h1>
        ${formAlert(problems._)}
        <form method="post" action="/sign-in" novalidate>
          <input type="hidden" name="form_token" value="${formToken(c)}" />
          ${field(
            t,
            {
              name: 'email',
              label: 'account.email',
              type: 'email',
              autocomplete: 'username',
              maxlength: 254,
              value: values.email,
            },
            problems,
          )}
          ${field(
            t,
            {
              name: 'password',
              label: 'account.password',
              type: 'password',
              autocomplete: 'current-password',
              maxlength: 1024,
            },
            problems,
          )}
          <p><button class="button" type="submit">${t('account.signIn.button')}</button></p>
        </form>
        ${passkeyForm(c, t, {
          action: '/sign-in/passkey',
          mode: 'get',
          label: t('security.signIn.passkey'),
          optionsUrl: '/api/v1/auth/passkey/options',
          secondary: true,
          // Passkeys are one way in among others here: without the script, nothing to explain.
          explain: false,
        })}
        <p><a href="/auth/reset">${t('account.signIn.forgot')}</a></p>
        <p><a href="/sign-up">${t('account.signIn.noAccount')}</a></p>`,
    hasProblems ? 400 : 200,
    passkeyScript(),
  )
}

function signedInView(c: AppContext) {
  return page(
    c,
    'account.signedIn.title',
    (t) =>
      html`<h1>${t('account.signedIn.title')}</h1>
        <p>${t('account.signedIn.text')}</p>
        <p><a class="button" href="/">${t('account.home')}</a></p>`,
  )
}

/** A page for signed-in people: anyone else is sent to sign in first. */
export const signedInPage = [
  (async (c, next) => {
    if (c.get('actor').kind !== 'user') return c.redirect('/sign-in', 303)
    await next()
  }) satisfies MiddlewareHandler<AppEnv>,
  policy('signed-in'),
] as const

export function authPages() {
  return new Hono<AppEnv>()
    .get('/sign-up', policy('public'), (c) => signUpForm(c))
    .post('/sign-up', policy('public'), async (c) => {
      const t = translator(c.get('locale') ?? 'ja')
      const form = await formFields(c)
      const values = { display_name: form.display_name ?? '', email: form.email ?? '' }
      try {
        checkFormToken(c, form.form_token)
      } catch (error) {
        return signUpForm(c, values, problemsOf(t, error, {}))
      }
      const parsed = SignUpInput.safeParse({
        ...values,
        password: form.password ?? '',
        locale: c.get('locale') ?? 'ja',
      })
      if (!parsed.success) {
        return signUpForm(
          c,
          values,
          schemaProblems(
            t,
            parsed.error.issues.map((i) => i.path),
          ),
        )
      }
      try {
        await signUp(c.get('deps'), c.get('actor'), { ...parsed.data, ip: clientIp(c) })
      } catch (error) {
        return signUpForm(c, values, problemsOf(t, error, {}))
      }
      return page(
        c,
        'account.signUp.done',
        (tt) =>
          html`<h1>${tt('account.signUp.done')}</h1>
            <p>${tt('account.signUp.doneText', { email: parsed.data.email })}</p>`,
      )
    })
    .get('/sign-in', policy('public'), (c) => signInForm(c))
    .post('/sign-in', policy('public'), async (c) => {
      const deps = c.get('deps')
      const t = translator(c.get('locale') ?? 'ja')
      const form = await formFields(c)
      const values = { email: form.email ?? '' }
      const refused = { _: t('account.signIn.refused') }
      try {
        checkFormToken(c, form.form_token)
        const parsed = SignInInput.safeParse({ email: values.email, password: form.password ?? '' })
        if (!parsed.success) {
          return signInForm(
            c,
            values,
            schemaProblems(
              t,
              parsed.error.issues.map((i) => i.path),
            ),
          )
        }
        const { userId, secondFactor } = await signIn(deps, c.get('actor'), {
          ...parsed.data,
          ip: clientIp(c),
        })
        if (secondFactor) {
          await startSession(c, deps, userId, { stage: 'second_factor' })
          return c.redirect('/sign-in/second-factor', 303)
        }
        await startSession(c, deps, userId)
      } catch (error) {
        return signInForm(c, values, problemsOf(t, error, refused))
      }
      return c.redirect('/sign-in/done', 303)
    })
    .get('/sign-in/done', ...signedInPage, (c) => signedInView(c))
    .post('/sign-out', policy('public'), async (c) => {
      const form = await formFields(c)
      checkFormToken(c, form.form_token)
      await signOut(c.get('deps'), c.get('actor'))
      clearSessionCookie(c, c.get('deps').env)
      return c.redirect('/', 303)
    })
    .get('/reset', policy('public'), (c) => c.redirect('/auth/reset', 303))
}
