import type { Actor } from '#src/access/actor.ts'
import type { LocalizedText } from '#src/directory/directory.tables.ts'
import { getGroupProfile, type GroupProfile } from '#src/directory/groups.service.ts'
import type { Db } from '#src/platform/db.ts'
import type { Deps } from '#src/platform/deps.ts'
import { loadJoining, type Joining } from './group-page-joining.ts'

export interface PlaceName {
  ja: string | null
  en: string | null
}

export interface OrganisationDetails {
  id: string
  kind: string
  name: LocalizedText
  description: LocalizedText | null
  url: string | null
  email: string | null
  identifiers: { id: string; scheme: string | null; type: string; identifier: string }[]
  source: string
}

export interface GroupPageData {
  profile: GroupProfile
  organisation: OrganisationDetails
  /** Every code of each condition concept the group is for, by concept id. */
  conceptCodes: Map<string, string[]>
  /** Names of the place codes the page mentions: areas served and countries of addresses. */
  placeNames: Map<string, PlaceName>
  /** The way in, the reader's standing, and the next meetings (group-page-joining.ts). */
  joining: Joining
}

export async function organisationDetails(
  db: Db,
  id: string,
): Promise<OrganisationDetails | undefined> {
  const row = await db
    .selectFrom('organisation')
    .select(['id', 'kind', 'name', 'description', 'url', 'email', 'identifiers', 'source'])
    .where('id', '=', id)
    .executeTakeFirst()
  return row
}

export async function placeNames(db: Db, codes: string[]): Promise<Map<string, PlaceName>> {
  const unique = [...new Set(codes.filter((c) => c && c !== 'worldwide'))]
  if (unique.length === 0) return new Map()
  const rows = await db
    .selectFrom('place')
    .select(['id', 'name_ja', 'name_en'])
    .where('id', 'in', unique)
    .execute()
  return new Map(rows.map((r) => [r.id, { ja: r.name_ja, en: r.name_en }]))
}

export async function conceptCodes(db: Db, ids: string[]): Promise<Map<string, string[]>> {
  const unique = [...new Set(ids)]
  if (unique.length === 0) return new Map()
  const rows = await db
    .selectFrom('condition')
    .select(['id', 'codes'])
    .where('id', 'in', unique)
    .execute()
  return new Map(rows.map((r) => [r.id, r.codes]))
}

/** Everything the group's page shows; 404 for groups the public may not see. */
export async function loadGroupPage(
  deps: Pick<Deps, 'db' | 'clock'>,
  actor: Actor,
  id: string,
): Promise<GroupPageData> {
  const profile = await getGroupProfile(deps, actor, id)
  const countries = profile.locations.flatMap((l) =>
    'area' in l ? [l.area?.country ?? ''] : [l.address?.country ?? ''],
  )
  const areas = profile.service_areas.map((a) => a.place ?? '')
  const [organisation, codes, names, joining] = await Promise.all([
    organisationDetails(deps.db, profile.organisation.id),
    conceptCodes(
      deps.db,
      profile.conditions.map((c) => c.id).filter((c): c is string => c !== null),
    ),
    placeNames(deps.db, [...countries, ...areas]),
    loadJoining(deps, actor, id),
  ])
  return { profile, organisation: organisation!, conceptCodes: codes, placeNames: names, joining }
}
