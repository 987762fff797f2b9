import { createRoute, z } from '@hono/zod-openapi'
import { policy } from '#src/access/route-policy.ts'
import { clientIp } from '#src/platform/client-ip.ts'
import { createRouter, type AppContext } from '#src/platform/http.ts'
import { ErrorBody } from '#src/platform/openapi.ts'
import { UserBody } from './accounts.routes.ts'
import { PasswordInput } from './accounts.schema.ts'
import { accountView } from './me.ts'
import {
  listPasskeys,
  passkeyRegistrationOptions,
  registerPasskey,
  removePasskey,
} from './passkey-registration.ts'
import { passkeySignInOptions, signInWithPasskey } from './passkey-sign-in.ts'
import { AuthenticationResponse, RegistrationResponse, relyingParty } from './passkeys.ts'
import { secondFactorCandidate, startSession, summariseUserAgent } from './user-session.ts'

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
})
const body = <T extends z.ZodType>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
})
const errors = {
  400: json(ErrorBody, 'Input not valid, or not a valid answer from a passkey'),
  401: json(ErrorBody, 'Not signed in, the password is needed again, or the passkey was refused'),
  403: json(ErrorBody, 'Refused: a write from another site'),
  404: json(ErrorBody, 'No such passkey'),
  409: json(ErrorBody, 'Registered already, or the last second factor of staff'),
  429: json(ErrorBody, 'Too many attempts; see Retry-After'),
}
const Options = z.record(z.string(), z.unknown()).openapi('PasskeyOptions')
const Passkey = z
  .object({
    id: z.string(),
    name: z.string(),
    created_at: z.string(),
    last_used_at: z.string().nullable(),
    backed_up: z.boolean(),
  })
  .openapi('Passkey')

/** The relying party for this request: PUBLIC_URL, or the host asked for. */
export const relyingPartyOf = (c: AppContext) => relyingParty(c.get('deps').env, c.req.url)

/** A name for a new passkey when the person gives none: the browser it was made in. */
export const defaultPasskeyName = (c: AppContext) =>
  summariseUserAgent(c.req.header('user-agent')) ?? 'Passkey'

export function passkeyRoutes() {
  return createRouter()
    .openapi(
      createRoute({
        method: 'post',
        path: '/me/passkeys/options',
        summary: 'Options for registering a passkey (needs a recent password)',
        tags: ['Accounts'],
        middleware: [policy('signed-in')],
        responses: { 200: json(Options, 'For navigator.credentials.create()'), ...errors },
      }),
      async (c) => {
        const options = await passkeyRegistrationOptions(c.get('deps'), c.get('actor'), {
          rp: relyingPartyOf(c),
        })
        return c.json(options, 200)
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/me/passkeys',
        summary:
          'Register a passkey from the browser’s answer; the first second factor comes with recovery codes, shown once',
        tags: ['Accounts'],
        middleware: [policy('signed-in')],
        request: body(
          z.object({ response: RegistrationResponse, name: z.string().max(200).optional() }),
        ),
        responses: {
          201: json(
            z.object({ passkey: Passkey, recovery_codes: z.array(z.string()).nullable() }),
            'Registered',
          ),
          ...errors,
        },
      }),
      async (c) => {
        const deps = c.get('deps')
        const input = c.req.valid('json')
        const { passkey, recovery_codes, userId } = await registerPasskey(deps, c.get('actor'), {
          response: input.response,
          name: input.name ?? defaultPasskeyName(c),
          rp: relyingPartyOf(c),
        })
        // Making the passkey proved having it: this session counts as opened with it now.
        await startSession(c, deps, userId, { secondFactorAt: deps.clock.now() })
        return c.json({ passkey, recovery_codes }, 201)
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/me/passkeys',
        summary: 'The passkeys registered to the account',
        tags: ['Accounts'],
        middleware: [policy('signed-in')],
        responses: { 200: json(z.object({ items: z.array(Passkey) }), 'Oldest first'), ...errors },
      }),
      async (c) => c.json({ items: await listPasskeys(c.get('deps'), c.get('actor')) }, 200),
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: '/me/passkeys/{id}',
        summary:
          'Remove a passkey; asks for the password. No session counts as opened with a second factor any more',
        tags: ['Accounts'],
        middleware: [policy('signed-in')],
        request: { params: z.object({ id: z.uuid() }), ...body(PasswordInput) },
        responses: { 204: { description: 'Removed' }, ...errors },
      }),
      async (c) => {
        await removePasskey(c.get('deps'), c.get('actor'), {
          id: c.req.valid('param').id,
          password: c.req.valid('json').password,
          ip: clientIp(c),
        })
        return c.body(null, 204)
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/auth/passkey/options',
        summary:
          'Options for signing in with a passkey: as the second step, to step up a session, or alone',
        tags: ['Accounts'],
        middleware: [policy('public')],
        responses: { 200: json(Options, 'For navigator.credentials.get()'), ...errors },
      }),
      async (c) => {
        const deps = c.get('deps')
        const options = await passkeySignInOptions(deps, c.get('actor'), {
          asking: await secondFactorCandidate(c, deps),
          rp: relyingPartyOf(c),
          ip: clientIp(c),
        })
        return c.json(options, 200)
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/auth/passkey',
        summary: 'Sign in with a passkey’s answer; opens a session that counts as two factors',
        tags: ['Accounts'],
        middleware: [policy('public')],
        request: body(z.object({ response: AuthenticationResponse })),
        responses: { 200: json(UserBody, 'Signed in'), ...errors },
      }),
      async (c) => {
        const deps = c.get('deps')
        const { userId } = await signInWithPasskey(deps, c.get('actor'), {
          response: c.req.valid('json').response,
          asking: await secondFactorCandidate(c, deps),
          rp: relyingPartyOf(c),
          ip: clientIp(c),
        })
        await startSession(c, deps, userId, { secondFactorAt: deps.clock.now() })
        const user = await accountView(deps.db, userId)
        return c.json({ user, second_factor_required: false }, 200)
      },
    )
}
