/**
 * The one error type services throw. Routes never catch it: the app's error handler maps the
 * code to an HTTP status and the contract's `{"error":{code,message,fields?}}` shape.
 */
export const errorStatus = {
  /** Input failed validation; `fields` names each bad field. */
  invalid_input: 400,
  /** Not signed in. */
  unauthenticated: 401,
  /** Signed in, but this needs the password typed again first. */
  reauth_required: 401,
  /** Signed in, not allowed, and the thing's existence is no secret. */
  forbidden: 403,
  /** Staff powers need a session opened with a second factor; this one was not. */
  second_factor_required: 403,
  /** Not found, or not yours to know of. */
  not_found: 404,
  method_not_allowed: 405,
  /** The request conflicts with the current state. */
  conflict: 409,
  /** The person has not given (or has withdrawn) the consent this processing needs. */
  consent_required: 409,
  payload_too_large: 413,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const

export type ErrorCode = keyof typeof errorStatus

export class AppError extends Error {
  readonly code: ErrorCode
  readonly fields: Record<string, string> | undefined
  readonly retryAfterSeconds: number | undefined

  constructor(
    code: ErrorCode,
    message: string,
    options: { fields?: Record<string, string>; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause })
    this.name = 'AppError'
    this.code = code
    this.fields = options.fields
    this.retryAfterSeconds = options.retryAfterSeconds
  }

  get status(): (typeof errorStatus)[ErrorCode] {
    return errorStatus[this.code]
  }
}

export const notFound = (what = 'Not found') => new AppError('not_found', what)
