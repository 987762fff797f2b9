import { sql, type Kysely } from 'kysely'

const states = ['requested', 'screening', 'active', 'waitlisted', 'declined', 'left', 'removed']
const joinPolicies = ['open', 'approval', 'screening', 'referral', 'invitation']
const list = (values: string[]) => sql.join(values.map((v) => sql.lit(v)))

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // How a group lets people in. 'invitation' groups are hidden: not listed, not findable.
  await db.schema
    .alterTable('grp')
    .addColumn('join_policy', 'text', (c) =>
      c
        .notNull()
        .defaultTo('open')
        .check(sql`join_policy in (${list(joinPolicies)})`),
    )
    .execute()

  await db.schema
    .createTable('membership')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('group_id', 'text', (c) => c.notNull().references('grp.id').onDelete('cascade'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in (${list(states)})`))
    /** The name this person goes by in this group; a pseudonym is fine. */
    .addColumn('display_name', 'text', (c) => c.notNull())
    /** Whether other active members may see this person in the member list. */
    .addColumn('visible_to_members', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('membership_group_user', ['group_id', 'user_id'])
    .execute()
  await db.schema.createIndex('membership_user').on('membership').columns(['user_id']).execute()
  await db.schema
    .createIndex('membership_group_state')
    .on('membership')
    .columns(['group_id', 'state'])
    .execute()

  await db.schema
    .createTable('membership_event')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('membership_id', 'uuid', (c) =>
      c.notNull().references('membership.id').onDelete('cascade'),
    )
    .addColumn('from_state', 'text')
    .addColumn('to_state', 'text', (c) => c.notNull())
    /** 'user:<id>' or 'system'. */
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('membership_event_membership')
    .on('membership_event')
    .columns(['membership_id', 'at'])
    .execute()
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('membership_event').execute()
  await db.schema.dropTable('membership').execute()
  await db.schema.alterTable('grp').dropColumn('join_policy').execute()
}
