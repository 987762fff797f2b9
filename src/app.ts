import { OpenAPIHono } from '@hono/zod-openapi'
import { bodyLimit } from 'hono/body-limit'
import { HTTPException } from 'hono/http-exception'
import { requestId } from 'hono/request-id'
import { secureHeaders } from 'hono/secure-headers'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { applyDeclaredPolicies, denyRoutesWithoutPolicy } from '#src/access/route-policy.ts'
import { accountPages } from '#src/accounts/accounts.pages.ts'
import { authPages } from '#src/accounts/auth.pages.ts'
import { secondFactorPages, secondFactorRequiredPage } from '#src/accounts/second-factor.pages.ts'
import { securityPages } from '#src/accounts/security.pages.ts'
import { settingsPages } from '#src/accounts/settings.pages.ts'
import { accountRoutes } from '#src/accounts/accounts.routes.ts'
import { passkeyRoutes } from '#src/accounts/passkeys.routes.ts'
import { secondFactorRoutes } from '#src/accounts/second-factor.routes.ts'
import { sessionMiddleware } from '#src/accounts/user-session.ts'
import { conditionRoutes } from '#src/conditions/conditions.routes.ts'
import { auditPages } from '#src/audit/audit.pages.ts'
import { auditRoutes } from '#src/audit/audit.routes.ts'
import { consentPages, consentRequiredPage } from '#src/consent/consent.pages.ts'
import { consentRoutes } from '#src/consent/consent.routes.ts'
import { directoryWriteRoutes } from '#src/directory/directory-write.routes.ts'
import { claimPages } from '#src/directory/claim.pages.ts'
import { groupStaffPages } from '#src/directory/group.pages.ts'
import { peoplePages } from '#src/directory/people.pages.ts'
import { staffPages } from '#src/directory/staff.pages.ts'
import { groupRoutes } from '#src/directory/groups.routes.ts'
import { hsdsRoutes } from '#src/directory/hsds.routes.ts'
import { healthRoutes } from '#src/health/health.routes.ts'
import { moderationPages } from '#src/moderation/moderation.pages.ts'
import { moderationRoutes } from '#src/moderation/moderation.routes.ts'
import { calendarRoutes } from '#src/meetings/calendar.routes.ts'
import { meetingRoutes } from '#src/meetings/meetings.routes.ts'
import { manageRoutes } from '#src/membership/manage.routes.ts'
import { membershipRoutes } from '#src/membership/membership.routes.ts'
import { questionRoutes } from '#src/membership/questions.routes.ts'
import { joinPages } from '#src/membership/join.pages.ts'
import { manageExtraPages } from '#src/membership/manage-extra.pages.ts'
import { managePages } from '#src/membership/manage.pages.ts'
import { myGroupsPages } from '#src/membership/my-groups.pages.ts'
import { questionPages } from '#src/membership/questions.pages.ts'
import { manageMeetingPages } from '#src/meetings/manage-meetings.pages.ts'
import { meetingPages } from '#src/meetings/meetings.pages.ts'
import { AppError, type ErrorCode } from '#src/platform/errors.ts'
import type { Deps } from '#src/platform/deps.ts'
import type { AppEnv } from '#src/platform/http.ts'
import { sameOriginWrites } from '#src/platform/csrf.ts'
import { localeMiddleware } from '#src/i18n/locale.ts'
import { renderErrorPage } from '#src/web/error-page.ts'
import { webRoutes } from '#src/web/web.routes.ts'

/** Requests larger than this are refused with 413 before they are read. */
const maxBodyBytes = 1024 * 1024

export function buildApp(deps: Deps) {
  const app = new OpenAPIHono<AppEnv>()

  app.use(requestId())
  app.use(async (c, next) => {
    const started = performance.now()
    c.set('deps', deps)
    c.set('log', deps.log.child({ requestId: c.get('requestId') }))
    await next()
    // The path only: query strings can carry what a person searched for, bodies what they wrote.
    c.get('log').info(
      {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
      },
      'request',
    )
  })
  app.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
      referrerPolicy: 'strict-origin-when-cross-origin',
      strictTransportSecurity:
        deps.env.NODE_ENV === 'production' ? 'max-age=63072000; includeSubDomains' : false,
      crossOriginEmbedderPolicy: false,
      xFrameOptions: 'DENY',
    }),
  )
  app.use(
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: () => {
        throw new AppError(
          'payload_too_large',
          `The request body is larger than ${maxBodyBytes} bytes.`,
        )
      },
    }),
  )
  app.use(sameOriginWrites)
  app.use(localeMiddleware)
  app.use(sessionMiddleware)
  app.use(denyRoutesWithoutPolicy)
  applyDeclaredPolicies(app)

  app.route('/', healthRoutes())
  app.route('/api/v1', conditionRoutes())
  app.route('/api/v1', accountRoutes())
  app.route('/api/v1', secondFactorRoutes())
  app.route('/api/v1', passkeyRoutes())
  app.route('/api/v1', consentRoutes())
  app.route('/api/v1', groupRoutes())
  app.route('/api/v1', directoryWriteRoutes())
  app.route('/api/v1', moderationRoutes())
  app.route('/api/v1', auditRoutes())
  app.route('/api/v1', membershipRoutes())
  app.route('/api/v1', manageRoutes())
  app.route('/api/v1', questionRoutes())
  app.route('/api/v1', meetingRoutes())
  app.route('/api', hsdsRoutes())

  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Tomoni API',
      version: '1',
      description: 'Find and join patient support groups, in Japanese and English.',
    },
  })

  app.route('/', accountPages())
  app.route('/', authPages())
  app.route('/', secondFactorPages())
  app.route('/', settingsPages())
  app.route('/', securityPages())
  app.route('/', consentPages())
  app.route('/', auditPages())
  app.route('/', staffPages())
  app.route('/', peoplePages())
  app.route('/', claimPages())
  app.route('/', groupStaffPages())
  app.route('/', moderationPages())
  app.route('/', calendarRoutes())
  app.route('/', joinPages())
  app.route('/', myGroupsPages())
  app.route('/', questionPages())
  app.route('/', managePages())
  app.route('/', manageExtraPages())
  app.route('/', meetingPages())
  app.route('/', manageMeetingPages())
  app.route('/', webRoutes())

  app.notFound((c) => {
    if (isApi(c.req.path)) {
      return c.json({ error: { code: 'not_found', message: 'Not found' } }, 404)
    }
    return renderErrorPage(c, 404)
  })

  app.onError((err, c) => {
    const error = toAppError(err)
    if (error.code === 'internal') {
      c.get('log').error({ err }, 'unhandled error')
    } else if (isDataException(err)) {
      c.get('log').warn({ err }, 'input the database refused reached it unchecked')
    }
    if (error.retryAfterSeconds !== undefined) {
      c.header('Retry-After', String(error.retryAfterSeconds))
    }
    const status = error.status as ContentfulStatusCode
    if (isApi(c.req.path)) {
      const body: { code: string; message: string; fields?: Record<string, string> } = {
        code: error.code,
        message: error.message,
      }
      if (error.fields) body.fields = error.fields
      return c.json({ error: body }, status)
    }
    // Two refusals a page can do something about: the way to the second factor, or the consent.
    if (error.code === 'second_factor_required') return secondFactorRequiredPage(c)
    if (error.code === 'consent_required') return consentRequiredPage(c, error)
    return renderErrorPage(c, status)
  })

  return app
}

export type App = ReturnType<typeof buildApp>

const codeByStatus: Partial<Record<number, ErrorCode>> = {
  400: 'invalid_input',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  429: 'rate_limited',
}

const isApi = (path: string) => path === '/api' || path.startsWith('/api/')

/**
 * PostgreSQL's "data exception" class (22xxx): a value the database cannot take, such as a NUL
 * character in text or a malformed uuid, that got past a route's checks. It is the sender's
 * input, so 400 rather than 500; the log still names it, for the check that should catch it.
 */
function isDataException(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code)
}

function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err
  if (isDataException(err)) return new AppError('invalid_input', 'Some of the input is not valid.')
  if (err instanceof HTTPException) {
    // A body that is not JSON where JSON is expected: bad input, as the contract answers it.
    if (err.status === 415) {
      return new AppError(
        'invalid_input',
        'Send the body as JSON (Content-Type: application/json).',
      )
    }
    // e.g. a malformed JSON body rejected by the validator before our schemas see it.
    const code = codeByStatus[err.status] ?? 'internal'
    return new AppError(code, code === 'internal' ? 'Something went wrong.' : err.message || code)
  }
  return new AppError('internal', 'Something went wrong on our side. Please try again.')
}
