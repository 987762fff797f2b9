/**
 * The JSON API for the people who run a group (its facilitators, and its organisation's admins and
 * staff, in a session opened with a second factor): decide on requests, remove members, set how
 * the group lets people in, the screening questions, invitations and referral codes, and answer
 * the questions people asked before joining.
 */
import { createRoute, z } from '@hono/zod-openapi'
import { policy } from '#src/access/route-policy.ts'
import { createRouter } from '#src/platform/http.ts'
import { errorResponses as e, jsonBody, jsonResponse, noContent } from '#src/platform/openapi.ts'
import { GroupParam, Question } from './membership.routes.ts'
import { joinPolicies, membershipStates, passKinds } from './membership.tables.ts'
import { createPass, listPasses, revokePass } from './passes.service.ts'
import { readAnswers, saveQuestionnaire } from './questionnaire.service.ts'
import { getQuestion, listQuestions, replyAsGroup } from './questions.service.ts'
import { decideMember, getJoinSettings, updateJoinSettings } from './review.service.ts'

const tags = ['Running a group']
const signedIn = [policy('signed-in')]
const MemberParam = GroupParam.extend({ membershipId: z.uuid() })
const JoinSettings = z
  .object({
    join_policy: z.enum(joinPolicies),
    capacity: z.number().int().min(1).max(100_000).nullable(),
    accepting_members: z.boolean(),
  })
  .openapi('JoinSettings')
const Pass = z
  .object({
    id: z.string(),
    kind: z.enum(passKinds),
    label: z.string(),
    token: z.string(),
    link: z.string(),
    max_uses: z.number().nullable(),
    uses: z.number(),
    expires_at: z.string().nullable(),
    revoked_at: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi('GroupPass')
const Message = z.object({
  side: z.enum(['seeker', 'group']),
  body: z.string(),
  created_at: z.string(),
})
const Revealed = z.object({ name: z.string(), email: z.string().nullable() }).nullable()
const refusals = { 400: e[400], 401: e[401], 403: e[403], 404: e[404], 409: e[409] }

export function manageRoutes() {
  return createRouter()
    .openapi(
      createRoute({
        method: 'post',
        path: '/groups/{id}/members/{membershipId}/decision',
        summary: 'Approve or decline a request (with a reason the person sees), or remove a member',
        tags,
        middleware: signedIn,
        request: {
          params: MemberParam,
          ...jsonBody(
            z.object({
              decision: z.enum(['approve', 'decline', 'remove']),
              reason: z.string().max(5000).optional(),
            }),
          ),
        },
        responses: {
          200: jsonResponse(z.object({ state: z.enum(membershipStates) }), 'Decided'),
          ...refusals,
        },
      }),
      async (c) => {
        const { id, membershipId } = c.req.valid('param')
        const input = c.req.valid('json')
        return c.json(
          await decideMember(c.get('deps'), c.get('actor'), {
            groupId: id,
            membershipId,
            ...input,
          }),
          200,
        )
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/groups/{id}/members/{membershipId}/answers',
        summary: 'A person’s answers to the screening questions (each look is audited)',
        tags,
        middleware: signedIn,
        request: { params: MemberParam },
        responses: {
          200: jsonResponse(
            z.object({
              submitted_at: z.string(),
              items: z.array(
                z.object({
                  question: z.string(),
                  kind: z.string(),
                  answer: z.union([z.string(), z.number(), z.null()]),
                }),
              ),
            }),
            'Answers',
          ),
          ...refusals,
        },
      }),
      async (c) => {
        const { id, membershipId } = c.req.valid('param')
        return c.json(
          await readAnswers(c.get('deps'), c.get('actor'), { groupId: id, membershipId }),
          200,
        )
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/groups/{id}/join-settings',
        summary: 'How the group lets people in',
        tags,
        middleware: signedIn,
        request: { params: GroupParam },
        responses: { 200: jsonResponse(JoinSettings, 'Settings'), ...refusals },
      }),
      async (c) =>
        c.json(await getJoinSettings(c.get('deps'), c.get('actor'), c.req.valid('param').id), 200),
    )
    .openapi(
      createRoute({
        method: 'put',
        path: '/groups/{id}/join-settings',
        summary: 'Change how the group lets people in (invitation makes it hidden)',
        tags,
        middleware: signedIn,
        request: { params: GroupParam, ...jsonBody(JoinSettings) },
        responses: { 200: jsonResponse(JoinSettings, 'Settings'), ...refusals },
      }),
      async (c) =>
        c.json(
          await updateJoinSettings(
            c.get('deps'),
            c.get('actor'),
            c.req.valid('param').id,
            c.req.valid('json'),
          ),
          200,
        ),
    )
    .openapi(
      createRoute({
        method: 'put',
        path: '/groups/{id}/questionnaire',
        summary: 'Replace the screening questions (answers keep the version they answered)',
        tags,
        middleware: signedIn,
        request: {
          params: GroupParam,
          ...jsonBody(
            z.object({
              questions: z
                .array(
                  z.object({
                    id: z.string().max(16).optional(),
                    kind: z.string().max(20),
                    label: z.string().max(1000),
                    options: z.array(z.string().max(500)).max(50).optional(),
                    required: z.boolean().optional(),
                  }),
                )
                .max(50),
            }),
          ),
        },
        responses: {
          200: jsonResponse(z.object({ questions: z.array(Question) }), 'Saved'),
          ...refusals,
        },
      }),
      async (c) =>
        c.json(
          await saveQuestionnaire(
            c.get('deps'),
            c.get('actor'),
            c.req.valid('param').id,
            c.req.valid('json').questions,
          ),
          200,
        ),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/groups/{id}/passes',
        summary: 'Invitation links and referral codes',
        tags,
        middleware: signedIn,
        request: { params: GroupParam },
        responses: {
          200: jsonResponse(z.object({ items: z.array(Pass) }), 'Newest first'),
          ...refusals,
        },
      }),
      async (c) =>
        c.json(
          { items: await listPasses(c.get('deps'), c.get('actor'), c.req.valid('param').id) },
          200,
        ),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/groups/{id}/passes',
        summary: 'Make an invitation link or a referral code',
        tags,
        middleware: signedIn,
        request: {
          params: GroupParam,
          ...jsonBody(
            z.object({
              kind: z.enum(passKinds),
              label: z.string().max(1000),
              max_uses: z.number().int().min(1).max(10_000).nullable().default(null),
              expires_in_days: z.number().int().min(1).max(3650).nullable().default(null),
            }),
          ),
        },
        responses: { 201: jsonResponse(Pass, 'Made'), ...refusals },
      }),
      async (c) => {
        const input = c.req.valid('json')
        const pass = await createPass(c.get('deps'), c.get('actor'), {
          groupId: c.req.valid('param').id,
          kind: input.kind,
          label: input.label,
          maxUses: input.max_uses,
          expiresInDays: input.expires_in_days,
        })
        return c.json(pass, 201)
      },
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: '/groups/{id}/passes/{passId}',
        summary: 'Revoke an invitation link or a referral code',
        tags,
        middleware: signedIn,
        request: { params: GroupParam.extend({ passId: z.uuid() }) },
        responses: { ...noContent, ...refusals },
      }),
      async (c) => {
        const { id, passId } = c.req.valid('param')
        await revokePass(c.get('deps'), c.get('actor'), { groupId: id, passId })
        return c.body(null, 204)
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/groups/{id}/questions',
        summary: 'Questions asked before joining; who asked, only where they chose to say',
        tags,
        middleware: signedIn,
        request: { params: GroupParam },
        responses: {
          200: jsonResponse(
            z.object({
              items: z.array(
                z.object({
                  id: z.string(),
                  asked_at: z.string(),
                  last_message_at: z.string(),
                  revealed: Revealed,
                }),
              ),
            }),
            'Latest first',
          ),
          ...refusals,
        },
      }),
      async (c) =>
        c.json(
          { items: await listQuestions(c.get('deps'), c.get('actor'), c.req.valid('param').id) },
          200,
        ),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/groups/{id}/questions/{questionId}',
        summary: 'One question and its replies',
        tags,
        middleware: signedIn,
        request: { params: GroupParam.extend({ questionId: z.uuid() }) },
        responses: {
          200: jsonResponse(
            z.object({ id: z.string(), revealed: Revealed, messages: z.array(Message) }),
            'Thread',
          ),
          ...refusals,
        },
      }),
      async (c) => {
        const { id, questionId } = c.req.valid('param')
        return c.json(await getQuestion(c.get('deps'), c.get('actor'), id, questionId), 200)
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/groups/{id}/questions/{questionId}/replies',
        summary: 'Reply as the group; the reply goes to the asker by mail, their address unseen',
        tags,
        middleware: signedIn,
        request: {
          params: GroupParam.extend({ questionId: z.uuid() }),
          ...jsonBody(z.object({ body: z.string().max(10_000) })),
        },
        responses: { ...noContent, ...refusals },
      }),
      async (c) => {
        const { id, questionId } = c.req.valid('param')
        await replyAsGroup(c.get('deps'), c.get('actor'), {
          groupId: id,
          questionId,
          body: c.req.valid('json').body,
        })
        return c.body(null, 204)
      },
    )
}
