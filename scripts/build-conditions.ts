import path from 'node:path'
import { normalizeForSearch } from '#src/conditions/normalize.ts'
import type { ConditionRecord, Lang, NameKind } from '#src/reference/datasets.ts'
import { labelSet, readCurated, readDoid, readOrphanet, type Entity } from './condition-entities.ts'
import { readMondo, type Mondo } from './mondo-mappings.ts'
import { readNando } from './nando-entities.ts'
import { designatedWithoutNando } from './curated-conditions.ts'
import { designatedNames, extraParentLinks } from './condition-extras.ts'
import { list, readTsv } from './source-files.ts'

/**
 * Merges NANDO, Orphanet, DOID and our curated list into one concept table. Entities are joined
 * when a mapping says they are the same disease, strongest evidence first, and never so that one
 * concept would hold two entities of one source: a mapping that would do that is too loose to
 * trust, so the code is recorded on the concept but the entities stay apart.
 */
export function buildConditions(dataDir: string): ConditionRecord[] {
  const crosswalk = readTsv(
    path.join(dataDir, 'jp-crosswalk/nando_mondo_orphanet_icd_crosswalk.tsv'),
  )
  const crosswalkLabels = new Map<string, string>()
  for (const row of crosswalk) {
    const ids = list(row.mondo_ids)
    const labels = list(row.mondo_labels)
    ids.forEach((id, i) => crosswalkLabels.set(id, labels[i] ?? ''))
  }
  const mondo = readMondo(dataDir, crosswalkLabels)

  const doidRows = readTsv(path.join(dataDir, 'doid/doid_flat.tsv'))
  const doidLabels = new Map(doidRows.map((row) => [row.doid ?? '', row.label ?? '']))
  // Codes a mapping may point at; one that is in neither release is retired, so it is dropped.
  const known = new Set<string>(doidLabels.keys())
  for (const row of readTsv(path.join(dataDir, 'orphanet-orphapacket/orphanet_diseases.tsv'))) {
    known.add(`ORPHA:${row.orphacode}`)
  }

  const entities = [
    ...readNando(dataDir, mondo, known),
    ...readOrphanet(dataDir, mondo, known),
    ...readDoid(dataDir, mondo, known),
    ...readCurated(doidLabels),
  ]
  const byOwnCode = new Map<string, Entity>()
  for (const entity of entities) for (const code of entity.ownCodes) byOwnCode.set(code, entity)

  const groups = mergeEntities(entities, links(entities, byOwnCode, mondo))
  return toRecords(groups, byOwnCode, dataDir)
}

interface Link {
  a: Entity
  b: Entity
  score: number
}

function links(entities: Entity[], byOwnCode: Map<string, Entity>, mondo: Mondo): Link[] {
  const labels = new Map(entities.map((e) => [e, labelSet(e)]))
  const primary = (e: Entity) => normalizeForSearch(e.en ?? '')
  // Which of several candidates is right: the one whose English name is the other's.
  const bonus = (a: Entity, b: Entity) => {
    const pa = primary(a)
    const pb = primary(b)
    if (pa && pa === pb) return 4
    if (labels.get(b)?.has(pa) || labels.get(a)?.has(pb)) return 2
    return 0
  }
  const result: Link[] = []
  const push = (a: Entity | undefined, b: Entity | undefined, base: number) => {
    if (a && b && a !== b) result.push({ a, b, score: base + bonus(a, b) })
  }

  for (const entity of entities) {
    if (entity.type !== 'tomoni') continue
    for (const code of entity.codes)
      if (code.startsWith('DOID:')) push(entity, byOwnCode.get(code), 100)
  }

  const nandoByMondo = new Map<string, Entity[]>()
  for (const entity of entities) {
    if (entity.type !== 'nando') continue
    for (const code of entity.codes) {
      if (!code.startsWith('MONDO:')) continue
      const list = nandoByMondo.get(code) ?? []
      list.push(entity)
      nandoByMondo.set(code, list)
    }
  }
  const mondoIds = new Set([...mondo.orpha.keys(), ...mondo.doid.keys(), ...nandoByMondo.keys()])
  for (const m of mondoIds) {
    if (mondo.obsolete.has(m)) continue
    const orphas = [...(mondo.orpha.get(m) ?? [])].map((c) => byOwnCode.get(c))
    const doids = [...(mondo.doid.get(m) ?? [])].map((c) => byOwnCode.get(c))
    for (const o of orphas) for (const d of doids) push(o, d, 10)
    for (const n of nandoByMondo.get(m) ?? []) {
      const mondoCount = [...n.codes].filter((c) => c.startsWith('MONDO:')).length
      for (const x of [...orphas, ...doids]) push(n, x, mondoCount === 1 ? 6 : 5)
    }
  }

  for (const entity of entities) {
    if (entity.type !== 'doid') continue
    const ordo = [...entity.codes].filter((c) => c.startsWith('ORPHA:'))
    for (const code of ordo) push(entity, byOwnCode.get(code), ordo.length === 1 ? 7 : 6)
  }
  return result.sort((x, y) => y.score - x.score || linkKey(x).localeCompare(linkKey(y)))
}

const linkKey = (link: Link) => `${link.a.key} ${link.b.key}`

function mergeEntities(entities: Entity[], sortedLinks: Link[]): Entity[][] {
  const root = new Map(entities.map((e) => [e, e]))
  const members = new Map(entities.map((e) => [e, [e]]))
  const find = (e: Entity): Entity => {
    let r = e
    while (root.get(r) !== r) r = root.get(r) ?? r
    root.set(e, r)
    return r
  }
  for (const { a, b } of sortedLinks) {
    const ra = find(a)
    const rb = find(b)
    if (ra === rb) continue
    const joined = [...(members.get(ra) ?? []), ...(members.get(rb) ?? [])]
    const types = joined.map((e) => e.type)
    if (new Set(types).size !== types.length) continue
    const curated = joined.some((e) => e.type === 'tomoni')
    if (curated && joined.some((e) => e.childhoodOnly)) continue
    root.set(rb, ra)
    members.set(ra, joined)
    members.delete(rb)
  }
  return [...members.values()]
}

const typeOrder: Entity['type'][] = ['nando', 'tomoni', 'orphanet', 'doid']
const systems = ['NANDO:', 'MONDO:', 'ORPHA:', 'ICD10:', 'ICD10CM:', 'DOID:']

function toRecords(
  groups: Entity[][],
  byOwnCode: Map<string, Entity>,
  dataDir: string,
): ConditionRecord[] {
  const conceptOf = new Map<Entity, string>()
  for (const group of groups) {
    group.sort((a, b) => typeOrder.indexOf(a.type) - typeOrder.indexOf(b.type))
    const id = conceptId(group)
    for (const entity of group) conceptOf.set(entity, id)
  }
  const resolve = (code: string) => {
    const entity = byOwnCode.get(code)
    return entity ? conceptOf.get(entity) : undefined
  }
  const extraParents = extraParentLinks(dataDir, byOwnCode)
  const officialNames = designatedNames(dataDir)

  const records = groups.map((group): ConditionRecord => {
    const id = conceptId(group)
    const first = group[0] as Entity
    const named = (pick: (e: Entity) => string | null) =>
      group.map(pick).find((value): value is string => !!value) ?? null
    const ja = named((e) => e.ja)
    const reading = named((e) => e.reading)
    const en = named((e) => e.en)
    const parents = new Set<string>()
    for (const entity of group) {
      for (const p of [...entity.parents, ...(extraParents.get(entity) ?? [])]) {
        const parentId = resolve(p)
        if (parentId && parentId !== id) parents.add(parentId)
      }
    }
    const codes = new Set<string>()
    for (const entity of group) for (const code of entity.codes) codes.add(code)
    const extraJa = group.flatMap((e) => e.ownCodes.flatMap((c) => officialNames.get(c) ?? []))
    const curated = group.find((e) => e.type === 'tomoni')
    return {
      id,
      ja,
      en,
      reading,
      kind: curated?.kind ?? first.kind,
      source: first.type,
      parents: [...parents].sort(),
      codes: [...codes].sort(compareCodes),
      weight: Math.max(...group.map((e) => e.weight)),
      names: otherNames(group, { ja, en, reading }, extraJa),
    }
  })
  for (const { no, code } of designatedWithoutNando) {
    if (!byOwnCode.has(code)) throw new Error(`指定難病 ${no}: ${code} is not a known entity`)
  }
  return records.sort((a, b) => a.id.localeCompare(b.id))
}

function conceptId(group: Entity[]): string {
  const first = group[0] as Entity
  if (first.type === 'tomoni') {
    const doid = group.find((e) => e.type === 'doid')
    const orpha = group.find((e) => e.type === 'orphanet')
    return orpha?.ownCodes[0] ?? doid?.ownCodes[0] ?? `TOMONI:${first.key.slice('tomoni:'.length)}`
  }
  return first.ownCodes[0] ?? first.key
}

function compareCodes(a: string, b: string): number {
  const sa = systems.findIndex((s) => a.startsWith(s))
  const sb = systems.findIndex((s) => b.startsWith(s))
  return sa - sb || a.localeCompare(b, 'en', { numeric: true })
}

const abbreviation = /^[A-Z][A-Z0-9/-]{1,9}$/

function otherNames(
  group: Entity[],
  shown: { ja: string | null; en: string | null; reading: string | null },
  extraJa: string[],
): [Lang, NameKind, string][] {
  const seen = new Set<string>()
  const result: [Lang, NameKind, string][] = []
  const take = (lang: Lang, kind: NameKind, name: string, record: boolean) => {
    const clean = name.trim()
    const norm = normalizeForSearch(clean)
    if (!norm || seen.has(`${lang}\t${norm}`)) return
    seen.add(`${lang}\t${norm}`)
    if (record) result.push([lang, kind, clean])
  }
  if (shown.ja) take('ja', 'preferred', shown.ja, false)
  if (shown.en) take('en', 'preferred', shown.en, false)
  if (shown.reading) take('ja', 'reading', shown.reading, false)
  for (const entity of group) for (const name of entity.readings) take('ja', 'reading', name, true)
  for (const entity of group) for (const name of entity.jaNames) take('ja', 'synonym', name, true)
  for (const name of extraJa) take('ja', 'synonym', name, true)
  for (const entity of group) {
    for (const name of entity.enNames) {
      const isAbbreviation = abbreviation.test(name) && (name.match(/[A-Z]/g) ?? []).length >= 2
      take('en', isAbbreviation ? 'abbreviation' : 'synonym', name, true)
    }
  }
  return result
}
