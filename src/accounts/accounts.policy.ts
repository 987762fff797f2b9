import { requireUser, type Actor, type UserActor } from '#src/access/actor.ts'
import { AppError } from '#src/platform/errors.ts'
import { reauthenticationWindowMs } from './user-session.ts'

/**
 * Signing up, signing in and asking for a reset are open to anyone, by their nature; naming
 * that here keeps "every service asks first" true for them too.
 */
export function allowAnyone(_actor: Actor): void {}

/** A person manages their own account and no one else's. */
export function requireAccountHolder(actor: Actor): UserActor {
  return requireUser(actor)
}

/**
 * Handing over everything held about a person, or erasing it, needs the password typed in this
 * session within the last ten minutes (ASVS v5.0.0-7.5.1): a cookie left on a shared computer
 * must not be enough.
 */
export function requireRecentAuthentication(actor: Actor, now: Date): UserActor {
  const user = requireUser(actor)
  if (now.getTime() - user.reauthenticatedAt.getTime() > reauthenticationWindowMs) {
    throw new AppError('reauth_required', 'Please enter your password again to continue.')
  }
  return user
}
