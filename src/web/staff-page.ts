/**
 * What the staff and moderators' pages share: their layout, and what a refusal from a service
 * becomes. Services authorise (they throw `AppError`); a page does not decide again, it only shows
 * the answer: 404 for what the person may not know of, and for a refusal of staff powers a page
 * that says to sign in with a second factor (which staff need for them).
 */
import { html } from 'hono/html'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { translator, type MessageKey, type Translate } from '#src/i18n/i18n.ts'
import { AppError } from '#src/platform/errors.ts'
import { formToken } from '#src/platform/form-token.ts'
import type { AppContext } from '#src/platform/http.ts'
import { assetUrl } from './assets.ts'
import { renderPage, type Html } from './layout.ts'

export const tr = (c: AppContext) => translator(c.get('locale') ?? 'ja')

export function staffPage(
  c: AppContext,
  title: string,
  body: (t: Translate) => Html,
  status: ContentfulStatusCode = 200,
) {
  c.header('Cache-Control', 'no-store')
  return renderPage(
    c,
    (t) => ({
      title,
      content: html`<div class="container staff">${body(t)}</div>`,
      mainClass: 'prose-page staff-page',
      head: html`<link rel="stylesheet" href="${assetUrl('staff.css')}" />`,
    }),
    status,
  )
}

export const tokenField = (c: AppContext) =>
  html`<input type="hidden" name="form_token" value="${formToken(c)}" />`

/** A notice at the top of a page after a redirect (`?done=saved`): the key names the message. */
export function notice(t: Translate, c: AppContext, keys: Record<string, MessageKey>) {
  const done = c.req.query('done')
  const key = done ? keys[done] : undefined
  return key ? html`<p class="notice notice-ok" role="status">${t(key)}</p>` : ''
}

/** The page for a refusal of staff powers: most often, a session without a second factor. */
export function refusedPage(c: AppContext) {
  const t = tr(c)
  const actor = c.get('actor')
  const secondFactor = actor.kind === 'user' && !actor.secondFactorAt
  return staffPage(
    c,
    t('staff.refused.title'),
    () =>
      html`<h1>${t('staff.refused.title')}</h1>
        ${
          secondFactor
            ? html`<p class="lead">${t('staff.refused.secondFactor')}</p>
                <p>
                  <a class="button" href="/account/security">${t('staff.refused.setUp')}</a>
                  <a class="button button-secondary" href="/sign-in"
                    >${t('staff.refused.signIn')}</a
                  >
                </p>`
            : html`<p class="lead">${t('staff.refused.other')}</p>`
        }
        <p><a href="/manage">${t('staff.dashboard.title')}</a></p>`,
    403,
  )
}

/** Runs a page's work; a service's refusal of staff powers becomes the refusal page. */
export async function asStaff(c: AppContext, work: () => Promise<Response>): Promise<Response> {
  try {
    return await work()
  } catch (error) {
    if (error instanceof AppError && error.code === 'forbidden') return refusedPage(c)
    throw error
  }
}

/** A date and time in the reader's language, in Japan's time for Japanese readers. */
export function when(date: Date | string, locale: 'ja' | 'en') {
  return new Intl.DateTimeFormat(locale === 'ja' ? 'ja-JP' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: locale === 'ja' ? 'Asia/Tokyo' : 'UTC',
  }).format(new Date(date))
}
