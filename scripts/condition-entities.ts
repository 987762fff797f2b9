import path from 'node:path'
import { normalizeForSearch } from '#src/conditions/normalize.ts'
import type { ConditionKind } from '#src/reference/datasets.ts'
import { curatedConditions } from './curated-conditions.ts'
import { isRange, mondoCodes, type Mondo } from './mondo-mappings.ts'
import { list, readJsonl, readTsv } from './source-files.ts'

/**
 * One disease entry of one source: a NANDO cluster, an Orphanet entity, a DOID class or one of our
 * curated entries. The build merges entities that are the same disease into one concept.
 */
export interface Entity {
  key: string
  type: 'nando' | 'orphanet' | 'doid' | 'tomoni'
  /** Codes that name this entity itself; its parents point at these. */
  ownCodes: string[]
  /** Every code the sources attach to it, own codes included. */
  codes: Set<string>
  ja: string | null
  reading: string | null
  en: string | null
  jaNames: string[]
  readings: string[]
  enNames: string[]
  /** Codes (or `tomoni:` keys) of broader entities. */
  parents: string[]
  kind: ConditionKind
  weight: number
  /** A 小児慢性特定疾病 class only: a childhood programme, so never the same as an all-ages concept. */
  childhoodOnly: boolean
}

interface OrphaRow {
  orphacode: string
  label: string
  type: string
  synonyms: string[]
  parents: string[]
}

export function readOrphanet(dataDir: string, mondo: Mondo, known: Set<string>): Entity[] {
  const rows = readJsonl<OrphaRow>(
    path.join(dataDir, 'orphanet-orphapacket/orphanet_diseases.jsonl'),
  )
  return rows.map((row) => {
    const code = `ORPHA:${row.orphacode}`
    const codes = new Set([code])
    for (const m of mondo.byOrpha.get(code) ?? [])
      for (const c of mondoCodes(mondo, m, known)) codes.add(c)
    const isGroup = row.type === 'Category' || row.type === 'Clinical group'
    return {
      key: `orphanet:${code}`,
      type: 'orphanet' as const,
      ownCodes: [code],
      codes,
      ja: null,
      reading: null,
      en: row.label,
      jaNames: [],
      readings: [],
      enNames: [row.label, ...row.synonyms],
      parents: row.parents.map((p) => `ORPHA:${p}`),
      kind: isGroup ? ('group' as const) : ('disease' as const),
      weight: isGroup ? 0.8 : 1,
      childhoodOnly: false,
    }
  })
}

export function readDoid(dataDir: string, mondo: Mondo, known: Set<string>): Entity[] {
  const rows = readTsv(path.join(dataDir, 'doid/doid_flat.tsv'))
  const children = new Map<string, number>()
  for (const row of rows)
    for (const p of list(row.parent_ids)) children.set(p, (children.get(p) ?? 0) + 1)
  return rows.map((row) => {
    const code = row.doid ?? ''
    const label = row.label ?? ''
    const parents = list(row.parent_ids)
    const codes = new Set([code])
    for (const c of list(row.icd10cm)) if (!isRange(c)) codes.add(`ICD10CM:${c}`)
    for (const o of list(row.ordo)) if (known.has(`ORPHA:${o}`)) codes.add(`ORPHA:${o}`)
    for (const m of mondo.byDoid.get(code) ?? [])
      for (const c of mondoCodes(mondo, m, known)) codes.add(c)
    const isGroup =
      code === 'DOID:4' ||
      parents.includes('DOID:4') ||
      label.startsWith('disease of ') ||
      label.endsWith(' system disease') ||
      (children.get(code) ?? 0) >= 25
    return {
      key: `doid:${code}`,
      type: 'doid' as const,
      ownCodes: [code],
      codes,
      ja: null,
      reading: null,
      en: capitalise(label),
      jaNames: [],
      readings: [],
      enNames: [label, ...list(row.exact_synonyms)],
      parents,
      kind: isGroup ? ('group' as const) : ('disease' as const),
      weight: isGroup ? 0.6 : 0.7,
      childhoodOnly: false,
    }
  })
}

export function readCurated(doidLabels: Map<string, string>): Entity[] {
  return curatedConditions.map((entry) => {
    const codes = new Set((entry.icd10 ?? []).map((code) => `ICD10:${code}`))
    if (entry.doid) {
      const [id, expected] = entry.doid
      const actual = doidLabels.get(id)
      if (actual === undefined)
        throw new Error(`curated ${entry.key}: ${id} is not in doid_flat.tsv`)
      if (actual !== expected) {
        throw new Error(`curated ${entry.key}: ${id} is "${actual}", not "${expected}"`)
      }
      codes.add(id)
    }
    // Latin-script synonyms (ASD, PTSD) are searched as English whichever list they came from.
    const latin = (name: string) =>
      !/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(name)
    const jaSynonyms = entry.jaSynonyms ?? []
    return {
      key: `tomoni:${entry.key}`,
      type: 'tomoni' as const,
      ownCodes: [`tomoni:${entry.key}`],
      codes,
      ja: entry.ja,
      reading: entry.reading,
      en: entry.en,
      jaNames: [entry.ja, ...jaSynonyms.filter((name) => !latin(name))],
      readings: [entry.reading, ...(entry.readings ?? [])],
      enNames: [entry.en, ...(entry.enSynonyms ?? []), ...jaSynonyms.filter(latin)],
      parents: (entry.parents ?? []).map((p) => (p.includes(':') ? p : `tomoni:${p}`)),
      kind: entry.kind,
      weight: 3,
      childhoodOnly: false,
    }
  })
}

/** English labels that identify an entity, folded, for telling which of several links is right. */
export function labelSet(entity: Entity): Set<string> {
  return new Set(entity.enNames.map(normalizeForSearch).filter((n) => n !== ''))
}

function capitalise(label: string): string {
  // `mRNA…`-style labels keep their case; ordinary lower-case labels start with a capital.
  return /^[a-z][a-z]/.test(label) ? label.charAt(0).toUpperCase() + label.slice(1) : label
}
