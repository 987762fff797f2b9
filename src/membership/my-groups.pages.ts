/**
 * "My groups": every group the person is in or on the way into, with what they can do there —
 * take up an offered place, change their name in the group, choose whether other members see
 * them, see the members who chose to be seen, leave in one step.
 */
import { Hono } from 'hono'
import { html } from 'hono/html'
import { signedInPage } from '#src/accounts/auth.pages.ts'
import { translator, type Translate } from '#src/i18n/i18n.ts'
import { formatMomentInZone } from '#src/meetings/time.ts'
import { AppError } from '#src/platform/errors.ts'
import { checkFormToken } from '#src/platform/form-token.ts'
import type { AppContext, AppEnv } from '#src/platform/http.ts'
import {
  buttonForm,
  checkbox,
  formFields,
  notice,
  page,
  textInput,
  tokenField,
} from '#src/web/form-controls.ts'
import { inline, pick } from '#src/web/group-page-parts.ts'
import { viewerZone } from '#src/web/viewer-zone.ts'
import { acceptOffer, leaveGroup } from './join.service.ts'
import { listMembers, myGroups, updateMyMembership, type MyGroup } from './members.service.ts'
import { requireKnownGroup } from './membership.groups.ts'

const groupPath = (id: string) => encodeURIComponent(id)

function groupCard(c: AppContext, t: Translate, g: MyGroup, problem?: string) {
  const locale = c.get('locale')
  const name = pick(g.name, locale)
  const base = `/my/groups/${groupPath(g.group_id)}`
  const link =
    g.join_policy === 'invitation'
      ? html`<a href="/groups/${groupPath(g.group_id)}/meetings">${inline(name)}</a>`
      : html`<a href="/groups/${groupPath(g.group_id)}">${inline(name)}</a>`
  const inside =
    g.state === 'active' ||
    g.state === 'waitlisted' ||
    g.state === 'requested' ||
    g.state === 'screening'
  return html`<li class="account-card my-group" id="group-${g.group_id}">
    <h2>${link}</h2>
    <p><span class="badge">${t(`membership.state.${g.state}`)}</span></p>
    ${g.reason ? html`<p>${t('myGroups.reason')}: ${g.reason}</p>` : ''}
    ${
      g.offer_expires_at
        ? html`<div class="callout">
            <p>
              ${t('myGroups.offer', { until: formatMomentInZone(new Date(g.offer_expires_at), viewerZone(c) ?? 'Asia/Tokyo', locale) })}
            </p>
            ${buttonForm(c, `${base}/accept`, t('myGroups.accept'))}
          </div>`
        : ''
    }
    ${
      g.state === 'active'
        ? html`<p>
            <a href="/groups/${groupPath(g.group_id)}/meetings">${t('myGroups.meetings')}</a> ·
            <a href="${base}/members">${t('myGroups.members')}</a>
          </p>`
        : ''
    }
    ${
      inside
        ? html`<details ${problem ? 'open' : ''}>
              <summary>${t('myGroups.settings')}</summary>
              <form method="post" action="${base}">
                ${tokenField(c)}
                ${textInput({
                  id: `display_name-${g.group_id}`,
                  name: 'display_name',
                  label: t('join.displayName'),
                  value: g.display_name,
                  maxlength: 60,
                  required: true,
                  errors: problem ? { display_name: problem } : {},
                })}
                ${checkbox({
                  id: `visible-${g.group_id}`,
                  name: 'visible_to_members',
                  label: t('myGroups.visible'),
                  hint: t('myGroups.visibleHint'),
                  checked: g.visible_to_members,
                })}
                <p>
                  <button class="button button-secondary" type="submit">
                    ${t('myGroups.save')}
                  </button>
                </p>
              </form>
            </details>
            ${buttonForm(c, `${base}/leave`, t(g.state === 'active' ? 'myGroups.leave' : 'myGroups.withdraw'), { secondary: true })}`
        : ''
    }
  </li>`
}

async function myGroupsPage(c: AppContext, problem?: { groupId: string; message: string }) {
  const groups = await myGroups(c.get('deps'), c.get('actor'))
  const joined = c.req.query('joined')
  const saved = c.req.query('saved')
  return page(
    c,
    'myGroups.title',
    (t) =>
      html`<h1>${t('myGroups.title')}</h1>
        ${notice(joined ? t('myGroups.joined') : saved ? t('myGroups.saved') : null)}
        <p>${t('myGroups.lead')}</p>
        ${
          groups.length
            ? html`<ul class="account-sections">
                ${groups.map((g) => groupCard(c, t, g, problem?.groupId === g.group_id ? problem.message : undefined))}
              </ul>`
            : html`<p>${t('myGroups.none')}</p>
                <p><a class="button" href="/search">${t('myGroups.find')}</a></p>`
        }
        <p><a href="/my/meetings">${t('myMeetings.title')}</a></p>`,
    problem ? 400 : 200,
  )
}

async function membersPage(c: AppContext) {
  const groupId = c.req.param('id') ?? ''
  const deps = c.get('deps')
  const group = await requireKnownGroup(deps.db, c.get('actor'), groupId)
  const members = await listMembers(deps, c.get('actor'), groupId)
  return page(
    c,
    'myGroups.members',
    (t) =>
      html`<h1>${t('myGroups.members')}</h1>
        <p class="lead">${inline(pick(group.name, c.get('locale')))}</p>
        <p>${t('myGroups.membersLead')}</p>
        <ul>
          ${members.map((m) => html`<li>${m.display_name}${m.you ? html` <span class="muted">(${t('myGroups.you')})</span>` : ''}</li>`)}
        </ul>
        <p><a href="/my/groups">${t('myGroups.title')}</a></p>`,
  )
}

export function myGroupsPages() {
  return new Hono<AppEnv>()
    .get('/my/groups', ...signedInPage, (c) => myGroupsPage(c))
    .post('/my/groups/:id', ...signedInPage, async (c) => {
      const form = await formFields(c)
      checkFormToken(c, form.form_token)
      const groupId = c.req.param('id')
      try {
        await updateMyMembership(c.get('deps'), c.get('actor'), groupId, {
          display_name: form.display_name ?? '',
          visible_to_members: form.visible_to_members === 'yes',
        })
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'invalid_input') throw error
        return myGroupsPage(c, {
          groupId,
          message: translator(c.get('locale'))('join.error.displayName'),
        })
      }
      return c.redirect('/my/groups?saved=1', 303)
    })
    .post('/my/groups/:id/leave', ...signedInPage, async (c) => {
      const form = await formFields(c)
      checkFormToken(c, form.form_token)
      await leaveGroup(c.get('deps'), c.get('actor'), c.req.param('id'))
      return c.redirect('/my/groups?saved=1', 303)
    })
    .post('/my/groups/:id/accept', ...signedInPage, async (c) => {
      const form = await formFields(c)
      checkFormToken(c, form.form_token)
      await acceptOffer(c.get('deps'), c.get('actor'), c.req.param('id'))
      return c.redirect('/my/groups?saved=1', 303)
    })
    .get('/my/groups/:id/members', ...signedInPage, (c) => membersPage(c))
}
