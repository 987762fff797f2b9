/**
 * The pages of the people who run a group: how it lets people in, and its members and requests,
 * with approve, decline (with a reason the person sees) and remove. Screening answers open on a
 * page of their own, and each look is audited. Facilitator powers need a second-factor session;
 * without one these pages say so (403).
 */
import { Hono } from 'hono'
import { html } from 'hono/html'
import { signedInPage } from '#src/accounts/auth.pages.ts'
import { translator, type Translate } from '#src/i18n/i18n.ts'
import { AppError } from '#src/platform/errors.ts'
import { checkFormToken } from '#src/platform/form-token.ts'
import type { AppContext, AppEnv } from '#src/platform/http.ts'
import {
  checkbox,
  formAlert,
  formFields,
  notice,
  page,
  select,
  textInput,
  tokenField,
  type Errors,
} from '#src/web/form-controls.ts'
import type { Html } from '#src/web/layout.ts'
import { inline, pick } from '#src/web/group-page-parts.ts'
import { listMembers, type MemberRow } from './members.service.ts'
import { requireManager, type JoinGroup } from './membership.groups.ts'
import { joinPolicies } from './membership.tables.ts'
import { readAnswers } from './questionnaire.service.ts'
import {
  decideMember,
  getJoinSettings,
  updateJoinSettings,
  type Decision,
} from './review.service.ts'

export const managePath = (groupId: string, rest = '') =>
  `/manage/groups/${encodeURIComponent(groupId)}${rest ? `/${rest}` : ''}`

/** The links between the pages of running a group. */
export function manageNav(t: Translate, groupId: string, here: string): Html {
  const items: [string, string][] = [
    ['', t('manage.nav.settings')],
    ['members', t('manage.nav.members')],
    ['meetings', t('manage.nav.meetings')],
    ['questionnaire', t('manage.nav.questionnaire')],
    ['passes', t('manage.nav.passes')],
    ['questions', t('manage.nav.questions')],
  ]
  return html`<nav class="manage-nav" aria-label="${t('manage.nav.label')}">
    <ul>
      ${items.map(([path, label]) =>
        path === here
          ? html`<li><span aria-current="page">${label}</span></li>`
          : html`<li><a href="${managePath(groupId, path)}">${label}</a></li>`,
      )}
    </ul>
  </nav>`
}

export function managePage(
  c: AppContext,
  group: JoinGroup,
  here: string,
  title: Parameters<Translate>[0],
  body: (t: Translate) => Html,
  status: 200 | 400 = 200,
) {
  return page(
    c,
    title,
    (t) =>
      html`<p class="muted">${inline(pick(group.name, c.get('locale')))}</p>
        <h1>${t(title)}</h1>
        ${manageNav(t, group.id, here)} ${body(t)}`,
    status,
  )
}

async function settingsPage(
  c: AppContext,
  state: { errors?: Errors; values?: Record<string, string> } = {},
) {
  const deps = c.get('deps')
  const groupId = c.req.param('id') ?? ''
  const { group } = await requireManager(deps.db, c.get('actor'), groupId)
  const settings = await getJoinSettings(deps, c.get('actor'), groupId)
  const v = state.values ?? {}
  return managePage(
    c,
    group,
    '',
    'manage.settings.title',
    (t) =>
      html`${notice(c.req.query('saved') ? t('myGroups.saved') : null)}
        ${formAlert(state.errors?._)}
        <form method="post" action="${managePath(groupId, 'settings')}" novalidate>
          ${tokenField(c)}
          ${select({
            name: 'join_policy',
            label: t('manage.settings.policy'),
            hint: t('manage.settings.policyHint'),
            value: v.join_policy ?? settings.join_policy,
            options: joinPolicies.map((p) => ({ value: p, label: t(`manage.policy.${p}`) })),
          })}
          ${textInput({
            name: 'capacity',
            label: t('manage.settings.capacity'),
            hint: t('manage.settings.capacityHint'),
            value: v.capacity ?? (settings.capacity === null ? '' : String(settings.capacity)),
            maxlength: 6,
            errors: state.errors,
          })}
          ${checkbox({
            name: 'accepting_members',
            label: t('manage.settings.accepting'),
            checked: v.accepting_members
              ? v.accepting_members === 'yes'
              : settings.accepting_members,
          })}
          <p><button class="button" type="submit">${t('myGroups.save')}</button></p>
        </form>`,
    state.errors ? 400 : 200,
  )
}

function decisionForm(
  c: AppContext,
  t: Translate,
  groupId: string,
  m: MemberRow,
  decision: Decision,
) {
  const needsReason = decision !== 'approve'
  return html`<form
    method="post"
    action="${managePath(groupId, `members/${m.membership_id}`)}"
    class="decision-form"
  >
    ${tokenField(c)}
    <input type="hidden" name="decision" value="${decision}" />
    ${
      needsReason
        ? textInput({
            id: `reason-${decision}-${m.membership_id}`,
            name: 'reason',
            label: t(
              decision === 'decline'
                ? 'manage.members.declineReason'
                : 'manage.members.removeReason',
            ),
            hint: t('manage.members.reasonHint'),
            maxlength: 1000,
            required: decision === 'decline',
          })
        : ''
    }
    <button class="button${decision === 'approve' ? '' : ' button-secondary'}" type="submit">
      ${t(`manage.members.${decision}`)}
    </button>
  </form>`
}

function memberItem(c: AppContext, t: Translate, groupId: string, m: MemberRow) {
  const pending = m.state === 'requested' || m.state === 'screening'
  return html`<li class="account-card">
    <h3>${m.display_name} <span class="badge">${t(`membership.state.${m.state}`)}</span></h3>
    ${m.via ? html`<p>${t(`manage.members.via.${m.via.kind === 'referral' ? 'referral' : 'invitation'}`)}: ${m.via.label}</p>` : ''}
    ${m.note ? html`<p class="pre-wrap">${m.note}</p>` : ''}
    ${m.offer_expires_at ? html`<p class="muted">${t('manage.members.offered')}</p>` : ''}
    ${m.has_answers ? html`<p><a href="${managePath(groupId, `members/${m.membership_id}/answers`)}">${t('manage.members.answers')}</a></p>` : ''}
    ${pending ? html`${decisionForm(c, t, groupId, m, 'approve')} ${decisionForm(c, t, groupId, m, 'decline')}` : ''}
    ${m.state === 'active' || m.state === 'waitlisted' ? decisionForm(c, t, groupId, m, m.state === 'active' ? 'remove' : 'decline') : ''}
  </li>`
}

async function membersPage(c: AppContext, problem?: string) {
  const deps = c.get('deps')
  const groupId = c.req.param('id') ?? ''
  const { group } = await requireManager(deps.db, c.get('actor'), groupId)
  const members = await listMembers(deps, c.get('actor'), groupId)
  const sections: ['requests' | 'active' | 'waitlisted' | 'past', MemberRow[]][] = [
    ['requests', members.filter((m) => m.state === 'requested' || m.state === 'screening')],
    ['active', members.filter((m) => m.state === 'active')],
    ['waitlisted', members.filter((m) => m.state === 'waitlisted')],
    ['past', members.filter((m) => m.state === 'declined' || m.state === 'removed')],
  ]
  return managePage(
    c,
    group,
    'members',
    'manage.members.title',
    (t) =>
      html`${formAlert(problem)} ${notice(c.req.query('saved') ? t('myGroups.saved') : null)}
        <p>${t('manage.members.lead')}</p>
        ${sections.map(
          ([key, list]) =>
            html`<section aria-labelledby="members-${key}">
              <h2 id="members-${key}">${t(`manage.members.section.${key}`)}</h2>
              ${
                list.length
                  ? html`<ul class="account-sections">
                      ${list.map((m) => memberItem(c, t, groupId, m))}
                    </ul>`
                  : html`<p class="muted">${t('manage.members.empty')}</p>`
              }
            </section>`,
        )}`,
    problem ? 400 : 200,
  )
}

async function answersPage(c: AppContext) {
  const deps = c.get('deps')
  const groupId = c.req.param('id') ?? ''
  const { group } = await requireManager(deps.db, c.get('actor'), groupId)
  const answers = await readAnswers(deps, c.get('actor'), {
    groupId,
    membershipId: c.req.param('mid') ?? '',
  })
  c.header('Cache-Control', 'no-store')
  return managePage(
    c,
    group,
    'members',
    'manage.answers.title',
    (t) =>
      html`<p class="muted">${t('manage.answers.lead')}</p>
        <dl class="answers">
          ${answers.items.map(
            (a) =>
              html`<dt>${a.question}</dt>
                <dd class="pre-wrap">
                  ${a.answer === null ? t('manage.answers.none') : String(a.answer)}
                </dd>`,
          )}
        </dl>
        <p><a href="${managePath(groupId, 'members')}">${t('manage.nav.members')}</a></p>`,
  )
}

export function managePages() {
  return new Hono<AppEnv>()
    .get('/manage/groups/:id', ...signedInPage, (c) => settingsPage(c))
    .post('/manage/groups/:id/settings', ...signedInPage, async (c) => {
      const form = await formFields(c)
      checkFormToken(c, form.form_token)
      const capacity = (form.capacity ?? '').trim()
      const t = translator(c.get('locale'))
      if (capacity !== '' && !/^\d{1,6}$/.test(capacity)) {
        return settingsPage(c, {
          values: form,
          errors: { capacity: t('manage.settings.capacityError') },
        })
      }
      try {
        await updateJoinSettings(c.get('deps'), c.get('actor'), c.req.param('id'), {
          join_policy: (form.join_policy ?? '') as never,
          capacity: capacity === '' ? null : Number(capacity),
          accepting_members: form.accepting_members === 'yes',
        })
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'invalid_input') throw error
        return settingsPage(c, {
          values: form,
          errors: { capacity: t('manage.settings.capacityError') },
        })
      }
      return c.redirect(`${managePath(c.req.param('id'))}?saved=1`, 303)
    })
    .get('/manage/groups/:id/members', ...signedInPage, (c) => membersPage(c))
    .post('/manage/groups/:id/members/:mid', ...signedInPage, async (c) => {
      const form = await formFields(c)
      checkFormToken(c, form.form_token)
      const decision = (['approve', 'decline', 'remove'] as const).find((d) => d === form.decision)
      if (!decision) throw new AppError('invalid_input', 'No such decision.')
      try {
        await decideMember(c.get('deps'), c.get('actor'), {
          groupId: c.req.param('id'),
          membershipId: c.req.param('mid'),
          decision,
          reason: form.reason,
        })
      } catch (error) {
        if (!(error instanceof AppError) || !['invalid_input', 'conflict'].includes(error.code))
          throw error
        const t = translator(c.get('locale'))
        return membersPage(
          c,
          t(error.code === 'conflict' ? 'manage.members.conflict' : 'manage.members.reasonNeeded'),
        )
      }
      return c.redirect(`${managePath(c.req.param('id'), 'members')}?saved=1`, 303)
    })
    .get('/manage/groups/:id/members/:mid/answers', ...signedInPage, (c) => answersPage(c))
}
