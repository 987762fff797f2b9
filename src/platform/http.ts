import { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { Logger } from './log.ts'
import type { Deps } from './deps.ts'
import { AppError } from './errors.ts'
import type { Actor } from '#src/access/actor.ts'

export interface AppEnv {
  Variables: {
    requestId: string
    log: Logger
    deps: Deps
    locale: 'ja' | 'en'
    /** Who is asking; anonymous until the session middleware finds a valid session. */
    actor: Actor
  }
}

/**
 * A router for one feature. Validation failures from its zod schemas become the contract's 400
 * with `fields`, so handlers only ever see valid input.
 */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const fields: Record<string, string> = {}
        for (const issue of result.error.issues) {
          const key = issue.path.join('.') || '_'
          fields[key] ??= issue.message
        }
        throw new AppError('invalid_input', 'Some of the input is not valid.', { fields })
      }
    },
  })
}

export type AppContext = Context<AppEnv>

/**
 * A path on this site to go to after a form, from a field or query the browser sent back; never
 * another site's address (an open redirect would lend our name to a phishing link).
 */
export function localPath(value: string | undefined, fallback: string): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.includes('\\')) {
    return fallback
  }
  return value.slice(0, 500)
}
