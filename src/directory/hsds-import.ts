import fs from 'node:fs'
import type { Actor } from '#src/access/actor.ts'
import type { Db } from '#src/platform/db.ts'
import type { Deps } from '#src/platform/deps.ts'
import { AppError } from '#src/platform/errors.ts'
import type { GroupInputRaw } from './groups.schema.ts'
import {
  saveGroup,
  saveOrganisation,
  type ImportedMeta,
  type SaveResult,
} from './groups.service.ts'
import {
  groupFromHsds,
  organisationFromHsds,
  rejection,
  str,
  type Hsds,
  type ImportedTrust,
  type Rejection,
} from './hsds-map.ts'
import { readPackage } from './hsds-tabular.ts'
import { placeResolver } from './places.ts'

export interface Counts {
  created: number
  updated: number
  unchanged: number
}

export interface ImportReport {
  organisations: Counts
  groups: Counts
  /** Rows that did not go in, each with its reason; everything else did. */
  rejected: Rejection[]
  /** Things that went in, but not quite as given. */
  warnings: string[]
}

/** An HSDS JSON file (an array of organizations with their services) or a tabular package folder. */
export function readHsds(source: string): { organizations: Hsds[]; rejections: Rejection[] } {
  const stat = fs.statSync(source, { throwIfNoEntry: false })
  if (!stat) throw new AppError('not_found', `${source} does not exist.`)
  if (stat.isDirectory()) return readPackage(source)
  let parsed: unknown
  try {
    parsed = JSON.parse(fs.readFileSync(source, 'utf8'))
  } catch (error) {
    throw new AppError('invalid_input', `${source} is not JSON: ${(error as Error).message}`)
  }
  // The HSDS API pages its lists in `contents`; a file may also hold one organization.
  const list = Array.isArray(parsed)
    ? parsed
    : parsed && typeof parsed === 'object' && Array.isArray((parsed as Hsds).contents)
      ? ((parsed as Hsds).contents as unknown[])
      : parsed && typeof parsed === 'object'
        ? [parsed]
        : null
  if (!list) throw new AppError('invalid_input', `${source} holds no HSDS organizations.`)
  const organizations: Hsds[] = []
  const rejections: Rejection[] = []
  list.forEach((item, i) => {
    if (item && typeof item === 'object' && !Array.isArray(item)) organizations.push(item as Hsds)
    else rejections.push({ table: 'organization', id: null, reason: `item ${i} is not an object` })
  })
  return { organizations, rejections }
}

/**
 * What the package says of a listing's dates, for packages in the Tomoni profile; a plain HSDS
 * package says nothing of them, so what is stored here stays as it is.
 */
function importedMeta(trust: ImportedTrust): ImportedMeta | undefined {
  if (!trust.profiled) return undefined
  const { created_at, updated_at, last_confirmed_at, verified_at, claimed_at } = trust
  return { created_at, updated_at, last_confirmed_at, verified_at, claimed_at }
}

/**
 * A public export leaves out the name, street, postcode, coordinates and link of a members-only
 * meeting place (decision 021). Importing it back must not erase them: where the package leaves
 * them empty, the stored values stay.
 */
async function keepWithheld(db: Db, input: GroupInputRaw): Promise<void> {
  const withheld = (input.locations ?? []).filter((l) => l.visibility === 'members' && l.id)
  if (withheld.length === 0) return
  const stored = await db
    .selectFrom('location')
    .select(['id', 'name', 'lat', 'lon', 'address', 'url'])
    .where(
      'id',
      'in',
      withheld.map((l) => l.id!),
    )
    .where('organisation_id', '=', input.organisation_id)
    .where('visibility', '=', 'members')
    .execute()
  const byId = new Map(stored.map((l) => [l.id, l]))
  for (const l of withheld) {
    const s = byId.get(l.id!)
    if (!s) continue
    l.name ??= s.name
    l.url ??= s.url
    if (l.lat == null && l.lon == null) {
      l.lat = s.lat
      l.lon = s.lon
    }
    if (s.address) {
      const a = (l.address ??= { ...s.address })
      a.address_1 ??= s.address.address_1
      a.address_2 ??= s.address.address_2
      a.postal_code ??= s.address.postal_code
    }
  }
}

/** Parents before their chapters, so that each chapter's parent exists when it is saved. */
function parentsFirst(organizations: Hsds[]): Hsds[] {
  const byId = new Map(organizations.map((o) => [str(o.id), o]))
  const done = new Set<Hsds>()
  const out: Hsds[] = []
  const visit = (o: Hsds, depth: number) => {
    if (done.has(o)) return
    done.add(o)
    const parent = byId.get(str(o.parent_organization_id))
    if (parent && depth < 20) visit(parent, depth + 1)
    out.push(o)
  }
  for (const o of organizations) visit(o, 0)
  return out
}

const reasonOf = (error: unknown): string => {
  if (error instanceof AppError) {
    const fields = Object.entries(error.fields ?? {}).map(([k, v]) => `${k}: ${v}`)
    return fields.length ? `${error.message} ${fields.join('; ')}` : error.message
  }
  throw error
}

/**
 * Imports organizations with their services, each group in its own transaction: a bad row is
 * reported and skipped, and the rest goes in. Idempotent by HSDS id.
 */
export async function importOrganizations(
  deps: Pick<Deps, 'db' | 'clock' | 'secrets'>,
  actor: Actor,
  organizations: Hsds[],
  options: { rejections?: Rejection[]; onProgress?: (done: number, total: number) => void } = {},
): Promise<ImportReport> {
  const report: ImportReport = {
    organisations: { created: 0, updated: 0, unchanged: 0 },
    groups: { created: 0, updated: 0, unchanged: 0 },
    rejected: [...(options.rejections ?? [])],
    warnings: [],
  }
  const count = (counts: Counts, result: SaveResult) => counts[result]++
  const places = placeResolver(deps.db)
  const total = organizations.reduce(
    (n, o) => n + 1 + (Array.isArray(o.services) ? o.services.length : 0),
    0,
  )
  let done = 0
  const step = () => options.onProgress?.(++done, total)
  const inFile = new Set(organizations.map((o) => str(o.id)))

  for (const org of parentsFirst(organizations)) {
    const services = Array.isArray(org.services) ? (org.services as Hsds[]) : []
    const { input, trust: orgTrust, rejections } = organisationFromHsds(org)
    report.rejected.push(...rejections)
    if (input.parent_id && !inFile.has(input.parent_id)) {
      const known = await deps.db
        .selectFrom('organisation')
        .select('id')
        .where('id', '=', input.parent_id)
        .executeTakeFirst()
      if (!known) {
        report.warnings.push(
          `organization ${input.id ?? '?'}: parent ${input.parent_id} is not known; imported without it`,
        )
        input.parent_id = null
      }
    }
    try {
      const { result } = await saveOrganisation(deps, actor, input, {
        source: orgTrust.source,
        imported: importedMeta(orgTrust),
      })
      count(report.organisations, result)
    } catch (error) {
      report.rejected.push(rejection('organization', org, reasonOf(error)))
      for (const s of services) {
        report.rejected.push(
          rejection('service', s, `its organization ${input.id ?? ''} was rejected`),
        )
        step()
      }
      step()
      continue
    }
    step()
    for (const service of services) {
      const mapped = groupFromHsds(service, org)
      report.rejected.push(...mapped.rejections)
      try {
        await keepWithheld(deps.db, mapped.input)
        const { result } = await saveGroup(deps, actor, mapped.input, {
          source: mapped.trust.source,
          places,
          imported: importedMeta(mapped.trust),
        })
        count(report.groups, result)
      } catch (error) {
        report.rejected.push(rejection('service', service, reasonOf(error)))
      }
      step()
    }
  }
  return report
}

export async function importHsds(
  deps: Pick<Deps, 'db' | 'clock' | 'secrets'>,
  actor: Actor,
  source: string,
  options: { onProgress?: (done: number, total: number) => void } = {},
): Promise<ImportReport> {
  const { organizations, rejections } = readHsds(source)
  return importOrganizations(deps, actor, organizations, { ...options, rejections })
}

/** The summary the command line prints. */
export function formatReport(report: ImportReport): string {
  const line = (name: string, c: Counts) =>
    `${name}: ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged`
  const lines = [line('Organisations', report.organisations), line('Groups', report.groups)]
  if (report.rejected.length) {
    lines.push(`Rejected: ${report.rejected.length}`)
    for (const r of report.rejected) {
      const where = r.row ? `${r.table} row ${r.row}` : r.table
      lines.push(`  ${where}${r.id ? ` (id ${r.id})` : ''}: ${r.reason}`)
    }
  } else {
    lines.push('Rejected: 0')
  }
  for (const w of report.warnings) lines.push(`Warning: ${w}`)
  return lines.join('\n')
}
