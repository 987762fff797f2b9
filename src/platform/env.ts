import os from 'node:os'
import { z } from 'zod'

// Empty strings count as unset: a shell-supplied `FOO=` means "use the default".
const blankToUndefined = (value: unknown) => (value === '' ? undefined : value)

const EnvSchema = z.object({
  NODE_ENV: z.preprocess(
    blankToUndefined,
    z.enum(['development', 'test', 'production']).default('development'),
  ),
  PORT: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  HOST: z.preprocess(blankToUndefined, z.string().min(1).default('127.0.0.1')),
  DATA_DIR: z.preprocess(blankToUndefined, z.string().min(1).default('./data')),
  DATABASE_URL: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
      .optional(),
  ),
  DATABASE_POOL_MAX: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).default(10)),
  LOG_LEVEL: z.preprocess(
    blankToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  /** The address people reach Tomoni at; used in links in mail and feeds. */
  PUBLIC_URL: z.preprocess(blankToUndefined, z.url().optional()),
  /** `smtp://user:pass@host:587` or `smtps://…`; unset, mail goes to `$DATA_DIR/outbox/` as files. */
  SMTP_URL: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
      .optional(),
  ),
  MAIL_FROM: z.preprocess(
    blankToUndefined,
    z.string().min(3).default('Tomoni <no-reply@localhost>'),
  ),
  /**
   * The secret that keys the audit log's hash chain (and, derived from it, other keyed hashes).
   * Required in production; elsewhere one is generated and kept in `$DATA_DIR/audit.key`.
   */
  AUDIT_KEY: z.preprocess(
    blankToUndefined,
    z.string().min(32, 'must be at least 32 characters').optional(),
  ),
  /**
   * Worker threads that run searches over a large directory (20 000 groups or more), reading the
   * one index in shared memory. Unset: one per core, at most four; 0 keeps searches on the
   * server's thread.
   */
  SEARCH_THREADS: z.preprocess(
    blankToUndefined,
    z.coerce
      .number()
      .int()
      .min(0)
      .max(16)
      .default(() => Math.min(4, os.availableParallelism())),
  ),
  /**
   * `true` when Tomoni runs behind one reverse proxy of its own: the client address is then the
   * last one that proxy appended to X-Forwarded-For. Otherwise that header is ignored.
   */
  TRUST_PROXY: z.preprocess(
    blankToUndefined,
    z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
  ),
})

export type Env = z.infer<typeof EnvSchema>

export class EnvError extends Error {
  readonly keys: string[]
  constructor(keys: string[], detail: string) {
    super(`Invalid environment: ${detail}`)
    this.keys = keys
  }
}

/** Parses and validates the environment once; throws an EnvError naming every bad key. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = EnvSchema.safeParse(source)
  if (result.success) return result.data
  const issues = result.error.issues.map((issue) => ({
    key: issue.path.join('.'),
    message: issue.message,
  }))
  const detail = issues.map((i) => `${i.key}: ${i.message}`).join('; ')
  throw new EnvError(
    issues.map((i) => i.key),
    detail,
  )
}

let cached: Env | undefined

/** The process environment, validated on first use. This is the only reader of process.env. */
export function getEnv(): Env {
  cached ??= parseEnv(process.env)
  return cached
}
