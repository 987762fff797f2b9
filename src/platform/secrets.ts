import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { EnvError, type Env } from './env.ts'

/** Keys derived from the one configured secret, each used for one thing only. */
export interface Secrets {
  /** Keys the HMAC chain of the audit log. */
  auditKey: Buffer
  /**
   * Keys the hashes that stand in for a person's address or IP where only "the same one again"
   * matters (rate-limit counters), so a leaked table cannot be reversed by guessing addresses.
   */
  pseudonymKey: Buffer
  /** Encrypts the few stored secrets that must be read back, such as second-factor seeds. */
  fieldKey: Buffer
}

const keyFileName = 'audit.key'

/**
 * The secret comes from AUDIT_KEY. Production must set it (a key lost with a container would
 * break the chain's verification); in development one is generated once and kept in DATA_DIR.
 */
export function loadSecrets(env: Env): Secrets {
  if (env.AUDIT_KEY) return deriveSecrets(env.AUDIT_KEY)
  if (env.NODE_ENV === 'production') {
    throw new EnvError(['AUDIT_KEY'], 'AUDIT_KEY: required in production (32 or more characters)')
  }
  const file = path.resolve(env.DATA_DIR, keyFileName)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  try {
    fs.writeFileSync(file, crypto.randomBytes(32).toString('base64url'), {
      flag: 'wx',
      mode: 0o600,
    })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  }
  return deriveSecrets(fs.readFileSync(file, 'utf8').trim())
}

export function deriveSecrets(master: string): Secrets {
  const derive = (info: string) =>
    Buffer.from(crypto.hkdfSync('sha256', master, Buffer.alloc(0), info, 32))
  return {
    auditKey: derive('tomoni audit chain'),
    pseudonymKey: derive('tomoni pseudonyms'),
    fieldKey: derive('tomoni field encryption'),
  }
}

/** A keyed hash that stands in for a value (an address, an IP) without revealing it. */
export function pseudonym(secrets: Secrets, value: string): string {
  return crypto.createHmac('sha256', secrets.pseudonymKey).update(value).digest('base64url')
}

/** AES-256-GCM; the result is `v1.<iv>.<tag>.<ciphertext>` in base64url. */
export function sealField(secrets: Secrets, plaintext: string): string {
  const iv = crypto.randomBytes(12)
  const cipher = crypto.createCipheriv('aes-256-gcm', secrets.fieldKey, iv)
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  return ['v1', iv, cipher.getAuthTag(), data]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.')
}

export function openField(secrets: Secrets, sealed: string): string {
  const [version, iv, tag, data] = sealed.split('.')
  if (version !== 'v1' || !iv || !tag || data === undefined)
    throw new Error('Unknown sealed field format')
  const decipher = crypto.createDecipheriv(
    'aes-256-gcm',
    secrets.fieldKey,
    Buffer.from(iv, 'base64url'),
  )
  decipher.setAuthTag(Buffer.from(tag, 'base64url'))
  return Buffer.concat([
    decipher.update(Buffer.from(data, 'base64url')),
    decipher.final(),
  ]).toString('utf8')
}
