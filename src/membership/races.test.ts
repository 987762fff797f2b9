import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../tests/app.ts'
import { consentVersion, mailTo, runWork, seedGroup, seeker } from '../../tests/membership.ts'
import { acceptOffer, joinGroup, leaveGroup } from './join.service.ts'

type TestApp = Awaited<ReturnType<typeof createTestApp>>

/**
 * Races on places in a group. On PostgreSQL the requests run on separate connections at once;
 * on the embedded database they are queued on its one connection. Either way the outcome must be
 * one of the orders the requests could have run in.
 */
describe('places in a full group, asked for at once', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(() => t.close())

  const join = (who: Awaited<ReturnType<typeof seeker>>, groupId: string) =>
    joinGroup(t.deps, who.actor, { groupId, displayName: 'X', consentVersion, locale: 'en' })

  const states = async (groupId: string) =>
    (
      await t.deps.db
        .selectFrom('membership')
        .select(['state', 'offer_expires_at'])
        .where('group_id', '=', groupId)
        .execute()
    ).map((m) => (m.offer_expires_at ? `${m.state}+offer` : m.state))

  for (let round = 1; round <= 5; round++) {
    it(`gives the last place to exactly one of two (round ${round})`, async () => {
      const groupId = await seedGroup(t, { policy: 'open', capacity: 2 })
      await join(await seeker(t), groupId)
      const [a, b] = [await seeker(t), await seeker(t)]
      const results = await Promise.all([join(a, groupId), join(b, groupId)])
      expect(results.map((r) => r.state).sort()).toEqual(['active', 'waitlisted'])
      expect((await states(groupId)).sort()).toEqual(['active', 'active', 'waitlisted'])
    })

    it(`settles a member leaving while the next in line leaves the list (round ${round})`, async () => {
      const groupId = await seedGroup(t, { policy: 'open', capacity: 1 })
      const [a, b] = [await seeker(t), await seeker(t)]
      await join(a, groupId)
      expect((await join(b, groupId)).state).toBe('waitlisted')
      await Promise.all([
        leaveGroup(t.deps, a.actor, groupId),
        leaveGroup(t.deps, b.actor, groupId),
      ])
      expect(await states(groupId)).toEqual(['left', 'left'])
      // An offer made to b in between is not sent: b left.
      await runWork(t)
      expect(mailTo(t, b.email)).toEqual([])
    })

    it(`never holds more places than there are, with leaving, offers and joining at once (round ${round})`, async () => {
      const groupId = await seedGroup(t, { policy: 'open', capacity: 1 })
      const [a, b, c] = [await seeker(t), await seeker(t), await seeker(t)]
      await join(a, groupId)
      await join(b, groupId)
      // a leaves (b is offered the place) while c asks to join and b tries to take an offer.
      const settled = await Promise.allSettled([
        leaveGroup(t.deps, a.actor, groupId),
        join(c, groupId),
        acceptOffer(t.deps, b.actor, groupId),
      ])
      expect(settled[0].status).toBe('fulfilled')
      expect(settled[1]).toMatchObject({ status: 'fulfilled', value: { state: 'waitlisted' } })
      const held = (await states(groupId)).filter((s) => s === 'active' || s === 'waitlisted+offer')
      expect(held).toHaveLength(1)
    })
  }
})
