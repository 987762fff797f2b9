/**
 * Asking a group before joining, over the JSON API: ask (signed in or with an address for the
 * replies), and, by the secret token the asker holds, read the replies, answer, confirm an
 * address, or tell the group who one is.
 */
import { createRoute, z } from '@hono/zod-openapi'
import { policy } from '#src/access/route-policy.ts'
import { clientIp } from '#src/platform/client-ip.ts'
import { createRouter } from '#src/platform/http.ts'
import { errorResponses as e, jsonBody, jsonResponse, noContent } from '#src/platform/openapi.ts'
import { GroupParam } from './membership.routes.ts'
import {
  askQuestion,
  confirmQuestion,
  questionThread,
  revealAsker,
  seekerReply,
} from './questions.service.ts'

const tags = ['Questions before joining']
const TokenParam = z.object({ token: z.string().min(1).max(100) })
const Thread = z
  .object({
    group: z.object({ id: z.string(), name: z.record(z.string(), z.string()) }),
    confirmed: z.boolean(),
    revealed: z.boolean(),
    messages: z.array(
      z.object({ side: z.enum(['seeker', 'group']), body: z.string(), created_at: z.string() }),
    ),
  })
  .openapi('QuestionThread')

export function questionRoutes() {
  return createRouter()
    .openapi(
      createRoute({
        method: 'post',
        path: '/groups/{id}/questions',
        summary: 'Ask the group a question, anonymously',
        description:
          'Signed in, the replies go to your account’s address and the answer carries your token. Without an account give `email`: a link to it confirms the address before the group is told, and the token comes only in that mail.',
        tags,
        middleware: [policy('public')],
        request: {
          params: GroupParam,
          ...jsonBody(
            z.object({ body: z.string().max(10_000), email: z.string().max(254).optional() }),
          ),
        },
        responses: {
          202: jsonResponse(
            z.object({ confirmed: z.boolean(), token: z.string().nullable() }),
            'Taken',
          ),
          400: e[400],
          404: e[404],
          429: e[429],
        },
      }),
      async (c) => {
        const input = c.req.valid('json')
        const result = await askQuestion(c.get('deps'), c.get('actor'), {
          groupId: c.req.valid('param').id,
          body: input.body,
          email: input.email,
          locale: c.get('locale'),
          ip: clientIp(c),
        })
        return c.json(result, 202)
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/questions/{token}',
        summary: 'Your question and the replies',
        tags,
        middleware: [policy('public')],
        request: { params: TokenParam },
        responses: { 200: jsonResponse(Thread, 'Thread'), 404: e[404] },
      }),
      async (c) => c.json(await questionThread(c.get('deps'), c.req.valid('param').token), 200),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/questions/{token}/confirm',
        summary: 'Confirm the address you gave: only then is the group told',
        tags,
        middleware: [policy('public')],
        request: { params: TokenParam },
        responses: { ...noContent, 404: e[404] },
      }),
      async (c) => {
        await confirmQuestion(c.get('deps'), c.req.valid('param').token)
        return c.body(null, 204)
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/questions/{token}/replies',
        summary: 'Answer the group',
        tags,
        middleware: [policy('public')],
        request: { params: TokenParam, ...jsonBody(z.object({ body: z.string().max(10_000) })) },
        responses: { ...noContent, 400: e[400], 404: e[404], 409: e[409] },
      }),
      async (c) => {
        await seekerReply(c.get('deps'), c.req.valid('param').token, c.req.valid('json').body)
        return c.body(null, 204)
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/questions/{token}/reveal',
        summary: 'Tell the group who you are: the name you give, and your address',
        tags,
        middleware: [policy('public')],
        request: { params: TokenParam, ...jsonBody(z.object({ name: z.string().max(200) })) },
        responses: { ...noContent, 400: e[400], 404: e[404] },
      }),
      async (c) => {
        await revealAsker(c.get('deps'), c.req.valid('param').token, c.req.valid('json').name)
        return c.body(null, 204)
      },
    )
}
