import { generateRegistrationOptions, verifyRegistrationResponse } from '@simplewebauthn/server'
import { isoBase64URL } from '@simplewebauthn/server/helpers'
import type { Actor } from '#src/access/actor.ts'
import { appendAudit } from '#src/audit/audit.ts'
import type { Deps } from '#src/platform/deps.ts'
import { AppError, notFound } from '#src/platform/errors.ts'
import { requireAccountHolder, requireRecentAuthentication } from './accounts.policy.ts'
import { loadAccount } from './me.ts'
import {
  algorithms,
  challengeLifetimeMs,
  credentialsOf,
  invalidPasskey,
  parseResponse,
  PasskeyName,
  RegistrationResponse,
  spendChallenge,
  storeChallenge,
  type RelyingParty,
} from './passkeys.ts'
import {
  checkMayRemoveSecondFactor,
  dropSecondFactorFromSessions,
  hasSecondFactor,
  issueRecoveryCodes,
} from './second-factor.ts'
import { checkOwnPassword } from './sign-in.ts'

/** Registering, listing and removing passkeys (see passkeys.ts). */

/** Options for `navigator.credentials.create()`; needs the password typed within ten minutes. */
export async function passkeyRegistrationOptions(
  deps: Deps,
  actor: Actor,
  input: { rp: RelyingParty },
) {
  const user = requireRecentAuthentication(actor, deps.clock.now())
  const account = await loadAccount(deps.db, user.userId)
  const options = await generateRegistrationOptions({
    rpName: 'Tomoni',
    rpID: input.rp.id,
    userName: account.email ?? user.userId,
    userDisplayName: account.display_name ?? '',
    // The account's random id: nothing about the person travels to the authenticator in it.
    userID: new TextEncoder().encode(user.userId),
    attestationType: 'none',
    excludeCredentials: await credentialsOf(deps.db, user.userId),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    supportedAlgorithmIDs: algorithms,
    timeout: challengeLifetimeMs,
  })
  // Bound to the person, not the session: typing the password again renews the session.
  await storeChallenge(deps, options.challenge, 'register', {
    userId: user.userId,
    sessionId: null,
  })
  return options
}

export interface PasskeyView {
  id: string
  name: string
  created_at: string
  last_used_at: string | null
  backed_up: boolean
}

const toView = (r: {
  id: string
  name: string
  created_at: Date
  last_used_at: Date | null
  backed_up: boolean
}): PasskeyView => ({
  id: r.id,
  name: r.name,
  created_at: r.created_at.toISOString(),
  last_used_at: r.last_used_at?.toISOString() ?? null,
  backed_up: r.backed_up,
})

/**
 * Checks the browser's answer to the registration options and keeps the passkey. The account's
 * first second factor comes with recovery codes, answered this once.
 */
export async function registerPasskey(
  deps: Deps,
  actor: Actor,
  input: { response: unknown; name: string; rp: RelyingParty },
): Promise<{ passkey: PasskeyView; recovery_codes: string[] | null; userId: string }> {
  const user = requireRecentAuthentication(actor, deps.clock.now())
  const response = parseResponse(RegistrationResponse, input.response)
  const name = PasskeyName.safeParse(input.name)
  if (!name.success) {
    throw new AppError('invalid_input', 'Give the passkey a name of 1 to 60 characters.', {
      fields: { name: 'Give the passkey a name of 1 to 60 characters.' },
    })
  }
  const challenge = await spendChallenge(deps, response.response.clientDataJSON, 'register', {
    userId: user.userId,
    sessionId: null,
  })
  if (!challenge) throw invalidPasskey()
  let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>
  try {
    verified = await verifyRegistrationResponse({
      response: response,
      expectedChallenge: challenge,
      expectedOrigin: input.rp.origins,
      expectedRPID: input.rp.id,
      // As a second factor, having the key is what counts; signing in with it alone asks more.
      requireUserVerification: false,
      supportedAlgorithmIDs: algorithms,
    })
  } catch {
    throw invalidPasskey()
  }
  if (!verified.verified) throw invalidPasskey()
  const info = verified.registrationInfo
  const now = deps.clock.now()
  return deps.db.transaction().execute(async (trx) => {
    const firstFactor = !(await hasSecondFactor(trx, user.userId))
    const row = await trx
      .insertInto('passkey_credential')
      .values({
        user_id: user.userId,
        credential_id: info.credential.id,
        public_key: isoBase64URL.fromBuffer(info.credential.publicKey),
        counter: String(info.credential.counter),
        transports: JSON.stringify(response.response.transports ?? []) as never,
        device_type: info.credentialDeviceType,
        backed_up: info.credentialBackedUp,
        name: name.data,
        created_at: now,
      })
      .onConflict((oc) => oc.column('credential_id').doNothing())
      .returning(['id', 'name', 'created_at', 'last_used_at', 'backed_up'])
      .executeTakeFirst()
    if (!row) throw new AppError('conflict', 'This passkey is registered already.')
    const codes = firstFactor ? await issueRecoveryCodes(trx, user.userId, now) : null
    await appendAudit(
      deps,
      {
        actorId: user.userId,
        action: 'second_factor_enabled',
        subjectType: 'user',
        subjectId: user.userId,
        details: { kind: 'passkey' },
      },
      trx,
    )
    return { passkey: toView(row), recovery_codes: codes, userId: user.userId }
  })
}

export async function listPasskeys(deps: Pick<Deps, 'db'>, actor: Actor): Promise<PasskeyView[]> {
  const user = requireAccountHolder(actor)
  const rows = await deps.db
    .selectFrom('passkey_credential')
    .select(['id', 'name', 'created_at', 'last_used_at', 'backed_up'])
    .where('user_id', '=', user.userId)
    .orderBy('created_at')
    .execute()
  return rows.map(toView)
}

/**
 * Removes one passkey; asks for the password. Staff may not remove their last second factor, and
 * no session of the person counts as opened with a second factor afterwards.
 */
export async function removePasskey(
  deps: Deps,
  actor: Actor,
  input: { id: string; password: string; ip: string },
) {
  const { user } = await checkOwnPassword(deps, actor, {
    password: input.password,
    ip: input.ip,
    field: 'password',
  })
  const owned = await deps.db
    .selectFrom('passkey_credential')
    .select('id')
    .where('id', '=', input.id)
    .where('user_id', '=', user.userId)
    .executeTakeFirst()
  // Someone else's passkey, or none: the same answer.
  if (!owned) throw notFound('No such passkey.')
  await checkMayRemoveSecondFactor(deps.db, user)
  await deps.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('passkey_credential').where('id', '=', owned.id).execute()
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
        details: { kind: 'passkey' },
      },
      trx,
    )
  })
}
