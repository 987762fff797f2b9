import fs from 'node:fs'
import { hash, verify } from '@node-rs/argon2'

export const passwordMinLength = 8
export const passwordMaxLength = 128

/**
 * Argon2id at the OWASP Password Storage Cheat Sheet's first option (19 MiB, 2 passes, 1 lane):
 * roughly 50–100 ms here, which the sign-in rate limits keep affordable.
 */
const argon2Options = {
  // Algorithm.Argon2id: the package declares it as a const enum, which erasable TypeScript
  // cannot import.
  algorithm: 2,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const

let commonPasswords: Set<string> | undefined

function loadCommonPasswords(): Set<string> {
  const text = fs.readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
  return new Set(text.split('\n').filter((line) => line && !line.startsWith('#')))
}

/**
 * Why a password is refused, or undefined when it is fine. Length counts characters as people
 * see them (code points), not bytes or UTF-16 units. No composition rules: they make passwords
 * harder to remember, not harder to guess (NIST SP 800-63B, ASVS v5.0.0-6.2.5).
 */
export function passwordProblem(
  password: string,
  context: { email?: string; displayName?: string | null } = {},
): string | undefined {
  const length = [...password].length
  if (length < passwordMinLength) return `Use at least ${passwordMinLength} characters.`
  if (length > passwordMaxLength) return `Use at most ${passwordMaxLength} characters.`
  const folded = password.toLowerCase()
  commonPasswords ??= loadCommonPasswords()
  if (commonPasswords.has(folded)) {
    return 'This password is one of the most common ones. Please choose another.'
  }
  const personal = [
    context.email,
    context.email?.split('@')[0],
    context.displayName,
    'tomoni',
    '共に',
    'ともに',
  ]
    .filter((w): w is string => !!w && [...w].length >= 4)
    .map((w) => w.toLowerCase())
  // Only the word itself, or the word and a few digits or symbols: "tomoni2026!".
  if (personal.some((word) => folded.replace(/[^\p{L}\p{M}]+$/u, '') === word)) {
    return 'Please do not use your address, your name or the name of this site as the password.'
  }
  return undefined
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, argon2Options)
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password)
  } catch {
    // A malformed stored hash verifies nothing.
    return false
  }
}

let dummyHash: Promise<string> | undefined

/**
 * Spends the time a real verification would, for an address with no account: an answer that
 * comes back faster would tell who has one.
 */
export async function verifyDummyPassword(password: string): Promise<false> {
  dummyHash ??= hashPassword('a password no account has, only for timing')
  await verifyPassword(await dummyHash, password)
  return false
}
