/**
 * The mails of joining: each composed when it goes, from what is true then, and dropped when it
 * no longer is (a request already decided, an offer already taken or lapsed). None names the group
 * or the person: "there is news", and a link to the page that says what.
 */
import { publicBaseUrl } from '#src/accounts/accounts.mail.ts'
import type { ClaimedNotice, NoticeComposer } from '#src/jobs/notices.ts'
import { mailIn, mailToUser } from '#src/jobs/notice-mail.ts'
import type { Deps } from '#src/platform/deps.ts'
import { openField } from '#src/platform/secrets.ts'
import { loadJoinGroup, groupKeepers } from './membership.groups.ts'
import { formatMomentInZone, groupTimeZone } from '#src/meetings/time.ts'

const base = (deps: Deps) => publicBaseUrl(deps.env)

async function membershipState(deps: Deps, id: unknown) {
  if (typeof id !== 'string') return undefined
  return deps.db
    .selectFrom('membership')
    .select(['id', 'state', 'group_id', 'offer_expires_at'])
    .where('id', '=', id)
    .executeTakeFirst()
}

/** Whether the recipient still runs the group: a facilitator who stepped down gets nothing more. */
async function stillKeeper(deps: Deps, notice: ClaimedNotice) {
  if (!notice.group_id || !notice.user_id) return false
  const group = await loadJoinGroup(deps.db, notice.group_id)
  return !!group && (await groupKeepers(deps.db, group)).includes(notice.user_id)
}

const manageLink = (deps: Deps, groupId: string, page: string) =>
  `${base(deps)}/manage/groups/${encodeURIComponent(groupId)}/${page}`

export const membershipNotices: Record<string, NoticeComposer> = {
  'membership.request': async (deps, notice) => {
    const m = await membershipState(deps, notice.payload.membership_id)
    if (!m || (m.state !== 'requested' && m.state !== 'screening')) return null
    if (!(await stillKeeper(deps, notice))) return null
    return mailToUser(deps.db, notice.user_id, 'membership.request', () => ({
      link: manageLink(deps, m.group_id, 'members'),
    }))
  },
  'membership.decided': async (deps, notice) => {
    const m = await membershipState(deps, notice.payload.membership_id)
    if (!m || m.state !== notice.payload.state) return null
    return mailToUser(deps.db, notice.user_id, `membership.${m.state}`, () => ({
      link: `${base(deps)}/my/groups`,
    }))
  },
  'membership.offer': async (deps, notice) => {
    const m = await membershipState(deps, notice.payload.membership_id)
    if (!m || m.state !== 'waitlisted' || !m.offer_expires_at) return null
    if (m.offer_expires_at.toISOString() !== notice.payload.expires_at) return null
    if (m.offer_expires_at <= deps.clock.now()) return null
    const expires = m.offer_expires_at
    const zone = await groupTimeZone(deps.db, m.group_id)
    return mailToUser(deps.db, notice.user_id, 'membership.offer', (locale) => ({
      link: `${base(deps)}/my/groups`,
      until: formatMomentInZone(expires, zone, locale),
    }))
  },
  'membership.offer-lapsed': async (deps, notice) => {
    const m = await membershipState(deps, notice.payload.membership_id)
    if (!m || m.state !== 'left') return null
    return mailToUser(deps.db, notice.user_id, 'membership.offerLapsed', () => ({
      link: `${base(deps)}/groups/${encodeURIComponent(m.group_id)}`,
    }))
  },
  // Questions asked before joining (questions.service.ts).
  'question.confirm': async (deps, notice) => {
    const q = await questionOf(deps, notice)
    if (!q || q.confirmed_at) return null
    return mailToAsker(deps, q, 'question.confirm')
  },
  'question.new': async (deps, notice) => {
    const q = await questionOf(deps, notice)
    if (!q || !q.confirmed_at || !(await stillKeeper(deps, notice))) return null
    return mailToUser(deps.db, notice.user_id, 'question.new', () => ({
      link: manageLink(deps, q.group_id, `questions/${q.id}`),
    }))
  },
  'question.reply': async (deps, notice) => {
    const q = await questionOf(deps, notice)
    return q ? mailToAsker(deps, q, 'question.reply') : null
  },
}

async function questionOf(deps: Deps, notice: ClaimedNotice) {
  const id = notice.payload.question_id
  if (typeof id !== 'string') return undefined
  return deps.db.selectFrom('group_question').selectAll().where('id', '=', id).executeTakeFirst()
}

/** To the person who asked, at their account's address or the one they gave; never seen by the group. */
async function mailToAsker(
  deps: Deps,
  q: NonNullable<Awaited<ReturnType<typeof questionOf>>>,
  kind: string,
) {
  const values = { link: `${base(deps)}/questions/${openField(deps.secrets, q.token_sealed)}` }
  if (q.asker_user_id) return mailToUser(deps.db, q.asker_user_id, kind, () => values)
  if (!q.asker_email_sealed) return null
  return mailIn(q.asker_locale, openField(deps.secrets, q.asker_email_sealed), kind, values)
}
