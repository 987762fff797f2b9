import type { Actor } from '#src/access/actor.ts'
import { appendAudit } from '#src/audit/audit.ts'
import type { Deps } from '#src/platform/deps.ts'
import { AppError } from '#src/platform/errors.ts'
import { hitRateLimits } from '#src/platform/rate-limit.ts'
import { accountLimits } from './accounts.limits.ts'
import { allowAnyone, requireAccountHolder } from './accounts.policy.ts'
import { findUserByEmail } from './accounts.repo.ts'
import type { SignInInput } from './accounts.schema.ts'
import { loadAccount } from './me.ts'
import { verifyDummyPassword, verifyPassword } from './password.ts'
import { hasSecondFactor } from './second-factor.ts'

/** One answer for an unknown address, a wrong password and an erased account alike. */
export const signInRefused = () =>
  new AppError('unauthenticated', 'The e-mail address or the password is not right.')

/**
 * Checks the password. Returns the account's id for the route to start a session with, and
 * whether a second factor must follow before that session grants anything.
 */
export async function signIn(
  deps: Deps,
  actor: Actor,
  input: SignInInput & { ip: string },
): Promise<{ userId: string; secondFactor: boolean }> {
  allowAnyone(actor)
  await hitRateLimits(deps, [
    { rule: accountLimits.signInIp, value: input.ip },
    { rule: accountLimits.signInEmail, value: input.email },
  ])
  const user = await findUserByEmail(deps.db, input.email)
  if (!user?.password_hash) {
    await verifyDummyPassword(input.password)
    await appendAudit(deps, {
      actorId: null,
      action: 'sign_in_failed',
      details: { reason: 'unknown_address' },
    })
    throw signInRefused()
  }
  if (!(await verifyPassword(user.password_hash, input.password))) {
    await appendAudit(deps, {
      actorId: null,
      action: 'sign_in_failed',
      subjectType: 'user',
      subjectId: user.id,
      details: { reason: 'wrong_password' },
    })
    throw signInRefused()
  }
  // With a second factor, the sign-in is recorded when that step succeeds.
  if (await hasSecondFactor(deps.db, user.id)) return { userId: user.id, secondFactor: true }
  await appendAudit(deps, {
    actorId: user.id,
    action: 'sign_in',
    subjectType: 'user',
    subjectId: user.id,
  })
  return { userId: user.id, secondFactor: false }
}

/**
 * Checks the signed-in person's password again where an action needs proof that they, not
 * someone at their unlocked computer, are asking. Counted per account and per IP.
 */
export async function checkOwnPassword(
  deps: Deps,
  actor: Actor,
  input: { password: string; ip: string; field: string },
) {
  const user = requireAccountHolder(actor)
  await hitRateLimits(deps, [
    { rule: accountLimits.passwordAccount, value: user.userId },
    { rule: accountLimits.passwordIp, value: input.ip },
  ])
  const account = await loadAccount(deps.db, user.userId)
  if (!account.password_hash || !(await verifyPassword(account.password_hash, input.password))) {
    throw new AppError('invalid_input', 'The password is not right.', {
      fields: { [input.field]: 'The password is not right.' },
    })
  }
  return { user, account }
}

/** Typing the password again opens the ten-minute window for exports and erasure. */
export async function reauthenticate(
  deps: Deps,
  actor: Actor,
  input: { password: string; ip: string },
): Promise<string> {
  const user = requireAccountHolder(actor)
  try {
    await checkOwnPassword(deps, actor, { ...input, field: 'password' })
  } catch (error) {
    if (error instanceof AppError && error.code === 'invalid_input') {
      await appendAudit(deps, {
        actorId: user.userId,
        action: 'reauthentication_failed',
        subjectType: 'user',
        subjectId: user.userId,
      })
    }
    throw error
  }
  await appendAudit(deps, {
    actorId: user.userId,
    action: 'reauthenticated',
    subjectType: 'user',
    subjectId: user.userId,
  })
  return user.userId
}

export async function signOut(deps: Deps, actor: Actor): Promise<void> {
  allowAnyone(actor)
  if (actor.kind !== 'user') return
  await deps.db.deleteFrom('user_session').where('id', '=', actor.sessionId).execute()
  await appendAudit(deps, {
    actorId: actor.userId,
    action: 'sign_out',
    subjectType: 'user',
    subjectId: actor.userId,
  })
}
