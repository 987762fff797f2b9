import type { Actor } from '#src/access/actor.ts'
import { appendAudit } from '#src/audit/audit.ts'
import { eraseModerationItems } from '#src/moderation/moderation.personal-data.ts'
import type { Deps } from '#src/platform/deps.ts'
import { forgetRateLimits } from '#src/platform/rate-limit.ts'
import { eraseJoining } from '#src/membership/membership.personal.ts'
import { eraseInvitations } from '#src/directory/staff.personal.ts'
import { accountMail } from './accounts.mail.ts'
import { checkOwnPassword } from './sign-in.ts'

/**
 * Erases the account (GDPR Art. 17; APPI Art. 35). What identifies or describes the person is
 * deleted; the account row stays as an empty tombstone under its random id, so that the audit
 * log and others' records (a listing's change history, a moderator's actions, a group's record
 * of who acted) can still point at "someone" without saying who. Joining and meetings go too:
 * memberships (places freed for the next in line), screening answers, questions asked, places at
 * meetings, the private feed and notices (membership.personal.ts). A feature that stores something
 * about a person adds its part here, to the export, and to the erasure test (which fails for a
 * table it does not know).
 */
export async function eraseAccount(
  deps: Deps,
  actor: Actor,
  input: { password: string; ip: string },
): Promise<void> {
  const { user, account } = await checkOwnPassword(deps, actor, { ...input, field: 'password' })
  const now = deps.clock.now()
  const userId = user.userId
  await deps.db.transaction().execute(async (trx) => {
    // Memberships first: leaving frees places for those waiting.
    await eraseJoining(trx, now, userId)
    // Signing in and proving who one is.
    for (const table of [
      'user_session',
      'auth_token',
      'totp_credential',
      'recovery_code',
      'passkey_credential',
      'webauthn_challenge',
    ] as const) {
      await trx.deleteFrom(table).where('user_id', '=', userId).execute()
    }
    if (account.email) {
      await trx.deleteFrom('auth_token').where('email', '=', account.email).execute()
    }
    // Invitations to join an organisation's staff, sent to the address.
    await eraseInvitations(trx, account.email)
    // Roles, consents, memberships and what the person wrote to moderators.
    await trx.deleteFrom('role_membership').where('user_id', '=', userId).execute()
    await trx.deleteFrom('consent').where('user_id', '=', userId).execute()
    await eraseModerationItems(trx, userId)
    // Counters keyed by the address or the account, whatever their rule.
    await forgetRateLimits(deps, account.email ? [account.email, userId] : [userId], trx)
    await trx
      .updateTable('app_user')
      .set({
        email: null,
        email_confirmed_at: null,
        password_hash: null,
        display_name: null,
        erased_at: now,
      })
      .where('id', '=', userId)
      .execute()
    await appendAudit(
      deps,
      { actorId: userId, action: 'account_erased', subjectType: 'user', subjectId: userId },
      trx,
    )
  })
  // The last mail to the address, which is then forgotten. Mail is handed to the transport when
  // it is written (there is no queue), so nothing of the person's waits to be sent.
  if (account.email) await deps.mailer.send(accountMail.erased(account.email, account.locale))
}
