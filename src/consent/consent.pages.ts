import { Hono } from 'hono'
import { html } from 'hono/html'
import { dateTime, tokenField } from '#src/accounts/account-forms.ts'
import { formFields, page, signedInPage } from '#src/accounts/auth.pages.ts'
import { AppError } from '#src/platform/errors.ts'
import { checkFormToken } from '#src/platform/form-token.ts'
import { localPath, type AppContext, type AppEnv } from '#src/platform/http.ts'
import { giveConsent, listConsents, withdrawConsent } from './consent.service.ts'
import { consentPurposes, consentTexts, type ConsentPurpose } from './consent.texts.ts'

/**
 * The consents page (give and withdraw, each purpose in its own words), and the form a page shows
 * when what the person asked for needs a consent they have not given (`consent_required`).
 */

async function consentsPage(c: AppContext) {
  const given = await listConsents(c.get('deps'), c.get('actor'))
  const locale = c.get('locale') ?? 'ja'
  return page(
    c,
    'account.consents.title',
    (t) =>
      html`<h1>${t('account.consents.title')}</h1>
        <div class="account-sections">
          ${consentPurposes.map((purpose) => {
            const text = consentTexts[purpose][locale]
            const current = given.find((g) => g.purpose === purpose && !g.withdrawn_at)
            return html`<section class="account-card" aria-labelledby="consent-${purpose}">
              <h2 id="consent-${purpose}">${text.title}</h2>
              <p>${text.text}</p>
              <p>
                <strong
                  >${
                    current
                      ? t('account.consents.given', {
                          date: dateTime(c, current.given_at),
                          version: current.text_version,
                        })
                      : t('account.consents.notGiven')
                  }</strong
                >
              </p>
              <form method="post" action="/account/consents">
                ${tokenField(c)}
                <input type="hidden" name="purpose" value="${purpose}" />
                <input type="hidden" name="text_version" value="${consentTexts[purpose].version}" />
                <input type="hidden" name="action" value="${current ? 'withdraw' : 'give'}" />
                <button class="button${current ? ' button-secondary' : ''}" type="submit">
                  ${current ? t('account.consents.withdraw') : t('account.consents.give')}
                </button>
              </form>
            </section>`
          })}
        </div>`,
  )
}

/**
 * Shown instead of a page whose processing needs a consent not given: the text, and a button
 * that gives it and comes back to where the person was (a form they sent is not sent again; they
 * send it once more themselves, now that the consent is in force).
 */
export function consentRequiredPage(c: AppContext, error: AppError) {
  const locale = c.get('locale') ?? 'ja'
  const purpose = consentPurposes.find((p) => p === error.fields?.purpose) ?? consentPurposes[0]
  const text = consentTexts[purpose][locale]
  const here = new URL(c.req.url)
  const back = c.req.method === 'GET' ? `${here.pathname}${here.search}` : '/account/consents'
  return page(
    c,
    'consent.required.title',
    (t) =>
      html`<h1>${t('consent.required.title')}</h1>
        <p>${t('consent.required.lead')}</p>
        <section class="account-card" aria-labelledby="consent-${purpose}">
          <h2 id="consent-${purpose}">${text.title}</h2>
          <p>${text.text}</p>
          <form method="post" action="/account/consents">
            ${tokenField(c)}
            <input type="hidden" name="purpose" value="${purpose}" />
            <input type="hidden" name="text_version" value="${consentTexts[purpose].version}" />
            <input type="hidden" name="action" value="give" />
            <input type="hidden" name="return_to" value="${back}" />
            <p><button class="button" type="submit">${t('consent.required.give')}</button></p>
          </form>
          <p><a href="/">${t('consent.required.back')}</a></p>
        </section>`,
    409,
  )
}

export function consentPages() {
  return new Hono<AppEnv>()
    .get('/account/consents', ...signedInPage, (c) => consentsPage(c))
    .post('/account/consents', ...signedInPage, async (c) => {
      const form = await formFields(c)
      checkFormToken(c, form.form_token)
      const purpose = consentPurposes.find((p) => p === form.purpose)
      if (!purpose) throw new AppError('invalid_input', 'Unknown purpose.')
      const deps = c.get('deps')
      if (form.action === 'withdraw') {
        await withdrawConsent(deps, c.get('actor'), { purpose })
      } else {
        // The version of the text the page showed: a text changed since is refused (409).
        await giveConsent(deps, c.get('actor'), {
          purpose: purpose satisfies ConsentPurpose,
          text_version: form.text_version ?? consentTexts[purpose].version,
          locale: c.get('locale') ?? 'ja',
        })
      }
      return c.redirect(localPath(form.return_to, '/account/consents'), 303)
    })
}
