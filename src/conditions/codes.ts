/** How people write each system's prefix, folded, to the contract's prefix. */
const prefixes: Record<string, string> = {
  nando: 'NANDO',
  mondo: 'MONDO',
  orpha: 'ORPHA',
  orphanet: 'ORPHA',
  ordo: 'ORPHA',
  icd10: 'ICD10',
  icd10who: 'ICD10',
  icd10cm: 'ICD10CM',
  doid: 'DOID',
}

// NANDO and MONDO ids are seven digits; people drop the leading zeros.
const padded = new Set(['NANDO', 'MONDO'])

/**
 * The codes a query could mean: `ORPHA:803`, `orphanet 803`, `mondo:4976`, `ICD10:M34`, or a bare
 * ICD-10 code such as `G12.21`, which may be WHO or CM. Empty when the query is not a code.
 */
export function parseCodeQuery(q: string): string[] {
  const text = q.normalize('NFKC').trim()
  const prefixed = /^([a-z][a-z0-9-]*?)[\s:_]*([a-z]?\d[a-z0-9.]*)$/i.exec(text)
  if (prefixed) {
    const system = prefixes[(prefixed[1] ?? '').toLowerCase().replace(/-/g, '')]
    const value = (prefixed[2] ?? '').toUpperCase()
    if (system) {
      const id = padded.has(system) && /^\d+$/.test(value) ? value.padStart(7, '0') : value
      return [`${system}:${id}`]
    }
  }
  if (/^[a-z]\d\d(\.\d{1,4})?$/i.test(text)) {
    const code = text.toUpperCase()
    return [`ICD10:${code}`, `ICD10CM:${code}`]
  }
  return []
}
