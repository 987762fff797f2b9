/**
 * The notice ledger: one row per mail to one person, recorded once by its key, delivered at most
 * once (decision 062). Delivery claims a notice (`sending`) and commits before the mail goes, and
 * records `sent` after. A sender that dies in between leaves the notice `sending`; once its lease
 * has passed, the mailer is asked whether the message went (the outbox can tell; SMTP cannot, and
 * such a notice is marked `uncertain` rather than sent twice).
 */
import { sql } from 'kysely'
import type { MailMessage } from '#src/mail/mailer.ts'
import type { Db } from '#src/platform/db.ts'
import type { Deps } from '#src/platform/deps.ts'

export interface NoticeSpec {
  kind: string
  /** Recording a key that is already there adds nothing: each notice is recorded once. */
  key: string
  userId: string | null
  groupId: string | null
  payload?: Record<string, unknown>
}

export interface ClaimedNotice {
  id: string
  key: string
  kind: string
  user_id: string | null
  group_id: string | null
  payload: Record<string, unknown>
  attempts: number
}

/**
 * Builds a notice's mail when it is sent, from what is true then: null when it must not go any
 * more (the person left the group, the meeting was cancelled, the account was erased).
 */
export type NoticeComposer = (deps: Deps, notice: ClaimedNotice) => Promise<MailMessage | null>

export const noticeLeaseMs = 5 * 60_000
const maxNoticeAttempts = 5

export async function addNotice(db: Db, now: Date, spec: NoticeSpec): Promise<void> {
  await db
    .insertInto('notice')
    .values({
      kind: spec.kind,
      key: spec.key,
      user_id: spec.userId,
      group_id: spec.groupId,
      payload: JSON.stringify(spec.payload ?? {}),
      created_at: now,
    })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute()
}

/** Settles notices whose sender died while sending them: see the file's comment. */
export async function recoverNotices(deps: Deps): Promise<number> {
  const now = deps.clock.now()
  const stale = await deps.db
    .selectFrom('notice')
    .select(['id', 'key'])
    .where('state', '=', 'sending')
    .where('claimed_at', '<', new Date(now.getTime() - noticeLeaseMs))
    .execute()
  for (const notice of stale) {
    const delivered = await deps.mailer.wasDelivered(notice.key)
    const state = delivered === true ? 'sent' : delivered === false ? 'pending' : 'uncertain'
    if (state === 'uncertain') {
      deps.log.warn(
        { notice: notice.id },
        'a notice may or may not have gone; not sending it again',
      )
    }
    await deps.db
      .updateTable('notice')
      .set({ state, finished_at: state === 'pending' ? null : now })
      .where('id', '=', notice.id)
      .where('state', '=', 'sending')
      .execute()
  }
  return stale.length
}

async function claimNotices(db: Db, now: Date, limit: number): Promise<ClaimedNotice[]> {
  const result = await sql<ClaimedNotice>`
    update notice set state = 'sending', claimed_at = ${now}, attempts = attempts + 1
    where id in (
      select id from notice
      where state = 'pending'
        and (claimed_at is null
          or claimed_at < ${now}::timestamptz - make_interval(mins => attempts * attempts))
      order by id
      limit ${limit}
      for update skip locked
    )
    returning id::text as id, key, kind, user_id, group_id, payload, attempts
  `.execute(db)
  return result.rows
}

async function settle(db: Db, now: Date, id: string, state: 'sent' | 'skipped' | 'pending') {
  await db
    .updateTable('notice')
    .set({ state, finished_at: state === 'pending' ? null : now })
    .where('id', '=', id)
    .where('state', '=', 'sending')
    .execute()
}

export interface DeliverOptions {
  limit?: number
  /** Runs after a mail went and before it is recorded: tests stop a worker here. */
  afterDeliver?: (notice: ClaimedNotice) => Promise<void>
}

/** Sends up to `limit` pending notices, one mail each; answers how many it took. */
export async function deliverNotices(
  deps: Deps,
  composers: Record<string, NoticeComposer>,
  options: DeliverOptions = {},
): Promise<number> {
  const claimed = await claimNotices(deps.db, deps.clock.now(), options.limit ?? 20)
  for (const notice of claimed) {
    const compose = composers[notice.kind]
    const message = compose ? await compose(deps, notice) : null
    if (!compose) deps.log.error({ kind: notice.kind }, 'no composer for a notice kind')
    if (!message) {
      await settle(deps.db, deps.clock.now(), notice.id, 'skipped')
      continue
    }
    try {
      await deps.mailer.deliver(message, notice.key)
    } catch (err) {
      // Refused, so certainly not sent: try again later, a few times.
      deps.log.error({ err, notice: notice.id }, 'notice delivery failed')
      const final = notice.attempts >= maxNoticeAttempts
      await settle(deps.db, deps.clock.now(), notice.id, final ? 'skipped' : 'pending')
      continue
    }
    await options.afterDeliver?.(notice)
    await settle(deps.db, deps.clock.now(), notice.id, 'sent')
  }
  return claimed.length
}
