/**
 * The moderators' page: the open queue (claims, reports, suggested edits) with the actions the API
 * has, organisations waiting to be verified, a form to act on any listing by its id, and what
 * moderators did lately. To anyone who is not a moderator the page is not there (404): the
 * services say so.
 */
import { Hono } from 'hono'
import { html } from 'hono/html'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { signedInPage } from '#src/accounts/auth.pages.ts'
import type { LocalizedText } from '#src/directory/directory.tables.ts'
import type { MessageKey, Translate } from '#src/i18n/i18n.ts'
import { AppError } from '#src/platform/errors.ts'
import { checkFormToken } from '#src/platform/form-token.ts'
import type { AppContext, AppEnv } from '#src/platform/http.ts'
import {
  one,
  problemSummary,
  readForm,
  select,
  textArea,
  textInput,
  type FormValues,
  type Problems,
} from '#src/web/forms.ts'
import { pick } from '#src/web/group-page-parts.ts'
import { asStaff, notice, staffPage, tokenField, tr, when } from '#src/web/staff-page.ts'
import {
  actOnGroup,
  actOnItem,
  groupActions,
  listQueue,
  organisationsToVerify,
  recentActions,
  verifyOrganisation,
  type ActionInput,
  type QueueItem,
} from './moderation.service.ts'

const nameOf = (c: AppContext, text: unknown, fallback: string) =>
  pick(text as LocalizedText | null, c.get('locale') ?? 'ja')?.text ?? fallback

/** Problems of one form on the page, by the form's own key. */
interface PageState {
  form?: string
  problems?: Problems
  values?: FormValues
}

function actionOptions(t: Translate, item: QueueItem) {
  const actions =
    item.kind === 'claim'
      ? ['approve_claim', 'reject_claim']
      : item.kind === 'suggestion'
        ? ['apply_edit', 'dismiss', 'mark_verified']
        : ['dismiss', 'hide_listing', 'close_group', 'mark_verified', 'apply_edit']
  return actions.map((a) => ({ value: a, label: t(`moderation.action.${a}` as MessageKey) }))
}

function itemCard(c: AppContext, t: Translate, item: QueueItem, state: PageState) {
  const key = `item-${item.id}`
  const mine = state.form === key
  const problems = mine ? (state.problems ?? {}) : {}
  const values = mine ? (state.values ?? {}) : {}
  const locale = c.get('locale') ?? 'ja'
  const what =
    item.kind === 'claim'
      ? t('moderation.kind.claim')
      : item.kind === 'report'
        ? t('moderation.kind.report', {
            reason: t(`group.report.reason.${item.reason}` as MessageKey),
          })
        : t('moderation.kind.suggestion', {
            field: t(`group.suggest.field.${item.reason}` as MessageKey),
          })
  return html`<li class="account-card moderation-item" id="${key}">
    <h3>${what}</h3>
    <p class="muted small">${when(item.created_at, locale)}</p>
    <p>
      ${t('moderation.organisation')}:
      <a href="/organisations/${encodeURIComponent(item.organisation.id)}"
        >${nameOf(c, item.organisation.name, item.organisation.id)}</a
      >
      ${item.organisation.verified ? html`<span class="badge">${t('group.trust.orgVerified')}</span>` : ''}
    </p>
    ${
      item.group
        ? html`<p>
            ${t('moderation.group')}:
            <a href="/groups/${encodeURIComponent(item.group.id)}"
              >${nameOf(c, item.group.name, item.group.id)}</a
            >
            <span class="code">${item.group.id}</span>
            ${item.group.hidden ? html`<span class="badge badge-warn">${t('staff.dashboard.hidden')}</span>` : ''}
            ·
            <a href="/manage/groups/${encodeURIComponent(item.group.id)}/edit"
              >${t('moderation.editListing')}</a
            >
          </p>`
        : ''
    }
    ${
      item.reporter && item.kind === 'claim'
        ? html`<p>
            ${t('moderation.claimant')}: ${item.reporter.display_name ?? ''}
            &lt;${item.reporter.email ?? ''}&gt;
          </p>`
        : ''
    }
    ${item.details ? html`<blockquote class="moderation-details">${item.details}</blockquote>` : ''}
    ${problemSummary(t, problems)}
    <form class="staff-form" method="post" action="/moderation/items/${item.id}" novalidate>
      ${tokenField(c)}
      ${select({ name: 'action', label: t('moderation.action'), values, problems, options: actionOptions(t, item) })}
      ${item.kind === 'claim' ? '' : textArea({ name: 'patch', label: t('moderation.patch'), hint: t('moderation.patch.hint', { example: '{"phone": "043-000-0000"}' }), values, problems, rows: 3, maxlength: 20_000 })}
      ${textArea({ name: 'note', label: t('moderation.note'), hint: t('moderation.note.hint'), values, problems, rows: 2, maxlength: 2000 })}
      <p><button class="button" type="submit">${t('moderation.do')}</button></p>
    </form>
  </li>`
}

async function queuePage(c: AppContext, state: PageState = {}, status: ContentfulStatusCode = 200) {
  const t = tr(c)
  const deps = c.get('deps')
  const actor = c.get('actor')
  const locale = c.get('locale') ?? 'ja'
  const [items, organisations, recent] = await Promise.all([
    listQueue(deps, actor, { status: 'open' }),
    organisationsToVerify(deps, actor),
    recentActions(deps, actor),
  ])
  const groupForm = state.form === 'group'
  const listingProblems = groupForm ? (state.problems ?? {}) : {}
  const listingValues = groupForm ? (state.values ?? {}) : {}
  return staffPage(
    c,
    t('moderation.title'),
    () =>
      html`<h1>${t('moderation.title')}</h1>
        ${notice(t, c, { done: 'moderation.done', verified: 'moderation.verified' })}
        <section aria-labelledby="queue-heading">
          <h2 id="queue-heading">${t('moderation.queue', { count: items.length })}</h2>
          ${
            items.length
              ? html`<ol class="plain-list">
                  ${items.map((item) => itemCard(c, t, item, state))}
                </ol>`
              : html`<p>${t('moderation.empty')}</p>`
          }
        </section>
        <section aria-labelledby="verify-heading">
          <h2 id="verify-heading">${t('moderation.toVerify')}</h2>
          ${
            organisations.length
              ? html`<ul class="plain-list">
                  ${organisations.map((o) => {
                    const key = `org-${o.id}`
                    const problems = state.form === key ? (state.problems ?? {}) : {}
                    return html`<li class="account-card" id="${key}">
                      <h3>
                        <a href="/organisations/${encodeURIComponent(o.id)}"
                          >${nameOf(c, o.name, o.id)}</a
                        >
                      </h3>
                      <p class="muted small">
                        ${[o.url, o.email].filter(Boolean).join(' · ')} ·
                        ${when(o.created_at, locale)}
                      </p>
                      ${problemSummary(t, problems)}
                      <form
                        class="staff-form"
                        method="post"
                        action="/moderation/organisations/${encodeURIComponent(o.id)}/verify"
                        novalidate
                      >
                        ${tokenField(c)}
                        ${textInput({ name: 'note', label: t('moderation.verifyNote'), values: {}, problems, maxlength: 2000 })}
                        <p>
                          <button class="button" type="submit">${t('moderation.verify')}</button>
                        </p>
                      </form>
                    </li>`
                  })}
                </ul>`
              : html`<p>${t('moderation.noneToVerify')}</p>`
          }
        </section>
        <section aria-labelledby="listing-heading" id="group">
          <h2 id="listing-heading">${t('moderation.listing')}</h2>
          ${problemSummary(t, listingProblems)}
          <form class="staff-form" method="post" action="/moderation/groups" novalidate>
            ${tokenField(c)}
            ${textInput({ name: 'group_id', label: t('moderation.groupId'), values: listingValues, problems: listingProblems, maxlength: 200 })}
            ${select({ name: 'action', label: t('moderation.action'), values: listingValues, problems: listingProblems, options: groupActions.filter((a) => a !== 'dismiss' && a !== 'apply_edit').map((a) => ({ value: a, label: t(`moderation.action.${a}` as MessageKey) })) })}
            ${textArea({ name: 'note', label: t('moderation.note'), values: listingValues, problems: listingProblems, rows: 2, maxlength: 2000 })}
            <p><button class="button" type="submit">${t('moderation.do')}</button></p>
          </form>
        </section>
        <section aria-labelledby="recent-heading">
          <h2 id="recent-heading">${t('moderation.recent')}</h2>
          ${
            recent.length
              ? html`<ul class="plain-list">
                  ${recent.map(
                    (a) =>
                      html`<li>
                        <time datetime="${a.at.toISOString()}">${when(a.at, locale)}</time> ·
                        ${t(`moderation.action.${a.action}` as MessageKey)} ·
                        <span class="code">${a.subject_id}</span> ·
                        ${a.actor_name ?? t('staff.history.system')} <br /><span class="muted"
                          >${a.note}</span
                        >
                      </li>`,
                  )}
                </ul>`
              : html`<p>${t('moderation.nothingYet')}</p>`
          }
        </section>`,
    status,
  )
}

const noteMessage = (t: Translate) => t('moderation.error.note')

/** What a refusal of the input becomes on the page, by field. */
function problemsOf(t: Translate, error: unknown): Problems | null {
  if (!(error instanceof AppError)) return null
  if (error.code === 'conflict') return { _: t('moderation.error.conflict') }
  if (error.code !== 'invalid_input') return null
  const problems: Problems = {}
  for (const field of Object.keys(error.fields ?? {})) {
    if (field === 'note') problems.note = noteMessage(t)
    else if (field === 'action') problems.action = t('moderation.error.action')
    else if (field === 'group_id') problems.group_id = t('moderation.error.groupId')
    else problems.patch = t('moderation.error.patch')
  }
  if (!Object.keys(problems).length) problems._ = t('staff.error.generic')
  return problems
}

/** A post from the page: the token, the service's answer, the page again with any problems. */
function pageAction(
  form: (c: AppContext) => string,
  work: (c: AppContext, v: FormValues) => Promise<string>,
) {
  return async (c: AppContext) => {
    const t = tr(c)
    const values = await readForm(c)
    try {
      checkFormToken(c, one(values, 'form_token'))
    } catch {
      return queuePage(c, { form: form(c), problems: { _: t('account.formExpired') }, values }, 400)
    }
    return asStaff(c, async () => {
      try {
        const done = await work(c, values)
        return c.redirect(`/moderation?done=${done}`, 303)
      } catch (error) {
        const problems = problemsOf(t, error)
        if (!problems) throw error
        return queuePage(c, { form: form(c), problems, values }, 400)
      }
    })
  }
}

function parsePatch(text: string): ActionInput['patch'] {
  if (!text.trim()) return undefined
  try {
    const value = JSON.parse(text) as unknown
    if (value && typeof value === 'object' && !Array.isArray(value)) return value
  } catch {
    // Reported below as the patch's problem.
  }
  throw new AppError('invalid_input', 'The patch is not a JSON object.', {
    fields: { patch: 'not JSON' },
  })
}

export function moderationPages() {
  return new Hono<AppEnv>()
    .get('/moderation', ...signedInPage, (c) => asStaff(c, () => queuePage(c)))
    .post(
      '/moderation/items/:id',
      ...signedInPage,
      pageAction(
        (c) => `item-${c.req.param('id')}`,
        async (c, v) => {
          await actOnItem(c.get('deps'), c.get('actor'), c.req.param('id')!, {
            action: one(v, 'action') as ActionInput['action'],
            note: one(v, 'note'),
            patch: parsePatch(one(v, 'patch')),
          })
          return 'done'
        },
      ),
    )
    .post(
      '/moderation/organisations/:id/verify',
      ...signedInPage,
      pageAction(
        (c) => `org-${c.req.param('id')}`,
        async (c, v) => {
          await verifyOrganisation(
            c.get('deps'),
            c.get('actor'),
            c.req.param('id')!,
            one(v, 'note'),
          )
          return 'verified'
        },
      ),
    )
    .post(
      '/moderation/groups',
      ...signedInPage,
      pageAction(
        () => 'group',
        async (c, v) => {
          const action = one(v, 'action')
          if (
            !(groupActions as readonly string[]).includes(action) ||
            action === 'dismiss' ||
            action === 'apply_edit'
          ) {
            throw new AppError('invalid_input', 'No such action.', {
              fields: { action: 'unknown' },
            })
          }
          try {
            await actOnGroup(c.get('deps'), c.get('actor'), one(v, 'group_id'), {
              action: action as ActionInput['action'],
              note: one(v, 'note'),
            })
          } catch (error) {
            // The moderator typed the id: one that is not there is their typo, not a 404 page.
            if (error instanceof AppError && error.code === 'not_found') {
              throw new AppError('invalid_input', 'No such group.', {
                fields: { group_id: 'unknown' },
              })
            }
            throw error
          }
          return 'done'
        },
      ),
    )
}
