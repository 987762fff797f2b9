import { generateAuthenticationOptions, verifyAuthenticationResponse } from '@simplewebauthn/server'
import { isoBase64URL } from '@simplewebauthn/server/helpers'
import type { Actor } from '#src/access/actor.ts'
import { appendAudit } from '#src/audit/audit.ts'
import type { Deps } from '#src/platform/deps.ts'
import { hitRateLimits } from '#src/platform/rate-limit.ts'
import { accountLimits } from './accounts.limits.ts'
import { allowAnyone } from './accounts.policy.ts'
import {
  AuthenticationResponse,
  challengeLifetimeMs,
  credentialsOf,
  parseResponse,
  refusedPasskey,
  spendChallenge,
  storeChallenge,
  type Asking,
  type RelyingParty,
} from './passkeys.ts'

/** Signing in with a passkey (see passkeys.ts). */

/**
 * Options for `navigator.credentials.get()`. For a person whose sign-in waits for its second
 * factor (or who steps up a session), only their passkeys; for no one in particular, any passkey
 * that can name its account and verify the person (signing in without a password).
 */
export async function passkeySignInOptions(
  deps: Deps,
  actor: Actor,
  input: { asking: Asking | undefined; rp: RelyingParty; ip: string },
) {
  allowAnyone(actor)
  await hitRateLimits(deps, [{ rule: accountLimits.passkeyOptionsIp, value: input.ip }])
  const userId = input.asking?.userId
  const allowCredentials = userId ? await credentialsOf(deps.db, userId) : []
  const options = await generateAuthenticationOptions({
    rpID: input.rp.id,
    allowCredentials,
    userVerification: userId ? 'preferred' : 'required',
    timeout: challengeLifetimeMs,
  })
  await storeChallenge(deps, options.challenge, 'authenticate', input.asking)
  return options
}

/**
 * Checks a passkey's answer. `asking` is whose sign-in waits for a second factor (or whose
 * session steps up); without it, the passkey signs in on its own and must have verified the
 * person. The signature counter must move on: a key that repeats or goes back is refused.
 */
export async function signInWithPasskey(
  deps: Deps,
  actor: Actor,
  input: { response: unknown; asking: Asking | undefined; rp: RelyingParty; ip: string },
): Promise<{ userId: string }> {
  allowAnyone(actor)
  const userId = input.asking?.userId
  await hitRateLimits(deps, [
    { rule: accountLimits.secondFactorIp, value: input.ip },
    ...(userId ? [{ rule: accountLimits.secondFactorAccount, value: userId }] : []),
  ])
  const response = parseResponse(AuthenticationResponse, input.response)
  const challenge = await spendChallenge(
    deps,
    response.response.clientDataJSON,
    'authenticate',
    input.asking,
  )
  if (!challenge) {
    await failed(deps, userId)
    throw refusedPasskey()
  }
  const credential = await deps.db
    .selectFrom('passkey_credential as p')
    .innerJoin('app_user as u', 'u.id', 'p.user_id')
    .select(['p.id', 'p.user_id', 'p.credential_id', 'p.public_key', 'p.counter', 'p.transports'])
    .where('p.credential_id', '=', response.id)
    .where('u.erased_at', 'is', null)
    .executeTakeFirst()
  if (!credential || (userId && credential.user_id !== userId)) {
    await failed(deps, userId)
    throw refusedPasskey()
  }
  const stored = Number(credential.counter)
  let newCounter: number
  try {
    const verified = await verifyAuthenticationResponse({
      response: response,
      expectedChallenge: challenge,
      expectedOrigin: input.rp.origins,
      expectedRPID: input.rp.id,
      credential: {
        id: credential.credential_id,
        publicKey: isoBase64URL.toBuffer(credential.public_key),
        counter: stored,
        transports: credential.transports,
      },
      requireUserVerification: !userId,
    })
    if (!verified.verified) throw new Error('not verified')
    newCounter = verified.authenticationInfo.newCounter
  } catch {
    await failed(deps, credential.user_id)
    throw refusedPasskey()
  }
  // Authenticators that count nothing send 0 every time; any other must count up. Checked again
  // in the update, so that two answers racing with one counter value cannot both pass.
  const counted = await deps.db
    .updateTable('passkey_credential')
    .set({ counter: String(newCounter), last_used_at: deps.clock.now() })
    .where('id', '=', credential.id)
    .where((eb) =>
      newCounter === 0 ? eb('counter', '=', '0') : eb('counter', '<', String(newCounter)),
    )
    .returning('id')
    .executeTakeFirst()
  if (!counted) {
    await failed(deps, credential.user_id)
    throw refusedPasskey()
  }
  await appendAudit(deps, {
    actorId: credential.user_id,
    action: 'sign_in',
    subjectType: 'user',
    subjectId: credential.user_id,
    details: { second_factor: userId ? 'passkey' : 'passkey_only' },
  })
  return { userId: credential.user_id }
}

async function failed(deps: Deps, userId: string | undefined) {
  await appendAudit(deps, {
    actorId: null,
    action: 'second_factor_failed',
    ...(userId ? { subjectType: 'user', subjectId: userId } : {}),
    details: { kind: 'passkey' },
  })
}
