import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import type { DatasetEntry, Manifest } from '#src/reference/datasets.ts'
import { buildConditions } from './build-conditions.ts'
import { buildPlaces } from './build-places.ts'

/**
 * Derives the compact reference files in `reference/` from the shared source data, so that the
 * product runs without the sources. Run with `npm run data:build`; commit what it writes.
 */

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const dataDir = path.resolve(repo, process.argv[2] ?? '../shared/data')
const outDir = path.join(repo, 'reference')

function write(name: string, records: unknown[]): DatasetEntry {
  const text = records.map((record) => JSON.stringify(record)).join('\n') + '\n'
  const file = `${name}.jsonl.gz`
  // Fixed level and no timestamp in the header: the same data always gives the same bytes.
  fs.writeFileSync(path.join(outDir, file), gzipSync(text, { level: 9 }))
  const checksum = `sha256:${createHash('sha256').update(text).digest('hex')}`
  return { file, rows: records.length, checksum }
}

function main() {
  if (!fs.existsSync(dataDir)) throw new Error(`No source data at ${dataDir}`)
  fs.mkdirSync(outDir, { recursive: true })
  const started = performance.now()
  const conditions = buildConditions(dataDir)
  const places = buildPlaces(dataDir)
  const manifest: Manifest = {
    datasets: { conditions: write('conditions', conditions), places: write('places', places) },
  }
  fs.writeFileSync(path.join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n')

  const count = (kind: string) => conditions.filter((c) => c.kind === kind).length
  const names = conditions.reduce((n, c) => n + c.names.length + 3, 0)
  const codes = conditions.reduce((n, c) => n + c.codes.length, 0)
  console.log(
    `conditions: ${conditions.length} (${count('disease')} diseases, ${count('group')} groups, ` +
      `${count('situation')} situations), ~${names} names, ${codes} codes`,
  )
  console.log(`places: ${places.length}`)
  for (const entry of Object.values(manifest.datasets)) {
    const bytes = fs.statSync(path.join(outDir, entry.file)).size
    console.log(`  ${entry.file}: ${(bytes / 1024).toFixed(0)} KiB`)
  }
  console.log(`built in ${Math.round(performance.now() - started)} ms`)
}

main()
