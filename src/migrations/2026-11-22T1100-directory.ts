import { sql, type Kysely, type RawBuilder } from 'kysely'

// The vocabularies are repeated here on purpose: a migration records the schema as it was then.
const organisationKinds = ['foundation', 'patient_advocacy', 'hospital', 'umbrella', 'other']
const groupTypes = [
  'disease_specific',
  'regional',
  'online',
  'hospital',
  'family',
  'bereaved',
  'international',
]
const audiences = [
  'patients',
  'parents',
  'family',
  'siblings',
  'bereaved',
  'young_people',
  'children',
]
const activities = [
  'information_sharing',
  'lectures',
  'peer_support',
  'advocacy',
  'fundraising',
  'social',
]
const channels = ['in_person', 'video', 'phone', 'chat', 'forum', 'mailing_list', 'newsletter']
const accessibility = [
  'wheelchair',
  'captions',
  'sign_language',
  'childcare',
  'infection_control',
  'hearing_loop',
  'quiet_space',
]
const sources = ['hsds_import', 'tomoni', 'public_register']

const list = (values: string[]) => sql.join(values.map((v) => sql.lit(v)))
const oneOf = (column: string, values: string[]): RawBuilder<unknown> =>
  sql`${sql.ref(column)} in (${list(values)})`
const subsetOf = (column: string, values: string[]): RawBuilder<unknown> =>
  sql`${sql.ref(column)} <@ array[${list(values)}]::text[]`
/** A localized text is an object whose `original` names a language it has a text for. */
const localized = (column: string): RawBuilder<unknown> =>
  sql`${sql.ref(column)} is null or (jsonb_typeof(${sql.ref(column)}) = 'object' and ${sql.ref(column)} ? (${sql.ref(column)} ->> 'original'))`

// Migrations take Kysely<any>: they describe the schema as it was then, not as the types say now.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('organisation')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull().check(oneOf('kind', organisationKinds)))
    .addColumn('parent_id', 'text', (c) => c.references('organisation.id').onDelete('set null'))
    .addColumn('name', 'jsonb', (c) => c.notNull().check(localized('name')))
    .addColumn('description', 'jsonb', (c) => c.check(localized('description')))
    .addColumn('url', 'text')
    .addColumn('email', 'text')
    .addColumn('identifiers', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'`))
    .addColumn('claimed_at', 'timestamptz')
    .addColumn('verified_at', 'timestamptz')
    .addColumn('verified_by', 'text')
    .addColumn('source', 'text', (c) => c.notNull().check(oneOf('source', sources)))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addCheckConstraint('organisation_not_own_parent', sql`parent_id is null or parent_id <> id`)
    .execute()
  await db.schema
    .createIndex('organisation_parent')
    .on('organisation')
    .column('parent_id')
    .execute()

  await db.schema
    .createTable('grp')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisation.id').onDelete('cascade'),
    )
    .addColumn('name', 'jsonb', (c) => c.notNull().check(localized('name')))
    .addColumn('description', 'jsonb', (c) => c.check(localized('description')))
    .addColumn('url', 'text')
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('types', sql`text[]`, (c) => c.notNull().check(subsetOf('types', groupTypes)))
    .addColumn('leadership', 'text', (c) =>
      c.check(sql`leadership is null or leadership in ('peer', 'professional')`),
    )
    .addColumn('audience', sql`text[]`, (c) => c.notNull().check(subsetOf('audience', audiences)))
    .addColumn('min_age', 'integer', (c) => c.check(sql`min_age between 0 and 120`))
    .addColumn('max_age', 'integer', (c) => c.check(sql`max_age between 0 and 120`))
    .addColumn('condition_codes', sql`text[]`, (c) => c.notNull())
    .addColumn('condition_ids', sql`text[]`, (c) => c.notNull())
    .addColumn('activities', sql`text[]`, (c) =>
      c.notNull().check(subsetOf('activities', activities)),
    )
    .addColumn('participation', 'jsonb', (c) => c.notNull())
    .addColumn('free', 'boolean', (c) => c.notNull())
    .addColumn('cost_options', 'jsonb', (c) =>
      c.notNull().check(sql`jsonb_typeof(cost_options) = 'array'`),
    )
    .addColumn('fees_description', 'jsonb', (c) => c.check(localized('fees_description')))
    .addColumn('languages', sql`text[]`, (c) =>
      c.notNull().check(sql`array_to_string(languages, ',') ~ '^([a-z]{2,3}(,|$))*$'`),
    )
    .addColumn('attendance', 'text', (c) =>
      c.check(sql`attendance is null or attendance in ('in_person', 'online', 'hybrid')`),
    )
    .addColumn('channels', sql`text[]`, (c) => c.notNull().check(subsetOf('channels', channels)))
    .addColumn('accessibility', sql`text[]`, (c) =>
      c.notNull().check(subsetOf('accessibility', accessibility)),
    )
    .addColumn('independence', 'text', (c) =>
      c.check(
        sql`independence is null or independence in ('independent', 'hospital_sponsored', 'organisation_run')`,
      ),
    )
    .addColumn('industry_funding_pct', 'integer', (c) =>
      c.check(sql`industry_funding_pct between 0 and 100`),
    )
    .addColumn('funding', 'jsonb', (c) => c.check(localized('funding')))
    .addColumn('medical_advisers', 'jsonb', (c) => c.check(localized('medical_advisers')))
    .addColumn('evidence_policy', 'jsonb', (c) => c.check(localized('evidence_policy')))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('active', 'paused', 'closed')`),
    )
    .addColumn('accepting_members', 'boolean', (c) => c.notNull())
    .addColumn('capacity', 'integer', (c) => c.check(sql`capacity > 0`))
    .addColumn('last_confirmed_at', 'timestamptz')
    .addColumn('verified_at', 'timestamptz')
    .addColumn('last_checked_at', 'timestamptz')
    .addColumn('source', 'text', (c) => c.notNull().check(oneOf('source', sources)))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    // greatest() skips nulls; the freshness rule and the list filter both read this one column.
    .addColumn('fresh_since', 'timestamptz', (c) =>
      c
        .notNull()
        .generatedAlwaysAs(sql`coalesce(greatest(last_confirmed_at, last_checked_at), created_at)`)
        .stored(),
    )
    .addCheckConstraint(
      'grp_age_range',
      sql`min_age is null or max_age is null or min_age <= max_age`,
    )
    .execute()
  await db.schema.createIndex('grp_organisation').on('grp').column('organisation_id').execute()
  await sql`create index grp_condition_ids on grp using gin (condition_ids)`.execute(db)
  await db.schema.createIndex('grp_fresh_since').on('grp').column('fresh_since').execute()

  await db.schema
    .createTable('location')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisation.id').onDelete('cascade'),
    )
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('physical', 'virtual')`))
    .addColumn('name', 'text')
    .addColumn('lat', 'double precision', (c) => c.check(sql`lat between -90 and 90`))
    .addColumn('lon', 'double precision', (c) => c.check(sql`lon between -180 and 180`))
    .addColumn('address', 'jsonb')
    .addColumn('url', 'text')
    .addColumn('visibility', 'text', (c) =>
      c.notNull().check(sql`visibility in ('public', 'members')`),
    )
    .addColumn('place_ids', sql`text[]`, (c) => c.notNull())
    .addCheckConstraint('location_coordinates_pair', sql`(lat is null) = (lon is null)`)
    .addCheckConstraint('location_virtual_has_url', sql`kind <> 'virtual' or url is not null`)
    .execute()
  await db.schema
    .createIndex('location_organisation')
    .on('location')
    .column('organisation_id')
    .execute()
  await sql`create index location_place_ids on location using gin (place_ids)`.execute(db)

  await db.schema
    .createTable('group_location')
    .addColumn('group_id', 'text', (c) => c.notNull().references('grp.id').onDelete('cascade'))
    .addColumn('location_id', 'text', (c) =>
      c.notNull().references('location.id').onDelete('cascade'),
    )
    .addPrimaryKeyConstraint('group_location_pk', ['group_id', 'location_id'])
    .execute()
  await db.schema
    .createIndex('group_location_location')
    .on('group_location')
    .column('location_id')
    .execute()

  await db.schema
    .createTable('service_area')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('group_id', 'text', (c) => c.notNull().references('grp.id').onDelete('cascade'))
    .addColumn('name', 'text')
    .addColumn('place_id', 'text')
    .addColumn('place_path', sql`text[]`, (c) => c.notNull())
    .addCheckConstraint('service_area_named', sql`name is not null or place_id is not null`)
    .execute()
  await db.schema.createIndex('service_area_group').on('service_area').column('group_id').execute()
  await sql`create index service_area_place_path on service_area using gin (place_path)`.execute(db)

  await db.schema
    .createTable('schedule')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('group_id', 'text', (c) => c.notNull().references('grp.id').onDelete('cascade'))
    .addColumn('rrule', 'text', (c) =>
      c.notNull().check(sql`rrule ~ '^FREQ=[A-Z]+(;[A-Z]+=[^;]+)*$'`),
    )
    .addColumn('dtstart', 'date', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('opens_at', sql`time`)
    .addColumn('closes_at', sql`time`)
    .addColumn('exdates', sql`date[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('description', 'text')
    .addColumn('hsds', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'`))
    .execute()
  await db.schema.createIndex('schedule_group').on('schedule').column('group_id').execute()

  await db.schema
    .createTable('field_history')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('entity', 'text', (c) => c.notNull().check(sql`entity in ('organisation', 'group')`))
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('old', 'jsonb')
    .addColumn('new', 'jsonb')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('field_history_entity')
    .on('field_history')
    .columns(['entity', 'entity_id', 'at'])
    .execute()
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'field_history',
    'schedule',
    'service_area',
    'group_location',
    'location',
    'grp',
    'organisation',
  ]) {
    await db.schema.dropTable(table).ifExists().execute()
  }
}
