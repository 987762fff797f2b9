import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../tests/app.ts'
import { createAccount, person, send, sessionCookieOf, signIn } from '../../tests/accounts.ts'
import { verifyAuditChain } from '#src/audit/audit.ts'
import type { Db } from '#src/platform/db.ts'
import { askQuestion } from '#src/membership/questions.service.ts'
import { joinGroup } from '#src/membership/join.service.ts'
import { saveQuestionnaire } from '#src/membership/questionnaire.service.ts'
import { decideMember } from '#src/membership/review.service.ts'
import { renewFeed } from '#src/meetings/calendar.service.ts'
import { createMeeting } from '#src/meetings/meetings.service.ts'
import { rsvp } from '#src/meetings/rsvp.service.ts'
import {
  actorOf,
  consentVersion,
  facilitator,
  mailTo,
  runWork,
  seedGroup,
  seeker,
} from '../../tests/membership.ts'
import { reauthenticationWindowMs } from './user-session.ts'

/** Every text-like column of every table that holds `needle` somewhere, as `table.column`. */
async function findEverywhere(db: Db, needle: string): Promise<string[]> {
  const columns = await sql<{ table_name: string; column_name: string }>`
    select c.table_name, c.column_name
    from information_schema.columns c
    join information_schema.tables t
      on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
      and c.data_type in ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY', 'USER-DEFINED')
  `.execute(db)
  const found: string[] = []
  for (const { table_name, column_name } of columns.rows) {
    const hits = await sql<{ n: number }>`
      select count(*)::int as n from ${sql.table(table_name)}
      where strpos(lower(${sql.ref(column_name)}::text), lower(${needle})) > 0
    `.execute(db)
    if (hits.rows[0]!.n > 0) found.push(`${table_name}.${column_name}`)
  }
  return found
}

describe('export and erasure', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>
  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(() => t.close())

  it('exports everything held, after the password was typed in the last ten minutes', async () => {
    const who = await createAccount(t, person({ display_name: 'Export Person' }))
    await send(t, 'POST', '/api/v1/me/consents', {
      cookie: who.cookie,
      body: { purpose: 'health_data', text_version: '2026-11-22', locale: 'en' },
    })
    t.clock.advance(reauthenticationWindowMs + 1000)
    const stale = await send(t, 'GET', '/api/v1/me/export', { cookie: who.cookie })
    expect(stale.status).toBe(401)
    expect(await stale.json()).toMatchObject({ error: { code: 'reauth_required' } })

    const wrong = await send(t, 'POST', '/api/v1/auth/reauthenticate', {
      cookie: who.cookie,
      body: { password: 'not the password' },
    })
    expect(wrong.status).toBe(400)
    const reauth = await send(t, 'POST', '/api/v1/auth/reauthenticate', {
      cookie: who.cookie,
      body: { password: who.password },
    })
    expect(reauth.status).toBe(204)
    // Proving who you are again is a new session too.
    const cookie = sessionCookieOf(reauth)
    expect(cookie).not.toBe(who.cookie)

    const res = await send(t, 'GET', '/api/v1/me/export', { cookie })
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="tomoni-export-/)
    const data = (await res.json()) as Record<string, unknown>
    expect(data).toMatchObject({
      format: 'tomoni-account-export',
      format_version: 1,
      account: { id: who.id, email: who.email, display_name: 'Export Person', locale: 'en' },
      roles: [],
      consents: [{ purpose: 'health_data', text_version: '2026-11-22', withdrawn_at: null }],
      sessions: [{ current: true }],
    })
    const actions = (data.audit_log as { action: string }[]).map((a) => a.action)
    expect(actions).toEqual(
      expect.arrayContaining([
        'account_created',
        'consent_given',
        'reauthentication_failed',
        'reauthenticated',
      ]),
    )
    const text = JSON.stringify(data)
    expect(text).not.toContain('argon2')
    expect(text).not.toContain('token_hash')
    expect(
      await t.deps.db
        .selectFrom('audit_log')
        .select('action')
        .where('action', '=', 'data_exported')
        .execute(),
    ).toHaveLength(1)
  })

  it('asks for the password before erasing', async () => {
    const who = await createAccount(t)
    const res = await send(t, 'DELETE', '/api/v1/me', {
      cookie: who.cookie,
      body: { password: 'not the password' },
    })
    expect(res.status).toBe(400)
    expect((await send(t, 'GET', '/api/v1/me', { cookie: who.cookie })).status).toBe(200)
    const missing = await send(t, 'DELETE', '/api/v1/me', { cookie: who.cookie })
    expect(missing.status).toBe(400)
  })

  it('leaves nothing personal anywhere after erasure, and the audit chain intact', async () => {
    const who = await createAccount(
      t,
      person({ email: 'erase-me.qx7@example.test', display_name: 'Zyxwv Erasable' }),
    )
    const other = await signIn(t, who)
    await send(t, 'POST', '/api/v1/me/consents', {
      cookie: who.cookie,
      body: { purpose: 'health_data', text_version: '2026-11-22', locale: 'en' },
    })
    await t.deps.db
      .insertInto('role_membership')
      .values({
        user_id: who.id,
        scope_type: 'group',
        scope_id: 'grp-erase',
        role: 'member',
        granted_at: t.clock.now(),
        granted_by: null,
      })
      .execute()
    // A reset link waiting and a failed sign-in counted, both tied to the address.
    await send(t, 'POST', '/api/v1/auth/reset-request', { body: { email: who.email } })
    await send(t, 'POST', '/api/v1/auth/sign-in', {
      body: { email: who.email, password: 'wrong guess 1' },
    })
    const { password_hash } = await t.deps.db
      .selectFrom('app_user')
      .select('password_hash')
      .where('id', '=', who.id)
      .executeTakeFirstOrThrow()

    expect(await findEverywhere(t.deps.db, who.email)).not.toEqual([])
    const res = await send(t, 'DELETE', '/api/v1/me', {
      cookie: who.cookie,
      body: { password: who.password },
    })
    expect(res.status).toBe(204)
    expect(res.headers.getSetCookie().join()).toMatch(/__Host-tomoni_session=;/)

    expect(await findEverywhere(t.deps.db, who.email)).toEqual([])
    expect(await findEverywhere(t.deps.db, 'Zyxwv Erasable')).toEqual([])
    expect(await findEverywhere(t.deps.db, password_hash!)).toEqual([])
    for (const table of ['user_session', 'auth_token', 'role_membership', 'consent'] as const) {
      const rows = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}
        where user_id = ${who.id}`.execute(t.deps.db)
      expect(rows.rows[0]!.n, table).toBe(0)
    }
    expect((await send(t, 'GET', '/api/v1/me', { cookie: other })).status).toBe(401)
    const signInAgain = await send(t, 'POST', '/api/v1/auth/sign-in', {
      body: { email: who.email, password: who.password },
    })
    expect(signInAgain.status).toBe(401)
    expect(t.outbox().at(-1)).toMatchObject({
      to: who.email,
      subject: 'Tomoni: your account has been erased',
    })
    expect(await verifyAuditChain(t.deps)).toMatchObject({ ok: true })

    // The address is free again for a new, unrelated account.
    await createAccount(t, person({ email: who.email }))
  })

  it('exports what joining and meeting keep, and erases it, giving the places to the next in line', async () => {
    const groupId = await seedGroup(t, { policy: 'screening', capacity: 1 })
    const keeper = await facilitator(t, groupId)
    const { questions } = await saveQuestionnaire(t.deps, keeper.actor, groupId, [
      { kind: 'text', label: 'Why this group?' },
    ])
    const who = await createAccount(t, person({ display_name: 'Qwerty Joiner' }))
    const actor = actorOf(who)
    const joined = await joinGroup(t.deps, actor, {
      groupId,
      displayName: 'Plover Pseudonym',
      consentVersion,
      locale: 'en',
      note: 'Kestrel note to the facilitators',
      answers: { [questions[0]!.id]: 'Marmot answer about my diagnosis' },
    })
    await decideMember(t.deps, keeper.actor, {
      groupId,
      membershipId: joined.membership_id,
      decision: 'approve',
    })
    const waiting = await seeker(t)
    const second = await joinGroup(t.deps, waiting.actor, {
      groupId,
      displayName: 'Next',
      consentVersion,
      locale: 'en',
      answers: { [questions[0]!.id]: 'Me too' },
    })
    await decideMember(t.deps, keeper.actor, {
      groupId,
      membershipId: second.membership_id,
      decision: 'approve',
    })
    const { id: meetingId } = await createMeeting(t.deps, keeper.actor, groupId, {
      title: 'Circle',
      lang: 'en',
      timezone: 'Asia/Tokyo',
      format: 'online',
      online_url: 'https://video.example/x',
      start_time: '10:00',
      duration_minutes: 60,
      capacity: 1,
      date: '2026-12-30',
    })
    await rsvp(t.deps, actor, meetingId)
    await askQuestion(t.deps, actor, {
      groupId,
      body: 'Wombat question',
      locale: 'en',
      ip: '10.0.0.1',
    })
    await renewFeed(t.deps, actor)

    await send(t, 'POST', '/api/v1/auth/reauthenticate', {
      cookie: who.cookie,
      body: { password: who.password },
    })
    const cookie = await signIn(t, who)
    const data = (await (await send(t, 'GET', '/api/v1/me/export', { cookie })).json()) as Record<
      string,
      unknown
    >
    expect(data).toMatchObject({
      groups: [
        {
          group_id: groupId,
          state: 'active',
          display_name: 'Plover Pseudonym',
          message_to_facilitators: 'Kestrel note to the facilitators',
          history: [{ to_state: 'screening' }, { to_state: 'active' }],
          screening_answers: {
            items: [{ question: 'Why this group?', answer: 'Marmot answer about my diagnosis' }],
          },
        },
      ],
      questions_asked: [
        { group_id: groupId, messages: [{ side: 'seeker', body: 'Wombat question' }] },
      ],
      meetings: [{ meeting_id: meetingId, your_reply: 'going' }],
      calendar_feed: { created_at: expect.any(String) as string },
    })

    const res = await send(t, 'DELETE', '/api/v1/me', { cookie, body: { password: who.password } })
    expect(res.status).toBe(204)
    for (const needle of ['Plover Pseudonym', 'Kestrel note', 'Wombat question']) {
      expect(await findEverywhere(t.deps.db, needle), needle).toEqual([])
    }
    for (const table of ['membership', 'rsvp', 'calendar_feed', 'notice'] as const) {
      const rows = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}
        where user_id = ${who.id}`.execute(t.deps.db)
      expect(rows.rows[0]!.n, table).toBe(0)
    }
    const answers = await sql<{ n: number }>`select count(*)::int as n from screening_answer
      where membership_id = ${joined.membership_id}`.execute(t.deps.db)
    expect(answers.rows[0]!.n).toBe(0)
    // The freed place goes to the one waiting, as if the erased person had left.
    await runWork(t)
    expect(mailTo(t, waiting.email).map((m) => m.subject)).toContain('A place is free for you')
    expect(await verifyAuditChain(t.deps)).toMatchObject({ ok: true })
  })
})
