import type { RoleMembership } from '#src/access/roles.ts'
import type { Db } from '#src/platform/db.ts'
import type { TokenPurpose } from './accounts.tables.ts'

export const userColumns = [
  'id',
  'email',
  'email_confirmed_at',
  'password_hash',
  'display_name',
  'locale',
  'created_at',
] as const

/** An account that exists and is not erased. */
export function findUserByEmail(db: Db, email: string) {
  return db
    .selectFrom('app_user')
    .select(userColumns)
    .where('email', '=', email)
    .where('erased_at', 'is', null)
    .executeTakeFirst()
}

export function findUserById(db: Db, id: string) {
  return db
    .selectFrom('app_user')
    .select(userColumns)
    .where('id', '=', id)
    .where('erased_at', 'is', null)
    .executeTakeFirst()
}

export async function listRoles(db: Db, userId: string): Promise<RoleMembership[]> {
  const rows = await db
    .selectFrom('role_membership')
    .select(['scope_type', 'scope_id', 'role'])
    .where('user_id', '=', userId)
    .orderBy('scope_type')
    .orderBy('scope_id')
    .orderBy('role')
    .execute()
  return rows.map((r) => ({ scopeType: r.scope_type, scopeId: r.scope_id, role: r.role }))
}

export interface NewToken {
  tokenHash: string
  purpose: TokenPurpose
  userId: string | null
  email: string
  createdAt: Date
  expiresAt: Date
  pending?: { passwordHash: string; displayName: string; locale: 'ja' | 'en' }
}

export async function insertToken(db: Db, token: NewToken): Promise<void> {
  await db
    .insertInto('auth_token')
    .values({
      token_hash: token.tokenHash,
      purpose: token.purpose,
      user_id: token.userId,
      email: token.email,
      pending_password_hash: token.pending?.passwordHash ?? null,
      pending_display_name: token.pending?.displayName ?? null,
      pending_locale: token.pending?.locale ?? null,
      created_at: token.createdAt,
      expires_at: token.expiresAt,
    })
    .execute()
}

/**
 * Marks a token used and returns it, in one statement, so two requests racing with the same
 * token cannot both succeed. Expired, used and other-purpose tokens return nothing. A used
 * sign-up token's pending details are deleted by the caller, with the row.
 */
export function consumeToken(db: Db, tokenHash: string, purpose: TokenPurpose, now: Date) {
  return db
    .updateTable('auth_token')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning([
      'user_id',
      'email',
      'pending_password_hash',
      'pending_display_name',
      'pending_locale',
    ])
    .executeTakeFirst()
}

export async function deleteTokens(
  db: Db,
  where: { userId?: string; email?: string; purposes?: TokenPurpose[] },
): Promise<void> {
  let query = db.deleteFrom('auth_token')
  if (where.userId) query = query.where('user_id', '=', where.userId)
  if (where.email) query = query.where('email', '=', where.email)
  if (where.purposes) query = query.where('purpose', 'in', where.purposes)
  await query.execute()
}

/** Tokens past their time are kept a day for nothing; they go whenever a new one is made. */
export async function pruneTokens(db: Db, now: Date): Promise<void> {
  await db
    .deleteFrom('auth_token')
    .where('expires_at', '<', new Date(now.getTime() - 86_400_000))
    .execute()
}

/** A unique constraint refused the write: two requests raced for the same address. */
export const isUniqueViolation = (error: unknown) =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505'
