import { sql, type Kysely } from 'kysely'

// The vocabularies are repeated here on purpose: a migration records the schema as it was then.
const channels = [
  'in_person',
  'video',
  'phone',
  'chat',
  'forum',
  'mailing_list',
  'newsletter',
  'line',
  'whatsapp',
  'messenger',
  'telegram',
  'signal',
  'discord',
  'slack',
  'kakaotalk',
]
const feePeriods = ['per_meeting', 'annual', 'monthly', 'one_off']

const list = (values: string[]) => sql.join(values.map((v) => sql.lit(v)))
/** A jsonpath test that `@<path>` is one of the values (or, with `orNull`, null). */
const jsonOneOf = (path: string, values: string[], orNull = false) =>
  [...(orNull ? [`${path} == null`] : []), ...values.map((v) => `${path} == "${v}"`)].join(' || ')
const localized = (column: string) =>
  sql`${sql.ref(column)} is null or (jsonb_typeof(${sql.ref(column)}) = 'object' and ${sql.ref(column)} ? (${sql.ref(column)} ->> 'original'))`
/** A plain text as a localized text in the given language. */
const asLocalized = (text: string, lang: string) =>
  sql`case when ${sql.raw(text)} is null then null else jsonb_build_object('original', ${sql.raw(lang)}, ${sql.raw(lang)}, ${sql.raw(text)}) end`

// Migrations take Kysely<any>: they describe the schema as it was then, not as the types say now.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // Meeting places' names and schedules' notes become translatable. What was written so far is
  // taken to be in the language of the group's name, as the pages assumed.
  await sql`alter table location add column name_text jsonb`.execute(db)
  await sql`
    update location l set name_text = ${asLocalized('l.name', 'x.lang')}
    from (
      select l2.id, coalesce(
        (select g.name ->> 'original' from group_location gl join grp g on g.id = gl.group_id
         where gl.location_id = l2.id order by g.id limit 1),
        o.name ->> 'original') as lang
      from location l2 join organisation o on o.id = l2.organisation_id
    ) x
    where x.id = l.id
  `.execute(db)
  await sql`alter table location drop column name`.execute(db)
  await sql`alter table location rename column name_text to name`.execute(db)
  await sql`alter table location add constraint location_name_localized check (${localized('name')})`.execute(
    db,
  )

  // A members-only online meeting may be listed without its link: members are given it.
  await sql`alter table location drop constraint location_virtual_has_url`.execute(db)
  await sql`alter table location add constraint location_virtual_has_url check (kind <> 'virtual' or url is not null or visibility = 'members')`.execute(
    db,
  )

  await sql`alter table schedule add column description_text jsonb`.execute(db)
  await sql`
    update schedule s set description_text = ${asLocalized('s.description', "(g.name ->> 'original')")}
    from grp g where g.id = s.group_id
  `.execute(db)
  await sql`alter table schedule drop column description`.execute(db)
  await sql`alter table schedule rename column description_text to description`.execute(db)
  await sql`alter table schedule add constraint schedule_description_localized check (${localized('description')})`.execute(
    db,
  )

  // Cost options: translatable texts, a period, and whether the cost can be waived.
  await sql`
    update grp set cost_options = coalesce((
      select jsonb_agg(jsonb_build_object(
        'id', e -> 'id', 'amount', e -> 'amount', 'currency', e -> 'currency',
        'option', coalesce(${asLocalized("(e ->> 'option')", "(grp.name ->> 'original')")}, 'null'::jsonb),
        'amount_description', coalesce(${asLocalized("(e ->> 'amount_description')", "(grp.name ->> 'original')")}, 'null'::jsonb),
        'period', 'null'::jsonb, 'waiver', 'false'::jsonb, 'waiver_text', 'null'::jsonb
      ) order by n)
      from jsonb_array_elements(cost_options) with ordinality as x(e, n)
    ), '[]'::jsonb)
  `.execute(db)
  const badOption = `@.amount < 0 || @.waiver.type() != "boolean" || !(${jsonOneOf('@.period', feePeriods, true)})`
  await sql`
    alter table grp add constraint grp_cost_options_shape
    check (not jsonb_path_exists(cost_options, ${sql.lit(`$[*] ? (${badOption})`)}::jsonpath))
  `.execute(db)

  // Chat apps by name, and a link per channel.
  await sql`alter table grp drop constraint grp_channels_check`.execute(db)
  await sql`alter table grp add constraint grp_channels_check check (channels <@ array[${list(channels)}]::text[])`.execute(
    db,
  )
  const badLink = `!(${jsonOneOf('@.key', channels)}) || @.value.type() != "string"`
  await db.schema
    .alterTable('grp')
    .addColumn('channel_links', 'jsonb', (c) =>
      c
        .notNull()
        .defaultTo(sql`'{}'`)
        .check(
          sql`jsonb_typeof(channel_links) = 'object' and not jsonb_path_exists(channel_links, ${sql.lit(`$.keyvalue() ? (${badLink})`)}::jsonpath)`,
        ),
    )
    .execute()

  // Organisation admins invite their colleagues by e-mail; the link's token is kept as a hash.
  await db.schema
    .createTable('organisation_invitation')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisation.id').onDelete('cascade'),
    )
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('admin', 'staff')`))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('invited_by', 'uuid', (c) => c.references('app_user.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('accepted_at', 'timestamptz')
    .addColumn('accepted_by', 'uuid', (c) => c.references('app_user.id').onDelete('set null'))
    .addColumn('revoked_at', 'timestamptz')
    .execute()
  await db.schema
    .createIndex('organisation_invitation_organisation')
    .on('organisation_invitation')
    .column('organisation_id')
    .execute()
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('organisation_invitation').ifExists().execute()
  await db.schema.alterTable('grp').dropColumn('channel_links').execute()
  await sql`alter table grp drop constraint grp_cost_options_shape`.execute(db)
  await sql`alter table grp drop constraint grp_channels_check`.execute(db)
  // Texts go back to the language they were written in; translations are lost.
  for (const [table, column] of [
    ['location', 'name'],
    ['schedule', 'description'],
  ] as const) {
    await sql`alter table ${sql.table(table)} drop constraint ${sql.raw(`${table}_${column}_localized`)}`.execute(
      db,
    )
    await sql`alter table ${sql.table(table)} alter column ${sql.ref(column)} type text using ${sql.ref(column)} ->> (${sql.ref(column)} ->> 'original')`.execute(
      db,
    )
  }
  await sql`
    update grp set cost_options = coalesce((
      select jsonb_agg(jsonb_build_object('id', e -> 'id', 'amount', e -> 'amount',
        'currency', e -> 'currency',
        'option', e -> 'option' ->> (e -> 'option' ->> 'original'),
        'amount_description', e -> 'amount_description' ->> (e -> 'amount_description' ->> 'original'))
        order by n)
      from jsonb_array_elements(cost_options) with ordinality as x(e, n)), '[]'::jsonb)
  `.execute(db)
}
