import type { Actor } from '#src/access/actor.ts'
import { appendAudit } from '#src/audit/audit.ts'
import type { Deps } from '#src/platform/deps.ts'
import { AppError } from '#src/platform/errors.ts'
import { hitRateLimits } from '#src/platform/rate-limit.ts'
import { accountLimits } from './accounts.limits.ts'
import { accountMail } from './accounts.mail.ts'
import { allowAnyone } from './accounts.policy.ts'
import {
  consumeToken,
  deleteTokens,
  findUserByEmail,
  findUserById,
  insertToken,
  isUniqueViolation,
  pruneTokens,
} from './accounts.repo.ts'
import { checkOwnPassword } from './sign-in.ts'
import { hashToken, newToken } from './user-session.ts'

export const changeEmailTokenTtlMs = 24 * 60 * 60_000

export const changeEmailAccepted = {
  status: 'accepted' as const,
  message: 'We have sent a message to the new address. Follow the link in it to finish the change.',
}

/**
 * Starts moving the account to a new address: the password first, then a link to the new
 * address. The answer is the same when the new address already has an account (that mailbox
 * hears of it instead), so this cannot be used to find out who has one.
 */
export async function requestEmailChange(
  deps: Deps,
  actor: Actor,
  input: { new_email: string; password: string; ip: string },
) {
  const { user, account } = await checkOwnPassword(deps, actor, {
    password: input.password,
    ip: input.ip,
    field: 'password',
  })
  if (input.new_email === account.email) {
    throw new AppError('invalid_input', 'This is already the address of your account.', {
      fields: { new_email: 'This is already the address of your account.' },
    })
  }
  await hitRateLimits(deps, [{ rule: accountLimits.signUpEmail, value: input.new_email }])
  const now = deps.clock.now()
  const taken = await findUserByEmail(deps.db, input.new_email)
  await deps.background.run(async () => {
    await pruneTokens(deps.db, now)
    if (taken) {
      await deps.mailer.send(accountMail.existing(deps.env, input.new_email, taken.locale))
      return
    }
    // One change at a time: an older link for another address stops working.
    await deleteTokens(deps.db, { userId: user.userId, purposes: ['change_email'] })
    const token = newToken()
    await insertToken(deps.db, {
      tokenHash: hashToken(token),
      purpose: 'change_email',
      userId: user.userId,
      email: input.new_email,
      createdAt: now,
      expiresAt: new Date(now.getTime() + changeEmailTokenTtlMs),
    })
    await appendAudit(deps, {
      actorId: user.userId,
      action: 'email_change_requested',
      subjectType: 'user',
      subjectId: user.userId,
    })
    await deps.mailer.send(
      accountMail.changeEmail(deps.env, input.new_email, account.locale, token),
    )
  })
  return changeEmailAccepted
}

const invalidChangeLink = () =>
  new AppError('invalid_input', 'This link does not work any more.', {
    fields: { token: 'This link does not work any more.' },
  })

/**
 * Finishes the move from the link in the new mailbox. Links mailed to the old address (a reset,
 * say) stop working, since that address is no longer the account's; the old address is told.
 */
export async function confirmEmailChange(
  deps: Deps,
  actor: Actor,
  input: { token: string; ip: string },
) {
  allowAnyone(actor)
  await hitRateLimits(deps, [{ rule: accountLimits.tokenIp, value: input.ip }])
  const now = deps.clock.now()
  const move = deps.db.transaction().execute(async (trx) => {
    const token = await consumeToken(trx, hashToken(input.token), 'change_email', now)
    const user = token?.user_id ? await findUserById(trx, token.user_id) : undefined
    if (!token || !user?.email) throw invalidChangeLink()
    if (await findUserByEmail(trx, token.email)) throw invalidChangeLink()
    await trx
      .updateTable('app_user')
      .set({ email: token.email, email_confirmed_at: now })
      .where('id', '=', user.id)
      .execute()
    await deleteTokens(trx, { userId: user.id, purposes: ['reset_password', 'change_email'] })
    await appendAudit(
      deps,
      { actorId: user.id, action: 'email_changed', subjectType: 'user', subjectId: user.id },
      trx,
    )
    return { oldEmail: user.email, locale: user.locale }
  })
  // Another account took the address at the same moment.
  const changed = await move.catch((error: unknown) => {
    throw isUniqueViolation(error) ? invalidChangeLink() : error
  })
  await deps.mailer.send(accountMail.emailChanged(deps.env, changed.oldEmail, changed.locale))
}
