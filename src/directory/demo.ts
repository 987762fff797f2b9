/**
 * The demo directory (`npm run cli -- demo`): the real UK and US health organisations kept in
 * `reference/demo-organisations.json.gz`, as listings imported from public registers and not
 * verified, and the made-up Japanese examples of `demo-examples.ts`. Everything goes through the
 * directory's one write path, by id, so loading it again changes nothing.
 */
import fs from 'node:fs'
import path from 'node:path'
import { gunzipSync } from 'node:zlib'
import { system } from '#src/access/actor.ts'
import type { Deps } from '#src/platform/deps.ts'
import { listingOf, type DemoRecord } from './demo-mapping.ts'
import { exampleGroups, exampleOrganisations } from './demo-examples.ts'
import { saveGroup, saveOrganisation, type SaveResult } from './groups.service.ts'
import { placeResolver } from './places.ts'

export const demoFile = path.resolve(
  import.meta.dirname,
  '../../reference/demo-organisations.json.gz',
)

export type Counts = Record<SaveResult, number>

export interface DemoReport {
  organisations: Counts
  groups: Counts
  examples: Counts
}

const zero = (): Counts => ({ created: 0, updated: 0, unchanged: 0 })

export function readDemoRecords(file = demoFile): DemoRecord[] {
  const document = JSON.parse(gunzipSync(fs.readFileSync(file)).toString('utf8')) as {
    format: string
    records: DemoRecord[]
  }
  if (document.format !== 'tomoni-demo-organisations') {
    throw new Error(`${file} is not a Tomoni demo file`)
  }
  return document.records
}

export async function loadDemo(
  deps: Pick<Deps, 'db' | 'clock' | 'secrets'>,
  options: {
    records?: DemoRecord[]
    /** Only the first N organisations of each register (for tests). */
    limit?: number
    onProgress?: (done: number, total: number) => void
  } = {},
): Promise<DemoReport> {
  let records = options.records ?? readDemoRecords()
  if (options.limit !== undefined) {
    const limit = options.limit
    records = [
      ...records.filter((r) => r.register === 'uk').slice(0, limit),
      ...records.filter((r) => r.register === 'us').slice(0, limit),
    ]
  }
  const places = placeResolver(deps.db)
  const report: DemoReport = { organisations: zero(), groups: zero(), examples: zero() }
  const total = records.length + exampleGroups.length
  let done = 0

  for (const record of records) {
    const { organisation, group } = listingOf(record)
    const org = await saveOrganisation(deps, system, organisation, { source: 'public_register' })
    report.organisations[org.result]++
    const saved = await saveGroup(deps, system, group, { source: 'public_register', places })
    report.groups[saved.result]++
    options.onProgress?.(++done, total)
  }

  // Parents before their chapters.
  const ordered = [...exampleOrganisations].sort(
    (a, b) => Number(!!a.parent_id) - Number(!!b.parent_id),
  )
  for (const organisation of ordered) {
    const org = await saveOrganisation(deps, system, organisation, { source: 'tomoni' })
    report.organisations[org.result]++
  }
  for (const group of exampleGroups) {
    const saved = await saveGroup(deps, system, group, { source: 'tomoni', places })
    report.examples[saved.result]++
    options.onProgress?.(++done, total)
  }
  return report
}

export function formatDemoReport(report: DemoReport): string {
  const line = (label: string, c: Counts) =>
    `${label}: ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged`
  return [
    line('Organisations', report.organisations),
    line('Listings from public registers', report.groups),
    line('Example Japanese groups', report.examples),
  ].join('\n')
}

/** How many groups the directory holds at all: none means a fresh install. */
export async function directorySize(deps: Pick<Deps, 'db'>): Promise<number> {
  const row = await deps.db
    .selectFrom('grp')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}
