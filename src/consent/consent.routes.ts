import { createRoute, z } from '@hono/zod-openapi'
import { policy } from '#src/access/route-policy.ts'
import { createRouter } from '#src/platform/http.ts'
import { ErrorBody } from '#src/platform/openapi.ts'
import { giveConsent, listConsents, withdrawConsent } from './consent.service.ts'
import { consentPurposes, consentTexts } from './consent.texts.ts'

const Purpose = z.enum(consentPurposes)
const ConsentOut = z
  .object({
    purpose: z.string(),
    text_version: z.string(),
    locale: z.string(),
    given_at: z.string(),
    withdrawn_at: z.string().nullable(),
  })
  .openapi('Consent')
const Consents = z.object({ items: z.array(ConsentOut) })
const error = (description: string) => ({
  description,
  content: { 'application/json': { schema: ErrorBody } },
})

export function consentRoutes() {
  return createRouter()
    .openapi(
      createRoute({
        method: 'get',
        path: '/consent-texts',
        summary: 'The consent texts in force, in Japanese and English',
        tags: ['Consent'],
        middleware: [policy('public')],
        responses: {
          200: {
            description: 'Texts by purpose',
            content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } },
          },
        },
      }),
      (c) => c.json(consentTexts, 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/me/consents',
        summary: 'Consents given and withdrawn',
        tags: ['Consent'],
        middleware: [policy('signed-in')],
        responses: {
          200: {
            description: 'Oldest first',
            content: { 'application/json': { schema: Consents } },
          },
          401: error('Not signed in'),
        },
      }),
      async (c) => c.json({ items: await listConsents(c.get('deps'), c.get('actor')) }, 200),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/me/consents',
        summary: 'Give consent to the current text for a purpose',
        tags: ['Consent'],
        middleware: [policy('signed-in')],
        request: {
          body: {
            required: true,
            content: {
              'application/json': {
                schema: z.object({
                  purpose: Purpose,
                  text_version: z.string().max(40),
                  locale: z.enum(['ja', 'en']),
                }),
              },
            },
          },
        },
        responses: {
          200: {
            description: 'All consents',
            content: { 'application/json': { schema: Consents } },
          },
          400: error('Input not valid'),
          401: error('Not signed in'),
          409: error('The text has changed since it was shown'),
        },
      }),
      async (c) =>
        c.json(
          { items: await giveConsent(c.get('deps'), c.get('actor'), c.req.valid('json')) },
          200,
        ),
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: '/me/consents/{purpose}',
        summary: 'Withdraw consent for a purpose',
        tags: ['Consent'],
        middleware: [policy('signed-in')],
        request: { params: z.object({ purpose: Purpose }) },
        responses: {
          200: {
            description: 'All consents',
            content: { 'application/json': { schema: Consents } },
          },
          401: error('Not signed in'),
          404: error('No consent in force for this purpose'),
        },
      }),
      async (c) =>
        c.json(
          { items: await withdrawConsent(c.get('deps'), c.get('actor'), c.req.valid('param')) },
          200,
        ),
    )
}
