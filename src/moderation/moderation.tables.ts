import type { ColumnType, Generated } from 'kysely'

type Timestamp = ColumnType<Date, Date | string, Date | string>
type TimestampOrNull = ColumnType<Date | null, Date | string | null, Date | string | null>

export const itemKinds = ['report', 'suggestion', 'claim'] as const
export const reportReasons = [
  'wrong_information',
  'closed',
  'unscientific_treatment',
  'other',
] as const
/** The part of a listing a suggested edit is about. */
export const suggestionFields = [
  'name',
  'description',
  'participation',
  'fees',
  'schedule',
  'location',
  'contact',
  'other',
] as const
export const moderationActions = [
  'dismiss',
  'apply_edit',
  'mark_verified',
  'hide_listing',
  'restore_listing',
  'close_group',
  'verify_organisation',
  'approve_claim',
  'reject_claim',
  'claim_by_domain',
] as const

export type ItemKind = (typeof itemKinds)[number]
export type ReportReason = (typeof reportReasons)[number]
export type SuggestionField = (typeof suggestionFields)[number]
export type ModerationActionName = (typeof moderationActions)[number]

export interface ModerationTables {
  /** A report, a suggested edit or a claim, waiting for a moderator. */
  moderation_item: {
    id: Generated<string>
    kind: ItemKind
    /** The report's reason, or the part of the listing a suggestion is about; null for claims. */
    reason: string | null
    organisation_id: string
    /** Null for a claim, which is about the organisation. */
    group_id: string | null
    /** What the person wrote. Shown to moderators only. */
    details: ColumnType<string, string | undefined, string>
    /** Who sent it, when signed in; anonymous reports carry nobody. */
    reporter_id: string | null
    /** The language of the page it was sent from, so a moderator knows what the person saw. */
    locale: 'ja' | 'en'
    status: ColumnType<
      'open' | 'resolved' | 'dismissed',
      'open' | undefined,
      'resolved' | 'dismissed'
    >
    created_at: Timestamp
    resolved_at: TimestampOrNull
    resolved_by: string | null
    resolution: string | null
  }
  /** What was done about a listing, by whom and why. Rows are only ever added. */
  moderation_action: {
    id: Generated<string>
    item_id: string | null
    subject_type: 'group' | 'organisation'
    subject_id: string
    action: ModerationActionName
    note: string
    /** The moderator, or the person whose e-mail domain proved a claim; null for the system. */
    actor_id: string | null
    at: Timestamp
  }
  /** Reminders sent to a listing's staff, one per stage and period of staleness. */
  stale_reminder: {
    group_id: string
    stage: 'stale' | 'hiding_soon'
    /** The listing's `fresh_since` when the reminder went: a confirmation starts a new period. */
    fresh_since: Timestamp
    sent_at: Timestamp
    recipients: number
  }
}
