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

/** A JSON response of the OpenAPI document. */
export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
})

/** A required JSON request body. */
export const jsonBody = <T extends z.ZodType>(schema: T, description = 'JSON') => ({
  body: { content: { 'application/json': { schema } }, required: true, description },
})

/** The error answers, by status, for the routes that may give them. */
export const errorResponses = {
  400: jsonResponse(ErrorBody, 'Input not valid; `fields` names each bad field'),
  401: jsonResponse(ErrorBody, 'Not signed in'),
  403: jsonResponse(ErrorBody, 'Not allowed, where the thing’s existence is no secret'),
  404: jsonResponse(ErrorBody, 'No such thing, or not yours to know of'),
  409: jsonResponse(ErrorBody, 'Conflicts with the current state'),
  429: jsonResponse(ErrorBody, 'Too many requests'),
} as const

/** 204: done, nothing to say. */
export const noContent = { 204: { description: 'Done' } } as const
