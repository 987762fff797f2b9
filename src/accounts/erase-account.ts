import type { Actor } from '#src/access/actor.ts'
import { appendAudit } from '#src/audit/audit.ts'
import type { Deps } from '#src/platform/deps.ts'
import { forgetRateLimits } from '#src/platform/rate-limit.ts'
import { eraseJoining } from '#src/membership/membership.personal.ts'
import { accountLimits, emailKeyedLimits } from './accounts.limits.ts'
import { accountMail } from './accounts.mail.ts'
import { checkOwnPassword } from './sign-in.ts'

/**
 * Erases the account (GDPR Art. 17; APPI Art. 35). What identifies or describes the person is
 * deleted; the account row stays as an empty tombstone under its random id, so that the audit
 * log (and, in later features, others' records such as a group's history) can still point at
 * "someone" without saying who. Sessions, mailed links, role memberships, consents and second factors go, and so do memberships, screening
 * answers, questions asked, places at meetings and the private feed (membership.personal.ts). A
 * feature that stores something about a person adds its part here and to the erasure test.
 */
export async function eraseAccount(
  deps: Deps,
  actor: Actor,
  input: { password: string; ip: string },
): Promise<void> {
  const { user, account } = await checkOwnPassword(deps, actor, { ...input, field: 'password' })
  const now = deps.clock.now()
  await deps.db.transaction().execute(async (trx) => {
    await eraseJoining(trx, now, user.userId)
    await trx.deleteFrom('user_session').where('user_id', '=', user.userId).execute()
    await trx.deleteFrom('auth_token').where('user_id', '=', user.userId).execute()
    if (account.email)
      await trx.deleteFrom('auth_token').where('email', '=', account.email).execute()
    await trx.deleteFrom('role_membership').where('user_id', '=', user.userId).execute()
    await trx.deleteFrom('consent').where('user_id', '=', user.userId).execute()
    await trx.deleteFrom('totp_credential').where('user_id', '=', user.userId).execute()
    await trx.deleteFrom('recovery_code').where('user_id', '=', user.userId).execute()
    await trx
      .updateTable('app_user')
      .set({
        email: null,
        email_confirmed_at: null,
        password_hash: null,
        display_name: null,
        erased_at: now,
      })
      .where('id', '=', user.userId)
      .execute()
    if (account.email) await forgetRateLimits(deps, emailKeyedLimits, account.email, trx)
    await forgetRateLimits(deps, [accountLimits.passwordAccount], user.userId, trx)
    await appendAudit(
      deps,
      {
        actorId: user.userId,
        action: 'account_erased',
        subjectType: 'user',
        subjectId: user.userId,
      },
      trx,
    )
  })
  // The last mail to the address, which is then forgotten.
  if (account.email) await deps.mailer.send(accountMail.erased(account.email, account.locale))
}
