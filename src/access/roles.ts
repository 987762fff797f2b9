/**
 * Roles by the scope they apply in. A person can hold several, each a row in role_membership:
 * facilitator of one group and member of another, admin of one organisation.
 */
export const rolesByScope = {
  platform: ['admin', 'moderator', 'clinician'],
  organisation: ['admin', 'staff'],
  group: ['facilitator', 'co_facilitator', 'member'],
} as const

export type ScopeType = keyof typeof rolesByScope
export type Role = (typeof rolesByScope)[ScopeType][number]

export interface RoleMembership {
  scopeType: ScopeType
  scopeId: string | null
  role: Role
}

export function isValidMembership(m: RoleMembership): boolean {
  const roles: readonly string[] = rolesByScope[m.scopeType]
  return roles.includes(m.role) && (m.scopeType === 'platform') === (m.scopeId === null)
}

/** Every role except plain group membership can see other people's data, so counts as staff. */
export const isStaffRole = (m: RoleMembership) => !(m.scopeType === 'group' && m.role === 'member')
