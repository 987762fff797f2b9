import crypto from 'node:crypto'
import { getCookie, setCookie } from 'hono/cookie'
import type { Env } from './env.ts'
import type { AppContext } from './http.ts'
import { AppError } from './errors.ts'

/**
 * A token in every form, besides the Origin check and SameSite cookies (security.md WEB-01):
 * a random value in a cookie, and its HMAC in a hidden field. A page on another site can
 * neither read the cookie nor compute the HMAC.
 */
function cookieName(env: Env) {
  const secure = env.NODE_ENV !== 'development' || !!env.PUBLIC_URL?.startsWith('https:')
  return { name: secure ? '__Host-tomoni_form' : 'tomoni_form', secure }
}

const sign = (key: Buffer, value: string) =>
  crypto.createHmac('sha256', key).update(`form:${value}`).digest('base64url')

/** The cookie value given out while answering a request that came without one. */
const issued = new WeakMap<Request, string>()

/** The value for the form's hidden `form_token` field; sets the cookie on first use. */
export function formToken(c: AppContext): string {
  const deps = c.get('deps')
  const cookie = cookieName(deps.env)
  let value = issued.get(c.req.raw) ?? getCookie(c, cookie.name)
  if (!value || !/^[A-Za-z0-9_-]{43}$/.test(value)) {
    value = crypto.randomBytes(32).toString('base64url')
    // A page with several forms (say, the layout's sign-out) must give them all the same one.
    issued.set(c.req.raw, value)
    setCookie(c, cookie.name, value, {
      path: '/',
      httpOnly: true,
      secure: cookie.secure,
      sameSite: 'Strict',
    })
  }
  return sign(deps.secrets.pseudonymKey, value)
}

/** Throws 403 unless the submitted form carries the token that matches this browser's cookie. */
export function checkFormToken(c: AppContext, submitted: unknown): void {
  const deps = c.get('deps')
  const value = getCookie(c, cookieName(deps.env).name)
  const expected = value ? Buffer.from(sign(deps.secrets.pseudonymKey, value)) : undefined
  const given = Buffer.from(typeof submitted === 'string' ? submitted : '')
  if (!expected || expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) {
    throw new AppError(
      'forbidden',
      'This form has expired. Please go back, reload it and try again.',
    )
  }
}
