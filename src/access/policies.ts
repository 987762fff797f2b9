import type { Db } from '#src/platform/db.ts'
import { AppError, notFound } from '#src/platform/errors.ts'
import { hasRole, isStaff, requireUser, type Actor, type UserActor } from './actor.ts'

/**
 * Authorisation in one place: what each power takes, as plain functions per domain. Every
 * service asks one of them on its first line. `can…` answers yes or no; `require…` throws the
 * refusal the caller should see:
 *
 * - not signed in: 401 `unauthenticated`;
 * - holding the role, in a session opened without a second factor: 403 `second_factor_required`.
 *   Staff see other people's health data, so a staff power counts only with a second factor
 *   (ASVS v5.0.0-6.3.3); the person knows they hold the role, so saying so reveals nothing;
 * - anything else: 404, as for a thing that is not there (or 403 where existence is no secret).
 *
 * Deny by default: a power not written here is nobody's but the command line's.
 */

/** What a policy decides for one actor and one thing. */
export type Decision = 'allow' | 'second_factor_required' | 'deny'

/** A staff power: the command line always has it; a person only with a second factor. */
function staffPower(actor: Actor, holds: boolean): Decision {
  if (actor.kind === 'system') return 'allow'
  if (actor.kind !== 'user' || !holds) return 'deny'
  return actor.secondFactorAt ? 'allow' : 'second_factor_required'
}

export const secondFactorRequired = () =>
  new AppError(
    'second_factor_required',
    'This needs a session opened with a second factor. Set one up in your account settings, then use it.',
  )

/** Throws the refusal for a decision; `hidden` things answer 404, others 403. */
export function enforce(
  actor: Actor,
  decision: Decision,
  refusal: { hidden: boolean; message?: string } = { hidden: true },
): void {
  if (decision === 'allow') return
  if (actor.kind === 'anonymous') throw new AppError('unauthenticated', 'Please sign in.')
  if (decision === 'second_factor_required') throw secondFactorRequired()
  if (refusal.hidden) throw notFound()
  throw new AppError('forbidden', refusal.message ?? 'You may not do this.')
}

// ---------------------------------------------------------------------------------------------
// Roles held, second factor or not (what a person is, not yet what they may do)

const holdsPlatformAdmin = (actor: Actor) => hasRole(actor, 'platform', 'admin')
const holdsModerator = (actor: Actor) =>
  hasRole(actor, 'platform', 'moderator') || holdsPlatformAdmin(actor)
const holdsOrganisationAdmin = (actor: Actor, organisationId: string) =>
  hasRole(actor, 'organisation', 'admin', organisationId)
const holdsOrganisationStaff = (actor: Actor, organisationId: string) =>
  holdsOrganisationAdmin(actor, organisationId) ||
  hasRole(actor, 'organisation', 'staff', organisationId)

async function organisationOfGroup(db: Db, groupId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('grp')
    .select('organisation_id')
    .where('id', '=', groupId)
    .executeTakeFirst()
  return row?.organisation_id
}

// ---------------------------------------------------------------------------------------------
// Platform

/** Anyone holding a staff role, for gates in front of staff-only routes. */
export const decideStaff = (actor: Actor) => staffPower(actor, isStaff(actor))

export function requireStaff(actor: Actor): UserActor {
  const user = requireUser(actor)
  enforce(actor, decideStaff(actor), { hidden: false, message: 'This is for staff only.' })
  return user
}

/** Platform moderators and admins: the moderation queue, verifying organisations, any listing. */
export const decideModerator = (actor: Actor) => staffPower(actor, holdsModerator(actor))
export const canModerate = (actor: Actor) => decideModerator(actor) === 'allow'

/** Moderation is not anyone else's to know of: 404. */
export function requireModerator(actor: Actor): void {
  enforce(actor, decideModerator(actor))
}

export const canAdministerPlatform = (actor: Actor) =>
  staffPower(actor, holdsPlatformAdmin(actor)) === 'allow'

/** Platform admins: ending other people's sessions, anything an organisation admin may do. */
export function requirePlatformAdmin(actor: Actor): void {
  enforce(actor, staffPower(actor, holdsPlatformAdmin(actor)), {
    hidden: false,
    message: 'This is for the platform’s administrators.',
  })
}

/**
 * Handing out and taking away roles: the operator (command line) and platform admins.
 * Organisation admins managing their own staff come with the organisation features.
 */
export function requireRoleManager(actor: Actor): void {
  enforce(actor, staffPower(actor, holdsPlatformAdmin(actor)), {
    hidden: false,
    message: 'You cannot change roles.',
  })
}

// ---------------------------------------------------------------------------------------------
// Organisations and their listings

/**
 * Running an organisation's listing: editing it and its groups' listings, adding groups,
 * confirming, reading the change history. Its admins and staff, and moderators and platform
 * admins (who look after every listing).
 */
export const decideOrganisationManager = (actor: Actor, organisationId: string) =>
  staffPower(actor, holdsOrganisationStaff(actor, organisationId) || holdsModerator(actor))

export const canManageOrganisation = (actor: Actor, organisationId: string) =>
  decideOrganisationManager(actor, organisationId) === 'allow'

/** To anyone else an organisation's private side does not exist: 404. */
export function requireOrganisationManager(actor: Actor, organisationId: string): void {
  enforce(actor, decideOrganisationManager(actor, organisationId))
}

/** The organisation's own admins, and platform admins: its audit log, later its staff. */
export const decideOrganisationAdmin = (actor: Actor, organisationId: string) =>
  staffPower(actor, holdsOrganisationAdmin(actor, organisationId) || holdsPlatformAdmin(actor))

export const canAdministerOrganisation = (actor: Actor, organisationId: string) =>
  decideOrganisationAdmin(actor, organisationId) === 'allow'

export function requireOrganisationAdmin(actor: Actor, organisationId: string): void {
  enforce(actor, decideOrganisationAdmin(actor, organisationId))
}

/** Adding organisations for others (self-service goes through claims): moderators. */
export function requireOrganisationCreator(actor: Actor): void {
  enforce(actor, decideModerator(actor), {
    hidden: false,
    message: 'Only moderators may add organisations for others.',
  })
}

/**
 * A group's listing belongs to its organisation: the organisation's managers may change it.
 * Answers the organisation's id; an unknown group is 404 to everyone but the command line.
 */
export async function requireGroupListingManager(
  db: Db,
  actor: Actor,
  groupId: string,
): Promise<string> {
  if (actor.kind === 'anonymous') throw new AppError('unauthenticated', 'Please sign in.')
  const organisationId = await organisationOfGroup(db, groupId)
  if (!organisationId) throw notFound('No such group.')
  requireOrganisationManager(actor, organisationId)
  return organisationId
}

/**
 * Confirming that a group's listing is still right. As the organisation's managers may; or,
 * through the link mailed to its staff (src/moderation/stale-reminders.ts, which checks the
 * link's signature for that person, group and period first), by holding the staff role alone:
 * the confirmation only renews a date and shows nothing the mail did not, so it needs no second
 * factor, which a mail-reading phone may not have at hand.
 */
export async function requireListingConfirmer(
  db: Db,
  actor: Actor,
  groupId: string,
  proof: { mailedLink: boolean } = { mailedLink: false },
): Promise<void> {
  if (!proof.mailedLink || actor.kind !== 'user') {
    await requireGroupListingManager(db, actor, groupId)
    return
  }
  const organisationId = await organisationOfGroup(db, groupId)
  if (!organisationId || !holdsOrganisationStaff(actor, organisationId)) throw notFound()
}

// ---------------------------------------------------------------------------------------------
// Groups

/**
 * Running a group: its facilitators and co-facilitators, and the admins and staff of the
 * organisation it belongs to. Moderators look after listings, not groups' members.
 */
export async function decideGroupManager(db: Db, actor: Actor, groupId: string) {
  if (actor.kind !== 'user') return staffPower(actor, false)
  if (
    hasRole(actor, 'group', 'facilitator', groupId) ||
    hasRole(actor, 'group', 'co_facilitator', groupId)
  ) {
    return staffPower(actor, true)
  }
  const organisationId = await organisationOfGroup(db, groupId)
  return staffPower(actor, !!organisationId && holdsOrganisationStaff(actor, organisationId))
}

export async function canManageGroup(db: Db, actor: Actor, groupId: string): Promise<boolean> {
  return (await decideGroupManager(db, actor, groupId)) === 'allow'
}

/** A group's inner workings are no one else's to know of: 404. */
export async function requireGroupManager(db: Db, actor: Actor, groupId: string): Promise<void> {
  enforce(actor, await decideGroupManager(db, actor, groupId))
}
