import type { MiddlewareHandler } from 'hono'
import { AppError } from './errors.ts'
import type { AppEnv } from './http.ts'

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Refuses writes that a browser says come from another site. Browsers send Origin with every
 * POST, PUT, PATCH and DELETE, and Sec-Fetch-Site with every request; a program that sends
 * neither is no browser, so no cookie of a visitor's can ride along with it. SameSite=Lax on the
 * session cookie is the second wall; pages will add a form token as the third.
 */
export const sameOriginWrites: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!safeMethods.has(c.req.method)) {
    const site = c.req.header('sec-fetch-site')
    const origin = c.req.header('origin')
    const publicUrl = c.get('deps').env.PUBLIC_URL
    const ownOrigin = new URL(publicUrl ?? c.req.url).origin
    if (
      (site !== undefined && site !== 'same-origin' && site !== 'none') ||
      (origin !== undefined && origin !== ownOrigin)
    ) {
      throw new AppError('forbidden', 'This request came from another site and was refused.')
    }
  }
  await next()
}
