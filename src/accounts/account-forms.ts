import { html } from 'hono/html'
import { translator, type Translate } from '#src/i18n/i18n.ts'
import { clientIp } from '#src/platform/client-ip.ts'
import { AppError } from '#src/platform/errors.ts'
import { formToken } from '#src/platform/form-token.ts'
import type { AppContext } from '#src/platform/http.ts'
import { field, type Problems } from './auth.pages.ts'
import { reauthenticate } from './sign-in.ts'
import { startSession } from './user-session.ts'

/** What the signed-in person's pages share: refusals as form messages, the form token, dates. */

export const tr = (c: AppContext) => translator(c.get('locale') ?? 'ja')

/**
 * Messages for a refusal: the service names the fields it refused; `messages` says what to show
 * next to each, and `conflict` what to say when the account is not in the state the form needs.
 * Anything else that is not the person's doing is thrown on.
 */
export function refusal(
  t: Translate,
  error: unknown,
  messages: Partial<Record<string, string>> & { conflict?: string },
): Problems {
  if (!(error instanceof AppError)) throw error
  if (error.code === 'rate_limited') return { _: t('account.tooMany') }
  if (error.code === 'forbidden') return { _: t('account.formExpired') }
  if (error.code === 'conflict' && messages.conflict) return { _: messages.conflict }
  if (error.code === 'invalid_input' || error.code === 'unauthenticated') {
    const problems: Problems = {}
    for (const name of Object.keys(error.fields ?? {})) {
      const message = messages[name]
      if (message) problems[name] = message
    }
    if (Object.keys(problems).length === 0) problems._ = messages._ ?? t('account.wrongPassword')
    return problems
  }
  throw error
}

export const tokenField = (c: AppContext) =>
  html`<input type="hidden" name="form_token" value="${formToken(c)}" />`

export const passwordInput = (
  t: Translate,
  name: string,
  problems: Problems,
  isNew = false,
  id?: string,
) =>
  field(
    t,
    {
      name,
      ...(id ? { id } : {}),
      label: isNew
        ? 'account.passwordChange.new'
        : name === 'current_password'
          ? 'account.passwordChange.current'
          : 'account.password',
      type: 'password',
      autocomplete: isNew ? 'new-password' : 'current-password',
      maxlength: 1024,
      ...(isNew ? { hint: 'account.passwordHint' as const } : {}),
    },
    problems,
  )

export const status = (problems: Problems) => (Object.keys(problems).length > 0 ? 400 : 200)

export const dateTime = (c: AppContext, iso: string) =>
  new Intl.DateTimeFormat(c.get('locale') === 'en' ? 'en-GB' : 'ja-JP', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'Asia/Tokyo',
  }).format(new Date(iso))

/** After the password was typed again: a renewed session, and the actor as it now stands. */
export async function passwordAgain(c: AppContext, password: string) {
  const deps = c.get('deps')
  const actor = c.get('actor')
  const userId = await reauthenticate(deps, actor, { password, ip: clientIp(c) })
  const secondFactorAt = actor.kind === 'user' ? actor.secondFactorAt : null
  await startSession(c, deps, userId, { secondFactorAt })
  if (actor.kind === 'user') c.set('actor', { ...actor, reauthenticatedAt: deps.clock.now() })
}
