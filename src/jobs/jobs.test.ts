import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../tests/app.ts'
import { createAccount } from '../../tests/accounts.ts'
import { addNotice, deliverNotices, noticeLeaseMs, type ClaimedNotice } from './notices.ts'
import { mailToUser } from './notice-mail.ts'
import { claimJobs, enqueue, jobLeaseMs, maxJobAttempts } from './queue.ts'
import { runDueWork, type WorkRegistry } from './worker.ts'

type TestApp = Awaited<ReturnType<typeof createTestApp>>

const hello = (): WorkRegistry['notices'] => ({
  hello: (deps, n: ClaimedNotice) =>
    mailToUser(deps.db, n.user_id, 'meeting.promoted', () => ({
      time: 'soon',
      link: 'http://x/y',
    })),
})

describe('the job queue and the notice ledger', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(() => t.close())

  const jobState = (key: string) =>
    t.deps.db
      .selectFrom('job')
      .select(['state', 'attempts', 'last_error'])
      .where('key', '=', key)
      .executeTakeFirstOrThrow()

  it('adds a job once per key, and runs it when it is due', async () => {
    const now = t.clock.now()
    const ran: unknown[] = []
    const registry: WorkRegistry = {
      jobs: { ping: (_deps, job) => Promise.resolve(void ran.push(job.payload)) },
      notices: {},
    }
    for (let i = 0; i < 3; i++) {
      await enqueue(t.deps.db, now, {
        kind: 'ping',
        key: 'ping:1',
        runAt: new Date(now.getTime() + 60_000),
        payload: { i },
      })
    }
    await runDueWork(t.deps, registry)
    expect(ran).toEqual([])
    t.clock.advance(60_000)
    await runDueWork(t.deps, registry)
    await runDueWork(t.deps, registry)
    expect(ran).toEqual([{ i: 0 }])
    expect(await jobState('ping:1')).toMatchObject({ state: 'done', attempts: 1 })
  })

  it('forgets finished jobs after a month and settled notices after half a year', async () => {
    const now = t.clock.now()
    await enqueue(t.deps.db, now, { kind: 'ping', key: 'old:1', runAt: now })
    await runDueWork(t.deps, { jobs: { ping: () => Promise.resolve() }, notices: {} })
    t.clock.advance(31 * 86_400_000)
    await runDueWork(t.deps, { jobs: {}, notices: {} })
    const left = await t.deps.db
      .selectFrom('job')
      .select('key')
      .where('key', '=', 'old:1')
      .execute()
    expect(left).toEqual([])
  })

  it('tries a failing job again later, then gives it up', async () => {
    let calls = 0
    const registry: WorkRegistry = {
      jobs: {
        flaky: () => {
          calls++
          return Promise.reject(new Error('the SMTP server is down'))
        },
      },
      notices: {},
    }
    await enqueue(t.deps.db, t.clock.now(), { kind: 'flaky', key: 'flaky:1', runAt: t.clock.now() })
    for (let i = 0; i < 10; i++) {
      await runDueWork(t.deps, registry)
      t.clock.advance(60 * 60_000)
    }
    expect(calls).toBe(maxJobAttempts)
    expect(await jobState('flaky:1')).toMatchObject({
      state: 'failed',
      last_error: 'the SMTP server is down',
    })
  })

  it('lets a job whose worker died be taken again once its lease is over, never before', async () => {
    const now = t.clock.now()
    await enqueue(t.deps.db, now, { kind: 'any', key: 'lease:1', runAt: now })
    const [taken] = await claimJobs(t.deps.db, now, 10)
    expect(taken?.key).toBe('lease:1')
    expect(await claimJobs(t.deps.db, new Date(now.getTime() + jobLeaseMs - 1), 10)).toEqual([])
    const [again] = await claimJobs(t.deps.db, new Date(now.getTime() + jobLeaseMs + 1), 10)
    expect(again).toMatchObject({ key: 'lease:1', attempts: 2 })
  })

  it('records a notice once per key and sends it once', async () => {
    const who = await createAccount(t)
    for (let i = 0; i < 2; i++) {
      await addNotice(t.deps.db, t.clock.now(), {
        kind: 'hello',
        key: 'hello:once',
        userId: who.id,
        groupId: null,
      })
    }
    await deliverNotices(t.deps, hello())
    await deliverNotices(t.deps, hello())
    expect(
      t.outbox().filter((m) => m.to === who.email && m.subject === 'You have a place'),
    ).toHaveLength(1)
  })

  it('sends no duplicate when a worker dies between sending and recording it', async () => {
    const who = await createAccount(t)
    await addNotice(t.deps.db, t.clock.now(), {
      kind: 'hello',
      key: 'hello:crash',
      userId: who.id,
      groupId: null,
    })
    // The first worker sends the mail and then never gets to record it, as if killed there.
    let sent = false
    const dying = deliverNotices(t.deps, hello(), {
      afterDeliver: () => {
        sent = true
        return new Promise<void>(() => {})
      },
    })
    await expect.poll(() => sent).toBe(true)
    void dying
    const mails = () =>
      t.outbox().filter((m) => m.to === who.email && m.subject === 'You have a place')
    expect(mails()).toHaveLength(1)
    const state = () =>
      t.deps.db
        .selectFrom('notice')
        .select('state')
        .where('key', '=', 'hello:crash')
        .executeTakeFirstOrThrow()
    // Another worker, before the lease ends, leaves it alone; after, it finds the mail went.
    await runDueWork(t.deps, { jobs: {}, notices: hello() })
    expect(await state()).toEqual({ state: 'sending' })
    t.clock.advance(noticeLeaseMs + 1000)
    await runDueWork(t.deps, { jobs: {}, notices: hello() })
    expect(await state()).toEqual({ state: 'sent' })
    expect(mails()).toHaveLength(1)
  })

  it('sends a notice whose worker died before sending, once, after the lease', async () => {
    const who = await createAccount(t)
    await addNotice(t.deps.db, t.clock.now(), {
      kind: 'hello',
      key: 'hello:early',
      userId: who.id,
      groupId: null,
    })
    // Claimed, then the worker died before the mail went.
    await t.deps.db
      .updateTable('notice')
      .set({ state: 'sending', claimed_at: t.clock.now(), attempts: 1 })
      .where('key', '=', 'hello:early')
      .execute()
    t.clock.advance(noticeLeaseMs + 1000)
    await runDueWork(t.deps, { jobs: {}, notices: hello() })
    await runDueWork(t.deps, { jobs: {}, notices: hello() })
    expect(
      t.outbox().filter((m) => m.to === who.email && m.subject === 'You have a place'),
    ).toHaveLength(1)
  })

  it('marks a notice whose fate the transport cannot tell as uncertain, and does not send it again', async () => {
    const who = await createAccount(t)
    await addNotice(t.deps.db, t.clock.now(), {
      kind: 'hello',
      key: 'hello:smtp',
      userId: who.id,
      groupId: null,
    })
    await t.deps.db
      .updateTable('notice')
      .set({ state: 'sending', claimed_at: t.clock.now(), attempts: 1 })
      .where('key', '=', 'hello:smtp')
      .execute()
    t.clock.advance(noticeLeaseMs + 1000)
    const smtpLike = {
      ...t.deps,
      mailer: { ...t.deps.mailer, wasDelivered: () => Promise.resolve('unknown' as const) },
    }
    await runDueWork(smtpLike, { jobs: {}, notices: hello() })
    const row = await t.deps.db
      .selectFrom('notice')
      .select('state')
      .where('key', '=', 'hello:smtp')
      .executeTakeFirstOrThrow()
    expect(row.state).toBe('uncertain')
    expect(
      t.outbox().filter((m) => m.to === who.email && m.subject === 'You have a place'),
    ).toHaveLength(0)
  })

  it('skips a notice that must not go any more, and one for an erased account', async () => {
    const who = await createAccount(t)
    await addNotice(t.deps.db, t.clock.now(), {
      kind: 'gone',
      key: 'gone:1',
      userId: who.id,
      groupId: null,
    })
    await addNotice(t.deps.db, t.clock.now(), {
      kind: 'hello',
      key: 'hello:erased',
      userId: who.id,
      groupId: null,
    })
    await t.deps.db
      .updateTable('app_user')
      .set({
        erased_at: t.clock.now(),
        email: null,
        email_confirmed_at: null,
        password_hash: null,
        display_name: null,
      })
      .where('id', '=', who.id)
      .execute()
    await deliverNotices(t.deps, { ...hello(), gone: () => Promise.resolve(null) })
    const rows = await t.deps.db
      .selectFrom('notice')
      .select(['key', 'state'])
      .where('key', 'in', ['gone:1', 'hello:erased'])
      .orderBy('key')
      .execute()
    expect(rows).toEqual([
      { key: 'gone:1', state: 'skipped' },
      { key: 'hello:erased', state: 'skipped' },
    ])
  })
})
