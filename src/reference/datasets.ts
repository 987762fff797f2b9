import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'

/**
 * The shapes of the files in `reference/`, shared by the build script that writes them and the
 * loader that reads them. Each data set is gzipped JSON Lines, one record a line.
 */

export type ConditionKind = 'disease' | 'group' | 'situation'
export type NameKind = 'preferred' | 'synonym' | 'reading' | 'abbreviation'
export type Lang = 'ja' | 'en'

export interface ConditionRecord {
  id: string
  ja: string | null
  en: string | null
  /** Hiragana reading of `ja`. */
  reading: string | null
  kind: ConditionKind
  source: 'nando' | 'orphanet' | 'doid' | 'tomoni'
  parents: string[]
  codes: string[]
  weight: number
  /** Names beyond `ja`, `en` and `reading`, as [lang, kind, name]. */
  names: [Lang, NameKind, string][]
}

export interface PlaceRecord {
  id: string
  kind: 'country' | 'prefecture' | 'municipality'
  ja: string | null
  en: string | null
  reading: string | null
  parent: string | null
  lat: number | null
  lon: number | null
}

export interface DatasetEntry {
  file: string
  rows: number
  /** sha256 of the uncompressed file, so that recompressing changes nothing. */
  checksum: string
}

export interface Manifest {
  datasets: { conditions: DatasetEntry; places: DatasetEntry }
}

export type DatasetName = keyof Manifest['datasets']

export const referenceDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../reference',
)

export function readManifest(dir = referenceDir): Manifest {
  return JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest
}

export function readRecords<T>(entry: DatasetEntry, dir = referenceDir): T[] {
  const text = gunzipSync(fs.readFileSync(path.join(dir, entry.file))).toString('utf8')
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as T)
}
