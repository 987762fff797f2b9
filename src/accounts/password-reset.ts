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
  pruneTokens,
} from './accounts.repo.ts'
import { hashPassword, passwordProblem } from './password.ts'
import { checkOwnPassword } from './sign-in.ts'
import { hashToken, newToken } from './user-session.ts'

export const resetTokenTtlMs = 60 * 60_000

export const resetAccepted = {
  status: 'accepted' as const,
  message:
    'If an account uses this address, we have sent a message to it with a link to set a new password.',
}

function rejectWeak(
  password: string,
  context: { email: string; displayName: string | null },
  field: string,
) {
  const problem = passwordProblem(password, context)
  if (problem) {
    throw new AppError('invalid_input', 'Some of the input is not valid.', {
      fields: { [field]: problem },
    })
  }
}

/** Mails a reset link to the address if it has an account; answers the same either way. */
export async function requestPasswordReset(
  deps: Deps,
  actor: Actor,
  input: { email: string; ip: string },
) {
  allowAnyone(actor)
  await hitRateLimits(deps, [
    { rule: accountLimits.resetIp, value: input.ip },
    { rule: accountLimits.resetEmail, value: input.email },
  ])
  const now = deps.clock.now()
  const user = await findUserByEmail(deps.db, input.email)
  // Only a known address has work to do; it happens after the answer, so both answer as fast.
  await deps.background.run(async () => {
    await pruneTokens(deps.db, now)
    if (!user?.email) return
    // Only the newest link works: an older one in a forgotten mail should not.
    await deleteTokens(deps.db, { userId: user.id, purposes: ['reset_password'] })
    const token = newToken()
    await insertToken(deps.db, {
      tokenHash: hashToken(token),
      purpose: 'reset_password',
      userId: user.id,
      email: user.email,
      createdAt: now,
      expiresAt: new Date(now.getTime() + resetTokenTtlMs),
    })
    await appendAudit(deps, {
      actorId: null,
      action: 'password_reset_requested',
      subjectType: 'user',
      subjectId: user.id,
    })
    await deps.mailer.send(accountMail.reset(deps.env, user.email, user.locale, token))
  })
  return resetAccepted
}

const invalidResetLink = () =>
  new AppError('invalid_input', 'This link does not work any more. Please ask for a new one.', {
    fields: { token: 'This link does not work any more. Please ask for a new one.' },
  })

/**
 * Sets a new password from a mailed link. The link is bound to the address it went to: if the
 * account's address has changed since, it no longer works. Every session ends, and every other
 * outstanding link with it.
 */
export async function resetPassword(
  deps: Deps,
  actor: Actor,
  input: { token: string; password: string; ip: string },
) {
  allowAnyone(actor)
  await hitRateLimits(deps, [{ rule: accountLimits.tokenIp, value: input.ip }])
  const now = deps.clock.now()
  const tokenHash = hashToken(input.token)
  const preview = await deps.db
    .selectFrom('auth_token as t')
    .innerJoin('app_user as u', 'u.id', 't.user_id')
    .select(['u.email', 'u.display_name'])
    .where('t.token_hash', '=', tokenHash)
    .where('t.purpose', '=', 'reset_password')
    .where('t.used_at', 'is', null)
    .where('t.expires_at', '>', now)
    .executeTakeFirst()
  if (!preview?.email) throw invalidResetLink()
  // Checked before the token is used up, so a refused password does not spend the link.
  rejectWeak(
    input.password,
    { email: preview.email, displayName: preview.display_name },
    'password',
  )
  const passwordHash = await hashPassword(input.password)
  const { userId, email, locale } = await deps.db.transaction().execute(async (trx) => {
    const token = await consumeToken(trx, tokenHash, 'reset_password', now)
    const user = token?.user_id ? await findUserById(trx, token.user_id) : undefined
    if (!token || !user?.email || user.email !== token.email) throw invalidResetLink()
    await trx
      .updateTable('app_user')
      .set({ password_hash: passwordHash, email_confirmed_at: user.email_confirmed_at ?? now })
      .where('id', '=', user.id)
      .execute()
    await trx.deleteFrom('user_session').where('user_id', '=', user.id).execute()
    await deleteTokens(trx, { userId: user.id, purposes: ['reset_password', 'change_email'] })
    await appendAudit(
      deps,
      { actorId: null, action: 'password_reset', subjectType: 'user', subjectId: user.id },
      trx,
    )
    return { userId: user.id, email: user.email, locale: user.locale }
  })
  await deps.mailer.send(accountMail.passwordChanged(deps.env, email, locale))
  return { userId }
}

/**
 * Changes the password of the signed-in person, who must type the current one. Their other
 * sessions end (ASVS v5.0.0-7.4.3); this one is renewed by the route.
 */
export async function changePassword(
  deps: Deps,
  actor: Actor,
  input: { current_password: string; new_password: string; ip: string },
) {
  let checked
  try {
    checked = await checkOwnPassword(deps, actor, {
      password: input.current_password,
      ip: input.ip,
      field: 'current_password',
    })
  } catch (error) {
    if (actor.kind === 'user' && error instanceof AppError && error.code === 'invalid_input') {
      await appendAudit(deps, {
        actorId: actor.userId,
        action: 'password_change_failed',
        subjectType: 'user',
        subjectId: actor.userId,
      })
    }
    throw error
  }
  const { user, account } = checked
  rejectWeak(
    input.new_password,
    { email: account.email ?? '', displayName: account.display_name },
    'new_password',
  )
  const passwordHash = await hashPassword(input.new_password)
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('app_user')
      .set({ password_hash: passwordHash })
      .where('id', '=', user.userId)
      .execute()
    await trx.deleteFrom('user_session').where('user_id', '=', user.userId).execute()
    await deleteTokens(trx, { userId: user.userId, purposes: ['reset_password', 'change_email'] })
    await appendAudit(
      deps,
      {
        actorId: user.userId,
        action: 'password_changed',
        subjectType: 'user',
        subjectId: user.userId,
      },
      trx,
    )
  })
  if (account.email) {
    await deps.mailer.send(accountMail.passwordChanged(deps.env, account.email, account.locale))
  }
  return { userId: user.userId }
}
