import { describe, expect, it } from 'vitest'
import { parseCodeQuery } from './codes.ts'

describe('parseCodeQuery', () => {
  it('reads the contract prefixes in any case', () => {
    expect(parseCodeQuery('ORPHA:803')).toEqual(['ORPHA:803'])
    expect(parseCodeQuery('mondo:0004976')).toEqual(['MONDO:0004976'])
    expect(parseCodeQuery('icd10cm:g12.21')).toEqual(['ICD10CM:G12.21'])
    expect(parseCodeQuery('DOID:10487')).toEqual(['DOID:10487'])
  })

  it('accepts the spellings people use for the prefixes', () => {
    expect(parseCodeQuery('Orphanet 803')).toEqual(['ORPHA:803'])
    expect(parseCodeQuery('ICD-10: M34')).toEqual(['ICD10:M34'])
    expect(parseCodeQuery('ＮＡＮＤＯ：１２０００３４')).toEqual(['NANDO:1200034'])
  })

  it('pads NANDO and MONDO numbers to seven digits', () => {
    expect(parseCodeQuery('mondo:4976')).toEqual(['MONDO:0004976'])
  })

  it('reads a bare ICD-10 code as either edition', () => {
    expect(parseCodeQuery('c50')).toEqual(['ICD10:C50', 'ICD10CM:C50'])
  })

  it('leaves names alone', () => {
    expect(parseCodeQuery('ALS')).toEqual([])
    expect(parseCodeQuery('18トリソミー')).toEqual([])
    expect(parseCodeQuery('type 1 diabetes')).toEqual([])
    expect(parseCodeQuery('T1D')).toEqual([])
  })
})
