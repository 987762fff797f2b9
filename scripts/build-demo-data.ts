import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync, gzipSync } from 'node:zlib'
import {
  listingOf,
  type DemoRecord,
  type UkCharity,
  type UsNonprofit,
} from '#src/directory/demo-mapping.ts'
import { readCsv } from './source-files.ts'

/**
 * Derives `reference/demo-organisations.json.gz`, the real organisations of the demo directory,
 * from the shared data: UK charities tagged with a health condition by UK-CAT, and US non-profits
 * in NTEE group G from the IRS Exempt Organizations Business Master File. Only the columns the
 * listings use are kept; nothing is written by hand. Run it with
 * `npm exec -- node scripts/build-demo-data.ts [DATA_DIR]` and commit what it writes.
 */

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const dataDir = path.resolve(repo, process.argv[2] ?? '../shared/data')
export const demoFile = path.join(repo, 'reference', 'demo-organisations.json.gz')

const blank = (value: string | undefined) => (value?.trim() ? value.trim() : null)

function ukCharities(): UkCharity[] {
  const rows = readCsv(
    path.join(dataDir, 'uk-charities-health', 'uk_charities_health_conditions.csv'),
  )
  return rows.map((r) => ({
    register: 'uk',
    id: r.org_id!,
    number: r.reg_number!,
    name: r.name!,
    regulator: r.regulator as UkCharity['regulator'],
    postcode: blank(r.postcode),
    website: blank(r.website),
    registered: blank(r.date_registered),
    tags: (r.all_ukcat_tags ?? '')
      .split('|')
      .map((t) => t.split(':')[0]!.trim())
      .filter(Boolean),
    activities: blank(r.activities),
  }))
}

function usNonprofits(): UsNonprofit[] {
  const rows = readCsv(
    path.join(dataDir, 'us-irs-disease-orgs', 'irs_eo_bmf_ntee_G_disease_orgs_26states.csv'),
  )
  return rows.map((r) => ({
    register: 'us',
    ein: r.ein!,
    name: r.name!,
    sortName: blank(r.sort_name),
    city: blank(r.city),
    state: r.state!,
    zip: blank(r.zip5),
    ntee: r.ntee_code!,
    subsection: r.subsection!,
    ruling: blank(r.ruling_yyyymm),
  }))
}

/** Every condition code the mapping gives must name a concept of the reference data. */
function checkCodes(records: DemoRecord[]) {
  const known = new Set<string>()
  const text = gunzipSync(fs.readFileSync(path.join(repo, 'reference', 'conditions.jsonl.gz')))
  for (const line of text.toString('utf8').split('\n')) {
    if (!line) continue
    const c = JSON.parse(line) as { id: string; codes: string[] }
    known.add(c.id.toUpperCase())
    for (const code of c.codes) known.add(code.toUpperCase())
  }
  const missing = new Set<string>()
  let mapped = 0
  for (const record of records) {
    const { group } = listingOf(record)
    const codes = group.conditions ?? []
    if (codes.length) mapped++
    for (const code of codes) if (!known.has(code)) missing.add(code)
  }
  if (missing.size) throw new Error(`Unknown condition codes: ${[...missing].join(', ')}`)
  return mapped
}

function main() {
  if (!fs.existsSync(dataDir)) throw new Error(`No source data at ${dataDir}`)
  const records: DemoRecord[] = [...ukCharities(), ...usNonprofits()]
  const mapped = checkCodes(records)
  const document = {
    format: 'tomoni-demo-organisations',
    version: 1,
    sources: {
      uk: 'UK-CAT (NCVO, Damm, Kane), CC BY 4.0. Contains public sector information licensed under the Open Government Licence v3.0',
      us: 'US Internal Revenue Service, Exempt Organizations Business Master File Extract, July 2020 (public domain)',
    },
    records,
  }
  // No timestamp in the gzip header: the same data always gives the same bytes.
  fs.writeFileSync(demoFile, gzipSync(JSON.stringify(document), { level: 9 }))
  const uk = records.filter((r) => r.register === 'uk').length
  console.log(
    `${records.length} organisations (${uk} UK, ${records.length - uk} US), ` +
      `${mapped} mapped to conditions; ${(fs.statSync(demoFile).size / 1024).toFixed(0)} KiB`,
  )
}

main()
