import { createRoute, z } from '@hono/zod-openapi'
import type { Actor } from '#src/access/actor.ts'
import { policy, type PolicyName } from '#src/access/route-policy.ts'
import { clientIp } from '#src/platform/client-ip.ts'
import { createRouter } from '#src/platform/http.ts'
import { ErrorBody } from '#src/platform/openapi.ts'
import {
  Accepted,
  ChangeEmailInput,
  ChangePasswordInput,
  Me,
  PasswordInput,
  ResetRequestInput,
  SessionId,
  SessionOut,
  SignInInput,
  SignUpInput,
  TokenAndPassword,
  TokenInput,
  UpdateMeInput,
} from './accounts.schema.ts'
import { confirmEmailChange, requestEmailChange } from './change-email.ts'
import { eraseAccount } from './erase-account.ts'
import { exportAccount } from './export-account.ts'
import {
  accountView,
  getMe,
  listSessions,
  revokeAllSessions,
  revokeSession,
  updateMe,
} from './me.ts'
import { changePassword, requestPasswordReset, resetPassword } from './password-reset.ts'
import { reauthenticate, signIn, signOut } from './sign-in.ts'
import { confirmSignUp, signUp } from './sign-up.ts'
import { clearSessionCookie, startSession } from './user-session.ts'

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
})
const body = <T extends z.ZodType>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
})
const errors = {
  400: json(ErrorBody, 'Input not valid'),
  401: json(ErrorBody, 'Not signed in, or the password is not right'),
  403: json(ErrorBody, 'Refused: a write from another site'),
  429: json(ErrorBody, 'Too many attempts; see Retry-After'),
}
const noContent = { 204: { description: 'Done' } }

function route<M extends 'get' | 'post' | 'patch' | 'delete', P extends string>(
  method: M,
  path: P,
  access: PolicyName,
  summary: string,
) {
  return { method, path, summary, middleware: [policy(access)], tags: ['Accounts'] }
}

/** `user` once signed in; without it, `second_factor_required` says what comes next. */
export const UserBody = z
  .object({ user: Me.optional(), second_factor_required: z.boolean() })
  .openapi('SignedIn')

export function accountRoutes() {
  return createRouter()
    .openapi(
      createRoute({
        ...route('post', '/auth/sign-up', 'public', 'Start a sign-up; a link is mailed'),
        request: body(SignUpInput),
        responses: { 202: json(Accepted, 'The same answer for every address'), ...errors },
      }),
      async (c) => {
        const input = c.req.valid('json')
        const result = await signUp(c.get('deps'), c.get('actor'), { ...input, ip: clientIp(c) })
        return c.json(result, 202)
      },
    )
    .openapi(
      createRoute({
        ...route('post', '/auth/confirm', 'public', 'Finish a sign-up with the mailed token'),
        request: body(TokenAndPassword),
        responses: { 200: json(UserBody, 'Account created and signed in'), ...errors },
      }),
      async (c) => {
        const deps = c.get('deps')
        const input = c.req.valid('json')
        const userId = await confirmSignUp(deps, c.get('actor'), { ...input, ip: clientIp(c) })
        await startSession(c, deps, userId)
        const user = await accountView(deps.db, userId)
        return c.json({ user, second_factor_required: false }, 200)
      },
    )
    .openapi(
      createRoute({
        ...route('post', '/auth/sign-in', 'public', 'Sign in; sets the session cookie'),
        request: body(SignInInput),
        responses: { 200: json(UserBody, 'Signed in'), ...errors },
      }),
      async (c) => {
        const deps = c.get('deps')
        const input = c.req.valid('json')
        const { userId, secondFactor } = await signIn(deps, c.get('actor'), {
          ...input,
          ip: clientIp(c),
        })
        if (secondFactor) {
          await startSession(c, deps, userId, { stage: 'second_factor' })
          return c.json({ second_factor_required: true }, 200)
        }
        await startSession(c, deps, userId)
        const user = await accountView(deps.db, userId)
        return c.json({ user, second_factor_required: false }, 200)
      },
    )
    .openapi(
      createRoute({
        ...route('post', '/auth/sign-out', 'public', 'End this session'),
        responses: { ...noContent, 403: errors[403] },
      }),
      async (c) => {
        await signOut(c.get('deps'), c.get('actor'))
        clearSessionCookie(c, c.get('deps').env)
        return c.body(null, 204)
      },
    )
    .openapi(
      createRoute({
        ...route('post', '/auth/reset-request', 'public', 'Ask for a password reset link'),
        request: body(ResetRequestInput),
        responses: { 202: json(Accepted, 'The same answer for every address'), ...errors },
      }),
      async (c) => {
        const { email } = c.req.valid('json')
        const result = await requestPasswordReset(c.get('deps'), c.get('actor'), {
          email,
          ip: clientIp(c),
        })
        return c.json(result, 202)
      },
    )
    .openapi(
      createRoute({
        ...route(
          'post',
          '/auth/reset-confirm',
          'public',
          'Set a new password with the mailed token',
        ),
        request: body(TokenAndPassword),
        responses: { ...noContent, ...errors },
      }),
      async (c) => {
        const input = c.req.valid('json')
        await resetPassword(c.get('deps'), c.get('actor'), { ...input, ip: clientIp(c) })
        clearSessionCookie(c, c.get('deps').env)
        return c.body(null, 204)
      },
    )
    .openapi(
      createRoute({
        ...route('post', '/auth/reauthenticate', 'signed-in', 'Type the password again'),
        request: body(PasswordInput),
        responses: { ...noContent, ...errors },
      }),
      async (c) => {
        const deps = c.get('deps')
        const { password } = c.req.valid('json')
        const userId = await reauthenticate(deps, c.get('actor'), { password, ip: clientIp(c) })
        await startSession(c, deps, userId, { secondFactorAt: secondFactorOf(c.get('actor')) })
        return c.body(null, 204)
      },
    )
    .openapi(
      createRoute({
        ...route('get', '/me', 'signed-in', 'The signed-in account'),
        responses: { 200: json(Me, 'The account'), 401: errors[401] },
      }),
      async (c) => c.json(await getMe(c.get('deps'), c.get('actor')), 200),
    )
    .openapi(
      createRoute({
        ...route('patch', '/me', 'signed-in', 'Change the display name or language'),
        request: body(UpdateMeInput),
        responses: { 200: json(Me, 'The account'), ...errors },
      }),
      async (c) => c.json(await updateMe(c.get('deps'), c.get('actor'), c.req.valid('json')), 200),
    )
    .openapi(
      createRoute({
        ...route('delete', '/me', 'signed-in', 'Erase the account; asks for the password'),
        request: body(PasswordInput),
        responses: { ...noContent, ...errors },
      }),
      async (c) => {
        const { password } = c.req.valid('json')
        await eraseAccount(c.get('deps'), c.get('actor'), { password, ip: clientIp(c) })
        clearSessionCookie(c, c.get('deps').env)
        return c.body(null, 204)
      },
    )
    .openapi(
      createRoute({
        ...route('post', '/me/password', 'signed-in', 'Change the password; other sessions end'),
        request: body(ChangePasswordInput),
        responses: { ...noContent, ...errors },
      }),
      async (c) => {
        const deps = c.get('deps')
        const input = c.req.valid('json')
        const { userId } = await changePassword(deps, c.get('actor'), { ...input, ip: clientIp(c) })
        await startSession(c, deps, userId, { secondFactorAt: secondFactorOf(c.get('actor')) })
        return c.body(null, 204)
      },
    )
    .openapi(
      createRoute({
        ...route('post', '/me/email', 'signed-in', 'Move the account to a new address'),
        request: body(ChangeEmailInput),
        responses: { 202: json(Accepted, 'A link went to the new address'), ...errors },
      }),
      async (c) => {
        const input = c.req.valid('json')
        const result = await requestEmailChange(c.get('deps'), c.get('actor'), {
          ...input,
          ip: clientIp(c),
        })
        return c.json(result, 202)
      },
    )
    .openapi(
      createRoute({
        ...route('post', '/auth/confirm-email', 'public', 'Finish moving to a new address'),
        request: body(TokenInput),
        responses: { ...noContent, ...errors },
      }),
      async (c) => {
        const { token } = c.req.valid('json')
        await confirmEmailChange(c.get('deps'), c.get('actor'), { token, ip: clientIp(c) })
        return c.body(null, 204)
      },
    )
    .openapi(
      createRoute({
        ...route('get', '/me/sessions', 'signed-in', 'Where the account is signed in'),
        responses: {
          200: json(z.object({ items: z.array(SessionOut) }), 'Sessions, latest use first'),
          401: errors[401],
        },
      }),
      async (c) => c.json({ items: await listSessions(c.get('deps'), c.get('actor')) }, 200),
    )
    .openapi(
      createRoute({
        ...route('delete', '/me/sessions/{id}', 'signed-in', 'End one session'),
        request: { params: SessionId },
        responses: { ...noContent, ...errors, 404: json(ErrorBody, 'No such session') },
      }),
      async (c) => {
        const deps = c.get('deps')
        const { endedCurrent } = await revokeSession(deps, c.get('actor'), c.req.valid('param'))
        if (endedCurrent) clearSessionCookie(c, deps.env)
        return c.body(null, 204)
      },
    )
    .openapi(
      createRoute({
        ...route('post', '/me/sessions/revoke-all', 'signed-in', 'Sign out everywhere'),
        responses: { ...noContent, 401: errors[401], 403: errors[403] },
      }),
      async (c) => {
        await revokeAllSessions(c.get('deps'), c.get('actor'))
        clearSessionCookie(c, c.get('deps').env)
        return c.body(null, 204)
      },
    )
    .openapi(
      createRoute({
        ...route('get', '/me/export', 'signed-in', 'Everything held about the signed-in person'),
        responses: {
          200: json(z.record(z.string(), z.unknown()), 'The export, as a JSON download'),
          401: json(ErrorBody, 'Not signed in, or reauth_required: the password is needed again'),
        },
      }),
      async (c) => {
        const deps = c.get('deps')
        const data = await exportAccount(deps, c.get('actor'))
        const day = deps.clock.now().toISOString().slice(0, 10)
        c.header('Content-Disposition', `attachment; filename="tomoni-export-${day}.json"`)
        return c.json(data, 200)
      },
    )
}

/** A renewed session keeps the second factor its sign-in used. */
const secondFactorOf = (actor: Actor) => (actor.kind === 'user' ? actor.secondFactorAt : null)
