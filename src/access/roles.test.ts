import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../tests/app.ts'
import { createAccount, send } from '../../tests/accounts.ts'
import { verifyAuditChain } from '#src/audit/audit.ts'
import { anonymous, system, type UserActor } from './actor.ts'
import { grantRole, revokeRole } from './roles.service.ts'
import { revokeUserSessions } from '#src/accounts/admin.ts'

describe('roles as scoped memberships', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>
  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(() => t.close())

  const member = (userId: string): UserActor => ({
    kind: 'user',
    userId,
    sessionId: '',
    roles: [],
    reauthenticatedAt: new Date(0),
  })

  it('grants and revokes, shows roles on the account, and audits each change', async () => {
    const who = await createAccount(t)
    const facilitator = { scopeType: 'group', scopeId: 'grp-7', role: 'facilitator' } as const
    await grantRole(t.deps, system, { userId: who.id, ...facilitator })
    await grantRole(t.deps, system, { userId: who.id, ...facilitator })
    const me = await send(t, 'GET', '/api/v1/me', { cookie: who.cookie })
    expect(((await me.json()) as { roles: unknown }).roles).toEqual([
      { scope_type: 'group', scope_id: 'grp-7', role: 'facilitator' },
    ])
    await revokeRole(t.deps, system, { userId: who.id, ...facilitator })
    await expect(
      revokeRole(t.deps, system, { userId: who.id, ...facilitator }),
    ).rejects.toMatchObject({
      code: 'not_found',
    })
    const audit = await t.deps.db
      .selectFrom('audit_log')
      .select(['action', 'scope', 'details'])
      .where('action', 'in', ['role_granted', 'role_revoked'])
      .orderBy('id')
      .execute()
    // A group that is not in the directory belongs to no organisation's log.
    expect(audit).toEqual([
      {
        action: 'role_granted',
        scope: null,
        details: { role: 'facilitator', scope: 'group:grp-7' },
      },
      {
        action: 'role_revoked',
        scope: null,
        details: { role: 'facilitator', scope: 'group:grp-7' },
      },
    ])
    expect(await verifyAuditChain(t.deps)).toMatchObject({ ok: true })
  })

  it('lets only the operator and platform admins hand out roles', async () => {
    const who = await createAccount(t)
    const admin = await createAccount(t)
    const grant = {
      userId: who.id,
      scopeType: 'platform',
      scopeId: null,
      role: 'moderator',
    } as const
    await expect(grantRole(t.deps, anonymous, grant)).rejects.toMatchObject({
      code: 'unauthenticated',
    })
    await expect(grantRole(t.deps, member(who.id), grant)).rejects.toMatchObject({
      code: 'forbidden',
    })
    await grantRole(t.deps, system, {
      userId: admin.id,
      scopeType: 'platform',
      scopeId: null,
      role: 'admin',
    })
    const adminActor: UserActor = {
      ...member(admin.id),
      roles: [{ scopeType: 'platform', scopeId: null, role: 'admin' }],
    }
    // A staff power: only in a session opened with a second factor.
    await expect(grantRole(t.deps, adminActor, grant)).rejects.toMatchObject({
      code: 'second_factor_required',
    })
    await grantRole(t.deps, { ...adminActor, secondFactorAt: new Date() }, grant)
    const granted = await t.deps.db
      .selectFrom('role_membership')
      .select(['role', 'granted_by'])
      .where('user_id', '=', who.id)
      .execute()
    expect(granted).toEqual([{ role: 'moderator', granted_by: admin.id }])
  })

  it('refuses a role that does not exist in the scope', async () => {
    const who = await createAccount(t)
    await expect(
      grantRole(t.deps, system, {
        userId: who.id,
        scopeType: 'group',
        scopeId: null,
        role: 'admin',
      }),
    ).rejects.toMatchObject({ code: 'invalid_input' })
  })

  it('lets the operator and platform admins sign a person out everywhere, and no one else', async () => {
    const who = await createAccount(t)
    await expect(
      revokeUserSessions(t.deps, member(who.id), { userId: who.id }),
    ).rejects.toMatchObject({
      code: 'forbidden',
    })
    expect((await send(t, 'GET', '/api/v1/me', { cookie: who.cookie })).status).toBe(200)
    expect(await revokeUserSessions(t.deps, system, { userId: who.id })).toEqual({ count: 1 })
    expect((await send(t, 'GET', '/api/v1/me', { cookie: who.cookie })).status).toBe(401)
  })
})
