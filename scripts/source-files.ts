import fs from 'node:fs'

/**
 * Readers for the shared reference data. Each file format there has its own quirks (SSSOM comment
 * headers, CRLF, one quoted TSV cell), so each reader handles exactly the format SOURCE.md states.
 */

/** A tab-separated file without quoting: one header line, then rows as objects. */
export function readTsv(file: string, options: { comments?: boolean } = {}) {
  let lines = fs.readFileSync(file, 'utf8').split(/\r?\n/)
  if (options.comments) lines = lines.filter((line) => !line.startsWith('#'))
  lines = lines.filter((line) => line.length > 0)
  const [header, ...rest] = lines
  if (!header) throw new Error(`${file} is empty`)
  const columns = header.split('\t')
  return rest.map((line) => {
    const cells = line.split('\t')
    const row: Record<string, string> = {}
    columns.forEach((column, i) => (row[column] = cells[i] ?? ''))
    return row
  })
}

/** A comma-separated file with standard CSV quoting. */
export function readCsv(file: string): Record<string, string>[] {
  const records = parseCsv(fs.readFileSync(file, 'utf8'))
  const [header, ...rest] = records
  if (!header) throw new Error(`${file} is empty`)
  return rest
    .filter((cells) => cells.length > 1 || cells[0] !== '')
    .map((cells) => {
      const row: Record<string, string> = {}
      header.forEach((column, i) => (row[column] = cells[i] ?? ''))
      return row
    })
}

export function parseCsv(text: string): string[][] {
  const records: string[][] = []
  let record: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (ch === '"') {
        quoted = false
      } else {
        cell += ch
      }
    } else if (ch === '"') {
      quoted = true
    } else if (ch === ',') {
      record.push(cell)
      cell = ''
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++
      record.push(cell)
      records.push(record)
      record = []
      cell = ''
    } else {
      cell += ch
    }
  }
  if (cell !== '' || record.length > 0) {
    record.push(cell)
    records.push(record)
  }
  return records
}

export function readJsonl<T>(file: string): T[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T)
}

/** Splits a `|`-joined list cell; an empty cell is an empty list. */
export function list(cell: string | undefined): string[] {
  return cell ? cell.split('|').filter((item) => item !== '') : []
}

export interface OboTerm {
  id: string
  name: string
  subsets: string[]
  isA: string[]
}

/** The few OBO tags the build needs from the DO slims. */
export function readObo(file: string): OboTerm[] {
  const terms: OboTerm[] = []
  let current: OboTerm | undefined
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('[')) {
      current = line.startsWith('[Term]') ? { id: '', name: '', subsets: [], isA: [] } : undefined
      if (current) terms.push(current)
      continue
    }
    if (!current) continue
    const [tag, ...rest] = line.split(': ')
    const value = rest.join(': ')
    if (tag === 'id') current.id = value
    else if (tag === 'name') current.name = value
    else if (tag === 'subset') current.subsets.push(value)
    else if (tag === 'is_a') current.isA.push(value.split(' ')[0] ?? '')
    else if (tag === 'is_obsolete' && value === 'true') current.subsets.push('obsolete')
  }
  return terms
}
