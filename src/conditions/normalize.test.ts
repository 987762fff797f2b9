import { describe, expect, it } from 'vitest'
import { normalizeForSearch } from './normalize.ts'

describe('normalizeForSearch', () => {
  it('folds full- and half-width forms', () => {
    expect(normalizeForSearch('ＩｇＡ腎症')).toBe('iga腎症')
    expect(normalizeForSearch('ﾎﾟﾝﾍﾟ病')).toBe('ぽんぺ病')
    expect(normalizeForSearch('ﾆｰﾏﾝ･ﾋﾟｯｸ病C型')).toBe(normalizeForSearch('ニーマン・ピック病Ｃ型'))
  })

  it('reads katakana as hiragana, keeping the long vowel mark', () => {
    expect(normalizeForSearch('メープルシロップニョウショウ')).toBe('めーぷるしろっぷにょうしょう')
    expect(normalizeForSearch('ドラベショウコウグン')).toBe('どらべしょうこうぐん')
  })

  it('makes small vowels full size, so both spellings of a loan word meet', () => {
    expect(normalizeForSearch('ウィルソン病')).toBe(normalizeForSearch('ウイルソン病'))
    expect(normalizeForSearch('うっ血')).not.toBe(normalizeForSearch('うつ血'))
  })

  it('ignores case and diacritics', () => {
    expect(normalizeForSearch('Sjögren Syndrome')).toBe('sjogren syndrome')
    expect(normalizeForSearch('Ménière')).toBe('meniere')
    expect(normalizeForSearch('Bjørnstad')).toBe('bjornstad')
  })

  it('drops possessives and turns punctuation into single spaces', () => {
    expect(normalizeForSearch("Wilson's disease")).toBe('wilson disease')
    expect(normalizeForSearch('Williams-Beuren  syndrome')).toBe('williams beuren syndrome')
    expect(normalizeForSearch('  ME/CFS ')).toBe('me cfs')
  })

  it('removes spaces and dots next to Japanese', () => {
    expect(normalizeForSearch('IgＡ 腎症')).toBe('iga腎症')
    expect(normalizeForSearch('Pompe 病')).toBe('pompe病')
    expect(normalizeForSearch('しんけい・きんしっかん')).toBe('しんけいきんしっかん')
  })

  it('folds a name to nothing when it has no letters or digits', () => {
    expect(normalizeForSearch(' ・ - ')).toBe('')
  })
})
