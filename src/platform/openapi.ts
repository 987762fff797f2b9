import { z } from '@hono/zod-openapi'

/** The contract's error shape, for the OpenAPI document. */
export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      fields: z.record(z.string(), z.string()).optional(),
    }),
  })
  .openapi('Error')
