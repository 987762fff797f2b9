/**
 * Hiragana to Hepburn romaji, for the English spelling of Japanese place names the reference data
 * gives only a reading for (はままつ → hamamatsu).
 */
// prettier-ignore
const table: Record<string, string> = {
  あ: 'a', い: 'i', う: 'u', え: 'e', お: 'o',
  か: 'ka', き: 'ki', く: 'ku', け: 'ke', こ: 'ko',
  さ: 'sa', し: 'shi', す: 'su', せ: 'se', そ: 'so',
  た: 'ta', ち: 'chi', つ: 'tsu', て: 'te', と: 'to',
  な: 'na', に: 'ni', ぬ: 'nu', ね: 'ne', の: 'no',
  は: 'ha', ひ: 'hi', ふ: 'fu', へ: 'he', ほ: 'ho',
  ま: 'ma', み: 'mi', む: 'mu', め: 'me', も: 'mo',
  や: 'ya', ゆ: 'yu', よ: 'yo',
  ら: 'ra', り: 'ri', る: 'ru', れ: 're', ろ: 'ro',
  わ: 'wa', ゐ: 'i', ゑ: 'e', を: 'o', ん: 'n',
  が: 'ga', ぎ: 'gi', ぐ: 'gu', げ: 'ge', ご: 'go',
  ざ: 'za', じ: 'ji', ず: 'zu', ぜ: 'ze', ぞ: 'zo',
  だ: 'da', ぢ: 'ji', づ: 'zu', で: 'de', ど: 'do',
  ば: 'ba', び: 'bi', ぶ: 'bu', べ: 'be', ぼ: 'bo',
  ぱ: 'pa', ぴ: 'pi', ぷ: 'pu', ぺ: 'pe', ぽ: 'po',
  ぁ: 'a', ぃ: 'i', ぅ: 'u', ぇ: 'e', ぉ: 'o', ゔ: 'vu',
}

const youon: Record<string, string> = { ゃ: 'a', ゅ: 'u', ょ: 'o' }

/**
 * The ways a reading is written in Latin letters: long vowels plain (とうきょう → tokyo), and as
 * spelt (とよおか → toyooka, where the two o belong to different words). Empty for non-kana.
 */
export function romajiVariants(kana: string): string[] {
  const full = kanaToRomaji(kana)
  if (full === null) return []
  const plain = full.replace(/ou|oo/g, 'o').replace(/uu/g, 'u')
  return plain === full ? [full] : [plain, full]
}

/** Strict Hepburn romaji of a hiragana string; null when it holds anything else. */
export function kanaToRomaji(kana: string): string | null {
  let out = ''
  const chars = [...kana]
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!
    const next = chars[i + 1]
    if (ch === 'っ') {
      const following = next ? table[next] : undefined
      if (!following) return null
      out += following.startsWith('ch') ? 't' : following[0]
      continue
    }
    if (ch === 'ー') continue
    const base = table[ch]
    if (base === undefined) return null
    if (next && youon[next]) {
      // きょ → kyo, しょ → sho, ちゅ → chu, じゃ → ja
      const stem = base.slice(0, -1)
      out += (stem === 'sh' || stem === 'ch' || stem === 'j' ? stem : `${stem}y`) + youon[next]
      i++
      continue
    }
    // ん before a vowel or y is written n' in strict Hepburn; place names drop the mark.
    out += base
  }
  return out
}
