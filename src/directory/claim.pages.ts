/**
 * Claiming a listing already in the directory: find the organisation by name, then claim it (at
 * once with an address at its own domain, else a moderator decides).
 */
import { Hono } from 'hono'
import { html } from 'hono/html'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { signedInPage } from '#src/accounts/auth.pages.ts'
import { claimOrganisation } from '#src/moderation/claims.ts'
import { AppError, notFound } from '#src/platform/errors.ts'
import { checkFormToken } from '#src/platform/form-token.ts'
import type { AppContext, AppEnv } from '#src/platform/http.ts'
import {
  one,
  problemSummary,
  readForm,
  textArea,
  textInput,
  type FormValues,
  type Problems,
} from '#src/web/forms.ts'
import { asStaff, staffPage, tokenField, tr } from '#src/web/staff-page.ts'
import { nameOf, orgPath } from './staff.pages.ts'
import { findOrganisations } from './staff.service.ts'

// ---------------------------------------------------------------------------------------------
// Claiming a listing

async function claimSearch(c: AppContext) {
  const t = tr(c)
  const q = (c.req.query('q') ?? '').slice(0, 200)
  const found = q ? await findOrganisations(c.get('deps'), q) : []
  return staffPage(
    c,
    t('staff.claim.title'),
    () =>
      html`<h1>${t('staff.claim.title')}</h1>
        <p class="lead">${t('staff.claim.lead')}</p>
        <form method="get" action="/manage/claim" class="staff-form">
          ${textInput({ name: 'q', label: t('staff.claim.search'), values: { q: [q] }, problems: {} })}
          <p><button class="button" type="submit">${t('staff.claim.find')}</button></p>
        </form>
        ${
          q
            ? found.length
              ? html`<ul class="plain-list">
                  ${found.map(
                    (o) =>
                      html`<li>
                        <a href="${orgPath(o.id)}/claim">${nameOf(c, o.name, o.id)}</a>
                        ${o.url ? html`<span class="muted small">${o.url}</span>` : ''}
                      </li>`,
                  )}
                </ul>`
              : html`<p>${t('staff.claim.nothing')}</p>`
            : ''
        }
        <p><a href="/manage/organisations/new">${t('staff.org.newTitle')}</a></p>`,
  )
}

async function claimForm(
  c: AppContext,
  problems: Problems = {},
  status: ContentfulStatusCode = 200,
  values: FormValues = {},
) {
  const t = tr(c)
  const id = c.req.param('id')!
  const org = await c
    .get('deps')
    .db.selectFrom('organisation')
    .select(['id', 'name', 'url', 'email'])
    .where('id', '=', id)
    .executeTakeFirst()
  if (!org) throw notFound()
  return staffPage(
    c,
    t('staff.claim.title'),
    () =>
      html`<h1>${t('staff.claim.of', { name: nameOf(c, org.name, org.id) })}</h1>
        <p class="lead">${t('staff.claim.how')}</p>
        ${problemSummary(t, problems)}
        <form class="staff-form" method="post" action="${orgPath(id)}/claim" novalidate>
          ${tokenField(c)}
          ${textArea({ name: 'message', label: t('staff.claim.message'), hint: t('staff.claim.message.hint'), values, problems, maxlength: 5000 })}
          <p><button class="button" type="submit">${t('staff.claim.button')}</button></p>
        </form>`,
    status,
  )
}

export function claimPages() {
  return new Hono<AppEnv>()
    .get('/manage/claim', ...signedInPage, (c) => claimSearch(c))
    .get('/manage/organisations/:id/claim', ...signedInPage, (c) => claimForm(c))
    .post('/manage/organisations/:id/claim', ...signedInPage, async (c) => {
      const t = tr(c)
      const values = await readForm(c)
      try {
        checkFormToken(c, one(values, 'form_token'))
      } catch {
        return claimForm(c, { _: t('account.formExpired') }, 400, values)
      }
      return asStaff(c, async () => {
        try {
          const result = await claimOrganisation(c.get('deps'), c.get('actor'), c.req.param('id'), {
            message: one(values, 'message'),
            locale: c.get('locale') ?? 'ja',
          })
          if (result.status !== 'pending') return c.redirect('/manage?done=claimed', 303)
          return staffPage(
            c,
            t('staff.claim.title'),
            () =>
              html`<h1>${t('staff.claim.pendingTitle')}</h1>
                <p class="lead" role="status">${t('staff.claim.pending')}</p>
                <p><a href="/manage">${t('staff.dashboard.title')}</a></p>`,
          )
        } catch (error) {
          if (error instanceof AppError && error.code === 'invalid_input') {
            return claimForm(c, { message: t('staff.error.message') }, 400, values)
          }
          throw error
        }
      })
    })
}
