/**
 * Bumped whenever normalizeForSearch changes, so that the loader re-folds every stored name: names
 * and queries must be folded by the same version of this function or they stop matching.
 */
export const normalizerVersion = 2

// Loan words are spelt both ways (ウィルス/ウイルス, ヴァ/バ). The sokuon and the small ya/yu/yo
// stay: うっ and うつ, しょう and しよう are different words.
const smallKana: Record<string, string> = {
  ぁ: 'あ',
  ぃ: 'い',
  ぅ: 'う',
  ぇ: 'え',
  ぉ: 'お',
  ゎ: 'わ',
  ゕ: 'か',
  ゖ: 'け',
  ゔ: 'ぶ',
}

// Letters NFD does not take apart but people type without their marks.
const latinFolds: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  đ: 'd',
  ł: 'l',
  ı: 'i',
}

const japanese = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー`
// Japanese is written without spaces, so a space or a dot next to a Japanese character carries no
// meaning: `IgＡ 腎症`, `IgA腎症`, `ニーマン・ピック病` and `ニーマンピック病` must fold alike.
const spaceNextToJapanese = new RegExp(`\\s+(?=[${japanese}])|(?<=[${japanese}])\\s+`, 'gu')

/**
 * Folds a name or a query to the form both are compared in: NFKC (full- and half-width), lower
 * case, no diacritics, katakana as hiragana with small vowels made full size, possessive `'s`
 * dropped, punctuation as spaces, and no spaces around Japanese.
 */
export function normalizeForSearch(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .normalize('NFC')
    .replace(/[ßæœøđłı]/g, (ch) => latinFolds[ch] ?? ch)
    .replace(/[\u30a1-\u30f6]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0x60))
    .replace(/[ぁぃぅぇぉゎゕゖゔ]/g, (ch) => smallKana[ch] ?? ch)
    .replace(/['’‘`´]s\b/g, '')
    .replace(/['’‘`´]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .replace(spaceNextToJapanese, '')
    .trim()
}
