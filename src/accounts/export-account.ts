import type { Actor } from '#src/access/actor.ts'
import { appendAudit } from '#src/audit/audit.ts'
import { listConsents } from '#src/consent/consent.service.ts'
import { exportModerationItems } from '#src/moderation/moderation.personal-data.ts'
import { exportJoining } from '#src/membership/membership.personal.ts'
import { exportInvitations } from '#src/directory/staff.personal.ts'
import type { Deps } from '#src/platform/deps.ts'
import { listRoles } from './accounts.repo.ts'
import { requireRecentAuthentication } from './accounts.policy.ts'
import { listSessions, loadAccount } from './me.ts'
import { listPasskeys } from './passkey-registration.ts'
import { secondFactorSummary } from './second-factor.ts'

/**
 * Everything Tomoni holds about the person, as JSON (GDPR Art. 15 and 20; APPI Art. 33). A
 * feature that stores something about a person adds it here; the test lists what must appear.
 * Left out, because they say nothing about the person that is readable: password and token
 * hashes, the authenticator secret, passkeys' public keys, and rate-limit counters keyed by a
 * one-way hash of the address or account.
 */
export async function exportAccount(deps: Deps, actor: Actor) {
  const user = requireRecentAuthentication(actor, deps.clock.now())
  const account = await loadAccount(deps.db, user.userId)
  const roles = await listRoles(deps.db, user.userId)
  const pendingLinks = await deps.db
    .selectFrom('auth_token')
    .select(['purpose', 'email', 'created_at', 'expires_at', 'used_at'])
    .where('user_id', '=', user.userId)
    .orderBy('created_at')
    .execute()
  const audit = await deps.db
    .selectFrom('audit_log')
    .select(['id', 'at', 'actor_id', 'action', 'subject_type', 'subject_id', 'details'])
    .where((eb) =>
      eb.or([
        eb('actor_id', '=', user.userId),
        eb.and([eb('subject_type', '=', 'user'), eb('subject_id', '=', user.userId)]),
      ]),
    )
    .orderBy('id')
    .execute()
  const exportedAt = deps.clock.now()
  await appendAudit(deps, {
    actorId: user.userId,
    action: 'data_exported',
    subjectType: 'user',
    subjectId: user.userId,
  })
  return {
    format: 'tomoni-account-export',
    format_version: 1,
    exported_at: exportedAt.toISOString(),
    account: {
      id: account.id,
      email: account.email,
      email_confirmed_at: account.email_confirmed_at?.toISOString() ?? null,
      display_name: account.display_name,
      locale: account.locale,
      created_at: account.created_at.toISOString(),
    },
    roles: roles.map((r) => ({ scope_type: r.scopeType, scope_id: r.scopeId, role: r.role })),
    second_factor: await secondFactorSummary(deps.db, user.userId),
    passkeys: await listPasskeys(deps, actor),
    written_to_moderators: await exportModerationItems(deps.db, user.userId),
    consents: await listConsents(deps, actor),
    sessions: await listSessions(deps, actor),
    staff_invitations: await exportInvitations(deps.db, account.email),
    // Groups, screening answers, questions asked, meetings, the private feed, notices.
    ...(await exportJoining(deps, user.userId)),
    mailed_links: pendingLinks.map((t) => ({
      purpose: t.purpose,
      email: t.email,
      created_at: t.created_at.toISOString(),
      expires_at: t.expires_at.toISOString(),
      used_at: t.used_at?.toISOString() ?? null,
    })),
    audit_log: audit.map((a) => ({
      id: String(a.id),
      at: a.at.toISOString(),
      by_you: a.actor_id === user.userId,
      action: a.action,
      details: a.details,
    })),
  }
}
