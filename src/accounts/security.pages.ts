import { Hono } from 'hono'
import { html, raw } from 'hono/html'
import QRCode from 'qrcode'
import { clientIp } from '#src/platform/client-ip.ts'
import { checkFormToken } from '#src/platform/form-token.ts'
import type { AppContext, AppEnv } from '#src/platform/http.ts'
import {
  dateTime,
  passwordAgain,
  passwordInput,
  refusal,
  status,
  tokenField,
  tr,
} from './account-forms.ts'
import { field, formAlert, formFields, page, signedInPage, type Problems } from './auth.pages.ts'
import { getMe } from './me.ts'
import { passkeyForm, passkeyScript } from './passkey-form.ts'
import {
  listPasskeys,
  passkeyRegistrationOptions,
  registerPasskey,
  removePasskey,
} from './passkey-registration.ts'
import { defaultPasskeyName, relyingPartyOf } from './passkeys.routes.ts'
import { beginTotpEnrolment, confirmTotpEnrolment, removeSecondFactor } from './second-factor.ts'
import { startSession } from './user-session.ts'

/**
 * The second factor's pages: the authenticator app (works without JavaScript) and passkeys
 * (need the browser's WebAuthn, see passkey-form.ts). Same services as the API.
 */

type SecurityForm = 'totp' | 'passkeyAdd' | 'passkeyRemove'

interface SecurityState {
  problems?: Problems
  /** Which form the problems belong to. */
  form?: SecurityForm
  notice?: string
}

async function securityPage(c: AppContext, state: SecurityState = {}) {
  const deps = c.get('deps')
  const me = await getMe(deps, c.get('actor'))
  const passkeys = await listPasskeys(deps, c.get('actor'))
  const problemsFor = (form: SecurityForm) => (state.form === form ? (state.problems ?? {}) : {})
  const totp = problemsFor('totp')
  const add = problemsFor('passkeyAdd')
  const remove = problemsFor('passkeyRemove')
  return page(
    c,
    'account.security.title',
    (t) =>
      html`<h1>${t('account.security.title')}</h1>
        ${state.notice ? html`<p class="callout" role="status">${state.notice}</p>` : ''}
        <p>${t('security.recoveryLeft', { count: me.second_factor.recovery_codes_left })}</p>
        <div class="account-sections">
          <section class="account-card" aria-labelledby="totp-title">
            <h2 id="totp-title">${t('security.totp.title')}</h2>
            ${formAlert(totp._)}
            ${
              me.second_factor.totp
                ? html`<p>${t('security.totp.on')}</p>
                    <form method="post" action="/account/security/remove">
                      ${tokenField(c)} ${passwordInput(t, 'password', totp, false, 'totp-password')}
                      <p>
                        <button class="button button-secondary" type="submit">
                          ${t('account.security.remove')}
                        </button>
                      </p>
                    </form>`
                : html`<p>${t('account.security.off')}</p>
                    <form method="post" action="/account/security/begin">
                      <p>${t('account.security.startLead')}</p>
                      ${tokenField(c)} ${passwordInput(t, 'password', totp, false, 'totp-password')}
                      <p>
                        <button class="button" type="submit">${t('account.security.start')}</button>
                      </p>
                    </form>`
            }
          </section>
          <section class="account-card" aria-labelledby="passkeys-title">
            <h2 id="passkeys-title">${t('security.passkeys.title')}</h2>
            <p>${t('security.passkeys.lead')}</p>
            ${
              passkeys.length
                ? html`<ul class="passkey-list">
                    ${passkeys.map(
                      (p) =>
                        html`<li>
                          <strong>${p.name}</strong>
                          <span
                            >${t('security.passkeys.addedOn', { date: dateTime(c, p.created_at) })}</span
                          >
                          <span
                            >${
                              p.last_used_at
                                ? t('security.passkeys.usedOn', {
                                    date: dateTime(c, p.last_used_at),
                                  })
                                : t('security.passkeys.neverUsed')
                            }</span
                          >
                        </li>`,
                    )}
                  </ul>`
                : html`<p>${t('security.passkeys.none')}</p>`
            }
            <h3>${t('security.passkeys.add')}</h3>
            ${formAlert(add._)}
            <form method="post" action="/account/passkeys/begin">
              ${tokenField(c)}
              ${field(
                t,
                {
                  name: 'name',
                  id: 'passkey-name',
                  label: 'security.passkeys.name',
                  hint: 'security.passkeys.nameHint',
                  type: 'text',
                  autocomplete: 'off',
                  maxlength: 60,
                  required: false,
                  value: defaultPasskeyName(c),
                },
                add,
              )}
              ${passwordInput(t, 'password', add, false, 'passkey-password')}
              <p><button class="button" type="submit">${t('security.passkeys.add')}</button></p>
            </form>
            ${
              passkeys.length
                ? html`<h3>${t('security.passkeys.removeTitle')}</h3>
                    ${formAlert(remove._)}
                    <form method="post" action="/account/passkeys/remove">
                      ${tokenField(c)}
                      <p class="form-field">
                        <label for="passkey-id">${t('security.passkeys.which')}</label>
                        <select id="passkey-id" name="id">
                          ${passkeys.map((p) => html`<option value="${p.id}">${p.name}</option>`)}
                        </select>
                      </p>
                      ${passwordInput(t, 'password', remove, false, 'remove-password')}
                      <p>
                        <button class="button button-secondary" type="submit">
                          ${t('security.passkeys.remove')}
                        </button>
                      </p>
                    </form>`
                : ''
            }
          </section>
        </div>`,
    status(state.problems ?? {}),
  )
}

async function enrolPage(c: AppContext, secret: string, uri: string, problems: Problems = {}) {
  const svg = await QRCode.toString(uri, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' })
  return page(
    c,
    'account.security.title',
    (t) =>
      html`<h1>${t('account.security.start')}</h1>
        ${formAlert(problems._)}
        <p>${t('account.security.scan')}</p>
        <div class="qr-code" role="img" aria-label="QR code">${raw(svg)}</div>
        <p>${t('account.security.secret')}: <span class="secret-text">${secret}</span></p>
        <form method="post" action="/account/security/confirm">
          <p>${t('account.security.confirmLead')}</p>
          ${tokenField(c)}
          <input type="hidden" name="secret" value="${secret}" />
          ${field(
            t,
            {
              name: 'code',
              label: 'account.secondFactor.code',
              type: 'text',
              autocomplete: 'one-time-code',
              inputmode: 'numeric',
              maxlength: 12,
            },
            problems,
          )}
          <p><button class="button" type="submit">${t('account.security.confirm')}</button></p>
        </form>`,
    status(problems),
  )
}

/** Shown once, after the first second factor: codes for the day the phone is lost. */
function recoveryCodesPage(c: AppContext, codes: string[], notice?: string) {
  return page(
    c,
    'account.security.recoveryTitle',
    (t) =>
      html`<h1>${t('account.security.recoveryTitle')}</h1>
        ${notice ? html`<p class="callout" role="status">${notice}</p>` : ''}
        <p>${t('account.security.recoveryLead')}</p>
        <ul class="recovery-codes">
          ${codes.map((code) => html`<li>${code}</li>`)}
        </ul>
        <p><a class="button" href="/account/security">${t('account.security.title')}</a></p>`,
  )
}

function createPasskeyPage(c: AppContext, options: unknown, name: string) {
  return page(
    c,
    'security.passkeys.createTitle',
    (t) =>
      html`<h1>${t('security.passkeys.createTitle')}</h1>
        <p>${t('security.passkeys.createLead')}</p>
        ${passkeyForm(c, t, {
          action: '/account/passkeys/finish',
          mode: 'create',
          label: t('security.passkeys.create'),
          options,
          fields: { name },
        })}
        <p><a href="/account/security">${t('security.back')}</a></p>`,
    200,
    passkeyScript(),
  )
}

export function securityPages() {
  return new Hono<AppEnv>()
    .get('/account/security', ...signedInPage, (c) => securityPage(c))
    .post('/account/security/begin', ...signedInPage, async (c) => {
      const t = tr(c)
      const form = await formFields(c)
      try {
        checkFormToken(c, form.form_token)
        await passwordAgain(c, form.password ?? '')
        const { secret, otpauth_uri } = await beginTotpEnrolment(c.get('deps'), c.get('actor'))
        return await enrolPage(c, secret, otpauth_uri)
      } catch (error) {
        const problems = refusal(t, error, {
          password: t('account.wrongPassword'),
          conflict: t('security.totp.already'),
        })
        return securityPage(c, { form: 'totp', problems: passwordField(problems, 'totp') })
      }
    })
    .post('/account/security/confirm', ...signedInPage, async (c) => {
      const t = tr(c)
      const deps = c.get('deps')
      const form = await formFields(c)
      const secret = /^[A-Z2-7]{16,64}$/.test(form.secret ?? '') ? (form.secret ?? '') : ''
      let codes: string[]
      try {
        checkFormToken(c, form.form_token)
        const result = await confirmTotpEnrolment(deps, c.get('actor'), {
          code: (form.code ?? '').replace(/\s/g, ''),
          ip: clientIp(c),
        })
        codes = result.recovery_codes
        // The code proved the factor: this session now counts as opened with it.
        await startSession(c, deps, result.userId, { secondFactorAt: deps.clock.now() })
      } catch (error) {
        const problems = refusal(t, error, { code: t('account.security.wrongCode') })
        if (!problems.code && !problems._) problems.code = t('account.security.wrongCode')
        if (!secret) return securityPage(c, { form: 'totp', problems })
        const uri = `otpauth://totp/Tomoni?secret=${secret}&issuer=Tomoni`
        return enrolPage(c, secret, uri, problems)
      }
      return recoveryCodesPage(c, codes)
    })
    .post('/account/security/remove', ...signedInPage, async (c) => {
      const t = tr(c)
      const form = await formFields(c)
      try {
        checkFormToken(c, form.form_token)
        await removeSecondFactor(c.get('deps'), c.get('actor'), {
          password: form.password ?? '',
          ip: clientIp(c),
        })
      } catch (error) {
        const problems = refusal(t, error, {
          password: t('account.wrongPassword'),
          conflict: t('security.keepOne'),
        })
        return securityPage(c, { form: 'totp', problems: passwordField(problems, 'totp') })
      }
      return securityPage(c, { notice: t('account.security.removed') })
    })
    .post('/account/passkeys/begin', ...signedInPage, async (c) => {
      const t = tr(c)
      const form = await formFields(c)
      const name = (form.name ?? '').trim() || defaultPasskeyName(c)
      try {
        checkFormToken(c, form.form_token)
        await passwordAgain(c, form.password ?? '')
        const options = await passkeyRegistrationOptions(c.get('deps'), c.get('actor'), {
          rp: relyingPartyOf(c),
        })
        return createPasskeyPage(c, options, name.slice(0, 60))
      } catch (error) {
        const problems = refusal(t, error, { password: t('account.wrongPassword') })
        return securityPage(c, { form: 'passkeyAdd', problems: passwordField(problems, 'passkey') })
      }
    })
    .post('/account/passkeys/finish', ...signedInPage, async (c) => {
      const t = tr(c)
      const deps = c.get('deps')
      const form = await formFields(c, 100_000)
      let result: Awaited<ReturnType<typeof registerPasskey>>
      try {
        checkFormToken(c, form.form_token)
        result = await registerPasskey(deps, c.get('actor'), {
          response: form.response ?? '',
          name: form.name ?? '',
          rp: relyingPartyOf(c),
        })
        // Making the passkey proved having it: this session counts as opened with it now.
        await startSession(c, deps, result.userId, { secondFactorAt: deps.clock.now() })
      } catch (error) {
        const problems = refusal(t, error, {
          _: t('security.passkeys.failed'),
          conflict: t('security.passkeys.already'),
        })
        return securityPage(c, { form: 'passkeyAdd', problems: { _: problems._ ?? problems.name } })
      }
      const notice = t('security.passkeys.addedNotice', { name: result.passkey.name })
      if (result.recovery_codes) return recoveryCodesPage(c, result.recovery_codes, notice)
      return securityPage(c, { notice })
    })
    .post('/account/passkeys/remove', ...signedInPage, async (c) => {
      const t = tr(c)
      const form = await formFields(c)
      try {
        checkFormToken(c, form.form_token)
        await removePasskey(c.get('deps'), c.get('actor'), {
          id: /^[0-9a-f-]{36}$/i.test(form.id ?? '')
            ? form.id!
            : '00000000-0000-0000-0000-000000000000',
          password: form.password ?? '',
          ip: clientIp(c),
        })
      } catch (error) {
        const problems = refusal(t, error, {
          password: t('account.wrongPassword'),
          conflict: t('security.keepOne'),
        })
        return securityPage(c, {
          form: 'passkeyRemove',
          problems: passwordField(problems, 'remove'),
        })
      }
      return securityPage(c, { notice: t('security.passkeys.removed') })
    })
}

/** A refused password is shown at the field of the form it came from (ids differ per form). */
function passwordField(problems: Problems, form: 'totp' | 'passkey' | 'remove'): Problems {
  const { password, ...rest } = problems
  return password ? { ...rest, [`${form}-password`]: password } : rest
}
