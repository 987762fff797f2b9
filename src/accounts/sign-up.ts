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
  findUserByEmail,
  insertToken,
  isUniqueViolation,
  pruneTokens,
} from './accounts.repo.ts'
import type { SignUpInput } from './accounts.schema.ts'
import { hashPassword, passwordProblem, verifyPassword } from './password.ts'
import { hashToken, newToken } from './user-session.ts'

export const confirmTokenTtlMs = 24 * 60 * 60_000

/** What sign-up always answers, whether or not the address has an account. */
export const signUpAccepted = {
  status: 'accepted' as const,
  message:
    'If this address can be used for a new account, we have sent a message to it. Please follow the link in it.',
}

/**
 * Starts a sign-up. Nothing is created yet: the details wait in the mailed token until the
 * person proves the address is theirs. An address that already has an account gets a mail
 * saying so instead, and the answer here is the same either way, with the same work done (one
 * password hash, one mail), so neither the answer nor its timing tells who has an account.
 */
export async function signUp(deps: Deps, actor: Actor, input: SignUpInput & { ip: string }) {
  allowAnyone(actor)
  await hitRateLimits(deps, [
    { rule: accountLimits.signUpIp, value: input.ip },
    { rule: accountLimits.signUpEmail, value: input.email },
  ])
  const problem = passwordProblem(input.password, {
    email: input.email,
    displayName: input.display_name,
  })
  if (problem) {
    throw new AppError('invalid_input', 'Some of the input is not valid.', {
      fields: { password: problem },
    })
  }
  const passwordHash = await hashPassword(input.password)
  const now = deps.clock.now()
  const existing = await findUserByEmail(deps.db, input.email)
  // What differs between the two cases happens after the answer has gone.
  await deps.background.run(async () => {
    if (existing) {
      await appendAudit(deps, {
        actorId: null,
        action: 'sign_up_existing_address',
        subjectType: 'user',
        subjectId: existing.id,
      })
      await deps.mailer.send(accountMail.existing(deps.env, input.email, existing.locale))
      return
    }
    await pruneTokens(deps.db, now)
    const token = newToken()
    await insertToken(deps.db, {
      tokenHash: hashToken(token),
      purpose: 'confirm_email',
      userId: null,
      email: input.email,
      createdAt: now,
      expiresAt: new Date(now.getTime() + confirmTokenTtlMs),
      pending: { passwordHash, displayName: input.display_name, locale: input.locale },
    })
    await deps.mailer.send(accountMail.confirm(deps.env, input.email, input.locale, token))
  })
  return signUpAccepted
}

const invalidConfirmation = () =>
  new AppError('invalid_input', 'This link does not work, or the password does not match.', {
    fields: { token: 'This link does not work any more, or the password does not match.' },
  })

/**
 * Finishes a sign-up: the link's token and the password chosen at sign-up. Asking for the
 * password means a stranger who signed up first with someone else's address cannot have that
 * person confirm an account whose password the stranger knows. Returns the new account's id;
 * the route signs the person in.
 */
export async function confirmSignUp(
  deps: Deps,
  actor: Actor,
  input: { token: string; password: string; ip: string },
): Promise<string> {
  allowAnyone(actor)
  await hitRateLimits(deps, [{ rule: accountLimits.tokenIp, value: input.ip }])
  const now = deps.clock.now()
  const tokenHash = hashToken(input.token)
  const pending = await deps.db
    .selectFrom('auth_token')
    .select(['pending_password_hash'])
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', 'confirm_email')
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst()
  if (!pending?.pending_password_hash) throw invalidConfirmation()
  // A wrong password leaves the token usable: the person may simply have mistyped.
  if (!(await verifyPassword(pending.pending_password_hash, input.password))) {
    throw invalidConfirmation()
  }
  const create = deps.db.transaction().execute(async (trx) => {
    const token = await consumeToken(trx, tokenHash, 'confirm_email', now)
    if (!token?.pending_password_hash || !token.pending_display_name || !token.pending_locale) {
      throw invalidConfirmation()
    }
    // Another sign-up for the same address may have been confirmed meanwhile.
    if (await findUserByEmail(trx, token.email)) throw invalidConfirmation()
    const user = await trx
      .insertInto('app_user')
      .values({
        email: token.email,
        email_confirmed_at: now,
        password_hash: token.pending_password_hash,
        display_name: token.pending_display_name,
        locale: token.pending_locale,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    // Other pending sign-ups for this address are void now that it has its account.
    await trx
      .deleteFrom('auth_token')
      .where('email', '=', token.email)
      .where('purpose', '=', 'confirm_email')
      .where('user_id', 'is', null)
      .execute()
    await appendAudit(
      deps,
      { actorId: user.id, action: 'account_created', subjectType: 'user', subjectId: user.id },
      trx,
    )
    return user.id
  })
  // Two sign-ups for one address confirmed at the same moment: the second finds it taken.
  return create.catch((error: unknown) => {
    throw isUniqueViolation(error) ? invalidConfirmation() : error
  })
}
