/**
 * Invitation links and referral codes. An invitation is how a hidden group is reached at all; a
 * referral code is what a group that takes people only on referral gives the professionals who
 * refer (a ward, a clinic), to hand on. Both are random tokens stored as hashes (and sealed, so
 * that the people who run the group can copy a link again); both can expire, run out or be revoked.
 */
import { appendAudit } from '#src/audit/audit.ts'
import { hashToken, newToken } from '#src/accounts/user-session.ts'
import { publicBaseUrl } from '#src/accounts/accounts.mail.ts'
import type { Actor } from '#src/access/actor.ts'
import type { Db } from '#src/platform/db.ts'
import type { Deps } from '#src/platform/deps.ts'
import { AppError, notFound } from '#src/platform/errors.ts'
import { openField, sealField } from '#src/platform/secrets.ts'
import { requireManager } from './membership.groups.ts'
import type { PassKind } from './membership.tables.ts'

export interface PassView {
  id: string
  kind: PassKind
  label: string
  /** The invitation link, or the referral code to hand on. */
  token: string
  link: string
  max_uses: number | null
  uses: number
  expires_at: string | null
  revoked_at: string | null
  created_at: string
}

export const invitationLink = (deps: Pick<Deps, 'env'>, token: string) =>
  `${publicBaseUrl(deps.env)}/invite/${token}`

/** A pass that still works: not revoked, not expired, not used up. Null otherwise. */
export async function findValidPass(db: Db, token: string, now: Date, kind?: PassKind) {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return null
  const pass = await db
    .selectFrom('group_pass')
    .selectAll()
    .where('token_hash', '=', hashToken(token))
    .executeTakeFirst()
  if (!pass || (kind && pass.kind !== kind)) return null
  if (pass.revoked_at || (pass.expires_at && pass.expires_at <= now)) return null
  if (pass.max_uses !== null && pass.uses >= pass.max_uses) return null
  return pass
}

/** Counts one use, refusing when another use got there first and took the last. */
export async function usePass(trx: Db, passId: string): Promise<void> {
  const used = await trx
    .updateTable('group_pass')
    .set((eb) => ({ uses: eb('uses', '+', 1) }))
    .where('id', '=', passId)
    .where((eb) => eb.or([eb('max_uses', 'is', null), eb('uses', '<', eb.ref('max_uses'))]))
    .executeTakeFirst()
  if (used.numUpdatedRows === 0n) {
    throw new AppError('invalid_input', 'This invitation or code has been used up.', {
      fields: { pass: 'used_up' },
    })
  }
}

function view(
  deps: Deps,
  row: {
    id: string
    kind: PassKind
    label: string
    token_sealed: string
    max_uses: number | null
    uses: number
    expires_at: Date | null
    revoked_at: Date | null
    created_at: Date
  },
): PassView {
  const token = openField(deps.secrets, row.token_sealed)
  return {
    id: row.id,
    kind: row.kind,
    label: row.label,
    token,
    link: invitationLink(deps, token),
    max_uses: row.max_uses,
    uses: row.uses,
    expires_at: row.expires_at?.toISOString() ?? null,
    revoked_at: row.revoked_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
  }
}

export async function listPasses(deps: Deps, actor: Actor, groupId: string): Promise<PassView[]> {
  await requireManager(deps.db, actor, groupId)
  const rows = await deps.db
    .selectFrom('group_pass')
    .selectAll()
    .where('group_id', '=', groupId)
    .orderBy('created_at', 'desc')
    .execute()
  return rows.map((r) => view(deps, r))
}

export async function createPass(
  deps: Deps,
  actor: Actor,
  input: {
    groupId: string
    kind: PassKind
    label: string
    maxUses: number | null
    expiresInDays: number | null
  },
): Promise<PassView> {
  const { user } = await requireManager(deps.db, actor, input.groupId)
  const label = input.label.trim()
  if (label.length < 1 || label.length > 200) {
    throw new AppError('invalid_input', 'Say who the pass is for (up to 200 characters).', {
      fields: { label: 'required' },
    })
  }
  const now = deps.clock.now()
  const token = newToken()
  const row = await deps.db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('group_pass')
      .values({
        group_id: input.groupId,
        kind: input.kind,
        label,
        token_hash: hashToken(token),
        token_sealed: sealField(deps.secrets, token),
        // A referral is for one person.
        max_uses: input.kind === 'referral' ? 1 : input.maxUses,
        expires_at: input.expiresInDays
          ? new Date(now.getTime() + input.expiresInDays * 86_400_000)
          : null,
        revoked_at: null,
        created_by: user.userId,
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    await appendAudit(
      deps,
      {
        actorId: user.userId,
        action: 'group_pass_created',
        subjectType: 'group_pass',
        subjectId: inserted.id,
        scope: `group:${input.groupId}`,
        details: { kind: input.kind },
      },
      trx,
    )
    return inserted
  })
  return view(deps, row)
}

export async function revokePass(
  deps: Deps,
  actor: Actor,
  input: { groupId: string; passId: string },
): Promise<void> {
  const { user } = await requireManager(deps.db, actor, input.groupId)
  await deps.db.transaction().execute(async (trx) => {
    const done = await trx
      .updateTable('group_pass')
      .set({ revoked_at: deps.clock.now() })
      .where('id', '=', input.passId)
      .where('group_id', '=', input.groupId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst()
    if (done.numUpdatedRows === 0n) throw notFound('No such invitation or code.')
    await appendAudit(
      deps,
      {
        actorId: user.userId,
        action: 'group_pass_revoked',
        subjectType: 'group_pass',
        subjectId: input.passId,
        scope: `group:${input.groupId}`,
      },
      trx,
    )
  })
}
