import type { AccessTables } from '#src/access/access.tables.ts'
import type { AccountTables } from '#src/accounts/accounts.tables.ts'
import type { AuditTables } from '#src/audit/audit.tables.ts'
import type { ConditionTables } from '#src/conditions/conditions.tables.ts'
import type { ConsentTables } from '#src/consent/consent.tables.ts'
import type { DirectoryTables } from '#src/directory/directory.tables.ts'
import type { JobTables } from '#src/jobs/jobs.tables.ts'
import type { MeetingTables } from '#src/meetings/meetings.tables.ts'
import type { MembershipTables } from '#src/membership/membership.tables.ts'
import type { ModerationTables } from '#src/moderation/moderation.tables.ts'
import type { PlaceTables } from '#src/places/places.tables.ts'
import type { RateLimitTables } from '#src/platform/rate-limit.ts'
import type { ReferenceTables } from '#src/reference/reference.tables.ts'

/** Every table Kysely knows, composed from the feature folders that own them. */
export interface Database
  extends
    AccessTables,
    AccountTables,
    AuditTables,
    ConditionTables,
    ConsentTables,
    DirectoryTables,
    JobTables,
    MeetingTables,
    MembershipTables,
    ModerationTables,
    PlaceTables,
    RateLimitTables,
    ReferenceTables {}
