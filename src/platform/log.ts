import { pino, type Logger } from 'pino'

export type { Logger }

/**
 * Keys whose values never reach a log line: credentials, and anything that could say something
 * about a person's health (a diagnosis, a group they belong to, what they wrote).
 */
export const redactedKeys = [
  'password',
  'newPassword',
  'currentPassword',
  'token',
  'secret',
  'cookie',
  'authorization',
  'set-cookie',
  'totp',
  'otp',
  'email',
  'condition',
  'conditions',
  'diagnosis',
  'answers',
  'notes',
  'note',
  'body',
  'q',
] as const

export function createLogger(options: { level: string; destination?: pino.DestinationStream }) {
  const paths = redactedKeys.flatMap((key) => [key, `*.${key}`, `*.*.${key}`])
  return pino(
    {
      level: options.level,
      base: undefined,
      redact: {
        paths: paths.map((p) => (p.includes('-') ? quoteSegments(p) : p)),
        censor: '[redacted]',
      },
    },
    options.destination,
  )
}

// pino's redact paths need bracket quoting for keys with dashes, e.g. *["set-cookie"].
function quoteSegments(path: string): string {
  return path
    .split('.')
    .map((segment, i) =>
      segment.includes('-') ? `["${segment}"]` : i === 0 ? segment : `.${segment}`,
    )
    .join('')
    .replace(/^\./, '')
}
