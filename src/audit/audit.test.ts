import { sql } from 'kysely'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp } from '../../tests/app.ts'
import { createAccount, send, signIn } from '../../tests/accounts.ts'
import { deriveSecrets } from '#src/platform/secrets.ts'
import { appendAudit, genesisHash, verifyAuditChain } from './audit.ts'

describe('the audit log', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>
  beforeEach(async () => {
    t = await createTestApp()
  })
  afterEach(() => t.close())

  const entry = (i: number) => ({
    actorId: null,
    action: 'sign_in_failed' as const,
    details: { reason: 'unknown_address', attempt: i, nested: { b: 1, a: [1, 'x'] } },
  })

  async function appendSome(n: number) {
    for (let i = 0; i < n; i++) {
      await appendAudit(t.deps, entry(i))
      t.clock.advance(1234)
    }
  }

  /** What someone with the database owner's rights could do; the trigger stops anyone else. */
  async function asTamperer(run: () => Promise<unknown>) {
    await sql`alter table audit_log disable trigger audit_log_append_only`.execute(t.deps.db)
    await run()
    await sql`alter table audit_log enable trigger audit_log_append_only`.execute(t.deps.db)
  }

  it('chains each entry to the one before, and verifies', async () => {
    await appendSome(5)
    const rows = await t.deps.db.selectFrom('audit_log').selectAll().orderBy('id').execute()
    expect(rows.map((r) => String(r.id))).toEqual(['1', '2', '3', '4', '5'])
    expect(rows[0]!.prev_hash).toBe(genesisHash)
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash)
    expect(await verifyAuditChain(t.deps)).toEqual({
      ok: true,
      entries: 5,
      lastHash: rows[4]!.hash,
    })
  })

  it('keeps the chain straight when many write at once', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => appendAudit(t.deps, entry(i))))
    expect(await verifyAuditChain(t.deps)).toMatchObject({ ok: true, entries: 20 })
  })

  it('refuses updates and deletes in the database itself', async () => {
    await appendSome(2)
    await expect(
      t.deps.db.updateTable('audit_log').set({ action: 'sign_in' }).execute(),
    ).rejects.toThrow(/append-only/)
    await expect(t.deps.db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/)
  })

  it('finds an entry whose content was changed', async () => {
    await appendSome(4)
    await asTamperer(() =>
      t.deps.db
        .updateTable('audit_log')
        .set({ details: JSON.stringify({ reason: 'nothing to see' }) })
        .where('id', '=', '3')
        .execute(),
    )
    expect(await verifyAuditChain(t.deps)).toMatchObject({ ok: false, badId: '3' })
  })

  it('finds an entry rewritten with a new hash, by the next one', async () => {
    await appendSome(4)
    await asTamperer(() =>
      t.deps.db
        .updateTable('audit_log')
        .set({ hash: 'f'.repeat(64) })
        .where('id', '=', '2')
        .execute(),
    )
    const result = await verifyAuditChain(t.deps)
    expect(result.ok).toBe(false)
  })

  it('finds an entry removed from the middle', async () => {
    await appendSome(4)
    await asTamperer(() => t.deps.db.deleteFrom('audit_log').where('id', '=', '2').execute())
    expect(await verifyAuditChain(t.deps)).toMatchObject({ ok: false, badId: '3' })
  })

  it('does not verify under another key', async () => {
    await appendSome(2)
    const result = await verifyAuditChain({
      db: t.deps.db,
      secrets: deriveSecrets('another key, not the one that wrote it'),
    })
    expect(result).toMatchObject({ ok: false, badId: '1' })
  })

  it('records sign-in, failure, sign-up, password change, export and erasure', async () => {
    const who = await createAccount(t)
    await signIn(t, who)
    await send(t, 'POST', '/api/v1/auth/sign-in', {
      body: { email: who.email, password: 'wrong one 1' },
    })
    await send(t, 'POST', '/api/v1/me/password', {
      cookie: who.cookie,
      body: { current_password: who.password, new_password: 'a new passphrase 99' },
    })
    const cookie = await signIn(t, { email: who.email, password: 'a new passphrase 99' })
    await send(t, 'GET', '/api/v1/me/export', { cookie })
    await send(t, 'DELETE', '/api/v1/me', { cookie, body: { password: 'a new passphrase 99' } })
    const rows = await t.deps.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .orderBy('id')
      .execute()
    expect(rows.map((r) => r.action)).toEqual([
      'account_created',
      'sign_in',
      'sign_in_failed',
      'password_changed',
      'sign_in',
      'data_exported',
      'account_erased',
    ])
    expect(JSON.stringify(rows)).not.toContain(who.email)
    expect(await verifyAuditChain(t.deps)).toMatchObject({ ok: true, entries: 7 })
  })
})
