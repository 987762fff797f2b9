import crypto from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from '#src/platform/db.ts'
import type { Deps } from '#src/platform/deps.ts'

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json }

/** What the log records. Details never carry health data, addresses or names. */
export type AuditAction =
  | 'account_created'
  | 'sign_up_existing_address'
  | 'sign_in'
  | 'sign_in_failed'
  | 'sign_out'
  | 'reauthenticated'
  | 'reauthentication_failed'
  | 'password_changed'
  | 'password_change_failed'
  | 'password_reset_requested'
  | 'second_factor_enabled'
  | 'second_factor_disabled'
  | 'second_factor_failed'
  | 'password_reset'
  | 'profile_updated'
  | 'email_change_requested'
  | 'email_changed'
  | 'session_revoked'
  | 'sessions_revoked'
  | 'role_granted'
  | 'role_revoked'
  | 'consent_given'
  | 'consent_withdrawn'
  | 'data_exported'
  | 'account_erased'
  // Scoped to an organisation (`organisation:ID`), for its admins' view of the log.
  | 'organisation_created'
  | 'organisation_claimed'
  | 'claim_requested'
  | 'claim_approved'
  | 'claim_rejected'
  | 'listing_changed'
  | 'listing_confirmed'
  | 'listing_moderated'
  | 'confidential_record_read'
  | 'member_approved'
  | 'member_declined'
  | 'member_removed'
  | 'join_settings_changed'
  | 'questionnaire_changed'
  | 'screening_answers_viewed'
  | 'group_pass_created'
  | 'group_pass_revoked'

export interface AuditEntry {
  actorId: string | null
  action: AuditAction
  subjectType?: string
  subjectId?: string
  /**
   * The organisation the entry belongs to (`organisationScope(id)`), so that its admins see it;
   * a group's entries carry its organisation's scope, and the group in subject or details.
   */
  scope?: string
  details?: { [key: string]: Json }
}

/** The scope of an entry that belongs to an organisation: its admins see it in their log. */
export const organisationScope = (organisationId: string) => `organisation:${organisationId}`

/** The first entry's predecessor. */
export const genesisHash = '0'.repeat(64)

// Any constant will do, as long as nothing else uses it for another lock.
const auditLockId = 7_310_392_001

/**
 * Appends one entry, chained to the last by an HMAC over both. Inside the caller's transaction
 * when given one, so that the entry and what it records commit together.
 */
export async function appendAudit(
  deps: Pick<Deps, 'db' | 'clock' | 'secrets'>,
  entry: AuditEntry,
  db: Db = deps.db,
): Promise<void> {
  if (!db.isTransaction) {
    await db.transaction().execute((trx) => appendAudit(deps, entry, trx))
    return
  }
  // Writers queue here, so each reads the true last entry; the primary key would catch a
  // writer that did not.
  await sql`select pg_advisory_xact_lock(${auditLockId})`.execute(db)
  const last = await db
    .selectFrom('audit_log')
    .select(['id', 'hash'])
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst()
  const row = {
    id: String(last ? BigInt(last.id) + 1n : 1n),
    at: deps.clock.now(),
    actor_id: entry.actorId,
    action: entry.action,
    subject_type: entry.subjectType ?? null,
    subject_id: entry.subjectId ?? null,
    scope: entry.scope ?? null,
    details: entry.details ?? {},
  }
  const prevHash = last?.hash ?? genesisHash
  await db
    .insertInto('audit_log')
    .values({
      ...row,
      details: JSON.stringify(row.details),
      prev_hash: prevHash,
      hash: chainHash(deps.secrets.auditKey, prevHash, row),
    })
    .execute()
}

interface HashedFields {
  id: string | number
  at: Date
  actor_id: string | null
  action: string
  subject_type: string | null
  subject_id: string | null
  scope: string | null
  details: Json
}

export function chainHash(key: Buffer, prevHash: string, row: HashedFields): string {
  const canonical = canonicalJson([
    // bigint comes back as a string from node-postgres and as a number from PGlite.
    String(row.id),
    row.at.toISOString(),
    row.actor_id,
    row.action,
    row.subject_type,
    row.subject_id,
    row.scope,
    row.details,
  ])
  return crypto.createHmac('sha256', key).update(`${prevHash}\n${canonical}`).digest('hex')
}

// jsonb does not keep key order, so the hash is taken over keys sorted at every level.
function canonicalJson(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort()
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k]!)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

export type AuditVerification =
  | { ok: true; entries: number; lastHash: string }
  | { ok: false; entries: number; badId: string; reason: string }

/**
 * Walks the whole chain. It finds any entry changed, inserted or removed, except removal of the
 * newest ones: comparing `lastHash` with a copy kept elsewhere covers that.
 */
export async function verifyAuditChain(
  deps: Pick<Deps, 'db' | 'secrets'>,
): Promise<AuditVerification> {
  let prevHash = genesisHash
  let expectedId = 1n
  let entries = 0
  const pageSize = 1000
  for (;;) {
    const rows = await deps.db
      .selectFrom('audit_log')
      .selectAll()
      .where('id', '>=', String(expectedId))
      .orderBy('id')
      .limit(pageSize)
      .execute()
    for (const row of rows) {
      const fail = (reason: string) => ({
        ok: false as const,
        entries,
        badId: String(row.id),
        reason,
      })
      if (BigInt(row.id) !== expectedId) return fail(`entry ${expectedId} is missing`)
      if (row.prev_hash !== prevHash) return fail('does not follow the entry before it')
      if (chainHash(deps.secrets.auditKey, prevHash, row) !== row.hash) {
        return fail('its content does not match its hash')
      }
      prevHash = row.hash
      expectedId++
      entries++
    }
    if (rows.length < pageSize) return { ok: true, entries, lastHash: prevHash }
  }
}
