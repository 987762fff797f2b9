import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { anonymous } from '#src/access/actor.ts'
import { hasConsent } from '#src/consent/consent.service.ts'
import { createTestApp } from '../../tests/app.ts'
import {
  consentVersion,
  facilitator,
  mailTo,
  runWork,
  seedGroup,
  seeker,
} from '../../tests/membership.ts'
import { acceptOffer, joinGroup, leaveGroup } from './join.service.ts'
import { listMembers, myGroups } from './members.service.ts'
import { createPass } from './passes.service.ts'
import { readAnswers, saveQuestionnaire } from './questionnaire.service.ts'
import { decideMember, updateJoinSettings } from './review.service.ts'

type TestApp = Awaited<ReturnType<typeof createTestApp>>

const history = (t: TestApp, membershipId: string) =>
  t.deps.db
    .selectFrom('membership_event')
    .select(['from_state', 'to_state', 'reason'])
    .where('membership_id', '=', membershipId)
    .orderBy('id')
    .execute()

describe('joining a group by its chosen flow', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(() => t.close())

  const join = (who: { actor: Parameters<typeof joinGroup>[1] }, groupId: string, extra = {}) =>
    joinGroup(t.deps, who.actor, {
      groupId,
      displayName: 'Hana',
      consentVersion,
      locale: 'en',
      ...extra,
    })

  it('open: one step with consent, under a pseudonym, and leaving is one step too', async () => {
    const groupId = await seedGroup(t, { policy: 'open' })
    const hana = await seeker(t)
    await expect(
      joinGroup(t.deps, hana.actor, { groupId, displayName: 'Hana', locale: 'en' }),
    ).rejects.toMatchObject({ code: 'invalid_input', fields: { consent: 'required' } })
    expect(await myGroups(t.deps, hana.actor)).toEqual([])

    const joined = await join(hana, groupId, { displayName: '  Blue   heron ' })
    expect(joined.state).toBe('active')
    expect(await hasConsent(t.deps.db, hana.id, 'health_data')).toBe(true)
    const [mine] = await myGroups(t.deps, hana.actor)
    expect(mine).toMatchObject({ group_id: groupId, state: 'active', display_name: 'Blue heron' })
    await expect(join(hana, groupId)).rejects.toMatchObject({ code: 'conflict' })

    await leaveGroup(t.deps, hana.actor, groupId)
    expect(await history(t, joined.membership_id)).toEqual([
      { from_state: null, to_state: 'active', reason: null },
      { from_state: 'active', to_state: 'left', reason: null },
    ])
    // Left, one may come back.
    expect((await join(hana, groupId)).state).toBe('active')
  })

  it('approval: a request the facilitators approve or decline with a reason the person sees', async () => {
    const groupId = await seedGroup(t, { policy: 'approval' })
    const keeper = await facilitator(t, groupId)
    const a = await seeker(t)
    const b = await seeker(t)
    const ra = await join(a, groupId, { note: 'My son was diagnosed in May.' })
    const rb = await join(b, groupId)
    expect([ra.state, rb.state]).toEqual(['requested', 'requested'])

    // The facilitator is told, without a name, one message per request.
    await runWork(t)
    const told = mailTo(t, keeper.email)
    expect(told).toHaveLength(2)
    expect(told[0]!.text).toContain(`/manage/groups/${groupId}/members`)
    expect(told[0]!.text).not.toContain('Hana')
    expect(told[0]!.text).not.toContain(a.email)

    const list = await listMembers(t.deps, keeper.actor, groupId)
    expect(list.find((m) => m.membership_id === ra.membership_id)).toMatchObject({
      state: 'requested',
      note: 'My son was diagnosed in May.',
    })
    // A decline needs a reason, and changes nothing without one.
    await expect(
      decideMember(t.deps, keeper.actor, {
        groupId,
        membershipId: rb.membership_id,
        decision: 'decline',
      }),
    ).rejects.toMatchObject({ fields: { reason: 'required' } })

    await decideMember(t.deps, keeper.actor, {
      groupId,
      membershipId: ra.membership_id,
      decision: 'approve',
    })
    await decideMember(t.deps, keeper.actor, {
      groupId,
      membershipId: rb.membership_id,
      decision: 'decline',
      reason: 'This group is for parents in Chiba.',
    })
    const [declined] = await myGroups(t.deps, b.actor)
    expect(declined).toMatchObject({
      state: 'declined',
      reason: 'This group is for parents in Chiba.',
    })
    await runWork(t)
    expect(mailTo(t, a.email).at(-1)!.text).toContain('approved')
    expect(mailTo(t, b.email).at(-1)!.text).toContain('/my/groups')
    // The mail names neither the group nor the reason.
    expect(mailTo(t, b.email).at(-1)!.text).not.toContain('Chiba')
  })

  it('screening: answers with the request, checked, sealed, and shown to facilitators only', async () => {
    const groupId = await seedGroup(t, { policy: 'screening' })
    const keeper = await facilitator(t, groupId)
    const { questions } = await saveQuestionnaire(t.deps, keeper.actor, groupId, [
      { kind: 'text', label: 'What brings you here?' },
      { kind: 'choice', label: 'Who are you?', options: ['Patient', 'Parent', 'Partner'] },
      { kind: 'scale', label: 'How distressed have you felt this week (0–10)?' },
      { kind: 'text', label: 'Anything else?', required: false },
    ])
    const [why, who, scale] = questions.map((q) => q.id)
    const person = await seeker(t)
    await expect(
      join(person, groupId, { answers: { [why!]: 'Support', [who!]: 'Uncle', [scale!]: '11' } }),
    ).rejects.toMatchObject({
      fields: { [`answers.${who}`]: 'choice', [`answers.${scale}`]: 'scale' },
    })
    const joined = await join(person, groupId, {
      answers: { [why!]: 'My daughter has leukaemia', [who!]: 'Parent', [scale!]: '7' },
    })
    expect(joined.state).toBe('screening')
    const stored = await t.deps.db
      .selectFrom('screening_answer')
      .select('answers_sealed')
      .executeTakeFirstOrThrow()
    expect(stored.answers_sealed).not.toContain('leukaemia')

    await expect(
      readAnswers(t.deps, person.actor, { groupId, membershipId: joined.membership_id }),
    ).rejects.toMatchObject({ code: 'forbidden' })
    const answers = await readAnswers(t.deps, keeper.actor, {
      groupId,
      membershipId: joined.membership_id,
    })
    expect(answers.items).toEqual([
      { question: 'What brings you here?', kind: 'text', answer: 'My daughter has leukaemia' },
      { question: 'Who are you?', kind: 'choice', answer: 'Parent' },
      { question: 'How distressed have you felt this week (0–10)?', kind: 'scale', answer: 7 },
      { question: 'Anything else?', kind: 'text', answer: null },
    ])
    const audit = await t.deps.db
      .selectFrom('audit_log')
      .select(['action', 'subject_id'])
      .where('action', '=', 'screening_answers_viewed')
      .execute()
    expect(audit).toEqual([
      { action: 'screening_answers_viewed', subject_id: joined.membership_id },
    ])
    await decideMember(t.deps, keeper.actor, {
      groupId,
      membershipId: joined.membership_id,
      decision: 'approve',
    })
    expect((await myGroups(t.deps, person.actor))[0]!.state).toBe('active')
  })

  it('referral: only with a code the facilitators handed out, each code once', async () => {
    const groupId = await seedGroup(t, { policy: 'referral' })
    const keeper = await facilitator(t, groupId)
    const pass = await createPass(t.deps, keeper.actor, {
      groupId,
      kind: 'referral',
      label: 'Dr Sato, paediatric oncology',
      maxUses: null,
      expiresInDays: 30,
    })
    const first = await seeker(t)
    const second = await seeker(t)
    await expect(join(first, groupId)).rejects.toMatchObject({ fields: { pass: 'referral' } })
    await expect(join(first, groupId, { pass: 'x'.repeat(43) })).rejects.toMatchObject({
      fields: { pass: 'referral' },
    })
    const joined = await join(first, groupId, { pass: pass.token })
    expect(joined.state).toBe('requested')
    const row = (await listMembers(t.deps, keeper.actor, groupId)).find(
      (m) => m.membership_id === joined.membership_id,
    )
    expect(row?.via).toEqual({ kind: 'referral', label: 'Dr Sato, paediatric oncology' })
    await expect(join(second, groupId, { pass: pass.token })).rejects.toMatchObject({
      fields: { pass: 'referral' },
    })
  })

  it('invitation: the group is hidden, and reachable only with its link', async () => {
    const groupId = await seedGroup(t, { policy: 'invitation' })
    const keeper = await facilitator(t, groupId)
    const outsider = await seeker(t)
    const invited = await seeker(t)
    // Not found by anyone without the link: not by its id, not by a join attempt.
    await expect(join(outsider, groupId)).rejects.toMatchObject({ code: 'not_found' })
    await expect(listMembers(t.deps, outsider.actor, groupId)).rejects.toMatchObject({
      code: 'not_found',
    })
    const pass = await createPass(t.deps, keeper.actor, {
      groupId,
      kind: 'invitation',
      label: 'Spring intake',
      maxUses: 2,
      expiresInDays: null,
    })
    expect(pass.link).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/)
    expect((await join(invited, groupId, { pass: pass.token })).state).toBe('active')
    // A member knows the group; the list shows only themselves until others choose to be seen.
    expect((await listMembers(t.deps, invited.actor, groupId)).map((m) => m.you)).toEqual([true])
    // An anonymous reader of the group still gets nothing.
    await expect(listMembers(t.deps, anonymous, groupId)).rejects.toMatchObject({
      code: 'unauthenticated',
    })
  })

  it('waiting list: a full group waitlists, offers a freed place, and the offer lapses to the next', async () => {
    const groupId = await seedGroup(t, { policy: 'open', capacity: 1 })
    const keeper = await facilitator(t, groupId)
    const [a, b, c] = [await seeker(t), await seeker(t), await seeker(t)]
    expect((await join(a, groupId)).state).toBe('active')
    expect((await join(b, groupId)).state).toBe('waitlisted')
    expect((await join(c, groupId)).state).toBe('waitlisted')
    await expect(acceptOffer(t.deps, b.actor, groupId)).rejects.toMatchObject({ code: 'conflict' })

    await leaveGroup(t.deps, a.actor, groupId)
    await runWork(t)
    const offer = mailTo(t, b.email).at(-1)!
    expect(offer.subject).toBe('A place is free for you')
    expect(mailTo(t, c.email)).toEqual([])
    // Nobody new jumps the queue while a place is held for b.
    const d = await seeker(t)
    expect((await join(d, groupId)).state).toBe('waitlisted')

    // b does not answer: after 72 hours the offer lapses and c is offered the place.
    t.clock.advance(73 * 3_600_000)
    await runWork(t)
    expect((await myGroups(t.deps, b.actor))[0]).toBeUndefined()
    expect(mailTo(t, b.email).at(-1)!.subject).toBe('The place offered to you has gone')
    expect(mailTo(t, c.email).at(-1)!.subject).toBe('A place is free for you')
    await acceptOffer(t.deps, c.actor, groupId)
    expect((await myGroups(t.deps, c.actor))[0]!.state).toBe('active')

    // A larger capacity offers the new place to the next in line at once.
    await updateJoinSettings(t.deps, keeper.actor, groupId, {
      join_policy: 'open',
      capacity: 2,
      accepting_members: true,
    })
    await runWork(t)
    expect(mailTo(t, d.email).at(-1)!.subject).toBe('A place is free for you')
  })

  it('removal: the removed member cannot rejoin by themselves', async () => {
    const groupId = await seedGroup(t, { policy: 'open' })
    const keeper = await facilitator(t, groupId)
    const member = await seeker(t)
    const joined = await join(member, groupId)
    await decideMember(t.deps, keeper.actor, {
      groupId,
      membershipId: joined.membership_id,
      decision: 'remove',
      reason: 'Repeated abuse of other members.',
    })
    expect((await myGroups(t.deps, member.actor))[0]).toMatchObject({
      state: 'removed',
      reason: 'Repeated abuse of other members.',
    })
    await expect(join(member, groupId)).rejects.toMatchObject({ code: 'forbidden' })
    // Approving a removed member is not a thing.
    await expect(
      decideMember(t.deps, keeper.actor, {
        groupId,
        membershipId: joined.membership_id,
        decision: 'approve',
      }),
    ).rejects.toMatchObject({ code: 'conflict' })
  })

  it('member lists: facilitators see everyone; members only those who chose to be seen', async () => {
    const groupId = await seedGroup(t, { policy: 'open' })
    const keeper = await facilitator(t, groupId)
    const [a, b] = [await seeker(t), await seeker(t)]
    await join(a, groupId, { displayName: 'Ayu' })
    await join(b, groupId, { displayName: 'Ben' })
    const { updateMyMembership } = await import('./members.service.ts')
    expect((await listMembers(t.deps, a.actor, groupId)).map((m) => m.display_name)).toEqual([
      'Ayu',
    ])
    await updateMyMembership(t.deps, b.actor, groupId, { visible_to_members: true })
    expect((await listMembers(t.deps, a.actor, groupId)).map((m) => m.display_name).sort()).toEqual(
      ['Ayu', 'Ben'],
    )
    expect((await listMembers(t.deps, keeper.actor, groupId)).length).toBe(2)
    const stranger = await seeker(t)
    await expect(listMembers(t.deps, stranger.actor, groupId)).rejects.toMatchObject({
      code: 'not_found',
    })
  })
})
