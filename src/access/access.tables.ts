import type { Generated } from 'kysely'
import type { Role, ScopeType } from './roles.ts'

export interface AccessTables {
  /** A role a person holds within a scope; roles are never flags on the user. */
  role_membership: {
    id: Generated<string>
    user_id: string
    scope_type: ScopeType
    /** The organisation's or group's id; null for platform roles. */
    scope_id: string | null
    role: Role
    granted_at: Date
    granted_by: string | null
  }
}
