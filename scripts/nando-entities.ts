import path from 'node:path'
import type { Entity } from './condition-entities.ts'
import { mondoCodes, type Mondo } from './mondo-mappings.ts'
import { list, readCsv, readJsonl, readTsv } from './source-files.ts'

interface NandoRow {
  nando_id: string
  label_ja: string
  label_ja_hira: string
  label_en: string
  alt_labels_ja: string[]
  alt_labels_en: string[]
  parents: string[]
  notification_number: string
  deprecated: boolean
}

const nandoRoots = new Set(['NANDO:0000001', 'NANDO:1000001', 'NANDO:2000001'])

/** `1` for the 指定難病 branch, `2` for 小児慢性特定疾病. */
const branch = (id: string) => id.charAt(6)

/** NANDO as entities: one per cluster of classes that name the same disease. */
export function readNando(dataDir: string, mondo: Mondo, known: Set<string>): Entity[] {
  const rows = readJsonl<NandoRow>(path.join(dataDir, 'nando/nando_flat.jsonl')).filter(
    (row) => !row.deprecated && row.nando_id !== 'NANDO:0000002',
  )
  const crosswalk = new Map(
    readTsv(path.join(dataDir, 'jp-crosswalk/nando_mondo_orphanet_icd_crosswalk.tsv')).map((r) => [
      r.nando_id ?? '',
      list(r.mondo_ids).filter((id) => !mondo.obsolete.has(id)),
    ]),
  )
  const official = new Map(
    readCsv(path.join(dataDir, 'jp-intractable-list/intractable_disease.csv')).map((r) => [
      r.no ?? '',
      (r.name ?? '').trim(),
    ]),
  )
  return clusterNando(rows, crosswalk).map((members) => {
    const rank = (r: NandoRow) =>
      (branch(r.nando_id) === '1' ? 0 : 2) + (r.notification_number ? 0 : 1)
    members.sort((a, b) => rank(a) - rank(b) || a.nando_id.localeCompare(b.nando_id))
    const primary = members[0] as NandoRow
    const ids = members.map((m) => m.nando_id)
    const codes = new Set<string>(ids)
    for (const m of ids.flatMap((id) => crosswalk.get(id) ?? [])) {
      for (const c of mondoCodes(mondo, m, known)) codes.add(c)
    }
    // NANDO stops at 2023; the current official name of a designated disease may differ.
    const officialNames = members
      .filter((m) => branch(m.nando_id) === '1' && m.parents.some((p) => p.startsWith('NANDO:11')))
      .flatMap((m) => official.get(m.notification_number) ?? [])
    const isGroup = members.some(
      (m) =>
        nandoRoots.has(m.nando_id) ||
        m.nando_id.startsWith('NANDO:11') ||
        m.parents.includes('NANDO:2000001'),
    )
    const designated = members.some((m) => branch(m.nando_id) === '1' && m.notification_number)
    return {
      key: `nando:${primary.nando_id}`,
      type: 'nando' as const,
      ownCodes: ids,
      codes,
      ja: primary.label_ja.trim() || null,
      reading: primary.label_ja_hira.trim() || null,
      en: primary.label_en.trim() || null,
      jaNames: [...members.flatMap((m) => [m.label_ja, ...m.alt_labels_ja]), ...officialNames],
      readings: members.map((m) => m.label_ja_hira),
      enNames: members.flatMap((m) => [m.label_en, ...m.alt_labels_en]),
      parents: members.flatMap((m) => m.parents),
      kind: isGroup ? ('group' as const) : ('disease' as const),
      weight: designated ? 2 : isGroup ? 1.2 : 1.6,
      childhoodOnly: members.every((m) => branch(m.nando_id) === '2'),
    }
  })
}

/**
 * Groups the classes that are one disease: the 指定難病 and 小児慢性 lists name many diseases
 * twice, and the 小児慢性 list repeats a disease as its own one-child 大分類. Same label and same
 * MONDO links, or same label as the parent, is one disease; so is the only class on each side of
 * one set of MONDO links (Hunter症候群 / ムコ多糖症II型). Sub-types that MONDO maps to their
 * parent's term stay apart.
 */
function clusterNando(rows: NandoRow[], crosswalk: Map<string, string[]>): NandoRow[][] {
  const byId = new Map(rows.map((row) => [row.nando_id, row]))
  const mondoKey = (id: string) => [...(crosswalk.get(id) ?? [])].sort().join('|')
  const label = (id: string) => (byId.get(id)?.label_ja ?? '').normalize('NFKC').trim()
  const root = new Map(rows.map((row) => [row.nando_id, row.nando_id]))
  const find = (id: string): string => {
    let r = id
    while (root.get(r) !== r) r = root.get(r) ?? r
    root.set(id, r)
    return r
  }
  const union = (a: string, b: string) => root.set(find(a), find(b))

  const byLabelAndMondo = new Map<string, string[]>()
  const byMondo = new Map<string, string[]>()
  for (const row of rows) {
    const key = mondoKey(row.nando_id)
    if (key) {
      addTo(byLabelAndMondo, `${label(row.nando_id)}\t${key}`, row.nando_id)
      addTo(byMondo, key, row.nando_id)
    }
    for (const p of row.parents) {
      if (byId.has(p) && label(p) === label(row.nando_id)) union(p, row.nando_id)
    }
  }
  for (const [first = '', ...others] of byLabelAndMondo.values()) {
    for (const id of others) union(first, id)
  }
  for (const ids of byMondo.values()) {
    const roots = [...new Set(ids.map(find))]
    if (roots.length !== 2) continue
    const sides = roots.map(
      (r) =>
        new Set(rows.filter((row) => find(row.nando_id) === r).map((row) => branch(row.nando_id))),
    )
    const [a, b] = sides.map((side) => (side.size === 1 ? [...side][0] : undefined))
    if (a && b && a !== b) union(roots[0] ?? '', roots[1] ?? '')
  }

  const clusters = new Map<string, NandoRow[]>()
  for (const row of rows) addTo(clusters, find(row.nando_id), row)
  return [...clusters.values()]
}

function addTo<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const existing = map.get(key)
  if (existing) existing.push(value)
  else map.set(key, [value])
}
