import { createRoute, z } from '@hono/zod-openapi'
import { policy } from '#src/access/route-policy.ts'
import { clientIp } from '#src/platform/client-ip.ts'
import { createRouter } from '#src/platform/http.ts'
import { ErrorBody } from '#src/platform/openapi.ts'
import { UserBody } from './accounts.routes.ts'
import { CodeInput, PasswordInput, SecondFactorInput } from './accounts.schema.ts'
import { accountView } from './me.ts'
import {
  beginTotpEnrolment,
  completeSecondFactor,
  confirmTotpEnrolment,
  removeSecondFactor,
} from './second-factor.ts'
import { secondFactorCandidate, startSession } from './user-session.ts'

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
})
const body = <T extends z.ZodType>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
})
const errors = {
  400: json(ErrorBody, 'Input not valid'),
  401: json(ErrorBody, 'Not signed in, or the code is not right'),
  403: json(ErrorBody, 'Refused: a write from another site'),
  409: json(ErrorBody, 'Not in the state this needs'),
  429: json(ErrorBody, 'Too many attempts; see Retry-After'),
}

export function secondFactorRoutes() {
  return createRouter()
    .openapi(
      createRoute({
        method: 'post',
        path: '/auth/second-factor',
        summary:
          'The second step of signing in (or a step up of a session opened without it): an app code or a recovery code',
        tags: ['Accounts'],
        middleware: [policy('public')],
        request: body(SecondFactorInput),
        responses: { 200: json(UserBody, 'Signed in'), ...errors },
      }),
      async (c) => {
        const deps = c.get('deps')
        const input = c.req.valid('json')
        const { userId } = await completeSecondFactor(deps, c.get('actor'), {
          userId: (await secondFactorCandidate(c, deps))?.userId,
          code: input.code,
          recovery_code: input.recovery_code,
          ip: clientIp(c),
        })
        await startSession(c, deps, userId, { secondFactorAt: deps.clock.now() })
        const user = await accountView(deps.db, userId)
        return c.json({ user, second_factor_required: false }, 200)
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/me/second-factor/totp',
        summary: 'Start setting up an authenticator app (needs a recent password)',
        tags: ['Accounts'],
        middleware: [policy('signed-in')],
        responses: {
          200: json(z.object({ secret: z.string(), otpauth_uri: z.string() }), 'The new secret'),
          ...errors,
        },
      }),
      async (c) => c.json(await beginTotpEnrolment(c.get('deps'), c.get('actor')), 200),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/me/second-factor/totp/confirm',
        summary:
          'Confirm the app with one code; answers the recovery codes, once, and renews the session as one with a second factor',
        tags: ['Accounts'],
        middleware: [policy('signed-in')],
        request: body(CodeInput),
        responses: {
          200: json(z.object({ recovery_codes: z.array(z.string()) }), 'Recovery codes'),
          ...errors,
        },
      }),
      async (c) => {
        const deps = c.get('deps')
        const { code } = c.req.valid('json')
        const { recovery_codes, userId } = await confirmTotpEnrolment(deps, c.get('actor'), {
          code,
          ip: clientIp(c),
        })
        // The code proved the factor: from now on this session counts as opened with it.
        await startSession(c, deps, userId, { secondFactorAt: deps.clock.now() })
        return c.json({ recovery_codes }, 200)
      },
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: '/me/second-factor',
        summary:
          'Remove the authenticator app; asks for the password. No session counts as opened with a second factor any more; refused (409) for staff without another factor',
        tags: ['Accounts'],
        middleware: [policy('signed-in')],
        request: body(PasswordInput),
        responses: { 204: { description: 'Removed' }, ...errors },
      }),
      async (c) => {
        const { password } = c.req.valid('json')
        await removeSecondFactor(c.get('deps'), c.get('actor'), { password, ip: clientIp(c) })
        return c.body(null, 204)
      },
    )
}
