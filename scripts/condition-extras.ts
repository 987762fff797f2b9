import path from 'node:path'
import type { Entity } from './condition-entities.ts'
import { designatedWithoutNando } from './curated-conditions.ts'
import { list, readCsv, readObo, readTsv } from './source-files.ts'

/** Official names of 指定難病 numbers, keyed by the code of the entity they belong to. */
export function designatedNames(dataDir: string): Map<string, string[]> {
  const official = new Map(
    readCsv(path.join(dataDir, 'jp-intractable-list/intractable_disease.csv')).map((r) => [
      r.no ?? '',
      (r.name ?? '').trim(),
    ]),
  )
  const result = new Map<string, string[]>()
  for (const { no, code } of designatedWithoutNando) {
    const name = official.get(no)
    if (!name) throw new Error(`指定難病 ${no} is not in the official list`)
    result.set(code, [...(result.get(code) ?? []), name])
  }
  return result
}

/**
 * Hierarchy the sources do not state: our umbrella concepts above the childhood-cancer branch of
 * NANDO, the childhood-cancer slim of DOID, and the roots of the rare-disease classifications.
 */
export function extraParentLinks(
  dataDir: string,
  byOwnCode: Map<string, Entity>,
): Map<Entity, string[]> {
  const extra = new Map<Entity, string[]>()
  const addParent = (code: string, parent: string) => {
    const entity = byOwnCode.get(code)
    if (!entity) throw new Error(`extra parent link: ${code} is unknown`)
    extra.set(entity, [...(extra.get(entity) ?? []), parent])
  }
  addParent('NANDO:2100001', 'tomoni:childhood-cancer')
  addParent('NANDO:0000001', 'tomoni:rare-diseases')
  for (const entity of byOwnCode.values()) {
    if (entity.type === 'orphanet' && entity.parents.length === 0) {
      addParent(entity.ownCodes[0] ?? '', 'tomoni:rare-diseases')
    }
  }

  const doidParents = new Map<string, string[]>()
  for (const row of readTsv(path.join(dataDir, 'doid/doid_flat.tsv'))) {
    doidParents.set(row.doid ?? '', list(row.parent_ids))
  }
  const isCancer = (id: string, seen = new Set<string>()): boolean => {
    if (id === 'DOID:162') return true
    if (seen.has(id)) return false
    seen.add(id)
    return (doidParents.get(id) ?? []).some((p) => isCancer(p, seen))
  }
  const slim = readObo(path.join(dataDir, 'doid/DO_childhood_cancer_slim.obo')).filter(
    (term) => !term.subsets.includes('obsolete'),
  )
  const inSlim = new Set(slim.map((term) => term.id))
  for (const term of slim) {
    const parents = doidParents.get(term.id) ?? []
    // The topmost childhood cancers of the slim; the ones below reach the umbrella through them.
    if (isCancer(term.id) && !parents.some((p) => inSlim.has(p))) {
      addParent(term.id, 'tomoni:childhood-cancer')
    }
  }
  return extra
}
