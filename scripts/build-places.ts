import path from 'node:path'
import type { PlaceRecord } from '#src/reference/datasets.ts'
import { readCsv } from './source-files.ts'

/** Countries, then the 47 prefectures (parent `JP`), then municipalities (parent their prefecture). */
export function buildPlaces(dataDir: string): PlaceRecord[] {
  const countries = readCsv(path.join(dataDir, 'countries/countries_en_ja.csv')).map(
    (row): PlaceRecord => ({
      id: required(row.cca2, 'cca2'),
      kind: 'country',
      // SOURCE.md advises the CLDR name for display: it is the one Japanese readers expect.
      ja: row.name_ja_cldr_i18n || row.name_ja_common || null,
      en: row.name_en_common || null,
      reading: null,
      parent: null,
      lat: toNumber(row.lat),
      lon: toNumber(row.lng),
    }),
  )

  const prefectures = readCsv(path.join(dataDir, 'jp-localgov/prefjp-utf8.csv')).map(
    (row): PlaceRecord => ({
      id: required(row['ISO3166-2'], 'ISO3166-2'),
      kind: 'prefecture',
      ja: row.pref || null,
      en: row.pref_en || null,
      reading: row.prefkana || null,
      parent: 'JP',
      lat: toNumber(row.lat),
      lon: toNumber(row.lng),
    }),
  )
  const prefectureByPid = new Map(
    readCsv(path.join(dataDir, 'jp-localgov/prefjp-utf8.csv')).map((row) => [
      row.pid,
      row['ISO3166-2'],
    ]),
  )

  const municipalities = readCsv(path.join(dataDir, 'jp-localgov/localgovjp-utf8.csv')).map(
    (row): PlaceRecord => {
      const lgcode = required(row.lgcode, 'lgcode').padStart(6, '0')
      return {
        id: `JP-${lgcode}`,
        kind: 'municipality',
        // The source writes a designated city's ward as "札幌市 中央区"; Japanese writes it solid.
        ja: row.city ? row.city.replace(/\s+/g, '') : null,
        en: null,
        reading: row.citykana ? row.citykana.replace(/\s+/g, '') : null,
        parent: prefectureByPid.get(row.pid) ?? null,
        lat: toNumber(row.lat),
        lon: toNumber(row.lng),
      }
    },
  )

  const all = [...countries, ...prefectures, ...municipalities]
  const ids = new Set<string>()
  for (const place of all) {
    if (ids.has(place.id)) throw new Error(`duplicate place id ${place.id}`)
    ids.add(place.id)
  }
  for (const place of all) {
    if (place.parent && !ids.has(place.parent))
      throw new Error(`${place.id}: no parent ${place.parent}`)
  }
  if (prefectures.length !== 47)
    throw new Error(`expected 47 prefectures, got ${prefectures.length}`)
  return all
}

function required(value: string | undefined, column: string): string {
  if (!value) throw new Error(`missing ${column}`)
  return value
}

function toNumber(value: string | undefined): number | null {
  if (value === undefined || value.trim() === '') return null
  const n = Number(value)
  return Number.isFinite(n) ? n : null
}
