import crypto from 'node:crypto'
import { Secret, TOTP } from 'otpauth'
import { isStaff, type Actor, type UserActor } from '#src/access/actor.ts'
import { appendAudit } from '#src/audit/audit.ts'
import type { Db } from '#src/platform/db.ts'
import type { Deps } from '#src/platform/deps.ts'
import { AppError } from '#src/platform/errors.ts'
import { hitRateLimits } from '#src/platform/rate-limit.ts'
import { openField, sealField } from '#src/platform/secrets.ts'
import { accountLimits } from './accounts.limits.ts'
import { allowAnyone, requireRecentAuthentication } from './accounts.policy.ts'
import { checkOwnPassword } from './sign-in.ts'

const period = 30
const recoveryCodeCount = 10

function totpFor(secretBase32: string, label: string) {
  // SHA-1, 6 digits, 30 s: what every authenticator app understands (RFC 6238 defaults).
  return new TOTP({
    issuer: 'Tomoni',
    label,
    algorithm: 'SHA1',
    digits: 6,
    period,
    secret: Secret.fromBase32(secretBase32),
  })
}

/** Whether the account has any second factor: an authenticator app or a passkey. */
export async function hasSecondFactor(db: Db, userId: string): Promise<boolean> {
  return (await secondFactorCount(db, userId)) > 0
}

/** How many second factors the account has: the app counts one, each passkey one. */
async function secondFactorCount(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom('app_user as u')
    .select((eb) => [
      eb
        .selectFrom('totp_credential')
        .select(eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', userId)
        .where('confirmed_at', 'is not', null)
        .as('totp'),
      eb
        .selectFrom('passkey_credential')
        .select(eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', userId)
        .as('passkeys'),
    ])
    .where('u.id', '=', userId)
    .executeTakeFirst()
  return Number(row?.totp ?? 0) + Number(row?.passkeys ?? 0)
}

export async function secondFactorSummary(db: Db, userId: string) {
  const credential = await db
    .selectFrom('totp_credential')
    .select('confirmed_at')
    .where('user_id', '=', userId)
    .where('confirmed_at', 'is not', null)
    .executeTakeFirst()
  const codes = await db
    .selectFrom('recovery_code')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow()
  const passkeys = await db
    .selectFrom('passkey_credential')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow()
  return {
    totp: !!credential,
    totp_enabled_at: credential?.confirmed_at?.toISOString() ?? null,
    passkeys: Number(passkeys.n),
    recovery_codes_left: Number(codes.n),
  }
}

/**
 * Staff need a second factor (decision 015), so they may not remove their last one: they add
 * another first (a passkey, say), or have the role taken away.
 */
export async function checkMayRemoveSecondFactor(db: Db, actor: UserActor): Promise<void> {
  if (isStaff(actor) && (await secondFactorCount(db, actor.userId)) <= 1) {
    throw new AppError(
      'conflict',
      'Staff need a second factor. Add another one before removing this one.',
    )
  }
}

/**
 * With a second factor gone, no session of the person counts as opened with one any more: staff
 * powers stop at once everywhere, and come back only after signing in with a factor that remains.
 */
export async function dropSecondFactorFromSessions(db: Db, userId: string): Promise<void> {
  await db
    .updateTable('user_session')
    .set({ second_factor_at: null })
    .where('user_id', '=', userId)
    .execute()
}

/** New recovery codes in place of any old ones; answers them, to be shown this once. */
export async function issueRecoveryCodes(db: Db, userId: string, now: Date): Promise<string[]> {
  const codes = Array.from({ length: recoveryCodeCount }, newRecoveryCode)
  await db.deleteFrom('recovery_code').where('user_id', '=', userId).execute()
  await db
    .insertInto('recovery_code')
    .values(
      codes.map((code) => ({
        user_id: userId,
        code_hash: hashRecoveryCode(code),
        created_at: now,
      })),
    )
    .execute()
  return codes
}

/**
 * Starts setting up an authenticator app: a new secret, shown once as text and as an
 * `otpauth://` link (for a QR code). Nothing changes at sign-in until a code from the app is
 * confirmed. Needs the password typed within ten minutes, like every change to how one signs in.
 */
export async function beginTotpEnrolment(deps: Deps, actor: Actor) {
  const user = requireRecentAuthentication(actor, deps.clock.now())
  const account = await deps.db
    .selectFrom('app_user')
    .select('email')
    .where('id', '=', user.userId)
    .executeTakeFirstOrThrow()
  if (await hasTotp(deps.db, user.userId)) {
    throw new AppError('conflict', 'An authenticator app is already set up. Remove it first.')
  }
  const secret = new Secret({ size: 20 }).base32
  await deps.db
    .insertInto('totp_credential')
    .values({
      user_id: user.userId,
      secret_encrypted: sealField(deps.secrets, secret),
      created_at: deps.clock.now(),
    })
    .onConflict((oc) =>
      oc.column('user_id').doUpdateSet({
        secret_encrypted: sealField(deps.secrets, secret),
        created_at: deps.clock.now(),
        confirmed_at: null,
        last_used_step: null,
      }),
    )
    .execute()
  return { secret, otpauth_uri: totpFor(secret, account.email ?? 'Tomoni').toString() }
}

function newRecoveryCode(): string {
  // 50 bits in a form people can copy: xxxxx-xxxxx from an alphabet without look-alikes.
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789'
  const chars = Array.from(crypto.randomBytes(10), (b) => alphabet[b % alphabet.length]!)
  return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`
}

const hashRecoveryCode = (code: string) =>
  crypto
    .createHash('sha256')
    .update(code.toLowerCase().replace(/[^a-z0-9]/g, ''))
    .digest('hex')

/**
 * Accepts a TOTP code for the account if it is right for now (±one step for clock drift) and
 * newer than the last one accepted: the same code never works twice.
 */
async function acceptTotpCode(
  deps: Deps,
  userId: string,
  code: string,
  only: 'confirmed' | 'unconfirmed',
) {
  const db = deps.db
  const credential = await db
    .selectFrom('totp_credential')
    .select(['secret_encrypted', 'confirmed_at'])
    .where('user_id', '=', userId)
    .executeTakeFirst()
  if (!credential || (only === 'confirmed') !== (credential.confirmed_at !== null)) return false
  if (!/^\d{6}$/.test(code)) return false
  const now = deps.clock.now().getTime()
  const totp = totpFor(openField(deps.secrets, credential.secret_encrypted), 'check')
  const delta = totp.validate({ token: code, timestamp: now, window: 1 })
  if (delta === null) return false
  const step = Math.floor(now / 1000 / period) + delta
  const accepted = await db
    .updateTable('totp_credential')
    .set({ last_used_step: String(step) })
    .where('user_id', '=', userId)
    .where((eb) =>
      eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', String(step))]),
    )
    .returning('user_id')
    .executeTakeFirst()
  return !!accepted
}

/** Confirms the app with one code; answers the recovery codes, which are shown this once. */
export async function confirmTotpEnrolment(
  deps: Deps,
  actor: Actor,
  input: { code: string; ip: string },
) {
  const user = requireRecentAuthentication(actor, deps.clock.now())
  await hitRateLimits(deps, [
    { rule: accountLimits.secondFactorAccount, value: user.userId },
    { rule: accountLimits.secondFactorIp, value: input.ip },
  ])
  const pending = await deps.db
    .selectFrom('totp_credential')
    .select('confirmed_at')
    .where('user_id', '=', user.userId)
    .executeTakeFirst()
  if (!pending || pending.confirmed_at) {
    throw new AppError('conflict', 'Start setting up an authenticator app first.')
  }
  if (!(await acceptTotpCode(deps, user.userId, input.code, 'unconfirmed'))) {
    throw new AppError('invalid_input', 'This code is not right.', {
      fields: { code: 'This code is not right. Check the time on your phone.' },
    })
  }
  const now = deps.clock.now()
  const codes = await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('totp_credential')
      .set({ confirmed_at: now })
      .where('user_id', '=', user.userId)
      .execute()
    const issued = await issueRecoveryCodes(trx, user.userId, now)
    await appendAudit(
      deps,
      {
        actorId: user.userId,
        action: 'second_factor_enabled',
        subjectType: 'user',
        subjectId: user.userId,
        details: { kind: 'totp' },
      },
      trx,
    )
    return issued
  })
  // Showing a code from the app proved the second factor: the route renews this session as one
  // opened with it.
  return { recovery_codes: codes, userId: user.userId }
}

/**
 * Removes the authenticator app; asks for the password. The recovery codes go with the last
 * second factor. Every session of the person stops counting as opened with a second factor.
 */
export async function removeSecondFactor(
  deps: Deps,
  actor: Actor,
  input: { password: string; ip: string },
) {
  const { user } = await checkOwnPassword(deps, actor, { ...input, field: 'password' })
  if (!(await hasTotp(deps.db, user.userId))) {
    throw new AppError('conflict', 'No authenticator app is set up.')
  }
  await checkMayRemoveSecondFactor(deps.db, user)
  await deps.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('totp_credential').where('user_id', '=', user.userId).execute()
    if (!(await hasSecondFactor(trx, user.userId))) {
      await trx.deleteFrom('recovery_code').where('user_id', '=', user.userId).execute()
    }
    await dropSecondFactorFromSessions(trx, user.userId)
    await appendAudit(
      deps,
      {
        actorId: user.userId,
        action: 'second_factor_disabled',
        subjectType: 'user',
        subjectId: user.userId,
        details: { kind: 'totp' },
      },
      trx,
    )
  })
}

async function hasTotp(db: Db, userId: string) {
  const row = await db
    .selectFrom('totp_credential')
    .select('user_id')
    .where('user_id', '=', userId)
    .where('confirmed_at', 'is not', null)
    .executeTakeFirst()
  return !!row
}

const refusedSecondFactor = () =>
  new AppError('unauthenticated', 'This code is not right, or the sign-in took too long.')

/**
 * The second step of signing in: a code from the app, or one of the recovery codes. `userId`
 * comes from the session the password step left waiting; the route then opens a full session.
 */
export async function completeSecondFactor(
  deps: Deps,
  actor: Actor,
  input: {
    userId: string | undefined
    code?: string | undefined
    recovery_code?: string | undefined
    ip: string
  },
): Promise<{ userId: string; method: 'totp' | 'recovery_code' }> {
  allowAnyone(actor)
  await hitRateLimits(deps, [
    { rule: accountLimits.secondFactorIp, value: input.ip },
    ...(input.userId ? [{ rule: accountLimits.secondFactorAccount, value: input.userId }] : []),
  ])
  const userId = input.userId
  if (!userId) throw refusedSecondFactor()
  let method: 'totp' | 'recovery_code' | undefined
  if (
    input.code &&
    (await acceptTotpCode(deps, userId, input.code.replace(/\s/g, ''), 'confirmed'))
  ) {
    method = 'totp'
  } else if (input.recovery_code) {
    const used = await deps.db
      .updateTable('recovery_code')
      .set({ used_at: deps.clock.now() })
      .where('user_id', '=', userId)
      .where('code_hash', '=', hashRecoveryCode(input.recovery_code))
      .where('used_at', 'is', null)
      .returning('id')
      .executeTakeFirst()
    if (used) method = 'recovery_code'
  }
  if (!method) {
    await appendAudit(deps, {
      actorId: null,
      action: 'second_factor_failed',
      subjectType: 'user',
      subjectId: userId,
    })
    throw refusedSecondFactor()
  }
  await appendAudit(deps, {
    actorId: userId,
    action: 'sign_in',
    subjectType: 'user',
    subjectId: userId,
    details: { second_factor: method },
  })
  return { userId, method }
}
