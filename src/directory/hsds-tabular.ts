import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'csv-parse/sync'
import { stringify } from 'csv-stringify/sync'
import { AppError } from '#src/platform/errors.ts'
import { origins, rejection, str, type Hsds, type Rejection } from './hsds-profile.ts'

/**
 * The HSDS tabular data package: `datapackage.json` and one CSV per table. Export flattens the
 * nested JSON form into tables; import nests the tables back, so both forms share one mapping.
 */

type FieldType = 'string' | 'number' | 'integer' | 'date' | 'datetime'

/** The HSDS 3.0 tables Tomoni reads and writes, with their columns in HSDS order. */
export const tables: Record<string, Record<string, FieldType>> = {
  organization: {
    id: 'string',
    name: 'string',
    alternate_name: 'string',
    description: 'string',
    email: 'string',
    website: 'string',
    parent_organization_id: 'string',
    // Not in HSDS 3.0's organization (the Tomoni profile adds it, as services have it).
    last_modified: 'datetime',
  },
  organization_identifier: {
    id: 'string',
    organization_id: 'string',
    identifier_scheme: 'string',
    identifier_type: 'string',
    identifier: 'string',
  },
  service: {
    id: 'string',
    organization_id: 'string',
    name: 'string',
    alternate_name: 'string',
    description: 'string',
    url: 'string',
    email: 'string',
    status: 'string',
    fees_description: 'string',
    eligibility_description: 'string',
    minimum_age: 'integer',
    maximum_age: 'integer',
    assured_date: 'date',
    last_modified: 'datetime',
  },
  location: {
    id: 'string',
    location_type: 'string',
    url: 'string',
    organization_id: 'string',
    name: 'string',
    latitude: 'number',
    longitude: 'number',
  },
  address: {
    id: 'string',
    location_id: 'string',
    address_1: 'string',
    address_2: 'string',
    city: 'string',
    region: 'string',
    state_province: 'string',
    postal_code: 'string',
    country: 'string',
    address_type: 'string',
  },
  service_at_location: {
    id: 'string',
    service_id: 'string',
    location_id: 'string',
  },
  schedule: {
    id: 'string',
    service_id: 'string',
    service_at_location_id: 'string',
    valid_from: 'date',
    valid_to: 'date',
    dtstart: 'date',
    timezone: 'string',
    until: 'date',
    count: 'integer',
    wkst: 'string',
    freq: 'string',
    interval: 'integer',
    byday: 'string',
    byweekno: 'string',
    bymonthday: 'string',
    byyearday: 'string',
    description: 'string',
    opens_at: 'string',
    closes_at: 'string',
    schedule_link: 'string',
    attending_type: 'string',
    notes: 'string',
  },
  service_area: {
    id: 'string',
    service_id: 'string',
    name: 'string',
    description: 'string',
    extent: 'string',
    extent_type: 'string',
    uri: 'string',
  },
  language: {
    id: 'string',
    service_id: 'string',
    name: 'string',
    code: 'string',
  },
  cost_option: {
    id: 'string',
    service_id: 'string',
    option: 'string',
    currency: 'string',
    amount: 'number',
    amount_description: 'string',
  },
  phone: {
    id: 'string',
    service_id: 'string',
    number: 'string',
  },
  attribute: {
    id: 'string',
    link_id: 'string',
    taxonomy_term_id: 'string',
    link_type: 'string',
    link_entity: 'string',
    value: 'string',
  },
  taxonomy: {
    id: 'string',
    name: 'string',
    description: 'string',
    uri: 'string',
    version: 'string',
  },
  taxonomy_term: {
    id: 'string',
    code: 'string',
    name: 'string',
    description: 'string',
    taxonomy: 'string',
    taxonomy_id: 'string',
  },
}

type Row = Record<string, unknown>

// ---------------------------------------------------------------------------------------------
// Writing

/** Flattens nested HSDS organizations into one row list per table. */
export function toTables(organizations: Hsds[]): Record<string, Row[]> {
  const out: Record<string, Row[]> = Object.fromEntries(Object.keys(tables).map((t) => [t, []]))
  const seen = new Map<string, Set<string>>()
  const add = (table: string, row: Row) => {
    const id = String(row.id)
    const ids = seen.get(table) ?? new Set<string>()
    seen.set(table, ids)
    if (ids.has(id)) return // Shared rows (locations, terms, taxonomies) are written once.
    ids.add(id)
    out[table]!.push(row)
  }
  const attributes = (owner: Hsds) => {
    for (const a of (owner.attributes as Hsds[] | undefined) ?? []) {
      const term = a.taxonomy_term as Hsds
      const taxonomy = term.taxonomy_detail as Hsds
      add('taxonomy', taxonomy)
      add('taxonomy_term', term)
      add('attribute', a)
    }
  }
  const location = (l: Hsds) => {
    add('location', l)
    for (const a of (l.addresses as Hsds[] | undefined) ?? []) add('address', a)
    attributes(l)
  }
  for (const org of organizations) {
    add('organization', org)
    for (const i of (org.organization_identifiers as Hsds[] | undefined) ?? []) {
      add('organization_identifier', i)
    }
    attributes(org)
    for (const l of (org.locations as Hsds[] | undefined) ?? []) location(l)
    for (const s of (org.services as Hsds[] | undefined) ?? []) {
      add('service', s)
      attributes(s)
      for (const sal of (s.service_at_locations as Hsds[] | undefined) ?? []) {
        location(sal.location as Hsds)
        add('service_at_location', sal)
      }
      for (const [key, table] of [
        ['schedules', 'schedule'],
        ['service_areas', 'service_area'],
        ['languages', 'language'],
        ['cost_options', 'cost_option'],
        ['phones', 'phone'],
      ] as const) {
        for (const row of (s[key] as Hsds[] | undefined) ?? []) {
          add(table, row)
          attributes(row)
        }
      }
    }
  }
  return out
}

export function writePackage(dir: string, organizations: Hsds[], profile: string) {
  fs.mkdirSync(dir, { recursive: true })
  const rows = toTables(organizations)
  const resources = []
  for (const [table, columns] of Object.entries(tables)) {
    const names = Object.keys(columns)
    const records = rows[table]!.map((r) => names.map((n) => cell(r[n])))
    fs.writeFileSync(path.join(dir, `${table}.csv`), stringify([names, ...records]))
    resources.push({
      name: table,
      path: `${table}.csv`,
      profile: 'tabular-data-resource',
      schema: {
        fields: names.map((name) => ({ name, type: columns[name] })),
        primaryKey: 'id',
      },
    })
  }
  const descriptor = {
    name: 'tomoni-directory',
    title: 'Tomoni support group directory (HSDS 3.0, Tomoni profile)',
    profile: 'tabular-data-package',
    hsds_profile: profile,
    resources,
  }
  fs.writeFileSync(path.join(dir, 'datapackage.json'), JSON.stringify(descriptor, null, 2) + '\n')
  return Object.fromEntries(Object.entries(rows).map(([t, r]) => [t, r.length]))
}

function cell(value: unknown): string {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return value === null || value === undefined ? '' : JSON.stringify(value)
}

// ---------------------------------------------------------------------------------------------
// Reading

/** The package's CSVs by table name: from `datapackage.json`, else `<table>.csv` beside it. */
function resourcePaths(dir: string): Map<string, string> {
  const paths = new Map<string, string>()
  const descriptorPath = path.join(dir, 'datapackage.json')
  if (fs.existsSync(descriptorPath)) {
    const descriptor = JSON.parse(fs.readFileSync(descriptorPath, 'utf8')) as {
      resources?: { name?: string; path?: string }[]
    }
    for (const r of descriptor.resources ?? []) {
      if (!r.name || typeof r.path !== 'string') continue
      const resolved = path.resolve(dir, r.path)
      // A descriptor must not point the importer at files outside the package.
      if (!resolved.startsWith(path.resolve(dir) + path.sep)) continue
      paths.set(r.name, resolved)
    }
  }
  for (const table of Object.keys(tables)) {
    const file = path.join(dir, `${table}.csv`)
    if (!paths.has(table) && fs.existsSync(file)) paths.set(table, file)
  }
  return paths
}

/** A row with more fields, still known by the file and line it came from. */
function copyOf(row: Row, more: Row): Row {
  const copy = { ...row, ...more }
  const origin = origins.get(row)
  if (origin) origins.set(copy, origin)
  return copy
}

function readTable(file: string, table: string): Row[] {
  const records = parse<Row>(fs.readFileSync(file), {
    columns: (header: string[]) => header.map((h) => h.trim().replace(/^\uFEFF/, '')),
    skip_empty_lines: true,
    relax_column_count: true,
    bom: true,
  })
  records.forEach((r, i) => origins.set(r, { table: `${table}.csv`, row: i + 2 }))
  return records
}

/**
 * Reads a tabular package back into nested organizations. Rows pointing at something the package
 * does not have are rejected here; the rest is checked when each service is imported.
 */
export function readPackage(dir: string): { organizations: Hsds[]; rejections: Rejection[] } {
  const rejections: Rejection[] = []
  const paths = resourcePaths(dir)
  if (!paths.has('organization')) {
    throw new AppError(
      'invalid_input',
      `${dir} has no organization table (organization.csv or datapackage.json).`,
    )
  }
  const read = new Map<string, Row[]>()
  const t = (name: string) => {
    if (!read.has(name)) read.set(name, paths.has(name) ? readTable(paths.get(name)!, name) : [])
    return read.get(name)!
  }
  const byId = (rows: Row[]) => new Map(rows.map((r) => [str(r.id), r]))
  const attach = (
    parents: Map<string | null, Row>,
    children: Row[],
    key: string,
    into: string,
    table: string,
  ) => {
    for (const child of children) {
      const parent = parents.get(str(child[key]))
      if (!parent) {
        rejections.push(rejection(table, child, `${key} "${str(child[key]) ?? ''}" does not exist`))
        continue
      }
      parent[into] = [...((parent[into] as Row[] | undefined) ?? []), child]
    }
  }

  const organizations = t('organization')
  const services = t('service')
  const locations = t('location')
  const orgById = byId(organizations)
  const serviceById = byId(services)
  const locationById = byId(locations)

  attach(
    orgById,
    t('organization_identifier'),
    'organization_id',
    'organization_identifiers',
    'organization_identifier',
  )
  attach(orgById, services, 'organization_id', 'services', 'service')
  attach(orgById, locations, 'organization_id', 'locations', 'location')
  attach(locationById, t('address'), 'location_id', 'addresses', 'address')

  const salById = new Map<string | null, Row>()
  for (const sal of t('service_at_location')) {
    const location = locationById.get(str(sal.location_id))
    if (!location) {
      rejections.push(
        rejection(
          'service_at_location',
          sal,
          `location_id "${str(sal.location_id) ?? ''}" does not exist`,
        ),
      )
      continue
    }
    salById.set(str(sal.id), sal)
    attach(
      serviceById,
      [copyOf(sal, { location })],
      'service_id',
      'service_at_locations',
      'service_at_location',
    )
  }
  // A schedule may hang off a service, or off a service at a location.
  for (const s of t('schedule')) {
    if (!str(s.service_id) && str(s.service_at_location_id)) {
      s.service_id = salById.get(str(s.service_at_location_id))?.service_id ?? null
    }
  }
  attach(serviceById, t('schedule'), 'service_id', 'schedules', 'schedule')
  for (const [table, into] of [
    ['service_area', 'service_areas'],
    ['language', 'languages'],
    ['cost_option', 'cost_options'],
    ['phone', 'phones'],
  ] as const) {
    attach(serviceById, t(table), 'service_id', into, table)
  }

  const taxonomiesById = byId(t('taxonomy'))
  const termsById = byId(t('taxonomy_term'))
  const owners: Record<string, Map<string | null, Row>> = {
    service: serviceById,
    organization: orgById,
    location: locationById,
    schedule: byId(t('schedule')),
    cost_option: byId(t('cost_option')),
    service_area: byId(t('service_area')),
  }
  for (const a of t('attribute')) {
    const term = termsById.get(str(a.taxonomy_term_id))
    const owner = owners[str(a.link_entity) ?? 'service']?.get(str(a.link_id))
    if (!term || !owner) {
      rejections.push(
        rejection(
          'attribute',
          a,
          term
            ? `link_id "${str(a.link_id) ?? ''}" does not exist`
            : `taxonomy_term_id "${str(a.taxonomy_term_id) ?? ''}" does not exist`,
        ),
      )
      continue
    }
    const detail = taxonomiesById.get(str(term.taxonomy_id))
    owner.attributes = [
      ...((owner.attributes as Row[] | undefined) ?? []),
      copyOf(a, { taxonomy_term: { ...term, taxonomy_detail: detail ?? null } }),
    ]
  }
  return { organizations, rejections }
}
