/**
 * The directory's public pages: a group's page with its two forms, the one-click confirmation
 * mailed to the people who run a group, an organisation's page and the sitemap. Plain HTML and
 * forms, so all of it works without JavaScript.
 */
import { Hono } from 'hono'
import { html } from 'hono/html'
import { policy } from '#src/access/route-policy.ts'
import { canManageOrganisation } from '#src/access/policies.ts'
import { formToken } from '#src/platform/form-token.ts'
import { translator, type Translate } from '#src/i18n/i18n.ts'
import { checkFeedback, submitFeedback } from '#src/moderation/moderation.service.ts'
import { countFeedback } from '#src/moderation/moderation.routes.ts'
import { checkConfirmLink, confirmByLink } from '#src/moderation/stale-reminders.ts'
import { clientIp } from '#src/platform/client-ip.ts'
import { AppError } from '#src/platform/errors.ts'
import type { AppContext, AppEnv } from '#src/platform/http.ts'
import { loadGroupPage } from './group-page-data.ts'
import { formatInstant, pick } from './group-page-parts.ts'
import { groupPage, type FeedbackState } from './group-page.ts'
import { renderPage } from './layout.ts'
import { loadOrganisationPage, organisationPage } from './organisation-page.ts'
import { siteOrigin, sitemap, sitemapPage } from './sitemap.ts'

const groupPath = (id: string) => `/groups/${encodeURIComponent(id)}`

async function showGroup(
  c: AppContext,
  id: string,
  feedback?: FeedbackState,
  status: 200 | 400 | 429 = 200,
) {
  const deps = c.get('deps')
  const data = await loadGroupPage(deps, c.get('actor'), id)
  const origin = siteOrigin(c)
  const locale = c.get('locale')
  // The people who run the listing get its "still current" button and their links on the page.
  const staff =
    c.get('actor').kind === 'user' &&
    canManageOrganisation(c.get('actor'), data.profile.organisation.id)
      ? { token: formToken(c), confirmed: c.req.query('confirmed') === '1' }
      : undefined
  return renderPage(
    c,
    (t) =>
      groupPage(data, {
        t,
        locale,
        pageUrl: `${origin}${groupPath(id)}`,
        organisationUrl: `${origin}/organisations/${encodeURIComponent(data.profile.organisation.id)}`,
        now: deps.clock.now(),
        feedback,
        staff,
      }),
    status,
  )
}

const errorText = (t: Translate, code: string) =>
  code === 'choose' ? t('group.error.choose') : t('group.error.details')

/** The no-JS forms: a report of a concern, or a suggested edit. */
function feedbackHandler(kind: 'report' | 'suggestion') {
  const form = kind === 'report' ? 'report' : 'suggest'
  return async (c: AppContext) => {
    const id = c.req.param('id') ?? ''
    const deps = c.get('deps')
    const actor = c.get('actor')
    const body = await c.req.parseBody()
    const value = (name: string) => (typeof body[name] === 'string' ? body[name] : undefined)
    const reason = value(kind === 'report' ? 'reason' : 'field')
    const details = value('details')
    const values = { reason: reason ?? '', field: reason ?? '', details: details ?? '' }
    // Only bots fill the hidden field; they are thanked and nothing is kept.
    if (value('website')) return c.redirect(`${groupPath(id)}?sent=1#feedback`, 303)
    const checked = checkFeedback({ kind, reason, details })
    if ('errors' in checked) {
      const t = translator(c.get('locale'))
      const errors = Object.fromEntries(
        Object.entries(checked.errors).map(([field, code]) => [field, errorText(t, code)]),
      )
      return showGroup(c, id, { form, errors, values }, 400)
    }
    try {
      await countFeedback(deps, actor, clientIp(c), id)
    } catch (error) {
      if (error instanceof AppError && error.code === 'rate_limited') {
        if (error.retryAfterSeconds !== undefined) {
          c.header('Retry-After', String(error.retryAfterSeconds))
        }
        return showGroup(c, id, { form, limited: true, values }, 429)
      }
      throw error
    }
    await submitFeedback(deps, actor, {
      groupId: id,
      kind,
      reason: checked.reason,
      details: checked.details,
      locale: c.get('locale'),
    })
    return c.redirect(`${groupPath(id)}?sent=1#feedback`, 303)
  }
}

function confirmPage(
  t: Translate,
  c: AppContext,
  state: { groupId: string; name: Parameters<typeof pick>[0] },
  done: Date | null,
) {
  const locale = c.get('locale')
  const name = pick(state.name, locale)?.text ?? state.groupId
  const url = new URL(c.req.url)
  return {
    title: t('confirm.title'),
    mainClass: 'prose-page',
    content: html`<div class="container prose confirm-page">
      <h1>${t('confirm.title')}</h1>
      ${
        done
          ? html`<p class="notice notice-ok" role="status">
                ${t('confirm.done', { date: formatInstant(done, locale) })}
              </p>
              <p><a href="${groupPath(state.groupId)}">${t('confirm.back')}</a></p>`
          : html`<p class="lead">${t('confirm.question', { name })}</p>
              <p><a href="${groupPath(state.groupId)}">${t('confirm.check')}</a></p>
              <form method="post" action="${url.pathname}${url.search}">
                <button class="button" type="submit">${t('confirm.button')}</button>
              </form>
              <p class="muted">${t('confirm.edit')}</p>`
      }
    </div>`,
  }
}

export function groupPageRoutes() {
  return new Hono<AppEnv>()
    .get('/groups/:id', policy('public'), (c) =>
      showGroup(c, c.req.param('id'), c.req.query('sent') === '1' ? { sent: true } : undefined),
    )
    .post('/groups/:id/report', policy('public'), feedbackHandler('report'))
    .post('/groups/:id/suggest', policy('public'), feedbackHandler('suggestion'))
    .get('/groups/:id/confirm', policy('public'), async (c) => {
      const state = await checkConfirmLink(
        c.get('deps'),
        c.req.param('id'),
        c.req.query('u'),
        c.req.query('t'),
      )
      c.header('Cache-Control', 'no-store')
      c.header('Referrer-Policy', 'no-referrer')
      return renderPage(c, (t) => confirmPage(t, c, state, null))
    })
    .post('/groups/:id/confirm', policy('public'), async (c) => {
      const deps = c.get('deps')
      const state = await confirmByLink(deps, c.req.param('id'), c.req.query('u'), c.req.query('t'))
      c.header('Cache-Control', 'no-store')
      c.header('Referrer-Policy', 'no-referrer')
      return renderPage(c, (t) => confirmPage(t, c, state, deps.clock.now()))
    })
    .get('/organisations/:id', policy('public'), async (c) => {
      const deps = c.get('deps')
      const id = c.req.param('id')
      const data = await loadOrganisationPage(deps, id)
      const pageUrl = `${siteOrigin(c)}/organisations/${encodeURIComponent(id)}`
      const locale = c.get('locale')
      return renderPage(c, (t) =>
        organisationPage(data, { t, locale, pageUrl, now: deps.clock.now() }),
      )
    })
    .get('/sitemap.xml', policy('public'), (c) => sitemap(c))
    .get('/sitemap-:page{[0-9]+}.xml', policy('public'), (c) =>
      sitemapPage(c, Number(c.req.param('page'))),
    )
}
