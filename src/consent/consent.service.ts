import { requireUser, type Actor, type UserActor } from '#src/access/actor.ts'
import { appendAudit } from '#src/audit/audit.ts'
import type { Db } from '#src/platform/db.ts'
import type { Deps } from '#src/platform/deps.ts'
import { AppError, notFound } from '#src/platform/errors.ts'
import { endMembershipsForWithdrawnConsent } from '#src/membership/membership.personal-data.ts'
import { consentTexts, type ConsentPurpose } from './consent.texts.ts'

/** Whether the person has consent in force for a purpose: what later features ask before processing. */
export async function hasConsent(
  db: Db,
  userId: string,
  purpose: ConsentPurpose,
): Promise<boolean> {
  const row = await db
    .selectFrom('consent')
    .select('id')
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('withdrawn_at', 'is', null)
    .executeTakeFirst()
  return !!row
}

/**
 * The consent a processing needs, asked right after the caller's own policy: without it, 409
 * `consent_required` (naming the purpose in `fields`), which a page answers with the consent
 * form. Ask at every use, not once: a withdrawn consent stops what it covered at once.
 */
export async function requireConsent(
  deps: Pick<Deps, 'db'>,
  actor: Actor,
  purpose: ConsentPurpose,
): Promise<UserActor> {
  const user = requireUser(actor)
  if (!(await hasConsent(deps.db, user.userId, purpose))) {
    throw new AppError(
      'consent_required',
      'This needs your consent first. Read the consent text and give it to continue.',
      { fields: { purpose } },
    )
  }
  return user
}

/**
 * What stops when a consent is withdrawn, beyond the checks every later use makes. Keeping
 * health information covers group memberships, which end; news from organisations is checked
 * when it would be sent.
 */
const onWithdrawal: Record<
  ConsentPurpose,
  (db: Db, userId: string, now: Date) => Promise<unknown>
> = {
  health_data: endMembershipsForWithdrawnConsent,
  contact_by_organisation: () => Promise.resolve(),
}

export async function listConsents(deps: Pick<Deps, 'db'>, actor: Actor) {
  const user = requireUser(actor)
  const rows = await deps.db
    .selectFrom('consent')
    .select(['purpose', 'text_version', 'locale', 'given_at', 'withdrawn_at'])
    .where('user_id', '=', user.userId)
    .orderBy('given_at')
    .execute()
  return rows.map((r) => ({
    purpose: r.purpose,
    text_version: r.text_version,
    locale: r.locale,
    given_at: r.given_at.toISOString(),
    withdrawn_at: r.withdrawn_at?.toISOString() ?? null,
  }))
}

/**
 * Records consent to the current wording. The version the person saw must be the current one:
 * agreeing to a text that has since changed would record agreement to words never shown.
 */
export async function giveConsent(
  deps: Deps,
  actor: Actor,
  input: { purpose: ConsentPurpose; text_version: string; locale: 'ja' | 'en' },
) {
  const user = requireUser(actor)
  if (consentTexts[input.purpose].version !== input.text_version) {
    throw new AppError('conflict', 'The text has changed since it was shown. Please read it again.')
  }
  await deps.db.transaction().execute(async (trx) => {
    if (await hasConsent(trx, user.userId, input.purpose)) return
    await trx
      .insertInto('consent')
      .values({
        user_id: user.userId,
        purpose: input.purpose,
        text_version: input.text_version,
        locale: input.locale,
        given_at: deps.clock.now(),
      })
      .execute()
    await appendAudit(
      deps,
      {
        actorId: user.userId,
        action: 'consent_given',
        subjectType: 'user',
        subjectId: user.userId,
        details: { purpose: input.purpose, text_version: input.text_version },
      },
      trx,
    )
  })
  return listConsents(deps, actor)
}

export async function withdrawConsent(
  deps: Deps,
  actor: Actor,
  input: { purpose: ConsentPurpose },
) {
  const user = requireUser(actor)
  await deps.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('consent')
      .set({ withdrawn_at: deps.clock.now() })
      .where('user_id', '=', user.userId)
      .where('purpose', '=', input.purpose)
      .where('withdrawn_at', 'is', null)
      .executeTakeFirst()
    if (updated.numUpdatedRows === 0n) throw notFound('No consent in force for this purpose.')
    await onWithdrawal[input.purpose](trx, user.userId, deps.clock.now())
    await appendAudit(
      deps,
      {
        actorId: user.userId,
        action: 'consent_withdrawn',
        subjectType: 'user',
        subjectId: user.userId,
        details: { purpose: input.purpose },
      },
      trx,
    )
  })
  return listConsents(deps, actor)
}
