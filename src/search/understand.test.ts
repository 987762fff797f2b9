import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDb } from '../../tests/db.ts'
import type { DbHandle } from '#src/platform/db.ts'
import { lexiconOf, type Lexicon } from './lexicon.ts'
import { kanaToRomaji, romajiVariants } from './romaji.ts'
import { keysOfTerm, textKeys } from './text.ts'
import { understandQuery } from './understand.ts'

describe('query understanding', () => {
  let handle: DbHandle
  let lexicon: Lexicon
  beforeAll(async () => {
    handle = await createTestDb()
    lexicon = await lexiconOf(handle.db)
  })
  afterAll(() => handle.close())

  const localities = new Map([
    ['tulsa', 0],
    ['baton rouge', 1],
  ])
  /** What was recognised, as `kind:value` strings in the order of the text, and the rest. */
  const read = (q: string) => {
    const u = understandQuery(q, lexicon, { get: (norm) => localities.get(norm) })
    const items = u.items.map((i) => {
      switch (i.kind) {
        case 'condition':
          return `condition:${i.concepts.map((c) => lexicon.concepts[c]!.id).join('|')}`
        case 'place':
          return `place:${lexicon.places[i.place]!.id}`
        case 'locality':
          return `locality:${i.locality}`
        case 'free':
          return 'free'
        default:
          return `${i.kind}:${i.value}`
      }
    })
    return { items, terms: u.terms }
  }
  const placeId = (ja: string) => lexicon.places.find((p) => p.ja === ja)!.id

  it('reads condition, place and audience in Japanese, with or without spaces', () => {
    const expected = ['place:JP-12', 'condition:TOMONI:childhood-cancer', 'audience:parents']
    expect(read('千葉 小児がん 親の会')).toEqual({ items: expected, terms: [] })
    expect(read('千葉小児がん親の会')).toEqual({ items: expected, terms: [] })
    expect(read('千葉県の小児がんの親の会')).toEqual({ items: expected, terms: [] })
  })

  it('reads Japanese written in kana, full width or half width', () => {
    expect(read('しずおか しょうにがん おやのかい').items).toEqual([
      'place:JP-22',
      'condition:TOMONI:childhood-cancer',
      'audience:parents',
    ])
    expect(read('ﾎﾟﾝﾍﾟ病').items).toEqual(read('ポンペ病').items)
    expect(read('ＡＬＳ').items).toEqual(['condition:NANDO:1200002'])
  })

  it('takes the longest name, so a specific condition is not read as a broader one', () => {
    expect(read('小児がん').items).toEqual(['condition:TOMONI:childhood-cancer'])
    expect(read('がん').items).toEqual(['condition:DOID:162'])
    // A whole name beats the beginning of a longer one ("childhood brain germinoma").
    expect(read('childhood brain tumour').items).toEqual(['condition:DOID:1319'])
  })

  it('reads the beginning of a condition name where people leave the rest unsaid', () => {
    expect(read('ダウン症').items).toEqual(read('ダウン症候群').items)
    expect(read('シェーグレン 熊本').items).toEqual(['condition:NANDO:1200279', 'place:JP-43'])
    expect(read('sickle cell').items).toEqual(['condition:NANDO:2200624'])
    // Not where the rest changes the meaning: 新生児 (newborn) is not 新生児死.
    expect(read('新生児').items).toEqual([])
  })

  it('reads abbreviations only in capitals', () => {
    expect(read('ALS').items).toEqual(['condition:NANDO:1200002'])
    expect(read('PSP 家族会').items).toEqual(['condition:NANDO:1200009', 'audience:family'])
    expect(read('all groups for parents')).toEqual({
      items: ['audience:parents'],
      terms: ['all'],
    })
    expect(read('ms').items).toEqual([])
  })

  it('reads prefectures, cities and countries in both languages, with or without 県/市', () => {
    for (const q of ['静岡', '静岡県', 'しずおか', 'Shizuoka', 'shizuoka', 'Shizuoka Prefecture']) {
      expect(read(q).items, q).toEqual(['place:JP-22'])
    }
    for (const q of ['Chiba', 'chiba', '千葉', '千葉県', 'ちばけん']) {
      expect(read(q).items, q).toEqual(['place:JP-12'])
    }
    expect(read('熊本').items).toEqual(['place:JP-43'])
    const hamamatsu = placeId('浜松市')
    for (const q of ['浜松', '浜松市', 'はままつし', 'Hamamatsu', 'hamamatsu']) {
      expect(read(q).items, q).toEqual([`place:${hamamatsu}`])
    }
    // A designated city before a town of the same name (横浜市, not 横浜町 in Aomori).
    expect(read('横浜').items).toEqual([`place:${placeId('横浜市')}`])
    expect(read('UK').items).toEqual(['place:GB'])
    expect(read('アメリカ').items).toEqual(['place:US'])
    expect(read('Japan').items).toEqual(['place:JP'])
  })

  it('leaves an ambiguous town name alone unless the query settles it', () => {
    // 府中市 is in Tokyo and in Hiroshima.
    expect(read('府中 乳がん').items).toEqual(['condition:DOID:1612'])
    const fuchuTokyo = lexicon.places.find(
      (p) => p.ja === '府中市' && p.parent !== null && lexicon.places[p.parent]!.id === 'JP-13',
    )!
    expect(read('東京都府中市 乳がん').items).toEqual([
      `place:${fuchuTokyo.id}`,
      'condition:DOID:1612',
    ])
  })

  it('keeps romaji that is also an English word for the town only when capitalised', () => {
    expect(read('Kobe epilepsy').items).toEqual([
      `place:${placeId('神戸市')}`,
      'condition:DOID:1826',
    ])
    expect(read('kobe epilepsy')).toEqual({ items: ['condition:DOID:1826'], terms: ['kobe'] })
  })

  it('reads who the group is for, its format and fee, in both languages', () => {
    expect(read('熊本 きょうだい').items).toEqual(['place:JP-43', 'audience:siblings'])
    expect(read('兄弟姉妹').items).toEqual(['audience:siblings'])
    // 遺族 is the bereaved as an audience here, not the condition "bereavement".
    expect(read('岡山 小児がん 遺族').items).toEqual([
      'place:JP-33',
      'condition:TOMONI:childhood-cancer',
      'audience:bereaved',
    ])
    expect(read('young people').items).toEqual(['audience:young_people'])
    expect(read('teens').items).toEqual(['audience:young_people'])
    expect(read('オンライン 無料').items).toEqual(['attendance:online', 'free'])
    expect(read('Zoom').items).toEqual(['attendance:online'])
    expect(read('free online group').items).toEqual(['free', 'attendance:online'])
    expect(read('対面').items).toEqual(['attendance:in_person'])
    expect(read('in English').items).toEqual(['language:en'])
    expect(read('病院').items).toEqual(['type:hospital'])
  })

  it('reads "children" as the patients when parents are asked for', () => {
    expect(read('online group for parents of children with leukemia')).toEqual({
      items: ['attendance:online', 'audience:parents', 'condition:NANDO:2100002'],
      terms: [],
    })
    expect(read('白血病の子どもを持つ親の会').items).toEqual([
      'condition:DOID:1240|NANDO:2100002',
      'audience:parents',
    ])
    expect(read('kids').items).toEqual(['audience:children'])
  })

  it('reads the towns of the directory as places, and leaves the rest as words', () => {
    expect(read('Down syndrome teens Tulsa').items).toEqual([
      'condition:NANDO:2200965',
      'audience:young_people',
      'locality:0',
    ])
    expect(read('sickle cell family support Baton Rouge').items).toEqual([
      'condition:NANDO:2200624',
      'audience:family',
      'locality:1',
    ])
    expect(read('ひまわりの会')).toEqual({ items: [], terms: ['ひまわり'] })
    expect(read('epilepsy support group Boise')).toEqual({
      items: ['condition:DOID:1826'],
      terms: ['boise'],
    })
  })

  it('answers blank and punctuation-only text with nothing', () => {
    expect(read('')).toEqual({ items: [], terms: [] })
    expect(read(' 、。・ ')).toEqual({ items: [], terms: [] })
  })
})

describe('romaji', () => {
  it('writes readings in Hepburn, long vowels plain as place names are', () => {
    expect(kanaToRomaji('はままつ')).toBe('hamamatsu')
    expect(kanaToRomaji('きょうと')).toBe('kyouto')
    expect(romajiVariants('きょうと')).toEqual(['kyoto', 'kyouto'])
    expect(romajiVariants('とよおか')).toEqual(['toyoka', 'toyooka'])
    expect(kanaToRomaji('しんじゅく')).toBe('shinjuku')
    expect(kanaToRomaji('ちゃたん')).toBe('chatan')
    expect(kanaToRomaji('はっとり')).toBe('hattori')
    expect(kanaToRomaji('べっぷ')).toBe('beppu')
    expect(kanaToRomaji('漢字')).toBeNull()
  })
})

describe('full-text keys', () => {
  it('cuts Japanese into character pairs and other text into words, plurals folded', () => {
    expect(textKeys(['ひまわりの会'])).toEqual(['ひま', 'まわ', 'わり', 'りの', 'の会'])
    expect(textKeys(['Parents Groups, Tulsa'])).toEqual(['parent', 'group', 'tulsa'])
    expect(keysOfTerm('families')).toEqual(['family'])
    expect(keysOfTerm('肺')).toEqual(['肺'])
  })
})
