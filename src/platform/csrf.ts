import type { MiddlewareHandler } from 'hono'
import { AppError } from './errors.ts'
import type { AppEnv } from './http.ts'

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Refuses writes that a browser says come from another site. Browsers send Origin with every
 * POST, PUT, PATCH and DELETE, and Sec-Fetch-Site with every request; a program that sends
 * neither is no browser, so no cookie of a visitor's can ride along with it. SameSite=Lax on the
 * session cookie is the second wall; pages' forms carry a form token (form-token.ts) as the third.
 */
export const sameOriginWrites: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!safeMethods.has(c.req.method)) {
    const site = c.req.header('sec-fetch-site')
    const origin = c.req.header('origin')
    if (
      (site !== undefined && site !== 'same-origin' && site !== 'none') ||
      (origin !== undefined &&
        !isOwnOrigin(origin, c.get('deps').env.PUBLIC_URL, new URL(c.req.url).host))
    ) {
      throw new AppError('forbidden', 'This request came from another site and was refused.')
    }
  }
  await next()
}

/**
 * With PUBLIC_URL set, only its origin is ours. Without it, the host the browser addressed (the
 * request's Host): a TLS-terminating proxy makes the scheme we see differ from the browser's,
 * but a page on another site cannot make the browser send our host with its own origin.
 */
function isOwnOrigin(origin: string, publicUrl: string | undefined, host: string) {
  if (publicUrl) return origin === new URL(publicUrl).origin
  try {
    return new URL(origin).host === host
  } catch {
    return false
  }
}
