import type { Generated } from 'kysely'

export const membershipStates = [
  'requested',
  'screening',
  'active',
  'waitlisted',
  'declined',
  'left',
  'removed',
] as const
export type MembershipState = (typeof membershipStates)[number]

export const joinPolicies = ['open', 'approval', 'screening', 'referral', 'invitation'] as const
export type JoinPolicy = (typeof joinPolicies)[number]

export interface MembershipTables {
  /**
   * One person's membership of one group, whatever its state. Who belongs to a disease group is
   * health information: read it only through membership.access.ts and the membership service.
   */
  membership: {
    id: Generated<string>
    group_id: string
    user_id: string
    state: MembershipState
    display_name: string
    visible_to_members: Generated<boolean>
    created_at: Date
    updated_at: Date
  }
  /** Every change of state, with who made it and why. */
  membership_event: {
    id: Generated<string>
    membership_id: string
    from_state: MembershipState | null
    to_state: MembershipState
    actor: string
    reason: string | null
    at: Date
  }
}
