import { sql, type Kysely } from 'kysely'

// The vocabularies are repeated here on purpose: a migration records the schema as it was then.
const itemKinds = ['report', 'suggestion', 'claim']
const reportReasons = ['wrong_information', 'closed', 'unscientific_treatment', 'other']
const suggestionFields = [
  'name',
  'description',
  'participation',
  'fees',
  'schedule',
  'location',
  'contact',
  'other',
]
const actions = [
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
]

const list = (values: string[]) => sql.join(values.map((v) => sql.lit(v)))

// Migrations take Kysely<any>: they describe the schema as it was then, not as the types say now.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // A moderator can take a listing down without touching what the organisation wrote: the flag
  // sits beside the group's own fields, so an edit by its staff cannot bring it back.
  await db.schema.alterTable('grp').addColumn('hidden_at', 'timestamptz').execute()

  await db.schema
    .createTable('moderation_item')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in (${list(itemKinds)})`))
    .addColumn('reason', 'text', (c) =>
      c.check(
        sql`reason is null or reason in (${list([...new Set([...reportReasons, ...suggestionFields])])})`,
      ),
    )
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisation.id').onDelete('cascade'),
    )
    .addColumn('group_id', 'text', (c) => c.references('grp.id').onDelete('cascade'))
    .addColumn('details', 'text', (c) =>
      c
        .notNull()
        .defaultTo('')
        .check(sql`char_length(details) <= 5000`),
    )
    .addColumn('reporter_id', 'uuid', (c) => c.references('app_user.id').onDelete('set null'))
    .addColumn('locale', 'text', (c) => c.notNull().check(sql`locale in ('ja', 'en')`))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('open')
        .check(sql`status in ('open', 'resolved', 'dismissed')`),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('resolved_at', 'timestamptz')
    .addColumn('resolved_by', 'uuid', (c) => c.references('app_user.id').onDelete('set null'))
    .addColumn('resolution', 'text')
    .addCheckConstraint(
      'moderation_item_group_or_claim',
      sql`(kind = 'claim') = (group_id is null)`,
    )
    .execute()
  await db.schema
    .createIndex('moderation_item_open')
    .on('moderation_item')
    .columns(['status', 'created_at'])
    .execute()
  await db.schema
    .createIndex('moderation_item_group')
    .on('moderation_item')
    .column('group_id')
    .execute()
  await db.schema
    .createIndex('moderation_item_organisation')
    .on('moderation_item')
    .column('organisation_id')
    .execute()

  // What moderators (and the claim-by-domain rule) did, with their note: never edited.
  await db.schema
    .createTable('moderation_action')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('item_id', 'uuid', (c) => c.references('moderation_item.id').onDelete('set null'))
    .addColumn('subject_type', 'text', (c) =>
      c.notNull().check(sql`subject_type in ('group', 'organisation')`),
    )
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull().check(sql`action in (${list(actions)})`))
    .addColumn('note', 'text', (c) => c.notNull().check(sql`char_length(note) <= 5000`))
    .addColumn('actor_id', 'uuid', (c) => c.references('app_user.id').onDelete('set null'))
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('moderation_action_subject')
    .on('moderation_action')
    .columns(['subject_type', 'subject_id', 'at'])
    .execute()

  // One reminder per listing, stage and period of staleness: a confirmation starts a new period.
  await db.schema
    .createTable('stale_reminder')
    .addColumn('group_id', 'text', (c) => c.notNull().references('grp.id').onDelete('cascade'))
    .addColumn('stage', 'text', (c) => c.notNull().check(sql`stage in ('stale', 'hiding_soon')`))
    .addColumn('fresh_since', 'timestamptz', (c) => c.notNull())
    .addColumn('sent_at', 'timestamptz', (c) => c.notNull())
    .addColumn('recipients', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('stale_reminder_pk', ['group_id', 'stage', 'fresh_since'])
    .execute()
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('stale_reminder').ifExists().execute()
  await db.schema.dropTable('moderation_action').ifExists().execute()
  await db.schema.dropTable('moderation_item').ifExists().execute()
  await db.schema.alterTable('grp').dropColumn('hidden_at').execute()
}
