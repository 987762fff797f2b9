/**
 * What a group's page offers for joining and meeting: the way in that the group chose (or where
 * the reader stands with it), asking a question first, and its next meetings with the calendar
 * feed. Nothing here tells anyone who else is in the group, or how many.
 */
import { html } from 'hono/html'
import type { Actor } from '#src/access/actor.ts'
import type { Translate } from '#src/i18n/i18n.ts'
import type { Locale } from '#src/i18n/locale.ts'
import type { MeetingView } from '#src/meetings/meetings.access.ts'
import { listGroupMeetings } from '#src/meetings/meetings.read.ts'
import { formatMeetingTime } from '#src/meetings/time.ts'
import { membershipOf } from '#src/membership/membership.groups.ts'
import type { JoinPolicy, MembershipState } from '#src/membership/membership.tables.ts'
import type { Deps } from '#src/platform/deps.ts'
import type { Html } from './layout.ts'

export interface Joining {
  policy: JoinPolicy
  accepting: boolean
  standing: MembershipState | null
  canManage: boolean
  meetings: MeetingView[]
}

export async function loadJoining(
  deps: Pick<Deps, 'db' | 'clock'>,
  actor: Actor,
  groupId: string,
): Promise<Joining> {
  const group = await deps.db
    .selectFrom('grp')
    .select(['join_policy', 'accepting_members'])
    .where('id', '=', groupId)
    .executeTakeFirstOrThrow()
  const { viewer, items } = await listGroupMeetings(deps, actor, groupId)
  const mine =
    actor.kind === 'user' ? await membershipOf(deps.db, groupId, actor.userId) : undefined
  return {
    policy: group.join_policy,
    accepting: group.accepting_members,
    standing: mine?.state ?? null,
    canManage: viewer.canManage,
    meetings: items.filter((m) => m.status === 'scheduled').slice(0, 3),
  }
}

const path = (id: string, rest: string) => `/groups/${encodeURIComponent(id)}/${rest}`

/** The side card: join, or where the reader stands; ask first. */
export function joinCard(t: Translate, groupId: string, j: Joining): Html {
  const inside =
    j.standing && ['active', 'waitlisted', 'requested', 'screening'].includes(j.standing)
  const way = inside
    ? html`<p><strong>${t(`membership.state.${j.standing!}`)}</strong></p>
        <p><a href="/my/groups">${t('myGroups.title')}</a></p>`
    : j.standing === 'removed'
      ? ''
      : j.accepting
        ? html`<p>${t(`group.joining.${j.policy}`)}</p>
            <p>
              <a class="button" href="${path(groupId, 'join')}"
                >${t(j.policy === 'open' ? 'join.submit' : 'group.joining.request')}</a
              >
            </p>`
        : html`<p>${t('group.status.notAccepting')}</p>`
  return html`<div class="aside-card aside-join" id="join">
    <h2>${t('group.joining.heading')}</h2>
    ${way}
    <p><a href="${path(groupId, 'ask')}">${t('group.joining.ask')}</a></p>
    <p class="muted small">${t('group.joining.private')}</p>
    ${j.canManage ? html`<p><a href="/manage/groups/${encodeURIComponent(groupId)}">${t('group.joining.manage')}</a></p>` : ''}
  </div>`
}

/** The main column's list of coming meetings. */
export function meetingsSection(t: Translate, locale: Locale, groupId: string, j: Joining): Html {
  return html`<section class="group-section" aria-labelledby="meetings-heading">
    <h2 id="meetings-heading">${t('meetings.title')}</h2>
    ${
      j.meetings.length
        ? html`<ul class="plain-list">
            ${j.meetings.map(
              (m) =>
                html`<li>
                  <a href="/meetings/${m.id}">${m.title ?? t('meetings.membersMeeting')}</a> —
                  <time datetime="${m.starts_at}"
                    >${formatMeetingTime({ starts_at: new Date(m.starts_at), ends_at: new Date(m.ends_at), timezone: m.timezone }, locale).local}</time
                  >
                </li>`,
            )}
          </ul>`
        : html`<p>${t('meetings.none')}</p>`
    }
    <p>
      <a href="${path(groupId, 'meetings')}">${t('group.joining.allMeetings')}</a> ·
      <a href="${path(groupId, 'calendar.ics')}">${t('meetings.subscribe')}</a>
    </p>
  </section>`
}
