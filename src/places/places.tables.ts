export interface PlaceTables {
  /** Countries, Japanese prefectures and municipalities. */
  place: {
    /** ISO 3166-1 alpha-2 (`JP`), ISO 3166-2 (`JP-12`) or `JP-` + 地方公共団体コード (`JP-121002`). */
    id: string
    kind: string
    name_ja: string | null
    name_en: string | null
    /** Hiragana reading, for Japanese places. */
    reading_ja: string | null
    parent_id: string | null
    lat: number | null
    lon: number | null
  }
}
