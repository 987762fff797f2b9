/**
 * A person's part of staff invitations, for their export and their erasure: the invitations
 * addressed to them hold their e-mail address. Invitations they sent keep only their random id
 * (`invited_by`), as others' records do.
 */
import type { Db } from '#src/platform/db.ts'

export async function exportInvitations(db: Db, email: string | null) {
  if (!email) return []
  const rows = await db
    .selectFrom('organisation_invitation')
    .select(['organisation_id', 'role', 'created_at', 'expires_at', 'accepted_at', 'revoked_at'])
    .where('email', '=', email)
    .orderBy('created_at')
    .execute()
  return rows.map((r) => ({
    organisation_id: r.organisation_id,
    role: r.role,
    created_at: r.created_at.toISOString(),
    expires_at: r.expires_at.toISOString(),
    accepted_at: r.accepted_at?.toISOString() ?? null,
    revoked_at: r.revoked_at?.toISOString() ?? null,
  }))
}

/** Deletes them: an accepted one has done its work (the role and its history stay as they are). */
export async function eraseInvitations(db: Db, email: string | null) {
  if (!email) return
  await db.deleteFrom('organisation_invitation').where('email', '=', email).execute()
}
