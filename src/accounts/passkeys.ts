import crypto from 'node:crypto'
import { z } from '@hono/zod-openapi'
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticatorTransport,
} from '@simplewebauthn/server'
import { decodeClientDataJSON, isoBase64URL } from '@simplewebauthn/server/helpers'
import type { Actor } from '#src/access/actor.ts'
import { appendAudit } from '#src/audit/audit.ts'
import type { Db } from '#src/platform/db.ts'
import type { Deps } from '#src/platform/deps.ts'
import type { Env } from '#src/platform/env.ts'
import { AppError, notFound } from '#src/platform/errors.ts'
import { hitRateLimits } from '#src/platform/rate-limit.ts'
import { accountLimits } from './accounts.limits.ts'
import {
  allowAnyone,
  requireAccountHolder,
  requireRecentAuthentication,
} from './accounts.policy.ts'
import { loadAccount } from './me.ts'
import {
  checkMayRemoveSecondFactor,
  dropSecondFactorFromSessions,
  hasSecondFactor,
  issueRecoveryCodes,
} from './second-factor.ts'
import { checkOwnPassword } from './sign-in.ts'

/**
 * Passkeys (WebAuthn) with @simplewebauthn/server: registered from the security page, used as
 * the second step of signing in, or alone (the authenticator then verifies the person itself, by
 * PIN or fingerprint, which makes two factors in one). Decision 015.
 */

/** Who the passkeys are for: the host browsers bind them to, and the origins they may come from. */
export interface RelyingParty {
  id: string
  origins: string[]
}

/**
 * PUBLIC_URL when set. Otherwise the host the request came to, over either scheme, since a
 * TLS-terminating proxy hides the browser's; the browser itself binds the key to the host.
 */
export function relyingParty(env: Env, requestUrl: string): RelyingParty {
  if (env.PUBLIC_URL) {
    const url = new URL(env.PUBLIC_URL)
    return { id: url.hostname, origins: [url.origin] }
  }
  const url = new URL(requestUrl)
  return { id: url.hostname, origins: [`https://${url.host}`, `http://${url.host}`] }
}

const challengeLifetimeMs = 5 * 60_000

/**
 * EdDSA, ES256 and RS256: what authenticators in use make. Named here rather than left to the
 * library, whose default probes Node for post-quantum algorithms that it flags as experimental.
 */
const algorithms = [-8, -7, -257]
const hashChallenge = (challenge: string) =>
  crypto.createHash('sha256').update(challenge).digest('hex')

const base64url = z.string().regex(/^[A-Za-z0-9_-]+$/, 'base64url')
const credentialId = base64url.max(1400)
const extensionResults = z.record(z.string(), z.unknown()).default({})
const attachment = z.enum(['platform', 'cross-platform']).optional()

/** What `navigator.credentials.create()` answers, as JSON (what `toJSON()` gives). */
export const RegistrationResponse = z
  .object({
    id: credentialId,
    rawId: credentialId,
    type: z.literal('public-key'),
    response: z.object({
      clientDataJSON: base64url.max(4000),
      attestationObject: base64url.max(60_000),
      transports: z.array(z.string().max(20)).max(10).optional(),
    }),
    clientExtensionResults: extensionResults,
    authenticatorAttachment: attachment,
  })
  .openapi('PasskeyRegistrationResponse')

/** What `navigator.credentials.get()` answers, as JSON. */
export const AuthenticationResponse = z
  .object({
    id: credentialId,
    rawId: credentialId,
    type: z.literal('public-key'),
    response: z.object({
      clientDataJSON: base64url.max(4000),
      authenticatorData: base64url.max(4000),
      signature: base64url.max(2000),
      userHandle: base64url.max(200).optional(),
    }),
    clientExtensionResults: extensionResults,
    authenticatorAttachment: attachment,
  })
  .openapi('PasskeyAuthenticationResponse')

export const PasskeyName = z.string().trim().min(1).max(60)

const refusedPasskey = () =>
  new AppError('unauthenticated', 'This passkey was not accepted, or it took too long.')

const invalidPasskey = () =>
  new AppError('invalid_input', 'The passkey could not be checked. Please try again.', {
    fields: { response: 'not a valid answer from a passkey, or it took too long' },
  })

/** Parses a browser's answer, sent as an object (API) or as JSON text (a form's hidden field). */
export function parseResponse<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  let value = raw
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw) as unknown
    } catch {
      throw invalidPasskey()
    }
  }
  const parsed = schema.safeParse(value)
  if (!parsed.success) throw invalidPasskey()
  return parsed.data
}

/** Whose passkey may answer a challenge, from which session: see secondFactorCandidate(). */
export interface Asking {
  userId: string
  sessionId: string | null
}

async function storeChallenge(
  deps: Pick<Deps, 'db' | 'clock'>,
  challenge: string,
  purpose: 'register' | 'authenticate',
  asking: Asking | undefined,
) {
  const now = deps.clock.now()
  await deps.db.deleteFrom('webauthn_challenge').where('expires_at', '<', now).execute()
  await deps.db
    .insertInto('webauthn_challenge')
    .values({
      challenge_hash: hashChallenge(challenge),
      purpose,
      user_id: asking?.userId ?? null,
      session_id: asking?.sessionId ?? null,
      created_at: now,
      expires_at: new Date(now.getTime() + challengeLifetimeMs),
    })
    .execute()
}

/**
 * Spends the challenge the answer signed: each is good once, for its purpose, in time, and only
 * for whom (and from the session) it was handed to.
 */
async function spendChallenge(
  deps: Pick<Deps, 'db' | 'clock'>,
  clientDataJSON: string,
  purpose: 'register' | 'authenticate',
  asking: Asking | undefined,
): Promise<string | undefined> {
  let challenge: unknown
  try {
    challenge = decodeClientDataJSON(clientDataJSON).challenge
  } catch {
    return undefined
  }
  if (typeof challenge !== 'string') return undefined
  const row = await deps.db
    .deleteFrom('webauthn_challenge')
    .where('challenge_hash', '=', hashChallenge(challenge))
    .where('purpose', '=', purpose)
    .where('expires_at', '>', deps.clock.now())
    .returning(['user_id', 'session_id'])
    .executeTakeFirst()
  if (!row || row.user_id !== (asking?.userId ?? null)) return undefined
  if (row.session_id !== null && row.session_id !== asking?.sessionId) return undefined
  return challenge
}

async function credentialsOf(db: Db, userId: string) {
  const rows = await db
    .selectFrom('passkey_credential')
    .select(['credential_id', 'transports'])
    .where('user_id', '=', userId)
    .execute()
  return rows.map((r) => ({
    id: r.credential_id,
    transports: r.transports as AuthenticatorTransport[],
  }))
}

// ---------------------------------------------------------------------------------------------
// Registering

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

// ---------------------------------------------------------------------------------------------
// Signing in

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
