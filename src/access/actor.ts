import { AppError } from '#src/platform/errors.ts'
import { isStaffRole, type Role, type RoleMembership, type ScopeType } from './roles.ts'

/** Who is asking: every service function takes one and asks its policy first. */
export type Actor = AnonymousActor | UserActor | SystemActor

export interface AnonymousActor {
  kind: 'anonymous'
}

export interface UserActor {
  kind: 'user'
  userId: string
  /** The public id of the session the request came with. */
  sessionId: string
  roles: readonly RoleMembership[]
  /** When the person last typed their password in this session. */
  reauthenticatedAt: Date
  /** When this session's sign-in used a second factor; absent or null if it did not. */
  secondFactorAt?: Date | null
}

/** The command line and background jobs, acting for the operator. */
export interface SystemActor {
  kind: 'system'
}

export const anonymous: AnonymousActor = { kind: 'anonymous' }
export const system: SystemActor = { kind: 'system' }

export function requireUser(actor: Actor): UserActor {
  if (actor.kind !== 'user') throw new AppError('unauthenticated', 'Please sign in.')
  return actor
}

export function hasRole(
  actor: Actor,
  scopeType: ScopeType,
  role: Role,
  scopeId: string | null = null,
) {
  return (
    actor.kind === 'user' &&
    actor.roles.some((m) => m.scopeType === scopeType && m.role === role && m.scopeId === scopeId)
  )
}

export const isStaff = (actor: Actor) => actor.kind === 'user' && actor.roles.some(isStaffRole)
