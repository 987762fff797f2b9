/**
 * An organisation's people: who runs it, inviting a colleague by e-mail (the link only works for a
 * person signed in with that address), withdrawing an invitation, removing someone. The services
 * decide who may; the organisation's staff see the list, its admins change it.
 */
import { Hono } from 'hono'
import { html } from 'hono/html'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { hasRole } from '#src/access/actor.ts'
import { signedInPage } from '#src/accounts/auth.pages.ts'
import type { MessageKey } from '#src/i18n/i18n.ts'
import { AppError } from '#src/platform/errors.ts'
import { checkFormToken } from '#src/platform/form-token.ts'
import type { AppContext, AppEnv } from '#src/platform/http.ts'
import {
  one,
  problemSummary,
  readForm,
  select,
  textInput,
  type FormValues,
  type Problems,
} from '#src/web/forms.ts'
import {
  asStaff,
  notice,
  refusedPage,
  staffPage,
  tokenField,
  tr,
  when,
} from '#src/web/staff-page.ts'
import { isModerator, nameOf, orgPath, storedOrganisation } from './staff.pages.ts'
import {
  acceptInvitation,
  invitationFor,
  inviteStaff,
  listStaff,
  removeStaff,
  withdrawInvitation,
} from './staff.service.ts'

// ---------------------------------------------------------------------------------------------
// People

async function peoplePage(
  c: AppContext,
  problems: Problems = {},
  status: ContentfulStatusCode = 200,
) {
  const t = tr(c)
  const id = c.req.param('id')!
  const org = await storedOrganisation(c, id)
  const { people, invitations } = await listStaff(c.get('deps'), c.get('actor'), id)
  const admin = isModerator(c) || hasRole(c.get('actor'), 'organisation', 'admin', id)
  const locale = c.get('locale') ?? 'ja'
  const values: FormValues = { role: ['staff'], locale: [locale] }
  return staffPage(
    c,
    t('staff.people.title'),
    () =>
      html`<h1>${t('staff.people.title')}</h1>
        <p class="lead">${nameOf(c, org.name, org.id)}</p>
        ${notice(t, c, { invited: 'staff.invite.sent', removed: 'staff.people.removed', withdrawn: 'staff.invite.withdrawn' })}
        ${problemSummary(t, problems)}
        <ul class="plain-list">
          ${people.map(
            (p) =>
              html`<li class="staff-person">
                <strong>${p.display_name ?? t('staff.history.someone')}</strong>
                <span class="muted">${p.email ?? ''}</span>
                <span class="badge">${t(`staff.role.${p.role}` as MessageKey)}</span>
                ${
                  admin
                    ? html`<form method="post" action="${orgPath(id)}/staff/remove">
                        ${tokenField(c)}
                        <input type="hidden" name="user_id" value="${p.user_id}" />
                        <input type="hidden" name="role" value="${p.role}" />
                        <button class="button button-secondary" type="submit">
                          ${t('staff.people.remove')}
                        </button>
                      </form>`
                    : ''
                }
              </li>`,
          )}
        </ul>
        ${
          invitations.length
            ? html`<h2>${t('staff.invite.pending')}</h2>
                <ul class="plain-list">
                  ${invitations.map(
                    (i) =>
                      html`<li class="staff-person">
                        ${i.email}
                        <span class="badge">${t(`staff.role.${i.role}` as MessageKey)}</span>
                        <span class="muted small"
                          >${t('staff.invite.until', { date: when(i.expires_at, locale) })}</span
                        >
                        ${
                          admin
                            ? html`<form method="post" action="${orgPath(id)}/staff/withdraw">
                                ${tokenField(c)}
                                <input type="hidden" name="invitation_id" value="${i.id}" />
                                <button class="button button-secondary" type="submit">
                                  ${t('staff.invite.withdraw')}
                                </button>
                              </form>`
                            : ''
                        }
                      </li>`,
                  )}
                </ul>`
            : ''
        }
        ${
          admin
            ? html`<h2>${t('staff.invite.title')}</h2>
                <p>${t('staff.invite.lead')}</p>
                <form
                  class="staff-form"
                  method="post"
                  action="${orgPath(id)}/staff/invite"
                  novalidate
                >
                  ${tokenField(c)}
                  ${textInput({ name: 'email', label: t('staff.invite.email'), values, problems, type: 'email', autocomplete: 'off' })}
                  ${select({ name: 'role', label: t('staff.invite.role'), values, problems, options: ['staff', 'admin'].map((r) => ({ value: r, label: t(`staff.role.${r}` as MessageKey) })) })}
                  ${select({
                    name: 'locale',
                    label: t('staff.invite.language'),
                    values,
                    problems,
                    options: [
                      { value: 'ja', label: '日本語', lang: 'ja' },
                      { value: 'en', label: 'English', lang: 'en' },
                    ],
                  })}
                  <p><button class="button" type="submit">${t('staff.invite.send')}</button></p>
                </form>`
            : html`<p class="muted">${t('staff.people.adminsOnly')}</p>`
        }`,
    status,
  )
}

/** A people form's post: the token, then the service's answer, back to the people page. */
function peopleAction(work: (c: AppContext, values: FormValues) => Promise<string>) {
  return async (c: AppContext) => {
    const t = tr(c)
    const values = await readForm(c)
    try {
      checkFormToken(c, one(values, 'form_token'))
    } catch {
      return peoplePage(c, { _: t('account.formExpired') }, 400)
    }
    try {
      const done = await work(c, values)
      return c.redirect(`${orgPath(c.req.param('id')!)}/staff?done=${done}`, 303)
    } catch (error) {
      if (!(error instanceof AppError)) throw error
      if (error.code === 'invalid_input')
        return peoplePage(c, { email: t('staff.error.email') }, 400)
      if (error.code === 'conflict') return peoplePage(c, { _: t('staff.people.lastAdmin') }, 409)
      if (error.code === 'forbidden') return refusedPage(c)
      throw error
    }
  }
}

export function peoplePages() {
  return new Hono<AppEnv>()
    .get('/manage/organisations/:id/staff', ...signedInPage, (c) => peoplePage(c))
    .post(
      '/manage/organisations/:id/staff/invite',
      ...signedInPage,
      peopleAction(async (c, v) => {
        await inviteStaff(c.get('deps'), c.get('actor'), c.req.param('id')!, {
          email: one(v, 'email'),
          role: one(v, 'role'),
          locale: one(v, 'locale'),
        })
        return 'invited'
      }),
    )
    .post(
      '/manage/organisations/:id/staff/remove',
      ...signedInPage,
      peopleAction(async (c, v) => {
        await removeStaff(c.get('deps'), c.get('actor'), c.req.param('id')!, {
          userId: one(v, 'user_id'),
          role: one(v, 'role'),
        })
        return 'removed'
      }),
    )
    .post(
      '/manage/organisations/:id/staff/withdraw',
      ...signedInPage,
      peopleAction(async (c, v) => {
        await withdrawInvitation(
          c.get('deps'),
          c.get('actor'),
          c.req.param('id')!,
          one(v, 'invitation_id'),
        )
        return 'withdrawn'
      }),
    )
    .get('/manage/invitation', ...signedInPage, async (c) => {
      const t = tr(c)
      const token = c.req.query('token') ?? ''
      const invitation = await invitationFor(c.get('deps'), c.get('actor'), token)
      c.header('Referrer-Policy', 'no-referrer')
      return staffPage(
        c,
        t('staff.invite.acceptTitle'),
        () =>
          html`<h1>${t('staff.invite.acceptTitle')}</h1>
            <p class="lead">
              ${t('staff.invite.question', { name: nameOf(c, invitation.name, invitation.organisation_id), role: t(`staff.role.${invitation.role}` as MessageKey) })}
            </p>
            <form method="post" action="/manage/invitation">
              ${tokenField(c)}
              <input type="hidden" name="token" value="${token}" />
              <button class="button" type="submit">${t('staff.invite.accept')}</button>
            </form>`,
      )
    })
    .post('/manage/invitation', ...signedInPage, async (c) => {
      const values = await readForm(c)
      checkFormToken(c, one(values, 'form_token'))
      c.header('Referrer-Policy', 'no-referrer')
      return asStaff(c, async () => {
        await acceptInvitation(c.get('deps'), c.get('actor'), one(values, 'token'))
        return c.redirect('/manage?done=joined', 303)
      })
    })
}
