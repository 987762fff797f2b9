import { Hono } from 'hono'
import { html } from 'hono/html'
import type { Translate } from '#src/i18n/i18n.ts'
import { clientIp } from '#src/platform/client-ip.ts'
import { AppError } from '#src/platform/errors.ts'
import { checkFormToken } from '#src/platform/form-token.ts'
import type { AppContext, AppEnv } from '#src/platform/http.ts'
import type { Html } from '#src/web/layout.ts'
import {
  dateTime,
  passwordAgain,
  passwordInput,
  refusal,
  status,
  tokenField,
  tr,
} from './account-forms.ts'
import { ChangeEmailInput, UpdateMeInput } from './accounts.schema.ts'
import { field, formAlert, formFields, page, signedInPage, type Problems } from './auth.pages.ts'
import { requestEmailChange } from './change-email.ts'
import { eraseAccount } from './erase-account.ts'
import { exportAccount } from './export-account.ts'
import { getMe, listSessions, revokeAllSessions, revokeSession, updateMe } from './me.ts'
import { changePassword } from './password-reset.ts'
import { clearSessionCookie, startSession } from './user-session.ts'

/**
 * The signed-in person's own pages: settings, sessions, export and erasure (the second factor is
 * in security.pages.ts, consents in src/consent). Every write goes through the same services as
 * the API.
 */

interface SettingsState {
  values?: Record<string, string>
  problems?: Problems
  /** Which form the problems belong to. */
  form?: 'profile' | 'password' | 'email'
  notice?: string
}

async function settingsPage(c: AppContext, state: SettingsState = {}) {
  const me = await getMe(c.get('deps'), c.get('actor'))
  const values = state.values ?? {}
  const problemsFor = (form: SettingsState['form']) =>
    state.form === form ? (state.problems ?? {}) : {}
  const profile = problemsFor('profile')
  const password = problemsFor('password')
  const email = problemsFor('email')
  const locale = values.locale ?? me.locale
  return page(
    c,
    'account.settings.title',
    (t) =>
      html`<h1>${t('account.settings.title')}</h1>
        <p>${t('account.settings.lead', { email: me.email })}</p>
        ${state.notice ? html`<p class="callout" role="status">${state.notice}</p>` : ''}
        <div class="account-sections">
          <section class="account-card" aria-labelledby="profile-title">
            <h2 id="profile-title">${t('account.profile.title')}</h2>
            ${formAlert(profile._)}
            <form method="post" action="/account/profile">
              ${tokenField(c)}
              ${field(
                t,
                {
                  name: 'display_name',
                  label: 'account.displayName',
                  hint: 'account.displayNameHint',
                  type: 'text',
                  autocomplete: 'nickname',
                  maxlength: 60,
                  value: values.display_name ?? me.display_name,
                },
                profile,
              )}
              <p class="form-field">
                <label for="locale">${t('account.profile.locale')}</label>
                <select id="locale" name="locale">
                  <option value="ja" lang="ja" ${locale === 'ja' ? 'selected' : ''}>日本語</option>
                  <option value="en" lang="en" ${locale === 'en' ? 'selected' : ''}>English</option>
                </select>
              </p>
              <p><button class="button" type="submit">${t('account.profile.button')}</button></p>
            </form>
          </section>
          <section class="account-card" aria-labelledby="password-title">
            <h2 id="password-title">${t('account.passwordChange.title')}</h2>
            ${formAlert(password._)}
            <form method="post" action="/account/password">
              ${tokenField(c)} ${passwordInput(t, 'current_password', password)}
              ${passwordInput(t, 'new_password', password, true)}
              <p>
                <button class="button" type="submit">${t('account.passwordChange.button')}</button>
              </p>
            </form>
          </section>
          <section class="account-card" aria-labelledby="email-title">
            <h2 id="email-title">${t('account.emailChange.title')}</h2>
            ${formAlert(email._)}
            <form method="post" action="/account/email">
              ${tokenField(c)}
              ${field(
                t,
                {
                  name: 'new_email',
                  label: 'account.emailChange.new',
                  type: 'email',
                  autocomplete: 'email',
                  maxlength: 254,
                  value: values.new_email,
                },
                email,
              )}
              ${passwordInput(t, 'password', email)}
              <p>
                <button class="button" type="submit">${t('account.emailChange.button')}</button>
              </p>
            </form>
          </section>
          <section class="account-card" aria-labelledby="more-title">
            <h2 id="more-title">${t('account.more.title')}</h2>
            <ul>
              <li><a href="/account/sessions">${t('account.sessions.title')}</a></li>
              <li><a href="/account/security">${t('account.security.title')}</a></li>
              <li><a href="/account/consents">${t('account.consents.title')}</a></li>
              <li><a href="/account/export">${t('account.export.title')}</a></li>
              <li><a href="/account/erase">${t('account.erase.title')}</a></li>
            </ul>
          </section>
        </div>`,
    status(state.problems ?? {}),
  )
}

async function sessionsPage(c: AppContext) {
  const sessions = await listSessions(c.get('deps'), c.get('actor'))
  return page(
    c,
    'account.sessions.title',
    (t) =>
      html`<h1>${t('account.sessions.title')}</h1>
        <p>${t('account.sessions.lead')}</p>
        <ul class="account-sections">
          ${sessions.map(
            (s) =>
              html`<li class="account-card">
                <h2>
                  ${s.user_agent ?? t('account.sessions.unknown')}
                  ${s.current ? html` — ${t('account.sessions.current')}` : ''}
                </h2>
                <p>
                  ${t('account.sessions.started', {
                    date: dateTime(c, s.created_at),
                    lastUsed: dateTime(c, s.last_seen_at),
                  })}
                </p>
                <form method="post" action="/account/sessions/revoke">
                  ${tokenField(c)}
                  <input type="hidden" name="id" value="${s.id}" />
                  <button class="button button-secondary" type="submit">
                    ${t('account.sessions.revoke')}
                  </button>
                </form>
              </li>`,
          )}
        </ul>
        <form method="post" action="/account/sessions/revoke-all">
          ${tokenField(c)}
          <button class="button" type="submit">${t('account.sessions.revokeAll')}</button>
        </form>`,
  )
}

function passwordPage(
  c: AppContext,
  kind: 'export' | 'erase',
  problems: Problems = {},
  extra: (t: Translate) => Html | string = () => '',
) {
  return page(
    c,
    `account.${kind}.title`,
    (t) =>
      html`<h1>${t(`account.${kind}.title`)}</h1>
        <p>${t(`account.${kind}.lead`)}</p>
        ${extra(t)} ${formAlert(problems._)}
        <form method="post" action="/account/${kind}">
          ${tokenField(c)} ${passwordInput(t, 'password', problems)}
          <p><button class="button" type="submit">${t(`account.${kind}.button`)}</button></p>
        </form>`,
    status(problems),
  )
}

export function settingsPages() {
  return new Hono<AppEnv>()
    .get('/account', ...signedInPage, (c) => settingsPage(c))
    .post('/account/profile', ...signedInPage, async (c) => {
      const t = tr(c)
      const form = await formFields(c)
      const values = { display_name: form.display_name ?? '', locale: form.locale ?? '' }
      const parsed = UpdateMeInput.safeParse(values)
      try {
        checkFormToken(c, form.form_token)
        if (!parsed.success) {
          return settingsPage(c, {
            values,
            form: 'profile',
            problems: { display_name: t('account.invalidName') },
          })
        }
        await updateMe(c.get('deps'), c.get('actor'), parsed.data)
      } catch (error) {
        return settingsPage(c, { values, form: 'profile', problems: refusal(t, error, {}) })
      }
      return c.redirect('/account?saved=1', 303)
    })
    .post('/account/password', ...signedInPage, async (c) => {
      const t = tr(c)
      const deps = c.get('deps')
      const form = await formFields(c)
      try {
        checkFormToken(c, form.form_token)
        const actor = c.get('actor')
        const { userId } = await changePassword(deps, actor, {
          current_password: form.current_password ?? '',
          new_password: form.new_password ?? '',
          ip: clientIp(c),
        })
        const secondFactorAt = actor.kind === 'user' ? actor.secondFactorAt : null
        await startSession(c, deps, userId, { secondFactorAt })
      } catch (error) {
        return settingsPage(c, {
          form: 'password',
          problems: refusal(t, error, {
            current_password: t('account.passwordChange.wrong'),
            new_password: t('account.passwordRefused'),
          }),
        })
      }
      return c.redirect('/account?saved=password', 303)
    })
    .post('/account/email', ...signedInPage, async (c) => {
      const t = tr(c)
      const form = await formFields(c)
      const values = { new_email: form.new_email ?? '' }
      try {
        checkFormToken(c, form.form_token)
        const parsed = ChangeEmailInput.safeParse({ ...values, password: form.password ?? '' })
        if (!parsed.success) {
          return settingsPage(c, {
            values,
            form: 'email',
            problems: { new_email: t('account.invalidEmail') },
          })
        }
        await requestEmailChange(c.get('deps'), c.get('actor'), {
          ...parsed.data,
          ip: clientIp(c),
        })
      } catch (error) {
        return settingsPage(c, {
          values,
          form: 'email',
          problems: refusal(t, error, {
            password: t('account.wrongPassword'),
            new_email: t('account.invalidEmail'),
          }),
        })
      }
      return c.redirect('/account?saved=email', 303)
    })
    .get('/account/sessions', ...signedInPage, (c) => sessionsPage(c))
    .post('/account/sessions/revoke', ...signedInPage, async (c) => {
      const deps = c.get('deps')
      const form = await formFields(c)
      checkFormToken(c, form.form_token)
      const id = form.id ?? ''
      if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AppError('not_found', 'No such session.')
      const { endedCurrent } = await revokeSession(deps, c.get('actor'), { id })
      if (endedCurrent) {
        clearSessionCookie(c, deps.env)
        return c.redirect('/sign-in', 303)
      }
      return c.redirect('/account/sessions', 303)
    })
    .post('/account/sessions/revoke-all', ...signedInPage, async (c) => {
      const form = await formFields(c)
      checkFormToken(c, form.form_token)
      await revokeAllSessions(c.get('deps'), c.get('actor'))
      clearSessionCookie(c, c.get('deps').env)
      return c.redirect('/sign-in', 303)
    })
    .get('/account/export', ...signedInPage, (c) => passwordPage(c, 'export'))
    .post('/account/export', ...signedInPage, async (c) => {
      const t = tr(c)
      const deps = c.get('deps')
      const form = await formFields(c)
      try {
        checkFormToken(c, form.form_token)
        await passwordAgain(c, form.password ?? '')
      } catch (error) {
        return passwordPage(
          c,
          'export',
          refusal(t, error, { password: t('account.wrongPassword') }),
        )
      }
      const data = await exportAccount(deps, c.get('actor'))
      const day = deps.clock.now().toISOString().slice(0, 10)
      c.header('Cache-Control', 'no-store')
      c.header('Content-Disposition', `attachment; filename="tomoni-export-${day}.json"`)
      return c.json(data, 200)
    })
    .get('/account/erase', ...signedInPage, (c) =>
      passwordPage(c, 'erase', {}, (t) => html`<p>${t('account.erase.kept')}</p>`),
    )
    .post('/account/erase', ...signedInPage, async (c) => {
      const t = tr(c)
      const deps = c.get('deps')
      const form = await formFields(c)
      try {
        checkFormToken(c, form.form_token)
        await eraseAccount(deps, c.get('actor'), {
          password: form.password ?? '',
          ip: clientIp(c),
        })
      } catch (error) {
        return passwordPage(
          c,
          'erase',
          refusal(t, error, { password: t('account.wrongPassword') }),
          (tt) => html`<p>${tt('account.erase.kept')}</p>`,
        )
      }
      clearSessionCookie(c, deps.env)
      c.set('actor', { kind: 'anonymous' })
      return page(
        c,
        'account.erase.done',
        (tt) =>
          html`<h1>${tt('account.erase.done')}</h1>
            <p>${tt('account.erase.doneText')}</p>
            <p><a class="button" href="/">${tt('account.home')}</a></p>`,
      )
    })
}
