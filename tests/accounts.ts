import { Secret, TOTP } from 'otpauth'
import { expect } from 'vitest'
import type { createTestApp } from './app.ts'

type TestApp = Awaited<ReturnType<typeof createTestApp>>

export interface Person {
  email: string
  password: string
  display_name: string
  locale: 'ja' | 'en'
}

let counter = 0

/** A new person with a unique address; the password is long and not a common one. */
export function person(overrides: Partial<Person> = {}): Person {
  counter++
  return {
    email: `person${counter}.${process.pid}@example.test`,
    password: `correct horse battery ${counter}`,
    display_name: `Test Person ${counter}`,
    locale: 'en',
    ...overrides,
  }
}

let ipCounter = 0

/**
 * Sends JSON the way a same-origin browser page would (or, with no cookie, a script). Each
 * request comes from its own address unless `ip` says otherwise, so that only tests about
 * per-IP limits meet them.
 */
export function send(
  t: TestApp,
  method: string,
  path: string,
  options: { body?: unknown; cookie?: string; headers?: Record<string, string>; ip?: string } = {},
) {
  const headers: Record<string, string> = { ...options.headers }
  if (options.body !== undefined) headers['content-type'] = 'application/json'
  if (options.cookie) headers.cookie = options.cookie
  return t.app.request(
    path,
    {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    },
    // What @hono/node-server hands the app: the socket's address, for per-IP limits.
    { incoming: { socket: { remoteAddress: options.ip ?? nextIp() } } },
  )
}

/** `name=value` of the session cookie a response sets, for sending back. */
export function sessionCookieOf(res: Response): string {
  const header = res.headers.getSetCookie().find((c) => /tomoni_session=[^;]/.test(c))
  expect(header, 'the response sets a session cookie').toBeDefined()
  return header!.split(';')[0]!
}

/** The token in the last link mailed to the address. */
export function lastMailedToken(t: TestApp, to: string): string {
  const mail = t
    .outbox()
    .filter((m) => m.to === to)
    .at(-1)
  expect(mail, `a mail to ${to}`).toBeDefined()
  const match = /token=([A-Za-z0-9_-]+)/.exec(mail!.text)
  expect(match, 'a link with a token').not.toBeNull()
  return match![1]!
}

/** Signs up and confirms through the API; returns the signed-in session's cookie. */
export async function createAccount(t: TestApp, who: Person = person()) {
  const signUp = await send(t, 'POST', '/api/v1/auth/sign-up', { body: who })
  expect(signUp.status).toBe(202)
  await t.deps.background.idle()
  const token = lastMailedToken(t, who.email)
  const confirm = await send(t, 'POST', '/api/v1/auth/confirm', {
    body: { token, password: who.password },
  })
  expect(confirm.status).toBe(200)
  const { user } = (await confirm.json()) as { user: { id: string } }
  return { ...who, id: user.id, cookie: sessionCookieOf(confirm) }
}

export async function signIn(t: TestApp, who: { email: string; password: string }) {
  const res = await send(t, 'POST', '/api/v1/auth/sign-in', {
    body: { email: who.email, password: who.password },
  })
  expect(res.status).toBe(200)
  return sessionCookieOf(res)
}

function nextIp() {
  ipCounter++
  return `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`
}

/** The authenticator app's code for a secret at the test clock's time. */
export function totpCode(t: TestApp, secret: string, offsetMs = 0) {
  return new TOTP({
    secret: Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
  }).generate({ timestamp: t.clock.now().getTime() + offsetMs })
}

/**
 * Sets up an authenticator app for a signed-in person through the API. Confirming it renews the
 * session as one opened with a second factor: the answer's cookie is that session. The clock
 * moves on a step, so that the next code is not refused as a replay.
 */
export async function addSecondFactor(t: TestApp, who: { cookie: string }) {
  const begin = await send(t, 'POST', '/api/v1/me/second-factor/totp', { cookie: who.cookie })
  expect(begin.status).toBe(200)
  const { secret } = (await begin.json()) as { secret: string }
  const confirm = await send(t, 'POST', '/api/v1/me/second-factor/totp/confirm', {
    cookie: who.cookie,
    body: { code: totpCode(t, secret) },
  })
  expect(confirm.status).toBe(200)
  const { recovery_codes } = (await confirm.json()) as { recovery_codes: string[] }
  t.clock.advance(30_000)
  return { secret, recoveryCodes: recovery_codes, cookie: sessionCookieOf(confirm) }
}
