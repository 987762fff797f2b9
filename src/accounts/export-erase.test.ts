import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../tests/app.ts'
import {
  addSecondFactor,
  createAccount,
  person,
  send,
  sessionCookieOf,
  signIn,
  totpCode,
} from '../../tests/accounts.ts'
import { createPasskey } from '../../tests/webauthn.ts'
import { system } from '#src/access/actor.ts'
import { grantRole } from '#src/access/roles.service.ts'
import { verifyAuditChain } from '#src/audit/audit.ts'
import { consentPurposes, consentTexts } from '#src/consent/consent.texts.ts'
import { saveGroup, saveOrganisation } from '#src/directory/groups.service.ts'
import { actOnItem } from '#src/moderation/moderation.service.ts'
import { inviteStaff } from '#src/directory/staff.service.ts'
import type { Db } from '#src/platform/db.ts'
import { pseudonym } from '#src/platform/secrets.ts'
import { fixtureGroup, fixtureOrganisation } from '#src/web/group-page.fixtures.ts'
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

/**
 * Every text, JSON, array or uuid column of every table that holds `needle` somewhere, as
 * `table.column`, found from information_schema so that a new table or column is searched too.
 */
async function findEverywhere(db: Db, needle: string): Promise<string[]> {
  const columns = await sql<{ table_name: string; column_name: string }>`
    select c.table_name, c.column_name
    from information_schema.columns c
    join information_schema.tables t
      on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
      and c.data_type in ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY',
        'USER-DEFINED', 'uuid')
  `.execute(db)
  const found: string[] = []
  for (const { table_name, column_name } of columns.rows) {
    const hits = await sql<{ n: number }>`
      select count(*)::int as n from ${sql.table(table_name)}
      where strpos(lower(${sql.ref(column_name)}::text), lower(${needle})) > 0
    `.execute(db)
    if (hits.rows[0]!.n > 0) found.push(`${table_name}.${column_name}`)
  }
  return found.sort()
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
      body: {
        purpose: 'health_data',
        text_version: consentTexts.health_data.version,
        locale: 'en',
      },
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
      consents: [
        {
          purpose: 'health_data',
          text_version: consentTexts.health_data.version,
          withdrawn_at: null,
        },
      ],
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
    const seeded = await seedEverything(t)
    const { who, phrase } = seeded
    const needles = {
      email: who.email,
      name: who.display_name,
      phrase,
      passwordHash: seeded.passwordHash,
      // Rate-limit keys carry a keyed hash of the address or account, never the value itself.
      emailPseudonym: pseudonym(t.deps.secrets, who.email),
      idPseudonym: pseudonym(t.deps.secrets, who.id),
    }

    // Every table of the schema is known here: one holding a person's data is seeded (and
    // shown to hold them before), the rest hold nothing about anyone.
    const tables = await baseTables(t.deps.db)
    expect(
      tables.filter(
        (table) => !personalTables.includes(table) && !impersonalTables.includes(table),
      ),
      'tables this test does not know: seed them, or list them as holding nothing personal',
    ).toEqual([])
    const before = new Set<string>()
    // Sealed screening answers are found by their membership.
    for (const needle of [...Object.values(needles), who.id, seeded.membershipId]) {
      for (const hit of await findEverywhere(t.deps.db, needle)) before.add(hit.split('.')[0]!)
    }
    expect(
      personalTables.filter((table) => !before.has(table)),
      'seeded tables without the person',
    ).toEqual([])

    // The export has all of it, in readable form.
    const exported = await send(t, 'GET', '/api/v1/me/export', { cookie: seeded.cookie })
    expect(exported.status).toBe(200)
    const data = (await exported.json()) as { written_to_moderators: { kind: string }[] }
    expect(data).toMatchObject({
      passkeys: [{ name: phrase }],
      groups: [
        {
          group_id: 'grp-erase',
          state: 'active',
          history: [{ to_state: 'screening' }, { to_state: 'active', reason: phrase }],
        },
      ],
      staff_invitations: [{ organisation_id: 'org-erase-b', role: 'staff' }],
      second_factor: { totp: true, passkeys: 1 },
    })
    expect(data.written_to_moderators.map((i) => i.kind).sort()).toEqual([
      'claim',
      'claim',
      'report',
    ])

    const res = await send(t, 'DELETE', '/api/v1/me', {
      cookie: seeded.cookie,
      body: { password: who.password },
    })
    expect(res.status).toBe(204)
    expect(res.headers.getSetCookie().join()).toMatch(/__Host-tomoni_session=;/)

    for (const [what, needle] of Object.entries(needles)) {
      expect(await findEverywhere(t.deps.db, needle), what).toEqual([])
    }
    // The random id stays only where others' records say "someone" did something.
    const idColumns = await findEverywhere(t.deps.db, who.id)
    expect(idColumns).toContain('app_user.id')
    expect(idColumns.filter((column) => !pointerColumns.includes(column))).toEqual([])
    // The membership's random id stays only in the log, which says something was done to it.
    expect(await findEverywhere(t.deps.db, seeded.membershipId)).toEqual(['audit_log.subject_id'])

    expect((await send(t, 'GET', '/api/v1/me', { cookie: seeded.otherSession })).status).toBe(401)
    const signInAgain = await send(t, 'POST', '/api/v1/auth/sign-in', {
      body: { email: who.email, password: who.password },
    })
    expect(signInAgain.status).toBe(401)
    expect(t.outbox().at(-1)).toMatchObject({
      to: who.email,
      subject: 'Tomoni: your account has been erased',
    })
    expect(await verifyAuditChain(t.deps)).toMatchObject({ ok: true })
    // What the moderators must keep stays, without the person: the report's reason, not its words.
    const report = await t.deps.db
      .selectFrom('moderation_item')
      .select(['reason', 'details', 'reporter_id'])
      .where('id', '=', seeded.reportId)
      .executeTakeFirstOrThrow()
    expect(report).toEqual({ reason: 'closed', details: '', reporter_id: null })

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

/** Tables that can hold something about a person; the erasure test seeds each one. */
const personalTables = [
  'app_user',
  'audit_log',
  'auth_token',
  'calendar_feed',
  'consent',
  'field_history',
  'group_question',
  'group_question_message',
  'membership',
  'membership_event',
  'moderation_action',
  'moderation_item',
  'notice',
  'organisation_invitation',
  'passkey_credential',
  'rate_limit',
  'recovery_code',
  'role_membership',
  'rsvp',
  'screening_answer',
  'totp_credential',
  'user_session',
  'webauthn_challenge',
]

/** Reference data and the public directory: about conditions, places and organisations only. */
const impersonalTables = [
  'condition',
  'condition_code',
  'condition_name',
  'group_location',
  'group_pass',
  'grp',
  'job',
  'kysely_migration',
  'kysely_migration_lock',
  'location',
  'meeting',
  'meeting_series',
  'organisation',
  'place',
  'questionnaire',
  'reference_dataset',
  'schedule',
  'search_change',
  'service_area',
  'stale_reminder',
]

/** "Who did it" columns of others' records and of the log, which keep the random id. */
const pointerColumns = [
  'app_user.id',
  'audit_log.actor_id',
  'audit_log.subject_id',
  'field_history.actor',
  'group_pass.created_by',
  'meeting.created_by',
  'meeting_series.created_by',
  'membership_event.actor',
  'moderation_action.actor_id',
  'moderation_item.resolved_by',
  'organisation.verified_by',
  'organisation_invitation.invited_by',
  'questionnaire.created_by',
  'role_membership.granted_by',
]

async function baseTables(db: Db): Promise<string[]> {
  const rows = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE'
  `.execute(db)
  return rows.rows.map((r) => r.table_name).sort()
}

type TestApp = Awaited<ReturnType<typeof createTestApp>>

/**
 * One person with something in every table that can hold personal data, put there the way the
 * features do it: through the API where one exists, directly for features still to come.
 */
async function seedEverything(t: TestApp) {
  const phrase = 'Qvxz unmistakable words'
  const who = await createAccount(
    t,
    person({ email: 'erase-me.qx7@erase-test.example', display_name: 'Zyxwv Erasable' }),
  )
  for (const purpose of consentPurposes) {
    await send(t, 'POST', '/api/v1/me/consents', {
      cookie: who.cookie,
      body: { purpose, text_version: consentTexts[purpose].version, locale: 'en' },
    })
  }
  // A directory to act in: the person runs one organisation's listing and claims two others.
  for (const [id, url] of [
    ['org-erase-own', 'https://org-erase-own.example.org/'],
    ['org-erase-a', 'https://org-erase-a.example.org/'],
    ['org-erase-b', 'https://org-erase-b.example.org/'],
    ['org-erase-test', 'https://erase-test.example/'],
  ]) {
    await saveOrganisation(
      t.deps,
      system,
      { ...fixtureOrganisation, id, url, email: null },
      { source: 'tomoni' },
    )
  }
  await saveGroup(
    t.deps,
    system,
    fixtureGroup({ id: 'grp-erase', organisation_id: 'org-erase-own' }),
    { source: 'tomoni' },
  )
  await grantRole(t.deps, system, {
    userId: who.id,
    scopeType: 'organisation',
    scopeId: 'org-erase-own',
    role: 'staff',
  })
  await grantRole(t.deps, system, {
    userId: who.id,
    scopeType: 'group',
    scopeId: 'grp-erase',
    role: 'member',
  })
  // Second factors: an app with recovery codes, a passkey, and a passkey challenge waiting.
  const app = await addSecondFactor(t, who)
  const creation = await send(t, 'POST', '/api/v1/me/passkeys/options', { cookie: app.cookie })
  const { response } = createPasskey(
    (await creation.json()) as Parameters<typeof createPasskey>[0],
    'http://localhost',
  )
  const registered = await send(t, 'POST', '/api/v1/me/passkeys', {
    cookie: app.cookie,
    body: { response, name: phrase },
  })
  expect(registered.status).toBe(201)
  const cookie = sessionCookieOf(registered)
  const pending = await send(t, 'POST', '/api/v1/auth/sign-in', {
    body: { email: who.email, password: who.password },
  })
  await send(t, 'POST', '/api/v1/auth/passkey/options', { cookie: sessionCookieOf(pending) })
  // Another browser, fully signed in.
  const second = await send(t, 'POST', '/api/v1/auth/second-factor', {
    cookie: sessionCookieOf(
      await send(t, 'POST', '/api/v1/auth/sign-in', {
        body: { email: who.email, password: who.password },
      }),
    ),
    body: { code: totpCode(t, app.secret) },
  })
  expect(second.status).toBe(200)
  // A change to the listing the person runs, in its history.
  const edit = await send(t, 'PATCH', '/api/v1/organisations/org-erase-own', {
    cookie,
    body: { url: 'https://org-erase-own.example.org/about' },
  })
  expect(edit.status).toBe(200)
  // Words to the moderators: a report, a claim decided and a claim waiting.
  const report = await send(t, 'POST', '/api/v1/groups/grp-erase/feedback', {
    cookie,
    body: { kind: 'report', reason: 'closed', details: `${phrase}, ${who.display_name}` },
  })
  expect(report.status).toBe(202)
  const reportId = (
    await t.deps.db
      .selectFrom('moderation_item')
      .select('id')
      .where('reporter_id', '=', who.id)
      .where('kind', '=', 'report')
      .executeTakeFirstOrThrow()
  ).id
  for (const id of ['org-erase-a', 'org-erase-b']) {
    const claim = await send(t, 'POST', `/api/v1/organisations/${id}/claim`, {
      cookie,
      body: { message: `${phrase}; write to ${who.email}` },
    })
    expect(claim.status).toBe(202)
  }
  // An address at an organisation's own domain claims it at once: the claim is in its record.
  const byDomain = await send(t, 'POST', '/api/v1/organisations/org-erase-test/claim', { cookie })
  expect(await byDomain.json()).toMatchObject({ status: 'claimed' })
  const decided = await t.deps.db
    .selectFrom('moderation_item')
    .select('id')
    .where('organisation_id', '=', 'org-erase-a')
    .executeTakeFirstOrThrow()
  await actOnItem(t.deps, system, decided.id, { action: 'reject_claim', note: 'Not reachable.' })
  // Joining a group that screens: a note and answers to the facilitators, a decision with its
  // reason, a place at a meeting, a question asked before joining, the private calendar feed, and
  // the notices that follow.
  await t.deps.db
    .updateTable('grp')
    .set({ join_policy: 'screening' })
    .where('id', '=', 'grp-erase')
    .execute()
  const keeper = await facilitator(t, 'grp-erase')
  const { questions } = await saveQuestionnaire(t.deps, keeper.actor, 'grp-erase', [
    { kind: 'text', label: 'Why this group?' },
  ])
  const actor = actorOf(who)
  const joined = await joinGroup(t.deps, actor, {
    groupId: 'grp-erase',
    displayName: who.display_name,
    consentVersion,
    locale: 'en',
    note: `${phrase} to the facilitators`,
    answers: { [questions[0]!.id]: `${phrase} in an answer` },
  })
  await decideMember(t.deps, keeper.actor, {
    groupId: 'grp-erase',
    membershipId: joined.membership_id,
    decision: 'approve',
    reason: phrase,
  })
  const { id: meetingId } = await createMeeting(t.deps, keeper.actor, 'grp-erase', {
    title: 'Circle',
    lang: 'en',
    timezone: 'Asia/Tokyo',
    format: 'online',
    online_url: 'https://video.example/erase',
    start_time: '10:00',
    duration_minutes: 60,
    date: '2026-12-30',
  })
  await rsvp(t.deps, actor, meetingId)
  await askQuestion(t.deps, actor, {
    groupId: 'grp-erase',
    body: `${phrase} in a question`,
    locale: 'en',
    ip: '10.0.0.9',
  })
  await renewFeed(t.deps, actor)
  await runWork(t)
  // An invitation to another organisation's staff, sent to the address.
  await inviteStaff(t.deps, system, 'org-erase-b', {
    email: who.email,
    role: 'staff',
    locale: 'en',
  })
  // Counters keyed by the address and the account, a reset link waiting, a wrong password.
  await send(t, 'POST', '/api/v1/auth/reset-request', { body: { email: who.email } })
  await send(t, 'POST', '/api/v1/auth/sign-in', {
    body: { email: who.email, password: 'wrong guess 1' },
  })
  await send(t, 'POST', '/api/v1/auth/reauthenticate', {
    cookie,
    body: { password: 'not the password' },
  })
  const { password_hash } = await t.deps.db
    .selectFrom('app_user')
    .select('password_hash')
    .where('id', '=', who.id)
    .executeTakeFirstOrThrow()
  return {
    who,
    phrase,
    cookie,
    otherSession: sessionCookieOf(second),
    reportId,
    membershipId: joined.membership_id,
    passwordHash: password_hash!,
  }
}
