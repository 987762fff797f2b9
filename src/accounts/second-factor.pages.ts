import { Hono } from 'hono'
import { html } from 'hono/html'
import { policy } from '#src/access/route-policy.ts'
import { translator } from '#src/i18n/i18n.ts'
import { clientIp } from '#src/platform/client-ip.ts'
import { checkFormToken, formToken } from '#src/platform/form-token.ts'
import { localPath, type AppContext, type AppEnv } from '#src/platform/http.ts'
import { tr } from './account-forms.ts'
import {
  field,
  formAlert,
  formFields,
  page,
  problemsOf,
  signInForm,
  type Problems,
} from './auth.pages.ts'
import { passkeyForm, passkeyScript } from './passkey-form.ts'
import { passkeySignInOptions, signInWithPasskey } from './passkey-sign-in.ts'
import { relyingPartyOf } from './passkeys.routes.ts'
import { completeSecondFactor, secondFactorSummary } from './second-factor.ts'
import { secondFactorCandidate, startSession } from './user-session.ts'

/**
 * The second step of signing in, and the same step for a signed-in person whose session was
 * opened without it (a "step up", which staff work asks for): a code from the app, a recovery
 * code, or a passkey. Also the page staff see when they try staff work without it.
 */

/** Where to go after the step: a path on this site only. */
const safeNext = (value: string | undefined) => localPath(value, '/sign-in/done')

async function secondFactorPage(c: AppContext, problems: Problems = {}, next?: string) {
  const deps = c.get('deps')
  const asking = await secondFactorCandidate(c, deps)
  const stepUp = c.get('actor').kind === 'user'
  const summary = asking ? await secondFactorSummary(deps.db, asking.userId) : undefined
  // Signed in, with no second factor to use: setting one up comes first.
  if (stepUp && summary && !summary.totp && summary.passkeys === 0) {
    return c.redirect('/account/security', 303)
  }
  let options: unknown
  if (asking && summary && summary.passkeys > 0) {
    options = await passkeySignInOptions(deps, c.get('actor'), {
      asking,
      rp: relyingPartyOf(c),
      ip: clientIp(c),
    }).catch(() => undefined)
  }
  const target = safeNext(next ?? c.req.query('next'))
  const codes = !summary || summary.totp || summary.recovery_codes_left > 0
  const hasProblems = Object.keys(problems).length > 0
  return page(
    c,
    'account.secondFactor.title',
    (t) =>
      html`<h1>${t('account.secondFactor.title')}</h1>
        ${stepUp ? html`<p>${t('security.stepUp.lead')}</p>` : ''} ${formAlert(problems._)}
        ${
          options
            ? passkeyForm(c, t, {
                action: '/sign-in/passkey',
                mode: 'get',
                label: t('security.secondFactor.passkey'),
                options,
                fields: { next: target },
              })
            : ''
        }
        ${
          codes
            ? html`<form method="post" action="/sign-in/second-factor" novalidate>
                <p>
                  ${
                    !summary || summary.totp
                      ? t('account.secondFactor.lead')
                      : t('security.secondFactor.recoveryOnly')
                  }
                </p>
                <input type="hidden" name="form_token" value="${formToken(c)}" />
                <input type="hidden" name="next" value="${target}" />
                ${
                  !summary || summary.totp
                    ? field(
                        t,
                        {
                          name: 'code',
                          label: 'account.secondFactor.code',
                          type: 'text',
                          autocomplete: 'one-time-code',
                          inputmode: 'numeric',
                          maxlength: 12,
                          required: false,
                        },
                        problems,
                      )
                    : ''
                }
                ${field(
                  t,
                  {
                    name: 'recovery_code',
                    label: 'account.secondFactor.recovery',
                    type: 'text',
                    autocomplete: 'off',
                    maxlength: 64,
                    required: false,
                  },
                  problems,
                )}
                <p>
                  <button class="button" type="submit">${t('account.secondFactor.button')}</button>
                </p>
              </form>`
            : ''
        }`,
    hasProblems ? 400 : 200,
    options ? passkeyScript() : undefined,
  )
}

/**
 * What staff see when they try staff work in a session opened without a second factor: why, and
 * the way to it (use it now, or set one up), coming back here afterwards.
 */
export async function secondFactorRequiredPage(c: AppContext) {
  const deps = c.get('deps')
  const actor = c.get('actor')
  const summary =
    actor.kind === 'user' ? await secondFactorSummary(deps.db, actor.userId) : undefined
  const hasFactor = !!summary && (summary.totp || summary.passkeys > 0)
  const here = new URL(c.req.url)
  const next = c.req.method === 'GET' ? `${here.pathname}${here.search}` : undefined
  const useIt = `/sign-in/second-factor${next ? `?next=${encodeURIComponent(next)}` : ''}`
  return page(
    c,
    'security.required.title',
    (t) =>
      html`<h1>${t('security.required.title')}</h1>
        <p>${t('security.required.text')}</p>
        <p>
          ${
            hasFactor
              ? html`<a class="button" href="${useIt}">${t('security.required.use')}</a>`
              : html`<a class="button" href="/account/security">${t('security.required.setUp')}</a>`
          }
        </p>`,
    403,
  )
}

export function secondFactorPages() {
  return new Hono<AppEnv>()
    .get('/sign-in/second-factor', policy('public'), (c) => secondFactorPage(c))
    .post('/sign-in/second-factor', policy('public'), async (c) => {
      const deps = c.get('deps')
      const t = translator(c.get('locale') ?? 'ja')
      const form = await formFields(c)
      try {
        checkFormToken(c, form.form_token)
        const { userId } = await completeSecondFactor(deps, c.get('actor'), {
          userId: (await secondFactorCandidate(c, deps))?.userId,
          code: form.code?.trim() || undefined,
          recovery_code: form.recovery_code?.trim() || undefined,
          ip: clientIp(c),
        })
        await startSession(c, deps, userId, { secondFactorAt: deps.clock.now() })
      } catch (error) {
        return secondFactorPage(
          c,
          problemsOf(t, error, { _: t('account.secondFactor.refused') }),
          form.next,
        )
      }
      return c.redirect(safeNext(form.next), 303)
    })
    .post('/sign-in/passkey', policy('public'), async (c) => {
      const deps = c.get('deps')
      const t = tr(c)
      const form = await formFields(c, 100_000)
      const asking = await secondFactorCandidate(c, deps)
      try {
        checkFormToken(c, form.form_token)
        const { userId } = await signInWithPasskey(deps, c.get('actor'), {
          response: form.response ?? '',
          asking,
          rp: relyingPartyOf(c),
          ip: clientIp(c),
        })
        await startSession(c, deps, userId, { secondFactorAt: deps.clock.now() })
      } catch (error) {
        const problems = problemsOf(t, error, { _: t('security.signIn.passkeyFailed') })
        if (!problems._) problems._ = t('security.signIn.passkeyFailed')
        return asking ? secondFactorPage(c, problems, form.next) : signInForm(c, {}, problems)
      }
      return c.redirect(safeNext(form.next), 303)
    })
}
