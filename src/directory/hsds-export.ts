import fs from 'node:fs'
import path from 'node:path'
import type { Deps } from '#src/platform/deps.ts'
import { conditionRefs, publicGroupIds } from './groups.service.ts'
import { loadGroups, type LoadedGroup } from './groups.repo.ts'
import {
  groupToHsds,
  organisationToHsds,
  type ConditionNames,
  type HsdsService,
} from './hsds-map.ts'
import { writePackage } from './hsds-tabular.ts'

/** Where the Tomoni profile of HSDS is described: the HSDS API serves it, and `/` names it. */
export const hsdsProfileUri = (publicUrl?: string) =>
  publicUrl ? new URL('/api/hsds/profile', publicUrl).toString() : '/api/hsds/profile'

const chunk = <T>(list: T[], size: number) =>
  Array.from({ length: Math.ceil(list.length / size) }, (_, i) =>
    list.slice(i * size, i * size + size),
  )

/** Public groups as HSDS services, in the order of the ids given. */
export async function servicesAsHsds(
  deps: Pick<Deps, 'db' | 'clock'>,
  ids: string[],
): Promise<HsdsService[]> {
  const services: HsdsService[] = []
  // In slices, so that a large directory is never in memory as rows and objects at once.
  for (const slice of chunk(ids, 200)) {
    const loaded = await loadGroups(deps.db, slice)
    const groups = slice.map((id) => loaded.get(id)).filter((g): g is LoadedGroup => !!g)
    const refs = await conditionRefs(deps.db, groups)
    const names = new Map<string, ConditionNames>([...refs].map(([code, r]) => [code, r.names]))
    for (const g of groups) services.push(groupToHsds(g, names))
  }
  return services
}

/** Organisations as HSDS organizations, each with its public groups nested. */
export async function organisationsAsHsds(
  deps: Pick<Deps, 'db' | 'clock'>,
  filter: { organisationIds?: string[] } = {},
) {
  let query = deps.db.selectFrom('organisation').selectAll().orderBy('id')
  if (filter.organisationIds) {
    if (filter.organisationIds.length === 0) return []
    query = query.where('id', 'in', filter.organisationIds)
  }
  const organisations = await query.execute()
  const ids = await publicGroupIds(deps)
  const services = await servicesAsHsds(deps, ids)
  const byOrganisation = new Map<string, HsdsService[]>()
  for (const s of services) {
    byOrganisation.set(s.organization_id, [...(byOrganisation.get(s.organization_id) ?? []), s])
  }
  return organisations.map((o) => organisationToHsds(o, byOrganisation.get(o.id) ?? []))
}

/** Writes the whole public directory as an HSDS tabular data package. */
export async function exportHsds(
  deps: Pick<Deps, 'db' | 'clock'> & { env?: Pick<Deps['env'], 'PUBLIC_URL'> },
  dir: string,
) {
  const organizations = await organisationsAsHsds(deps)
  const rows = writePackage(dir, organizations, hsdsProfileUri(deps.env?.PUBLIC_URL))
  return {
    organisations: organizations.length,
    groups: organizations.reduce((n, o) => n + o.services.length, 0),
    rows,
  }
}

/**
 * Writes the whole public directory as one HSDS JSON file: an array of organizations with their
 * services nested, the form `import-hsds` reads back.
 */
export async function exportHsdsJson(deps: Pick<Deps, 'db' | 'clock'>, file: string) {
  const organizations = await organisationsAsHsds(deps)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, JSON.stringify(organizations, null, 2) + '\n')
  return {
    organisations: organizations.length,
    groups: organizations.reduce((n, o) => n + o.services.length, 0),
  }
}
