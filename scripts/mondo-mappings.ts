import path from 'node:path'
import { readTsv } from './source-files.ts'

/** MONDO's exact mappings, the bridge between NANDO, Orphanet, DOID and ICD-10. */
export interface Mondo {
  obsolete: Set<string>
  orpha: Map<string, Set<string>>
  doid: Map<string, Set<string>>
  icd10: Map<string, Set<string>>
  icd10cm: Map<string, Set<string>>
  /** Reverse indexes, code → MONDO ids. */
  byOrpha: Map<string, Set<string>>
  byDoid: Map<string, Set<string>>
}

const add = (map: Map<string, Set<string>>, key: string, value: string) => {
  let set = map.get(key)
  if (!set) map.set(key, (set = new Set()))
  set.add(value)
}

// Ranges such as `I00-I99` are chapters, not codes of one disease.
export const isRange = (code: string) => code.includes('-')

export function readMondo(dataDir: string, crosswalkLabels: Map<string, string>): Mondo {
  const dir = path.join(dataDir, 'mondo-mappings')
  const mondo: Mondo = {
    obsolete: new Set(),
    orpha: new Map(),
    doid: new Map(),
    icd10: new Map(),
    icd10cm: new Map(),
    byOrpha: new Map(),
    byDoid: new Map(),
  }
  for (const [id, label] of crosswalkLabels)
    if (label.startsWith('obsolete')) mondo.obsolete.add(id)
  const files: [string, (subject: string, object: string) => void][] = [
    [
      'mondo_exactmatch_orphanet.sssom.tsv',
      (m, o) => {
        const code = o.replace(/^Orphanet:/, 'ORPHA:')
        add(mondo.orpha, m, code)
        add(mondo.byOrpha, code, m)
      },
    ],
    [
      'mondo_exactmatch_doid.sssom.tsv',
      (m, d) => {
        add(mondo.doid, m, d)
        add(mondo.byDoid, d, m)
      },
    ],
    [
      'mondo_exactmatch_icd10who.sssom.tsv',
      (m, c) => add(mondo.icd10, m, c.replace(/^ICD10WHO:/, 'ICD10:')),
    ],
    ['mondo_exactmatch_icd10cm.sssom.tsv', (m, c) => add(mondo.icd10cm, m, c)],
    ['mondo_hasdbxref_icd10cm.sssom.tsv', (m, c) => add(mondo.icd10cm, m, c)],
  ]
  for (const [file, onRow] of files) {
    for (const row of readTsv(path.join(dir, file), { comments: true })) {
      const subject = row.subject_id ?? ''
      const object = row.object_id ?? ''
      if (row.subject_label?.startsWith('obsolete')) mondo.obsolete.add(subject)
      if (subject && object && !isRange(object)) onRow(subject, object)
    }
  }
  return mondo
}

/** The codes MONDO maps one of its terms to, restricted to codes that exist in our sources. */
export function mondoCodes(mondo: Mondo, id: string, known: Set<string>): string[] {
  if (mondo.obsolete.has(id)) return []
  return [
    id,
    ...[...(mondo.orpha.get(id) ?? [])].filter((code) => known.has(code)),
    ...[...(mondo.doid.get(id) ?? [])].filter((code) => known.has(code)),
    ...(mondo.icd10.get(id) ?? []),
    ...(mondo.icd10cm.get(id) ?? []),
  ]
}
