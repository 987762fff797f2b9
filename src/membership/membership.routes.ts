/**
 * The JSON API of joining, for the person joining: join by the group's flow, leave, take up an
 * offered place, one's own name and visibility in a group, one's groups, and the questionnaire a
 * screening group asks. What the people who run a group do is in manage.routes.ts.
 */
import { createRoute, z } from '@hono/zod-openapi'
import { policy } from '#src/access/route-policy.ts'
import { createRouter } from '#src/platform/http.ts'
import { errorResponses as e, jsonBody, jsonResponse, noContent } from '#src/platform/openapi.ts'
import { acceptOffer, joinGroup, leaveGroup } from './join.service.ts'
import { listMembers, myGroups, updateMyMembership } from './members.service.ts'
import { joinPolicies, membershipStates, questionKinds } from './membership.tables.ts'
import { getQuestionnaire } from './questionnaire.service.ts'

export const GroupParam = z.object({ id: z.string().min(1).max(200) })
const State = z.enum(membershipStates)
export const Question = z
  .object({
    id: z.string(),
    kind: z.enum(questionKinds),
    label: z.string(),
    options: z.array(z.string()),
    required: z.boolean(),
  })
  .openapi('Question')

const JoinInput = z
  .object({
    display_name: z.string().max(200),
    consent_version: z.string().max(40).optional(),
    note: z.string().max(5000).optional(),
    answers: z.record(z.string(), z.union([z.string().max(5000), z.number()])).optional(),
    pass: z.string().max(100).optional(),
  })
  .openapi('JoinInput')

const MyGroup = z
  .object({
    group_id: z.string(),
    name: z.record(z.string(), z.string()),
    join_policy: z.enum(joinPolicies),
    state: State,
    display_name: z.string(),
    visible_to_members: z.boolean(),
    offer_expires_at: z.string().nullable(),
    since: z.string(),
    reason: z.string().nullable(),
  })
  .openapi('MyGroup')

export const Member = z
  .object({
    membership_id: z.string(),
    display_name: z.string(),
    state: State,
    visible_to_members: z.boolean(),
    since: z.string(),
    note: z.string().nullable(),
    via: z.object({ kind: z.string(), label: z.string() }).nullable(),
    offer_expires_at: z.string().nullable(),
    has_answers: z.boolean(),
    you: z.boolean(),
  })
  .openapi('Member')

const tags = ['Membership']

export function membershipRoutes() {
  return createRouter()
    .openapi(
      createRoute({
        method: 'get',
        path: '/me/groups',
        summary: 'The groups you are in, on the way into, or were turned away from',
        tags,
        middleware: [policy('signed-in')],
        responses: {
          200: jsonResponse(z.object({ items: z.array(MyGroup) }), 'Newest first'),
          401: e[401],
        },
      }),
      async (c) => c.json({ items: await myGroups(c.get('deps'), c.get('actor')) }, 200),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/groups/{id}/join',
        summary: 'Join a group by its flow: at once, on its waiting list, or as a request',
        description:
          'Needs consent to the health data the group will hold (`consent_version` of the `health_data` text) unless it is already in force; screening groups need `answers`, referral groups a referral code in `pass`, hidden groups their invitation token in `pass`.',
        tags,
        middleware: [policy('signed-in')],
        request: { params: GroupParam, ...jsonBody(JoinInput) },
        responses: {
          201: jsonResponse(
            z.object({ membership_id: z.string(), state: State }),
            'Joined, waitlisted or requested',
          ),
          400: e[400],
          401: e[401],
          403: e[403],
          404: e[404],
          409: e[409],
        },
      }),
      async (c) => {
        const input = c.req.valid('json')
        const result = await joinGroup(c.get('deps'), c.get('actor'), {
          groupId: c.req.valid('param').id,
          displayName: input.display_name,
          consentVersion: input.consent_version,
          locale: c.get('locale'),
          note: input.note,
          answers: input.answers,
          pass: input.pass,
        })
        return c.json(result, 201)
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/groups/{id}/leave',
        summary: 'Leave the group (or its waiting list, or withdraw a request), in one step',
        tags,
        middleware: [policy('signed-in')],
        request: { params: GroupParam },
        responses: { ...noContent, 401: e[401], 404: e[404] },
      }),
      async (c) => {
        await leaveGroup(c.get('deps'), c.get('actor'), c.req.valid('param').id)
        return c.body(null, 204)
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/groups/{id}/offer/accept',
        summary: 'Take up the place offered to you from the waiting list',
        tags,
        middleware: [policy('signed-in')],
        request: { params: GroupParam },
        responses: { ...noContent, 401: e[401], 404: e[404], 409: e[409] },
      }),
      async (c) => {
        await acceptOffer(c.get('deps'), c.get('actor'), c.req.valid('param').id)
        return c.body(null, 204)
      },
    )
    .openapi(
      createRoute({
        method: 'patch',
        path: '/me/groups/{id}',
        summary: 'Your name in the group, and whether other members may see you',
        tags,
        middleware: [policy('signed-in')],
        request: {
          params: GroupParam,
          ...jsonBody(
            z.object({
              display_name: z.string().max(200).optional(),
              visible_to_members: z.boolean().optional(),
            }),
          ),
        },
        responses: { ...noContent, 400: e[400], 401: e[401], 404: e[404] },
      }),
      async (c) => {
        await updateMyMembership(
          c.get('deps'),
          c.get('actor'),
          c.req.valid('param').id,
          c.req.valid('json'),
        )
        return c.body(null, 204)
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/groups/{id}/members',
        summary:
          'The member list: all of it for those who run the group, the visible members for members',
        tags,
        middleware: [policy('signed-in')],
        request: { params: GroupParam },
        responses: {
          200: jsonResponse(z.object({ items: z.array(Member) }), 'Members'),
          401: e[401],
          404: e[404],
        },
      }),
      async (c) =>
        c.json(
          { items: await listMembers(c.get('deps'), c.get('actor'), c.req.valid('param').id) },
          200,
        ),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/groups/{id}/questionnaire',
        summary: 'The screening questions a group asks before it decides on a request',
        tags,
        middleware: [policy('public')],
        request: { params: GroupParam },
        responses: {
          200: jsonResponse(z.object({ questions: z.array(Question) }), 'Questions, in order'),
          404: e[404],
        },
      }),
      async (c) =>
        c.json(await getQuestionnaire(c.get('deps'), c.get('actor'), c.req.valid('param').id), 200),
    )
}
