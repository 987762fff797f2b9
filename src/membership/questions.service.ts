/**
 * Asking a group a question before joining. The asker stays anonymous: the group sees the
 * question and replies, never the asker's address; replies reach the asker by mail, through the
 * link only they hold, until they choose to tell the group who they are. An address given without
 * an account is confirmed by that link before the group hears anything, so the form cannot be
 * used to send mail to someone else.
 */
import { requireUser, type Actor } from '#src/access/actor.ts'
import { hashToken, newToken } from '#src/accounts/user-session.ts'
import { addNotice } from '#src/jobs/notices.ts'
import type { Db } from '#src/platform/db.ts'
import type { Deps } from '#src/platform/deps.ts'
import { AppError, notFound } from '#src/platform/errors.ts'
import { hitRateLimits, type RateLimitRule } from '#src/platform/rate-limit.ts'
import { openField, sealField } from '#src/platform/secrets.ts'
import { groupKeepers, isShut, requireKnownGroup, requireManager } from './membership.groups.ts'

export const questionLimits = {
  ip: { name: 'question:ip', limit: 10, windowSeconds: 3600 },
  user: { name: 'question:user', limit: 20, windowSeconds: 86_400 },
} as const satisfies Record<string, RateLimitRule>

export const messageMax = 4000
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

function checkBody(raw: string): string {
  const body = raw.trim()
  if (!body || body.length > messageMax) {
    throw new AppError('invalid_input', 'Write your message (up to 4000 characters).', {
      fields: { body: body ? 'too_long' : 'required' },
    })
  }
  return body
}

async function tellKeepers(trx: Db, now: Date, q: { id: string; group_id: string }, event: string) {
  const group = await trx
    .selectFrom('grp')
    .select(['id', 'organisation_id'])
    .where('id', '=', q.group_id)
    .executeTakeFirstOrThrow()
  for (const keeper of await groupKeepers(trx, group)) {
    await addNotice(trx, now, {
      kind: 'question.new',
      key: `question:${q.id}:${event}:${keeper}`,
      userId: keeper,
      groupId: q.group_id,
      payload: { question_id: q.id },
    })
  }
}

export async function askQuestion(
  deps: Deps,
  actor: Actor,
  input: {
    groupId: string
    body: string
    email?: string | undefined
    locale: 'ja' | 'en'
    ip: string
  },
): Promise<{ confirmed: boolean; token: string | null }> {
  const group = await requireKnownGroup(deps.db, actor, input.groupId)
  if (isShut(group)) throw notFound('No such group.')
  const body = checkBody(input.body)
  const email = input.email?.trim().toLowerCase() ?? ''
  if (actor.kind !== 'user' && (!emailPattern.test(email) || email.length > 254)) {
    throw new AppError('invalid_input', 'Give an address for the replies.', {
      fields: { email: 'invalid' },
    })
  }
  await hitRateLimits(deps, [
    { rule: questionLimits.ip, value: input.ip },
    ...(actor.kind === 'user' ? [{ rule: questionLimits.user, value: actor.userId }] : []),
  ])
  const now = deps.clock.now()
  const token = newToken()
  const confirmed = actor.kind === 'user'
  await deps.db.transaction().execute(async (trx) => {
    const q = await trx
      .insertInto('group_question')
      .values({
        group_id: group.id,
        asker_user_id: actor.kind === 'user' ? actor.userId : null,
        asker_email_sealed: actor.kind === 'user' ? null : sealField(deps.secrets, email),
        asker_locale: input.locale,
        token_hash: hashToken(token),
        token_sealed: sealField(deps.secrets, token),
        confirmed_at: confirmed ? now : null,
        revealed_at: null,
        reveal_name: null,
        created_at: now,
        last_message_at: now,
      })
      .returning(['id', 'group_id'])
      .executeTakeFirstOrThrow()
    await trx
      .insertInto('group_question_message')
      .values({ question_id: q.id, side: 'seeker', author_id: null, body, created_at: now })
      .execute()
    if (confirmed) await tellKeepers(trx, now, q, 'asked')
    else {
      await addNotice(trx, now, {
        kind: 'question.confirm',
        key: `question:${q.id}:confirm`,
        userId: null,
        groupId: q.group_id,
        payload: { question_id: q.id },
      })
    }
  })
  // Only someone who proved the address (by account) gets the link here; others get it by mail.
  return { confirmed, token: confirmed ? token : null }
}

async function byToken(db: Db, token: string) {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) throw notFound('No such question.')
  const q = await db
    .selectFrom('group_question')
    .selectAll()
    .where('token_hash', '=', hashToken(token))
    .executeTakeFirst()
  if (!q) throw notFound('No such question.')
  return q
}

async function messages(db: Db, questionId: string) {
  const rows = await db
    .selectFrom('group_question_message')
    .select(['id', 'side', 'body', 'created_at'])
    .where('question_id', '=', questionId)
    .orderBy('id')
    .execute()
  return rows.map((m) => ({ side: m.side, body: m.body, created_at: m.created_at.toISOString() }))
}

/** The asker's view of their question, by the link they hold. */
export async function questionThread(deps: Deps, token: string) {
  const q = await byToken(deps.db, token)
  const group = await deps.db
    .selectFrom('grp')
    .select(['id', 'name'])
    .where('id', '=', q.group_id)
    .executeTakeFirstOrThrow()
  return {
    group,
    confirmed: q.confirmed_at !== null,
    revealed: q.revealed_at !== null,
    messages: await messages(deps.db, q.id),
  }
}

/** Confirms an address given without an account: the group hears of the question only now. */
export async function confirmQuestion(deps: Deps, token: string): Promise<void> {
  const q = await byToken(deps.db, token)
  if (q.confirmed_at) return
  const now = deps.clock.now()
  await deps.db.transaction().execute(async (trx) => {
    const done = await trx
      .updateTable('group_question')
      .set({ confirmed_at: now })
      .where('id', '=', q.id)
      .where('confirmed_at', 'is', null)
      .executeTakeFirst()
    if (done.numUpdatedRows > 0n) await tellKeepers(trx, now, q, 'asked')
  })
}

export async function seekerReply(deps: Deps, token: string, rawBody: string): Promise<void> {
  const q = await byToken(deps.db, token)
  if (!q.confirmed_at)
    throw new AppError('conflict', 'Confirm your address first: open the link we sent.')
  const body = checkBody(rawBody)
  const now = deps.clock.now()
  await deps.db.transaction().execute(async (trx) => {
    const message = await trx
      .insertInto('group_question_message')
      .values({ question_id: q.id, side: 'seeker', author_id: null, body, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow()
    await trx
      .updateTable('group_question')
      .set({ last_message_at: now })
      .where('id', '=', q.id)
      .execute()
    await tellKeepers(trx, now, q, `message-${message.id}`)
  })
}

/** The asker tells the group who they are: the name they choose, and their address for replies. */
export async function revealAsker(deps: Deps, token: string, rawName: string): Promise<void> {
  const q = await byToken(deps.db, token)
  const name = rawName.replace(/\s+/g, ' ').trim()
  if (!name || name.length > 60) {
    throw new AppError('invalid_input', 'Give the name the group may know you by.', {
      fields: { name: 'required' },
    })
  }
  await deps.db
    .updateTable('group_question')
    .set({ revealed_at: deps.clock.now(), reveal_name: name })
    .where('id', '=', q.id)
    .execute()
}

async function askerEmail(
  deps: Deps,
  q: { asker_user_id: string | null; asker_email_sealed: string | null },
) {
  if (q.asker_email_sealed) return openField(deps.secrets, q.asker_email_sealed)
  if (!q.asker_user_id) return null
  const user = await deps.db
    .selectFrom('app_user')
    .select('email')
    .where('id', '=', q.asker_user_id)
    .executeTakeFirst()
  return user?.email ?? null
}

/** The group's questions, for the people who run it: who asked only where the asker said so. */
export async function listQuestions(deps: Deps, actor: Actor, groupId: string) {
  await requireManager(deps.db, actor, groupId)
  const rows = await deps.db
    .selectFrom('group_question')
    .selectAll()
    .where('group_id', '=', groupId)
    .where('confirmed_at', 'is not', null)
    .orderBy('last_message_at', 'desc')
    .limit(200)
    .execute()
  return Promise.all(
    rows.map(async (q) => ({
      id: q.id,
      asked_at: q.created_at.toISOString(),
      last_message_at: q.last_message_at.toISOString(),
      revealed: q.revealed_at
        ? { name: q.reveal_name ?? '', email: await askerEmail(deps, q) }
        : null,
    })),
  )
}

async function managedQuestion(deps: Deps, actor: Actor, groupId: string, questionId: string) {
  const { user } = await requireManager(deps.db, actor, groupId)
  if (!/^[0-9a-f-]{36}$/i.test(questionId)) throw notFound('No such question.')
  const q = await deps.db
    .selectFrom('group_question')
    .selectAll()
    .where('id', '=', questionId)
    .where('group_id', '=', groupId)
    .where('confirmed_at', 'is not', null)
    .executeTakeFirst()
  if (!q) throw notFound('No such question.')
  return { q, user }
}

export async function getQuestion(deps: Deps, actor: Actor, groupId: string, questionId: string) {
  const { q } = await managedQuestion(deps, actor, groupId, questionId)
  return {
    id: q.id,
    revealed: q.revealed_at
      ? { name: q.reveal_name ?? '', email: await askerEmail(deps, q) }
      : null,
    messages: await messages(deps.db, q.id),
  }
}

export async function replyAsGroup(
  deps: Deps,
  actor: Actor,
  input: { groupId: string; questionId: string; body: string },
): Promise<void> {
  requireUser(actor)
  const { q, user } = await managedQuestion(deps, actor, input.groupId, input.questionId)
  const body = checkBody(input.body)
  const now = deps.clock.now()
  await deps.db.transaction().execute(async (trx) => {
    const message = await trx
      .insertInto('group_question_message')
      .values({ question_id: q.id, side: 'group', author_id: user.userId, body, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow()
    await trx
      .updateTable('group_question')
      .set({ last_message_at: now })
      .where('id', '=', q.id)
      .execute()
    await addNotice(trx, now, {
      kind: 'question.reply',
      key: `question:${q.id}:reply-${message.id}`,
      userId: q.asker_user_id,
      groupId: q.group_id,
      payload: { question_id: q.id },
    })
  })
}
