/**
 * How the demo's real organisations become listings: UK charities (UK-CAT tags) and US
 * non-profits (IRS NTEE codes), mapped to Tomoni's condition concepts, places and vocabularies.
 * The registers describe organisations, not meetings, so these listings say only what the
 * registers say, and are marked as imported from a public register and unverified.
 */
import type { GroupInputRaw, OrganisationInputRaw } from './groups.schema.ts'

/** One charity from UK-CAT's health-condition list, as `scripts/build-demo-data.ts` keeps it. */
export interface UkCharity {
  register: 'uk'
  /** org-id.guide identifier: `GB-CHC-1007685`, `GB-SC-SC000233`, `GB-NIC-NI100174`. */
  id: string
  number: string
  name: string
  regulator: 'CCEW' | 'OSCR' | 'CCNI'
  postcode: string | null
  website: string | null
  registered: string | null
  /** UK-CAT codes: `HE208`, `CA103`… */
  tags: string[]
  /** The charity's own description of its activities, from the register. */
  activities: string | null
}

/** One non-profit from the IRS Exempt Organizations Business Master File, NTEE group G. */
export interface UsNonprofit {
  register: 'us'
  ein: string
  name: string
  /** A chapter or "doing business as" name. */
  sortName: string | null
  city: string | null
  state: string
  zip: string | null
  ntee: string
  subsection: string
  ruling: string | null
}

export type DemoRecord = UkCharity | UsNonprofit

// ---------------------------------------------------------------------------------------------
// Conditions

/** UK-CAT health-condition tags → condition codes (our concepts, found by these codes). */
export const ukCatConditions: Record<string, string[]> = {
  HE201: ['DOID:9973'], // Addiction and dependency
  HE202: ['DOID:162'], // Cancer
  HE203: ['DOID:1969'], // Cerebral palsy
  HE204: ['DOID:8544'], // Chronic fatigue syndrome
  HE205: ['DOID:1307'], // Dementia
  HE206: ['DOID:631'], // Fibromyalgia
  HE207: ['TOMONI:HEARING-LOSS'], // Hearing loss
  HE208: ['DOID:526'], // HIV / Aids
  HE209: [], // Maternity: not a condition
  HE210: ['DOID:150'], // Mental health
  HE211: ['DOID:332'], // Motor neurone disease
  HE212: ['DOID:2377'], // Multiple sclerosis
  HE213: ['DOID:10923'], // Sickle cell
  HE214: ['DOID:0051061'], // Strokes
  HE215: ['DOID:1432'], // Visual impairment
}

/** NTEE codes of major group G → condition codes; codes for activities (G01, G12…) map to none. */
export const nteeConditions: Record<string, string[]> = {
  G20: ['TOMONI:RARE-DISEASES'], // Birth defects and genetic diseases
  G25: ['DOID:14250'], // Down syndrome
  G30: ['DOID:162'], // Cancer
  G32: ['DOID:1612'], // Breast cancer
  G41: ['DOID:1432'], // Eye diseases, blindness and vision impairments
  G42: ['TOMONI:HEARING-LOSS'], // Ear and throat diseases
  G43: ['DOID:114'], // Heart and circulatory system diseases
  G44: ['DOID:557'], // Kidney diseases
  G45: ['DOID:850'], // Lung diseases
  G48: ['DOID:936'], // Brain disorders
  G50: ['DOID:863'], // Nerve, muscle and bone diseases
  G51: ['DOID:848'], // Arthritis
  G54: ['DOID:1826'], // Epilepsy
  G60: ['DOID:1205'], // Allergy related diseases
  G61: ['DOID:2841'], // Asthma
  G70: ['DOID:77'], // Digestive diseases and disorders
  G81: ['DOID:526'], // AIDS
  G83: ['DOID:10652'], // Alzheimer's disease
  G84: ['DOID:0060041'], // Autism
}

/**
 * Names say more than the registers' coarse tags ("… Breast Cancer Foundation"). A name that
 * matches gets the more specific concept, in place of the tag's broader one when it is narrower.
 */
export const nameConditions: [RegExp, string][] = [
  [/\bbreast cancer\b/i, 'DOID:1612'],
  [/\b(leukemia|leukaemia)\b/i, 'DOID:1240'],
  [/\blymphoma\b/i, 'DOID:0060058'],
  [/\bmyeloma\b/i, 'DOID:9538'],
  [/\bprostate\b/i, 'DOID:10283'],
  [/\bovarian\b/i, 'DOID:2394'],
  [/\b(lung cancer)\b/i, 'DOID:1324'],
  [/\b(colon|colorectal|bowel cancer)\b/i, 'DOID:9256'],
  [/\bpancreatic\b/i, 'DOID:1793'],
  [/\bmelanoma\b/i, 'DOID:1909'],
  [/\bbrain tumou?r\b/i, 'DOID:1319'],
  [/\bkidney cancer\b/i, 'DOID:263'],
  [
    /\b(child(hood|ren'?s)? cancer|pediatric cancer|paediatric cancer|kids? cancer)\b/i,
    'TOMONI:CHILDHOOD-CANCER',
  ],
  [/\bcystic fibrosis\b/i, 'DOID:1485'],
  [/\bdiabet(es|ic)\b/i, 'DOID:9351'],
  [/\blupus\b/i, 'DOID:9074'],
  [/\bparkinson/i, 'DOID:14330'],
  [/\bmultiple sclerosis\b/i, 'DOID:2377'],
  [/\b(crohn|colitis)\b/i, 'DOID:8778'],
  [/\bepilep/i, 'DOID:1826'],
  [/\bautis(m|tic)\b/i, 'DOID:0060041'],
  [/\bdown syndrome\b/i, 'DOID:14250'],
  [/\bsickle cell\b/i, 'DOID:10923'],
  [/\b(amyotrophic|motor neurone|lou gehrig)\b/i, 'DOID:332'],
  [/\bmuscular dystrophy\b/i, 'DOID:9884'],
  [/\bhuntington/i, 'DOID:12858'],
  [/\bspina bifida\b/i, 'DOID:0080074'],
  [/\bh(a)?emophilia\b/i, 'DOID:1926'],
  [/\bbrain injury\b/i, 'DOID:0081292'],
  [/\bstroke\b/i, 'DOID:0051061'],
  [/\balzheimer/i, 'DOID:10652'],
  [/\bdementia\b/i, 'DOID:1307'],
  [/\b(hiv|aids)\b/i, 'DOID:526'],
  [/\barthritis\b/i, 'DOID:848'],
  [/\bcerebral palsy\b/i, 'DOID:1969'],
  [/\b(blind|sight loss|visually impaired)\b/i, 'DOID:1432'],
  [/\b(deaf|hard of hearing|hearing loss)\b/i, 'TOMONI:HEARING-LOSS'],
  [/\bhepatitis\b/i, 'DOID:2237'],
  [/\bheart\b/i, 'DOID:114'],
  [/\bkidney(?! cancer)\b/i, 'DOID:557'],
  [/\bdyslexi/i, 'DOID:8927'],
]

/** Which concept a broader tag's code may give way to, by the name's more specific one. */
const broaderOf: Record<string, string[]> = {
  'DOID:162': [
    'DOID:1612',
    'DOID:1240',
    'DOID:0060058',
    'DOID:9538',
    'DOID:10283',
    'DOID:2394',
    'DOID:1324',
    'DOID:9256',
    'DOID:1793',
    'DOID:1909',
    'DOID:1319',
    'DOID:263',
    'TOMONI:CHILDHOOD-CANCER',
  ],
  'DOID:1307': ['DOID:10652'],
  'DOID:863': ['DOID:2377', 'DOID:332', 'DOID:9884', 'DOID:12858', 'DOID:14330', 'DOID:1969'],
  'DOID:936': ['DOID:0081292', 'DOID:1826', 'DOID:14330', 'DOID:1319'],
  'TOMONI:RARE-DISEASES': ['DOID:1485', 'DOID:9884', 'DOID:12858', 'DOID:0080074', 'DOID:1926'],
}

/** The conditions of a listing: the register's tags, refined by what its name says. */
export function conditionsOf(tagCodes: string[], name: string): string[] {
  const fromName = nameConditions.filter(([re]) => re.test(name)).map(([, code]) => code)
  const codes = new Set(tagCodes)
  for (const specific of fromName) {
    const broader = Object.entries(broaderOf).find(([, narrower]) => narrower.includes(specific))
    if (broader && codes.has(broader[0])) codes.delete(broader[0])
    codes.add(specific)
  }
  return [...codes].sort()
}

// ---------------------------------------------------------------------------------------------
// Names and texts

/** Words registers write in capitals that stay so. */
const acronyms = new Set(
  (
    'UK USA US HIV AIDS ALS MS ME CF NHS ADHD PTSD OCD LGBT LGBTQ LGBTQI CIO SCIO CIC YMCA YWCA ' +
    'BME NI II III IV DC NYC ASD MND BRCA CMV SIDS TB COPD IBD IBS RNIB RNID MDA NAMI PKU NF ' +
    'TSC SMA DMD EB CP ABI TBI VA ACS NCI PTA CEO MSA PSP NE NW SE SW NHL AML CLL ALL RSV HPV ' +
    'SLE CFS CMT DBA SADS ICU NICU PKD USO ARC LA AL AK AR CT DE HI ID KS KY ME MT ND NE NH NM ' +
    'NV OK RI SD UT VT WV WY'
  ).split(' '),
)
/** State codes are acronyms only where they stand alone as one; "ME" and "OK" are words too. */
const wordsToo = new Set(['ME', 'OK', 'HI', 'ALL', 'ARC', 'US'])
const smallWords = new Set([
  'a',
  'an',
  'and',
  'as',
  'at',
  'by',
  'for',
  'from',
  'in',
  'of',
  'on',
  'or',
  'the',
  'to',
  'with',
])

function titleWord(word: string, first: boolean): string {
  const bare = word.replace(/[^A-Za-z]/g, '')
  if (/\d/.test(word)) return word
  if (acronyms.has(bare) && !wordsToo.has(bare)) return word
  const lower = word.toLowerCase()
  if (!first && smallWords.has(lower)) return lower
  // "ALZHEIMER'S" → "Alzheimer's", "CO-OPERATIVE" → "Co-Operative", "(NORTH" → "(North".
  return lower.replace(
    /(^|[-/(“"])([a-z])/g,
    (_all, before: string, ch: string) => before + ch.toUpperCase(),
  )
}

/**
 * Registers write names in capitals; people read them better in title case. Known acronyms
 * (HIV, NHS, ALS…) and words with digits are kept. Names already in mixed case are left alone.
 */
export function titleCase(name: string): string {
  const text = name.trim().replace(/\s+/g, ' ')
  if (text !== text.toUpperCase()) return text
  return text
    .split(' ')
    .map((word, i) => titleWord(word, i === 0))
    .join(' ')
}

/** A register description in capitals, in sentence case; acronyms kept. */
export function sentenceCase(text: string): string {
  const flat = text.trim().replace(/\s+/g, ' ')
  if (flat !== flat.toUpperCase() || !/[A-Z]/.test(flat)) return flat
  return flat
    .split(' ')
    .map((word) => {
      const bare = word.replace(/[^A-Za-z]/g, '')
      return acronyms.has(bare) && !wordsToo.has(bare) && bare.length > 1
        ? word
        : word.toLowerCase()
    })
    .join(' ')
    .replace(
      /(^|[.!?]\s+)([a-z])/g,
      (_all, before: string, ch: string) => before + ch.toUpperCase(),
    )
}

/** A register's web address as a URL, or nothing. */
export function websiteUrl(text: string | null): string | null {
  if (!text) return null
  const trimmed = text.trim()
  const withScheme = /^https?:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`
  try {
    const url = new URL(withScheme)
    if (!url.hostname.includes('.')) return null
    return url.toString()
  } catch {
    return null
  }
}

// ---------------------------------------------------------------------------------------------
// UK charities

const regulators = {
  CCEW: { scheme: 'GB-CHC', area: 'England and Wales' },
  OSCR: { scheme: 'GB-SC', area: 'Scotland' },
  CCNI: { scheme: 'GB-NIC', area: 'Northern Ireland' },
} as const

const ukAudience: Record<string, string> = {
  BE102: 'children',
  BE109: 'parents',
  BE115: 'young_people',
  SC102: 'family',
  SW102: 'bereaved',
}
const ukActivities: Record<string, string> = {
  CA101: 'advocacy',
  CA103: 'advocacy',
  AS105: 'social',
  SW107: 'social',
  CV102: 'fundraising',
  CA201: 'fundraising',
  CA202: 'fundraising',
  ED300: 'lectures',
}

function ukKind(tags: string[]): OrganisationInputRaw['kind'] {
  if (tags.some((t) => ['HE400', 'HE401', 'HE402'].includes(t))) return 'hospital'
  if (tags.some((t) => t === 'CA101' || t === 'CA103')) return 'patient_advocacy'
  if (tags.some((t) => t === 'CA201' || t === 'CA202')) return 'foundation'
  return 'other'
}

export interface DemoListing {
  organisation: OrganisationInputRaw & { id: string }
  group: GroupInputRaw & { id: string }
}

export function ukListing(c: UkCharity): DemoListing {
  const regulator = regulators[c.regulator]
  const name = titleCase(c.name)
  const url = websiteUrl(c.website)
  const conditions = conditionsOf(
    c.tags.flatMap((t) => ukCatConditions[t] ?? []),
    name,
  )
  const audience = [...new Set(c.tags.map((t) => ukAudience[t]).filter((a): a is string => !!a))]
  const activities = [
    ...new Set(c.tags.map((t) => ukActivities[t]).filter((a): a is string => !!a)),
  ]
  const description = c.activities ? sentenceCase(c.activities) : null
  const types: string[] = []
  if (conditions.length) types.push('disease_specific')
  if (audience.includes('parents') || audience.includes('family')) types.push('family')
  if (audience.includes('bereaved')) types.push('bereaved')
  return {
    organisation: {
      id: c.id,
      kind: ukKind(c.tags),
      name: { original: 'en', en: name },
      description: description ? { original: 'en', en: description } : null,
      url,
      identifiers: [
        { id: c.id, scheme: regulator.scheme, type: 'charity number', identifier: c.number },
      ],
    },
    group: {
      id: `${c.id}.listing`,
      organisation_id: c.id,
      name: { original: 'en', en: name },
      description: description ? { original: 'en', en: description } : null,
      url,
      types: types as GroupInputRaw['types'],
      audience: audience as GroupInputRaw['audience'],
      conditions,
      activities: activities as GroupInputRaw['activities'],
      languages: ['en'],
      service_areas: [{ id: `${c.id}.area`, name: regulator.area, place: 'GB' }],
    },
  }
}

// ---------------------------------------------------------------------------------------------
// US non-profits

export const usStates: Record<string, { en: string; ja: string }> = {
  AK: { en: 'Alaska', ja: 'アラスカ州' },
  AL: { en: 'Alabama', ja: 'アラバマ州' },
  AR: { en: 'Arkansas', ja: 'アーカンソー州' },
  CT: { en: 'Connecticut', ja: 'コネチカット州' },
  DC: { en: 'District of Columbia', ja: 'コロンビア特別区' },
  DE: { en: 'Delaware', ja: 'デラウェア州' },
  HI: { en: 'Hawaii', ja: 'ハワイ州' },
  ID: { en: 'Idaho', ja: 'アイダホ州' },
  KS: { en: 'Kansas', ja: 'カンザス州' },
  KY: { en: 'Kentucky', ja: 'ケンタッキー州' },
  LA: { en: 'Louisiana', ja: 'ルイジアナ州' },
  ME: { en: 'Maine', ja: 'メイン州' },
  MS: { en: 'Mississippi', ja: 'ミシシッピ州' },
  MT: { en: 'Montana', ja: 'モンタナ州' },
  ND: { en: 'North Dakota', ja: 'ノースダコタ州' },
  NE: { en: 'Nebraska', ja: 'ネブラスカ州' },
  NH: { en: 'New Hampshire', ja: 'ニューハンプシャー州' },
  NM: { en: 'New Mexico', ja: 'ニューメキシコ州' },
  NV: { en: 'Nevada', ja: 'ネバダ州' },
  OK: { en: 'Oklahoma', ja: 'オクラホマ州' },
  RI: { en: 'Rhode Island', ja: 'ロードアイランド州' },
  SD: { en: 'South Dakota', ja: 'サウスダコタ州' },
  UT: { en: 'Utah', ja: 'ユタ州' },
  VT: { en: 'Vermont', ja: 'バーモント州' },
  WV: { en: 'West Virginia', ja: 'ウェストバージニア州' },
  WY: { en: 'Wyoming', ja: 'ワイオミング州' },
}

/** NTEE group G activity codes, in both languages, for the generated description. */
export const nteeNames: Record<string, { en: string; ja: string }> = {
  G01: { en: 'alliances and advocacy', ja: '連合・アドボカシー' },
  G02: { en: 'management and technical assistance', ja: '運営支援' },
  G03: { en: 'professional societies and associations', ja: '専門職団体' },
  G05: { en: 'research institutes and public policy analysis', ja: '研究機関' },
  G11: { en: 'single organisation support', ja: '特定団体の支援' },
  G12: { en: 'fund raising and fund distribution', ja: '募金・助成' },
  G19: { en: 'support', ja: '支援活動' },
  G20: { en: 'birth defects and genetic diseases', ja: '先天異常・遺伝性疾患' },
  G21: { en: 'birth defects', ja: '先天異常' },
  G22: { en: 'genetic diseases', ja: '遺伝性疾患' },
  G23: { en: 'cystic fibrosis and other genetic diseases', ja: '遺伝性疾患' },
  G25: { en: 'Down syndrome', ja: 'ダウン症候群' },
  G30: { en: 'cancer', ja: 'がん' },
  G32: { en: 'breast cancer', ja: '乳がん' },
  G40: { en: 'diseases of specific organs', ja: '臓器別の病気' },
  G41: { en: 'eye diseases, blindness and vision impairments', ja: '目の病気・視覚障害' },
  G42: { en: 'ear and throat diseases', ja: '耳・のどの病気' },
  G43: { en: 'heart and circulatory system diseases', ja: '心臓・循環器の病気' },
  G44: { en: 'kidney diseases', ja: '腎臓の病気' },
  G45: { en: 'lung diseases', ja: '肺の病気' },
  G48: { en: 'brain disorders', ja: '脳の病気' },
  G50: { en: 'nerve, muscle and bone diseases', ja: '神経・筋肉・骨の病気' },
  G51: { en: 'arthritis', ja: '関節炎' },
  G53: { en: 'other nerve, muscle and bone diseases', ja: '神経・筋肉・骨の病気' },
  G54: { en: 'epilepsy', ja: 'てんかん' },
  G55: { en: 'other nerve, muscle and bone diseases', ja: '神経・筋肉・骨の病気' },
  G60: { en: 'allergy-related diseases', ja: 'アレルギー疾患' },
  G61: { en: 'asthma', ja: 'ぜんそく' },
  G70: { en: 'digestive diseases and disorders', ja: '消化器の病気' },
  G80: { en: 'specifically named diseases', ja: '特定の病気' },
  G81: { en: 'AIDS', ja: 'エイズ' },
  G82: { en: 'other specifically named diseases', ja: '特定の病気' },
  G83: { en: 'Alzheimer’s disease', ja: 'アルツハイマー病' },
  G84: { en: 'autism', ja: '自閉スペクトラム症' },
  G85: { en: 'other specifically named diseases', ja: '特定の病気' },
  G86: { en: 'other specifically named diseases', ja: '特定の病気' },
  G89: { en: 'other specifically named diseases', ja: '特定の病気' },
}

const ntee3 = (code: string) => code.slice(0, 3).toUpperCase()

function usKind(code: string): OrganisationInputRaw['kind'] {
  if (code === 'G01') return 'umbrella'
  if (code === 'G11' || code === 'G12') return 'foundation'
  if (code === 'G02' || code === 'G03' || code === 'G05') return 'other'
  return 'patient_advocacy'
}

export function usListing(o: UsNonprofit): DemoListing {
  const id = `US-EIN-${o.ein}`
  const code = ntee3(o.ntee)
  const state = usStates[o.state] ?? { en: o.state, ja: o.state }
  const city = o.city ? titleCase(o.city) : null
  const activity = nteeNames[code] ?? { en: code, ja: code }
  const name = titleCase(o.name)
  const chapter =
    o.sortName && /[a-z]{3}/i.test(o.sortName) && o.sortName.includes(' ')
      ? titleCase(o.sortName)
      : null
  const where = {
    en: city ? `${city}, ${state.en}` : state.en,
    ja: `${state.ja}${city ? ` ${city}` : ''}`,
  }
  const description = {
    original: 'en',
    en: `A non-profit organisation in ${where.en}, registered with the US Internal Revenue Service (EIN ${o.ein}). Its activity code is ${o.ntee}: ${activity.en}.`,
    ja: `米国${where.ja}の非営利団体です（米国内国歳入庁に登録、EIN ${o.ein}）。活動分類は ${o.ntee}（${activity.ja}）です。`,
  }
  const conditions = conditionsOf(nteeConditions[code] ?? [], `${name} ${chapter ?? ''}`)
  const activities: string[] = []
  if (code === 'G01') activities.push('advocacy')
  if (code === 'G11' || code === 'G12') activities.push('fundraising')
  return {
    organisation: {
      id,
      kind: usKind(code),
      name: { original: 'en', en: name },
      description,
      identifiers: [{ id, scheme: 'US-EIN', type: 'EIN', identifier: o.ein }],
    },
    group: {
      id: `${id}.listing`,
      organisation_id: id,
      name: { original: 'en', en: chapter ? `${name} (${chapter})` : name },
      description,
      types: conditions.length ? ['disease_specific'] : [],
      conditions,
      activities: activities as GroupInputRaw['activities'],
      languages: ['en'],
      service_areas: [{ id: `${id}.area`, name: state.en, place: 'US' }],
    },
  }
}

export const listingOf = (record: DemoRecord): DemoListing =>
  record.register === 'uk' ? ukListing(record) : usListing(record)
