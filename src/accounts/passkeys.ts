import crypto from 'node:crypto'
import { z } from '@hono/zod-openapi'
import type { AuthenticatorTransport } from '@simplewebauthn/server'
import { decodeClientDataJSON } from '@simplewebauthn/server/helpers'
import type { Db } from '#src/platform/db.ts'
import type { Deps } from '#src/platform/deps.ts'
import type { Env } from '#src/platform/env.ts'
import { AppError } from '#src/platform/errors.ts'

/**
 * Passkeys (WebAuthn) with @simplewebauthn/server: registered from the security page
 * (passkey-registration.ts), used as the second step of signing in or alone, when the
 * authenticator verifies the person itself by PIN or fingerprint, which makes two factors in one
 * (passkey-sign-in.ts). Here: what both share, the relying party, the browser's answers and the
 * single-use challenges. Decision 015.
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

export const challengeLifetimeMs = 5 * 60_000

/**
 * EdDSA, ES256 and RS256: what authenticators in use make. Named here rather than left to the
 * library, whose default probes Node for post-quantum algorithms that it flags as experimental.
 */
export const algorithms = [-8, -7, -257]
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

export const refusedPasskey = () =>
  new AppError('unauthenticated', 'This passkey was not accepted, or it took too long.')

export const invalidPasskey = () =>
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

export async function storeChallenge(
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
export async function spendChallenge(
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

export async function credentialsOf(db: Db, userId: string) {
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
