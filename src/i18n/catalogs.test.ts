import { IntlMessageFormat } from 'intl-messageformat'
import { describe, expect, it } from 'vitest'
import { catalogParts, catalogs, translate, type MessageKey, type MessageValues } from './i18n.ts'
import { locales } from './locale.ts'

/** Messages that read the same in both languages: names, and each language's own name. */
const sameInBothLanguages = new Set<string>([
  'layout.brandKanji',
  'layout.brandLatin',
  'layout.language.ja',
  'layout.language.en',
  'credits.mondo.name',
  'credits.worldCountries.name',
  'credits.i18nCountries.name',
  // Messaging apps' names.
  'search.channel.line',
  'search.channel.whatsapp',
  'search.channel.messenger',
  'search.channel.telegram',
  'search.channel.signal',
  'search.channel.discord',
  'search.channel.slack',
])

interface AstNode {
  type: number
  value?: unknown
  options?: Record<string, { value: AstNode[] }>
}

// intl-messageformat's element types: 1 argument, 2 number, 3 date, 4 time, 5 select, 6 plural,
// 8 tag.
function sampleValues(nodes: AstNode[], values: MessageValues = {}): MessageValues {
  for (const node of nodes) {
    const name = String(node.value)
    if (node.type === 1 || node.type === 5) values[name] = 'sample'
    if (node.type === 2 || node.type === 6) values[name] = 2
    if (node.type === 3 || node.type === 4) values[name] = new Date('2026-11-22T10:00:00Z')
    for (const option of Object.values(node.options ?? {})) sampleValues(option.value, values)
  }
  return values
}

const containsTag = (nodes: AstNode[]): boolean =>
  nodes.some(
    (node) =>
      node.type === 8 ||
      Object.values(node.options ?? {}).some((option) => containsTag(option.value)),
  )

describe('message catalogs', () => {
  it('define each key in one file only', () => {
    for (const locale of locales) {
      const keys = catalogParts[locale].flatMap((part) => Object.keys(part))
      expect(keys.filter((key, i) => keys.indexOf(key) !== i)).toEqual([])
    }
  })

  it('have the same keys in Japanese and English', () => {
    expect(Object.keys(catalogs.ja).sort()).toEqual(Object.keys(catalogs.en).sort())
  })

  for (const locale of locales) {
    it(`parse and format every message in ${locale}`, () => {
      for (const [key, message] of Object.entries(catalogs[locale])) {
        expect(message.trim(), key).not.toBe('')
        const ast = new IntlMessageFormat(message, locale).getAst() as unknown as AstNode[]
        // translate() returns plain text, so rich-text tags would come out broken.
        expect(containsTag(ast), key).toBe(false)
        const text = translate(locale, key as MessageKey, sampleValues(ast))
        expect(text, key).not.toBe('')
      }
    })
  }

  it('translates every message that is not a name', () => {
    const untranslated = Object.keys(catalogs.en).filter(
      (key) =>
        !sameInBothLanguages.has(key) &&
        catalogs.en[key as MessageKey] === catalogs.ja[key as MessageKey],
    )
    expect(untranslated).toEqual([])
  })

  it('uses typographic apostrophes, since a straight one starts a quotation in ICU', () => {
    for (const locale of locales) {
      for (const [key, message] of Object.entries(catalogs[locale])) {
        expect(message.includes("'"), `${locale} ${key}`).toBe(false)
      }
    }
  })
})
