import type { Db } from '#src/platform/db.ts'

/**
 * What a person wrote to the moderators (reports, suggested edits, claims of a listing), in
 * their export and their erasure.
 */

export async function exportModerationItems(db: Db, userId: string) {
  const rows = await db
    .selectFrom('moderation_item')
    .select(['kind', 'reason', 'organisation_id', 'group_id', 'details', 'status', 'created_at'])
    .where('reporter_id', '=', userId)
    .orderBy('created_at')
    .execute()
  return rows.map((r) => ({ ...r, created_at: r.created_at.toISOString() }))
}

/**
 * A claim still waiting is about who the person is and cannot be decided without them: it goes.
 * Reports and suggestions stay for the moderators' record of what was done, without the
 * person's words or any link to them; the reason chosen from the list stays.
 */
export async function eraseModerationItems(db: Db, userId: string): Promise<void> {
  await db
    .deleteFrom('moderation_item')
    .where('reporter_id', '=', userId)
    .where('kind', '=', 'claim')
    .where('status', '=', 'open')
    .execute()
  await db
    .updateTable('moderation_item')
    .set({ details: '', reporter_id: null })
    .where('reporter_id', '=', userId)
    .execute()
}
