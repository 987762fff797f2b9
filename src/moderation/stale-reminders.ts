/**
 * Listings nobody has confirmed for twelve months are stale; at eighteen they leave the public
 * directory (decision 022). This mails the people who run them, once when a listing turns stale
 * and once more a month before it would be hidden, each time with a link that confirms it in one
 * click. A confirmation starts a new period, so the reminders come round again a year later.
 */
import crypto from 'node:crypto'
import { sql } from 'kysely'
import type { UserActor } from '#src/access/actor.ts'
import type { RoleMembership } from '#src/access/roles.ts'
import { publicBaseUrl } from '#src/accounts/accounts.mail.ts'
import { freshnessCutoffs, hiddenAfterMonths, monthsBefore } from '#src/directory/freshness.ts'
import type { LocalizedText } from '#src/directory/directory.tables.ts'
import { confirmGroup } from '#src/directory/groups.service.ts'
import type { Deps } from '#src/platform/deps.ts'
import { notFound } from '#src/platform/errors.ts'
import type { Secrets } from '#src/platform/secrets.ts'

type Stage = 'stale' | 'hiding_soon'

/** A month before hiding, the second reminder. */
export const hidingSoonAfterMonths = hiddenAfterMonths - 1

function linkKey(secrets: Secrets): Buffer {
  return Buffer.from(
    crypto.hkdfSync('sha256', secrets.pseudonymKey, Buffer.alloc(0), 'tomoni confirm links', 32),
  )
}

/**
 * The token of a one-click confirmation link: it names the person and the period of staleness,
 * so it stops working once anyone confirms the listing, or when the person loses their role.
 */
export function confirmToken(
  secrets: Secrets,
  groupId: string,
  userId: string,
  freshSince: Date,
): string {
  return crypto
    .createHmac('sha256', linkKey(secrets))
    .update(`${groupId}\n${userId}\n${freshSince.toISOString()}`)
    .digest('base64url')
}

export function confirmLink(
  deps: Pick<Deps, 'env' | 'secrets'>,
  groupId: string,
  userId: string,
  freshSince: Date,
) {
  const token = confirmToken(deps.secrets, groupId, userId, freshSince)
  const query = new URLSearchParams({ u: userId, t: token })
  return `${publicBaseUrl(deps.env)}/groups/${encodeURIComponent(groupId)}/confirm?${query.toString()}`
}

/** The people who may confirm a group, as they may edit it: its organisation's admins and staff. */
async function keepers(deps: Pick<Deps, 'db'>, groupIds: string[]) {
  if (groupIds.length === 0) return []
  const rows = await sql<{
    group_id: string
    user_id: string
    email: string
    locale: 'ja' | 'en'
  }>`
    select distinct g.id as group_id, u.id as user_id, u.email, u.locale
    from grp g
    join role_membership r on r.scope_type = 'organisation' and r.scope_id = g.organisation_id
      and r.role in ('admin', 'staff')
    join app_user u on u.id = r.user_id
    where g.id = any(${groupIds}::text[])
      and u.erased_at is null and u.email is not null and u.email_confirmed_at is not null
    order by g.id, u.id
  `.execute(deps.db)
  return rows.rows
}

/** Whether the person still holds a role that lets them confirm the group, with their roles. */
async function keeperActor(
  deps: Pick<Deps, 'db'>,
  groupId: string,
  userId: string,
): Promise<UserActor | null> {
  const found = await keepers(deps, [groupId])
  if (!found.some((k) => k.user_id === userId)) return null
  const roles = await deps.db
    .selectFrom('role_membership')
    .select(['scope_type', 'scope_id', 'role'])
    .where('user_id', '=', userId)
    .execute()
  return {
    kind: 'user',
    userId,
    sessionId: '',
    roles: roles.map((r): RoleMembership => ({
      scopeType: r.scope_type,
      scopeId: r.scope_id,
      role: r.role,
    })),
    reauthenticatedAt: new Date(0),
  }
}

export interface ConfirmLinkState {
  groupId: string
  name: LocalizedText
  freshSince: Date
  actor: UserActor
}

/** Checks a confirmation link; 404 for one that is wrong, used up or no longer the person's. */
export async function checkConfirmLink(
  deps: Pick<Deps, 'db' | 'secrets'>,
  groupId: string,
  userId: string | undefined,
  token: string | undefined,
): Promise<ConfirmLinkState> {
  if (!userId || !token || !/^[0-9a-f-]{36}$/i.test(userId)) throw notFound()
  const group = await deps.db
    .selectFrom('grp')
    .select(['id', 'name', 'fresh_since', 'status'])
    .where('id', '=', groupId)
    .executeTakeFirst()
  if (!group || group.status === 'closed') throw notFound()
  const expected = Buffer.from(confirmToken(deps.secrets, groupId, userId, group.fresh_since))
  const given = Buffer.from(token)
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) throw notFound()
  const actor = await keeperActor(deps, groupId, userId)
  if (!actor) throw notFound()
  return { groupId, name: group.name, freshSince: group.fresh_since, actor }
}

/** Confirms the listing through a valid link: the same as the one-click API, by that person. */
export async function confirmByLink(
  deps: Deps,
  groupId: string,
  userId: string | undefined,
  token: string | undefined,
): Promise<ConfirmLinkState> {
  const state = await checkConfirmLink(deps, groupId, userId, token)
  await confirmGroup(deps, state.actor, groupId, { mailedLink: true })
  return state
}

const nameIn = (name: LocalizedText, locale: 'ja' | 'en') =>
  name[locale] ?? name[name.original] ?? ''

function dateText(date: Date, locale: 'ja' | 'en') {
  return new Intl.DateTimeFormat(locale === 'ja' ? 'ja-JP' : 'en-GB', {
    dateStyle: 'long',
    timeZone: locale === 'ja' ? 'Asia/Tokyo' : 'UTC',
  }).format(date)
}

interface Entry {
  id: string
  name: LocalizedText
  stage: Stage
  freshSince: Date
  hidesOn: Date
  link: string
  page: string
}

function reminderMail(to: string, locale: 'ja' | 'en', entries: Entry[], now: Date) {
  const urgent = entries.some((e) => e.stage === 'hiding_soon')
  const hidden = (e: Entry) => e.hidesOn.getTime() <= now.getTime()
  if (locale === 'ja') {
    const lines = entries.flatMap((e) => [
      `■ ${nameIn(e.name, 'ja')}`,
      hidden(e)
        ? `  最終確認：${dateText(e.freshSince, 'ja')}（現在、非公開になっています。確認すれば再び公開されます）`
        : `  最終確認：${dateText(e.freshSince, 'ja')}（${dateText(e.hidesOn, 'ja')}に非公開になります）`,
      `  掲載ページ：${e.page}`,
      `  内容が今も正しければ、こちらを開いて確認してください：`,
      `  ${e.link}`,
      '',
    ])
    return {
      to,
      subject: urgent
        ? 'Tomoni：掲載情報がまもなく非公開になります'
        : 'Tomoni：掲載情報の確認のお願い',
      text: [
        'Tomoni をご利用いただきありがとうございます。',
        '',
        '次のグループの掲載情報が1年以上確認されていません。検索結果では「古い情報」として表示されています。確認がないまま18か月が過ぎると、掲載は非公開になります（確認すれば再び公開されます）。',
        '',
        ...lines,
        '内容に変更がある場合は、ログインして掲載情報を更新してください。活動を終えた場合は、掲載を「終了」にしてください。',
        '',
        'このメールは、グループを運営する団体の管理者・スタッフの方にお送りしています。',
      ].join('\n'),
    }
  }
  const lines = entries.flatMap((e) => [
    `* ${nameIn(e.name, 'en')}`,
    hidden(e)
      ? `  Last confirmed: ${dateText(e.freshSince, 'en')} (it is hidden now; confirming it brings it back)`
      : `  Last confirmed: ${dateText(e.freshSince, 'en')} (it will be hidden on ${dateText(e.hidesOn, 'en')})`,
    `  Listing: ${e.page}`,
    '  If it is still right, confirm it with one click here:',
    `  ${e.link}`,
    '',
  ])
  return {
    to,
    subject: urgent
      ? 'Tomoni: your listing will soon be hidden'
      : 'Tomoni: please check that your listing is still right',
    text: [
      'Thank you for using Tomoni.',
      '',
      'Nobody has confirmed the listing below for more than a year, so search results mark it as possibly out of date. Eighteen months after the last confirmation a listing is hidden from the public until someone confirms it.',
      '',
      ...lines,
      'If something has changed, sign in and update the listing. If the group has stopped meeting, please mark it as closed.',
      '',
      'We send this to the admins and staff of the organisation that runs the group.',
    ].join('\n'),
  }
}

export interface ReminderReport {
  /** Stale listings looked at. */
  stale: number
  /** Listings a reminder went out for in this run. */
  reminded: number
  messages: number
  /** Stale listings with nobody to remind: moderators may want to check them. */
  withoutKeepers: string[]
}

/**
 * Sends what is due. Run it daily (`npm run cli -- remind-stale`); running it again sends nothing
 * new, since each (listing, stage, period) is recorded.
 */
export async function remindStaleListings(deps: Deps): Promise<ReminderReport> {
  const now = deps.clock.now()
  const { staleBefore } = freshnessCutoffs(now)
  const soonBefore = monthsBefore(now, hidingSoonAfterMonths)
  const groups = await deps.db
    .selectFrom('grp')
    .select(['id', 'name', 'fresh_since'])
    .where('status', '<>', 'closed')
    .where('hidden_at', 'is', null)
    .where('fresh_since', '<=', staleBefore)
    .orderBy('id')
    .execute()
  const due = []
  for (const g of groups) {
    const stage: Stage = g.fresh_since.getTime() <= soonBefore.getTime() ? 'hiding_soon' : 'stale'
    const sent = await deps.db
      .selectFrom('stale_reminder')
      .select('group_id')
      .where('group_id', '=', g.id)
      .where('stage', '=', stage)
      .where('fresh_since', '=', g.fresh_since)
      .executeTakeFirst()
    if (!sent) due.push({ ...g, stage })
  }
  const people = await keepers(
    deps,
    due.map((g) => g.id),
  )
  const byPerson = new Map<string, { email: string; locale: 'ja' | 'en'; entries: Entry[] }>()
  const recipients = new Map<string, number>()
  const base = publicBaseUrl(deps.env)
  for (const k of people) {
    const g = due.find((d) => d.id === k.group_id)!
    const person = byPerson.get(k.user_id) ?? { email: k.email, locale: k.locale, entries: [] }
    person.entries.push({
      id: g.id,
      name: g.name,
      stage: g.stage,
      freshSince: g.fresh_since,
      hidesOn: addMonths(g.fresh_since, hiddenAfterMonths),
      link: confirmLink(deps, g.id, k.user_id, g.fresh_since),
      page: `${base}/groups/${encodeURIComponent(g.id)}`,
    })
    byPerson.set(k.user_id, person)
    recipients.set(g.id, (recipients.get(g.id) ?? 0) + 1)
  }
  let messages = 0
  for (const person of byPerson.values()) {
    await deps.mailer.send(reminderMail(person.email, person.locale, person.entries, now))
    messages++
  }
  // Listings with nobody to mail are recorded too, so the report names them once per stage.
  for (const g of due) {
    await deps.db
      .insertInto('stale_reminder')
      .values({
        group_id: g.id,
        stage: g.stage,
        fresh_since: g.fresh_since,
        sent_at: now,
        recipients: recipients.get(g.id) ?? 0,
      })
      .onConflict((oc) => oc.doNothing())
      .execute()
  }
  return {
    stale: groups.length,
    reminded: due.filter((g) => recipients.has(g.id)).length,
    messages,
    withoutKeepers: due.filter((g) => !recipients.has(g.id)).map((g) => g.id),
  }
}

/** The same calendar day `months` later (the month's last day when it has no such day). */
function addMonths(date: Date, months: number): Date {
  return monthsBefore(date, -months)
}
