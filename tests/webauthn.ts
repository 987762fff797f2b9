import crypto from 'node:crypto'
import { isoBase64URL, isoCBOR } from '@simplewebauthn/server/helpers'

/**
 * A software authenticator for tests: makes a P-256 key per passkey and answers registration and
 * sign-in options the way a browser's `toJSON()` does, with attestation "none". Signatures are
 * real ECDSA over authenticator data and the client data hash, so the server checks them exactly
 * as it checks a phone's.
 */

const b64 = (bytes: Uint8Array) => isoBase64URL.fromBuffer(new Uint8Array(bytes))
const sha256 = (data: Uint8Array | string) => crypto.createHash('sha256').update(data).digest()

const flags = { userPresent: 0x01, userVerified: 0x04, attested: 0x40 }

function counterBytes(counter: number) {
  const bytes = Buffer.alloc(4)
  bytes.writeUInt32BE(counter)
  return bytes
}

export interface SoftPasskey {
  credentialId: string
  userHandle: string
  rpId: string
  privateKey: crypto.KeyObject
  /** What the next signature reports; `null` for an authenticator that counts nothing. */
  counter: number | null
}

interface CreationOptions {
  challenge: string
  rp: { id?: string }
  user: { id: string }
}
interface RequestOptions {
  challenge: string
  rpId?: string
}

export function createPasskey(
  options: CreationOptions,
  origin: string,
  settings: { counter?: number | null; userVerified?: boolean } = {},
) {
  const rpId = options.rp.id ?? new URL(origin).hostname
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const jwk = publicKey.export({ format: 'jwk' })
  const cose = new Map<number, number | Uint8Array>([
    [1, 2], // kty: EC2
    [3, -7], // alg: ES256
    [-1, 1], // crv: P-256
    [-2, isoBase64URL.toBuffer(jwk.x!)],
    [-3, isoBase64URL.toBuffer(jwk.y!)],
  ])
  const credentialId = crypto.randomBytes(16)
  const counter = settings.counter === undefined ? 1 : settings.counter
  const authData = Buffer.concat([
    sha256(rpId),
    Buffer.from([
      flags.userPresent |
        flags.attested |
        (settings.userVerified === false ? 0 : flags.userVerified),
    ]),
    counterBytes(counter ?? 0),
    Buffer.alloc(16), // AAGUID: none
    Buffer.from([credentialId.length >> 8, credentialId.length & 255]),
    credentialId,
    Buffer.from(isoCBOR.encode(cose)),
  ])
  const clientDataJSON = JSON.stringify({
    type: 'webauthn.create',
    challenge: options.challenge,
    origin,
    crossOrigin: false,
  })
  const attestationObject = isoCBOR.encode(
    new Map<string, unknown>([
      ['fmt', 'none'],
      ['attStmt', new Map()],
      ['authData', new Uint8Array(authData)],
    ]) as never,
  )
  const passkey: SoftPasskey = {
    credentialId: b64(credentialId),
    userHandle: options.user.id,
    rpId,
    privateKey,
    counter,
  }
  const response = {
    id: passkey.credentialId,
    rawId: passkey.credentialId,
    type: 'public-key' as const,
    response: {
      clientDataJSON: b64(Buffer.from(clientDataJSON)),
      attestationObject: b64(attestationObject),
      transports: ['internal'],
    },
    clientExtensionResults: {},
    authenticatorAttachment: 'platform' as const,
  }
  return { passkey, response }
}

/** Signs a sign-in challenge; moves the passkey's counter on unless told to repeat it. */
export function usePasskey(
  passkey: SoftPasskey,
  options: RequestOptions,
  origin: string,
  settings: { userVerified?: boolean; repeatCounter?: boolean; challenge?: string } = {},
) {
  if (passkey.counter !== null && !settings.repeatCounter) passkey.counter++
  const authData = Buffer.concat([
    sha256(options.rpId ?? passkey.rpId),
    Buffer.from([flags.userPresent | (settings.userVerified === false ? 0 : flags.userVerified)]),
    counterBytes(passkey.counter ?? 0),
  ])
  const clientDataJSON = Buffer.from(
    JSON.stringify({
      type: 'webauthn.get',
      challenge: settings.challenge ?? options.challenge,
      origin,
      crossOrigin: false,
    }),
  )
  const signature = crypto.sign(
    'sha256',
    Buffer.concat([authData, sha256(clientDataJSON)]),
    passkey.privateKey,
  )
  return {
    id: passkey.credentialId,
    rawId: passkey.credentialId,
    type: 'public-key' as const,
    response: {
      clientDataJSON: b64(clientDataJSON),
      authenticatorData: b64(authData),
      signature: b64(signature),
      userHandle: passkey.userHandle,
    },
    clientExtensionResults: {},
    authenticatorAttachment: 'platform' as const,
  }
}
