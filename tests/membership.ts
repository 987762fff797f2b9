/** Helpers for the joining and meeting tests: groups with a join flow, facilitators, members. */
import { Secret, TOTP } from 'otpauth'
import { expect } from 'vitest'
import { system, type UserActor } from '#src/access/actor.ts'
import { grantRole } from '#src/access/roles.service.ts'
import { consentTexts } from '#src/consent/consent.texts.ts'
import { saveGroup, saveOrganisation } from '#src/directory/groups.service.ts'
import type { GroupInputRaw } from '#src/directory/groups.schema.ts'
import { workRegistry } from '#src/jobs/registry.ts'
import { runDueWork } from '#src/jobs/worker.ts'
import type { JoinPolicy } from '#src/membership/membership.tables.ts'
import { fixtureGroup, fixtureOrganisation } from '#src/web/group-page.fixtures.ts'
import { createAccount, person, send, sessionCookieOf } from './accounts.ts'
import type { createTestApp } from './app.ts'

type TestApp = Awaited<ReturnType<typeof createTestApp>>
export type Account = Awaited<ReturnType<typeof createAccount>>

let groups = 0

/** A listed group with its join flow and capacity set (the organisation is made the first time). */
export async function seedGroup(
  t: TestApp,
  join: { policy?: JoinPolicy; capacity?: number | null } = {},
  over: Partial<GroupInputRaw> = {},
): Promise<string> {
  const id = over.id ?? `grp-join-${process.pid}-${++groups}`
  const organisation = await t.deps.db
    .selectFrom('organisation')
    .select('id')
    .where('id', '=', fixtureOrganisation.id!)
    .executeTakeFirst()
  if (!organisation)
    await saveOrganisation(t.deps, system, fixtureOrganisation, { source: 'tomoni' })
  await saveGroup(t.deps, system, fixtureGroup({ ...over, id }), { source: 'tomoni' })
  await t.deps.db
    .updateTable('grp')
    .set({ join_policy: join.policy ?? 'open', capacity: join.capacity ?? null })
    .where('id', '=', id)
    .execute()
  return id
}

/** An actor as the session middleware builds it; `facilitatorOf` adds the role and a second factor. */
export function actorOf(account: { id: string }, facilitatorOf?: string): UserActor {
  return {
    kind: 'user',
    userId: account.id,
    sessionId: `test-${account.id}`,
    roles: facilitatorOf
      ? [{ scopeType: 'group', scopeId: facilitatorOf, role: 'facilitator' }]
      : [],
    reauthenticatedAt: new Date('2026-11-22T00:00:00Z'),
    secondFactorAt: facilitatorOf ? new Date('2026-11-22T00:00:00Z') : null,
  }
}

/** A facilitator of the group, granted the role, and their actor. */
export async function facilitator(t: TestApp, groupId: string) {
  const account = await createAccount(t)
  await grantRole(t.deps, system, {
    userId: account.id,
    scopeType: 'group',
    scopeId: groupId,
    role: 'facilitator',
  })
  return { ...account, actor: actorOf(account, groupId) }
}

/** A person with an account, and their actor. */
export async function seeker(t: TestApp) {
  const account = await createAccount(t, person())
  return { ...account, actor: actorOf(account) }
}

/**
 * A facilitator signed in through the real flow with an authenticator app, so that the session
 * carries a second factor: what managing a group over HTTP needs.
 */
export async function facilitatorSession(t: TestApp, groupId: string) {
  const who = await facilitator(t, groupId)
  const begin = await send(t, 'POST', '/api/v1/me/second-factor/totp', { cookie: who.cookie })
  const { secret } = (await begin.json()) as { secret: string }
  const code = () =>
    new TOTP({
      secret: Secret.fromBase32(secret),
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
    }).generate({
      timestamp: t.clock.now().getTime(),
    })
  const confirm = await send(t, 'POST', '/api/v1/me/second-factor/totp/confirm', {
    cookie: who.cookie,
    body: { code: code() },
  })
  expect(confirm.status).toBe(200)
  t.clock.advance(30_000)
  const first = await send(t, 'POST', '/api/v1/auth/sign-in', {
    body: { email: who.email, password: who.password },
  })
  const second = await send(t, 'POST', '/api/v1/auth/second-factor', {
    cookie: sessionCookieOf(first),
    body: { code: code() },
  })
  expect(second.status).toBe(200)
  return { ...who, cookie: sessionCookieOf(second), code }
}

export const consentVersion = consentTexts.health_data.version

/** Runs the queue as the server would, at the test clock's time. */
export const runWork = (t: TestApp) => runDueWork(t.deps, workRegistry)

/** The notices (not the account mail) sent to one address. */
export const mailTo = (t: TestApp, email: string) =>
  t.outbox().filter((m) => m.to === email && m.headers['message-id']?.startsWith('<notice.'))
