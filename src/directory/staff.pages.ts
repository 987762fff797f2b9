/**
 * The staff's own pages: the organisations a person runs, adding one, claiming a listing, editing
 * an organisation, its history, and its people (invite by e-mail, remove). The services decide who
 * may do what; these pages show their answers in the person's language.
 */
import { Hono } from 'hono'
import { html } from 'hono/html'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { hasRole } from '#src/access/actor.ts'
import { signedInPage } from '#src/accounts/auth.pages.ts'
import type { LocalizedText } from '#src/directory/directory.tables.ts'
import type { MessageKey, Translate } from '#src/i18n/i18n.ts'
import { createOwnOrganisation } from '#src/moderation/claims.ts'
import { AppError, notFound } from '#src/platform/errors.ts'
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
import { pick } from '#src/web/group-page-parts.ts'
import { freshnessOf } from './freshness.ts'
import { localizedFields } from './group-form.view.ts'
import { textLanguages } from './group-form.ts'
import { organisationKinds } from './groups.schema.ts'
import { requireOrganisationManager } from '#src/access/policies.ts'
import { historyWithNames, updateOrganisation } from './groups.service.ts'
import { historyTable } from './history.view.ts'
import { asStaff, notice, staffPage, tokenField, tr, when } from '#src/web/staff-page.ts'
import { myOrganisations, type OrganisationOfMine } from './staff.service.ts'

export const orgPath = (id: string) => `/manage/organisations/${encodeURIComponent(id)}`
export const nameOf = (c: AppContext, text: LocalizedText | null, fallback: string) =>
  pick(text, c.get('locale') ?? 'ja')?.text ?? fallback

export const isModerator = (c: AppContext) =>
  hasRole(c.get('actor'), 'platform', 'moderator') || hasRole(c.get('actor'), 'platform', 'admin')

// ---------------------------------------------------------------------------------------------
// My organisations

function groupRow(c: AppContext, t: Translate, g: OrganisationOfMine['groups'][number]) {
  const now = c.get('deps').clock.now()
  const freshness = freshnessOf(g.fresh_since, now)
  const state = g.hidden
    ? t('staff.dashboard.hidden')
    : freshness !== 'fresh'
      ? t(`staff.dashboard.${freshness}`)
      : t(`staff.status.${g.status}` as MessageKey)
  return html`<li class="staff-group">
    <strong><a href="/groups/${encodeURIComponent(g.id)}">${nameOf(c, g.name, g.id)}</a></strong>
    <span class="badge">${state}</span>
    <span class="muted small">
      ${
        g.last_confirmed_at
          ? t('staff.dashboard.confirmedOn', { date: when(g.last_confirmed_at, c.get('locale')) })
          : t('group.trust.neverConfirmed')
      }
    </span>
    <span class="staff-actions">
      <a href="/manage/groups/${encodeURIComponent(g.id)}/edit">${t('staff.dashboard.edit')}</a>
      <a href="/manage/groups/${encodeURIComponent(g.id)}/history">${t('staff.history.title')}</a>
      <form method="post" action="/manage/groups/${encodeURIComponent(g.id)}/confirm">
        ${tokenField(c)}
        <input type="hidden" name="back" value="manage" />
        <button class="button button-secondary" type="submit">${t('staff.confirm.button')}</button>
      </form>
    </span>
  </li>`
}

async function dashboard(c: AppContext) {
  const t = tr(c)
  const organisations = await myOrganisations(c.get('deps'), c.get('actor'))
  return staffPage(
    c,
    t('staff.dashboard.title'),
    () =>
      html`<h1>${t('staff.dashboard.title')}</h1>
        ${notice(t, c, {
          confirmed: 'staff.confirm.done',
          created: 'staff.org.created',
          joined: 'staff.invite.joined',
          claimed: 'staff.claim.claimed',
        })}
        <p class="lead">${t('staff.dashboard.lead')}</p>
        ${
          isModerator(c)
            ? html`<p class="callout"><a href="/moderation">${t('moderation.title')}</a></p>`
            : ''
        }
        ${
          organisations.length === 0
            ? html`<p>${t('staff.dashboard.none')}</p>`
            : organisations.map(
                (o) =>
                  html`<section class="account-card" aria-labelledby="org-${o.id}">
                    <h2 id="org-${o.id}">${nameOf(c, o.name, o.id)}</h2>
                    <p class="muted">
                      ${t(`staff.role.${o.role}` as MessageKey)} ·
                      ${o.verified ? t('group.trust.orgVerified') : t('staff.dashboard.unverified')}
                    </p>
                    <p class="staff-actions">
                      <a href="${orgPath(o.id)}">${t('staff.org.edit')}</a>
                      <a href="${orgPath(o.id)}/staff">${t('staff.people.title')}</a>
                      <a href="${orgPath(o.id)}/history">${t('staff.history.title')}</a>
                      <a href="/organisations/${encodeURIComponent(o.id)}"
                        >${t('staff.org.viewPage')}</a
                      >
                    </p>
                    ${
                      o.groups.length
                        ? html`<ul class="plain-list">
                            ${o.groups.map((g) => groupRow(c, t, g))}
                          </ul>`
                        : html`<p>${t('staff.dashboard.noGroups')}</p>`
                    }
                    <p>
                      <a class="button" href="${orgPath(o.id)}/groups/new"
                        >${t('staff.group.newTitle')}</a
                      >
                    </p>
                  </section>`,
              )
        }
        <p class="staff-actions">
          <a class="button" href="/manage/organisations/new">${t('staff.org.newTitle')}</a>
          <a class="button button-secondary" href="/manage/claim">${t('staff.claim.title')}</a>
        </p>`,
  )
}

// ---------------------------------------------------------------------------------------------
// An organisation's own fields

function organisationInput(values: FormValues) {
  const text = (prefix: string) => {
    const out: Record<string, string> = {}
    for (const lang of textLanguages(values, prefix)) {
      const v = one(values, `${prefix}.${lang}`)
      if (v) out[lang] = v
    }
    const langs = Object.keys(out)
    if (!langs.length) return null
    const chosen = one(values, `${prefix}.original`)
    return { ...out, original: langs.length === 1 || !chosen ? langs[0]! : chosen } as LocalizedText
  }
  return {
    kind: (one(values, 'kind') || 'other') as 'other',
    name: text('name') ?? (undefined as never),
    description: text('description'),
    url: one(values, 'url') || null,
    email: one(values, 'email') || null,
    parent_id: one(values, 'parent_id') || null,
  }
}

function organisationValues(o: {
  kind: string
  name: LocalizedText
  description: LocalizedText | null
  url: string | null
  email: string | null
  parent_id: string | null
}): FormValues {
  const values: FormValues = { kind: [o.kind] }
  for (const [prefix, text] of [
    ['name', o.name],
    ['description', o.description],
  ] as const) {
    if (!text) continue
    for (const [lang, value] of Object.entries(text)) values[`${prefix}.${lang}`] = [value]
  }
  if (o.url) values.url = [o.url]
  if (o.email) values.email = [o.email]
  if (o.parent_id) values.parent_id = [o.parent_id]
  return values
}

const orgMessages: Record<string, MessageKey> = {
  name: 'staff.error.text',
  description: 'staff.error.text',
  url: 'staff.error.url',
  email: 'staff.error.email',
  kind: 'staff.error.generic',
  parent_id: 'staff.error.parent_id',
}

async function organisationForm(
  c: AppContext,
  target: { id?: string },
  values: FormValues,
  problems: Problems = {},
  status: ContentfulStatusCode = 200,
) {
  const t = tr(c)
  const locale = c.get('locale') ?? 'ja'
  const mine = await myOrganisations(c.get('deps'), c.get('actor'))
  const parents = mine.filter((o) => o.id !== target.id)
  const current = one(values, 'parent_id')
  const title = target.id ? t('staff.org.edit') : t('staff.org.newTitle')
  return staffPage(
    c,
    title,
    () =>
      html`<h1>${title}</h1>
        ${notice(t, c, { saved: 'staff.org.saved' })}
        ${target.id ? '' : html`<p class="lead">${t('staff.org.lead')}</p>`}
        ${problemSummary(t, problems)}
        <form
          class="staff-form"
          method="post"
          action="${target.id ? orgPath(target.id) : '/manage/organisations/new'}"
          novalidate
        >
          ${tokenField(c)}
          ${localizedFields({ t, locale, values, problems }, 'name', t('staff.org.name'), { maxlength: 300 })}
          ${localizedFields({ t, locale, values, problems }, 'description', t('staff.org.description'), { multiline: true, maxlength: 10_000 })}
          ${select({ name: 'kind', label: t('staff.org.kind'), values, problems, options: organisationKinds.map((k) => ({ value: k, label: t(`vocab.orgKind.${k}`) })) })}
          ${textInput({ name: 'url', label: t('staff.org.url'), hint: t('staff.org.url.hint'), values, problems, type: 'url' })}
          ${textInput({ name: 'email', label: t('staff.org.email'), hint: t('staff.org.email.hint'), values, problems, type: 'email' })}
          ${select({
            name: 'parent_id',
            label: t('staff.org.parent'),
            hint: t('staff.org.parent.hint'),
            values,
            problems,
            options: [
              { value: '', label: t('staff.org.noParent') },
              ...parents.map((o) => ({ value: o.id, label: nameOf(c, o.name, o.id) })),
              ...(current && !parents.some((o) => o.id === current)
                ? [{ value: current, label: current }]
                : []),
            ],
          })}
          <p>
            <button class="button" type="submit">
              ${target.id ? t('staff.org.save') : t('staff.org.create')}
            </button>
          </p>
        </form>`,
    status,
  )
}

async function submitOrganisation(c: AppContext, id?: string) {
  const t = tr(c)
  const values = await readForm(c)
  try {
    checkFormToken(c, one(values, 'form_token'))
  } catch {
    return organisationForm(c, { id }, values, { _: t('account.formExpired') }, 400)
  }
  const input = organisationInput(values)
  const deps = c.get('deps')
  try {
    if (id) {
      await updateOrganisation(deps, c.get('actor'), id, input)
      return c.redirect(`${orgPath(id)}?done=saved`, 303)
    }
    await createOwnOrganisation(deps, c.get('actor'), input)
    return c.redirect('/manage?done=created', 303)
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'invalid_input') throw error
    const problems: Problems = {}
    for (const path of Object.keys(error.fields ?? {})) {
      const field = path.split('.')[0]!
      problems[field] ??= t(orgMessages[field] ?? 'staff.error.generic')
    }
    if (!Object.keys(problems).length) problems._ = t('staff.error.generic')
    return organisationForm(c, { id }, values, problems, 400)
  }
}

export async function storedOrganisation(c: AppContext, id: string) {
  requireOrganisationManager(c.get('actor'), id)
  const org = await c
    .get('deps')
    .db.selectFrom('organisation')
    .select(['id', 'kind', 'name', 'description', 'url', 'email', 'parent_id'])
    .where('id', '=', id)
    .executeTakeFirst()
  if (!org) throw notFound()
  return org
}

export function staffPages() {
  return new Hono<AppEnv>()
    .get('/manage', ...signedInPage, (c) => dashboard(c))
    .get('/manage/organisations/new', ...signedInPage, (c) =>
      organisationForm(
        c,
        {},
        { kind: ['patient_advocacy'], 'name.original': [c.get('locale') ?? 'ja'] },
      ),
    )
    .post('/manage/organisations/new', ...signedInPage, (c) =>
      asStaff(c, () => submitOrganisation(c)),
    )
    .get('/manage/organisations/:id', ...signedInPage, async (c) =>
      organisationForm(
        c,
        { id: c.req.param('id') },
        organisationValues(await storedOrganisation(c, c.req.param('id'))),
      ),
    )
    .post('/manage/organisations/:id', ...signedInPage, async (c) => {
      const org = await storedOrganisation(c, c.req.param('id'))
      return asStaff(c, () => submitOrganisation(c, org.id))
    })
    .get('/manage/organisations/:id/history', ...signedInPage, async (c) => {
      const org = await storedOrganisation(c, c.req.param('id'))
      const t = tr(c)
      const rows = await historyWithNames(c.get('deps'), c.get('actor'), 'organisation', org.id)
      return staffPage(
        c,
        t('staff.history.title'),
        () =>
          html`<h1>${t('staff.history.title')}</h1>
            <p class="lead">${nameOf(c, org.name, org.id)}</p>
            ${historyTable(c, rows)}`,
      )
    })
}
