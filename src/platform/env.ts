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
