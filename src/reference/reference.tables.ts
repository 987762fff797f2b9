export interface ReferenceTables {
  /** Which version of each shipped reference data set is loaded, so start-up loads only once. */
  reference_dataset: {
    name: string
    checksum: string
    rows: number
    loaded_at: Date
  }
}
