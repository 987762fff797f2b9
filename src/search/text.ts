import { normalizeForSearch } from '#src/conditions/normalize.ts'

/**
 * Full-text keys. Text is folded with the same normaliser as queries, then cut into keys: Latin
 * and other spaced scripts into words (plural -s taken off), Japanese into overlapping character
 * pairs, so that any stretch of two or more characters is found without a dictionary. A query
 * word matches a text when all of its keys are in it.
 */
const japaneseRun = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー々〆ヶ]+/gu
const wordRun = /[\p{L}\p{N}]+/gu

export function stem(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`
  if (word.length > 3 && word.endsWith('s') && !/(ss|us|is)$/.test(word)) return word.slice(0, -1)
  return word
}

function keysOfFolded(folded: string, out: Set<string>) {
  for (const match of folded.matchAll(japaneseRun)) {
    const run = match[0]
    if (run.length === 1) {
      out.add(run)
      continue
    }
    for (let i = 0; i + 1 < run.length; i++) out.add(run.slice(i, i + 2))
  }
  const rest = folded.replace(japaneseRun, ' ')
  for (const match of rest.matchAll(wordRun)) {
    const word = match[0]
    if (word.length >= 2 || /\d/.test(word)) out.add(stem(word))
  }
}

/** The keys of a group's texts (names, descriptions, places), each once. */
export function textKeys(texts: (string | null | undefined)[]): string[] {
  const out = new Set<string>()
  for (const text of texts) if (text) keysOfFolded(normalizeForSearch(text), out)
  return [...out]
}

/** The keys a folded query word needs: itself stemmed, or its character pairs. */
export function keysOfTerm(term: string): string[] {
  const out = new Set<string>()
  keysOfFolded(term, out)
  return [...out]
}
