import type { RateLimitRule } from '#src/platform/rate-limit.ts'

/**
 * Attempts allowed per window. Mastodon's long-tested defaults where it has one (sign-in 25 per
 * 5 min per IP and 25 per hour per address; reset 5 per 30 min per address); the others are
 * proposals to tune. Per-address limits are high enough that a stranger cannot lock a person out
 * for long (ASVS v5.0.0-6.1.1), and count unknown addresses the same as known ones.
 */
export const accountLimits = {
  signInIp: { name: 'sign-in:ip', limit: 25, windowSeconds: 300 },
  signInEmail: { name: 'sign-in:email', limit: 25, windowSeconds: 3600 },
  signUpIp: { name: 'sign-up:ip', limit: 10, windowSeconds: 1800 },
  signUpEmail: { name: 'sign-up:email', limit: 5, windowSeconds: 1800 },
  resetIp: { name: 'reset:ip', limit: 10, windowSeconds: 1800 },
  resetEmail: { name: 'reset:email', limit: 5, windowSeconds: 1800 },
  /** Confirmation and reset links: guessing a token is hopeless, but flooding is not welcome. */
  tokenIp: { name: 'token:ip', limit: 25, windowSeconds: 300 },
  /** Six-digit codes are guessable in principle: few tries per account (ASVS v5.0.0-6.3.1). */
  secondFactorAccount: { name: 'second-factor:account', limit: 10, windowSeconds: 900 },
  secondFactorIp: { name: 'second-factor:ip', limit: 25, windowSeconds: 300 },
  /** Each passkey challenge is a row: handing them out is counted too. */
  passkeyOptionsIp: { name: 'passkey-options:ip', limit: 30, windowSeconds: 300 },
  /** Every other place the password is typed: change, re-authentication, erasure. */
  passwordAccount: { name: 'password:account', limit: 10, windowSeconds: 3600 },
  passwordIp: { name: 'password:ip', limit: 25, windowSeconds: 300 },
} as const satisfies Record<string, RateLimitRule>
