import type { Json } from './audit.ts'

export interface AuditTables {
  audit_log: {
    /** bigint: a string from node-postgres, a number from PGlite; compare with String(). */
    id: string
    at: Date
    actor_id: string | null
    action: string
    subject_type: string | null
    subject_id: string | null
    scope: string | null
    details: Json
    prev_hash: string
    hash: string
  }
}
