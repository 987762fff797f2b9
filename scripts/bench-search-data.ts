import { sql } from 'kysely'
import type { Db } from '#src/platform/db.ts'
import { loadLexicon, type Concept, type Lexicon, type Place } from '#src/search/lexicon.ts'

/**
 * A synthetic directory for the search benchmark, made from the real terminology and geography:
 * conditions drawn from the condition list (the more prominent more often), meeting places at
 * real Japanese municipalities (and some abroad), names and descriptions in the way Japanese and
 * English groups write them, a mix of audiences, fees, formats and freshness. Deterministic for a
 * given size and seed. Written straight into the tables, set-based, with the search triggers off.
 */

export interface GeneratedDirectory {
  groups: number
  /** For the query mix: what the directory is made of. */
  conditions: Concept[]
  municipalities: Place[]
  prefectures: Place[]
}

function rng(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export type Random = ReturnType<typeof rng>
export const makeRandom = rng

export const pick = <T>(random: Random, list: readonly T[]): T =>
  list[Math.floor(random() * list.length)]!

/** Picks by weight: a cumulative table and a binary search. */
export function weighted<T>(items: T[], weight: (t: T) => number) {
  const cumulative: number[] = []
  let total = 0
  for (const item of items) {
    total += weight(item)
    cumulative.push(total)
  }
  return (random: Random): T => {
    const x = random() * total
    let lo = 0
    let hi = cumulative.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (cumulative[mid]! < x) lo = mid + 1
      else hi = mid
    }
    return items[lo]!
  }
}

const audiences = [
  ['patients', 40, '患者会', 'Patient Group', '患者さん'],
  ['family', 22, '家族会', 'Family Group', 'ご家族'],
  ['parents', 16, '親の会', 'Parents Group', '親'],
  ['siblings', 3, 'きょうだい会', 'Siblings Group', 'きょうだい'],
  ['bereaved', 5, '遺族の会', 'Bereaved Families', 'ご遺族'],
  ['young_people', 9, 'ユースの会', 'Young People', '若い世代'],
  ['children', 5, 'こどもの会', 'Kids Club', '子どもたち'],
] as const

const abroad = ['US', 'GB', 'AU', 'CA', 'DE', 'FR', 'KR', 'TW', 'SG', 'NZ']

/** Concepts a group may be for: named in both languages, the prominent ones far more often. */
export function groupConditions(lexicon: Lexicon): Concept[] {
  return lexicon.concepts.filter((c) => c.ja && c.en && c.kind !== 'situation')
}

export async function generateDirectory(
  db: Db,
  groups: number,
  options: { seed?: number; onProgress?: (done: number) => void } = {},
): Promise<GeneratedDirectory> {
  const random = rng(options.seed ?? 42)
  const lexicon = await loadLexicon(db)
  const conditions = groupConditions(lexicon)
  const pickCondition = weighted(conditions, (c) => c.weight ** 3)
  const municipalities = lexicon.places.filter(
    (p) => p.kind === 'municipality' && p.lat !== null && p.parent !== null,
  )
  const prefectures = lexicon.places.filter((p) => p.kind === 'prefecture')
  const countries = abroad.map((code) => lexicon.places[lexicon.placeIndex.get(code)!]!)
  const pickAudience = weighted([...audiences], (a) => a[1])
  const codesOf = new Map<number, string[]>()
  for (const [code, list] of lexicon.conceptsByCode) {
    for (const c of list) codesOf.set(c, [...(codesOf.get(c) ?? []), code])
  }

  for (const table of [
    'grp',
    'group_location',
    'service_area',
    'schedule',
    'location',
    'organisation',
  ]) {
    await sql.raw(`alter table ${table} disable trigger search_touch`).execute(db)
  }
  const now = Date.parse('2026-11-22T00:00:00Z')
  const month = 30 * 86_400_000
  const chunk = 5000
  let orgId = ''
  for (let start = 0; start < groups; start += chunk) {
    const orgs: unknown[] = []
    const rows: unknown[] = []
    const locations: unknown[] = []
    const links: unknown[] = []
    const areas: unknown[] = []
    const schedules: unknown[] = []
    for (let i = start; i < Math.min(groups, start + chunk); i++) {
      const id = `bench-${i.toString(36).padStart(6, '0')}`
      // Organisations run one to five groups.
      if (i === start || random() < 0.35) {
        orgId = `bench-org-${i.toString(36).padStart(6, '0')}`
        orgs.push({ id: orgId, name: { original: 'ja', ja: `団体 ${i}` } })
      }
      const concept = pickCondition(random)
      const concepts = [concept]
      if (random() < 0.12) concepts.push(pickCondition(random))
      const codes = concepts.map((c) => {
        const all = codesOf.get(lexicon.conceptIndex.get(c.id)!) ?? [c.id]
        return random() < 0.6 ? c.id.toUpperCase() : pick(random, all)
      })
      const conceptIds = [
        ...new Set(codes.flatMap((code) => lexicon.conceptsByCode.get(code) ?? [])),
      ].map((n) => lexicon.concepts[n]!.id)
      const [audience, , suffixJa, suffixEn, whoJa] = pickAudience(random)
      const audienceSet = new Set<string>([audience])
      if (random() < 0.3) audienceSet.add(pickAudience(random)[0])

      const r = random()
      const kind = r < 0.74 ? 'jp' : r < 0.86 ? 'abroad' : 'online'
      const hybrid = kind === 'jp' && random() < 0.06
      const types = new Set<string>()
      if (random() < 0.7) types.add('disease_specific')
      if (audienceSet.has('parents') || audienceSet.has('family') || audienceSet.has('siblings')) {
        types.add('family')
      }
      if (audienceSet.has('bereaved')) types.add('bereaved')
      if (kind === 'online') types.add('online')
      if (kind !== 'jp' && random() < 0.3) types.add('international')
      if (random() < 0.1) types.add('regional')
      if (random() < 0.05) types.add('hospital')

      let nameJa: string
      let nameEn: string
      let language: string[]
      let description: Record<string, string>
      const cJa = concept.ja!
      const cEn = concept.en!
      if (kind === 'jp') {
        const muni = pick(random, municipalities)
        const pref = lexicon.places[muni.parent!]!
        const stem = (muni.ja ?? '').replace(/(市|区|町|村)$/, '')
        nameJa = `${stem} ${cJa} ${suffixJa}`
        nameEn = `${cEn} ${suffixEn} (${muni.en ?? pref.en})`
        language = random() < 0.05 ? ['en', 'ja'] : ['ja']
        description = {
          original: 'ja',
          ja: `${cJa}の${whoJa}が集まる会です。${muni.ja}で月に一度、交流会や勉強会を開いています。`,
        }
        const locId = `${id}-l`
        const jitter = () => (random() - 0.5) * 0.04
        locations.push({
          id: locId,
          organisation_id: orgId,
          kind: 'physical',
          lat: muni.lat! + jitter(),
          lon: muni.lon! + jitter(),
          address: { city: muni.ja, region: pref.ja, country: 'JP' },
          place_ids: ['JP', pref.id, muni.id],
        })
        links.push({ group_id: id, location_id: locId })
        areas.push({
          id: `${id}-a`,
          group_id: id,
          name: pref.ja,
          place_id: pref.id,
          place_path: ['JP', pref.id],
        })
        if (hybrid) {
          locations.push({
            id: `${id}-v`,
            organisation_id: orgId,
            kind: 'virtual',
            url: 'https://example.org/meet',
            place_ids: [],
          })
          links.push({ group_id: id, location_id: `${id}-v` })
        }
      } else if (kind === 'abroad') {
        const country = pick(random, countries)
        nameEn = `${cEn} ${suffixEn} (${country.en})`
        nameJa = `${country.ja} ${cJa} ${suffixJa}`
        language = ['en']
        description = {
          original: 'en',
          en: `A ${suffixEn.toLowerCase()} for people affected by ${cEn.toLowerCase()} in ${country.en}. We meet once a month.`,
        }
        const locId = `${id}-l`
        locations.push({
          id: locId,
          organisation_id: orgId,
          kind: 'physical',
          lat: Math.max(-89, Math.min(89, country.lat! + (random() - 0.5) * 6)),
          lon: Math.max(-179, Math.min(179, country.lon! + (random() - 0.5) * 8)),
          address: { country: country.id },
          place_ids: [country.id],
        })
        links.push({ group_id: id, location_id: locId })
      } else {
        const english = random() < 0.4
        nameJa = `${cJa} オンライン${suffixJa}`
        nameEn = `${cEn} Online ${suffixEn}`
        language = english ? ['en'] : ['ja']
        description = english
          ? {
              original: 'en',
              en: `An online ${suffixEn.toLowerCase()} for ${cEn.toLowerCase()}, on video every month.`,
            }
          : {
              original: 'ja',
              ja: `${cJa}の${whoJa}のオンライン交流会です。毎月ビデオ通話で話しています。`,
            }
        locations.push({
          id: `${id}-v`,
          organisation_id: orgId,
          kind: 'virtual',
          url: 'https://example.org/meet',
          place_ids: [],
        })
        links.push({ group_id: id, location_id: `${id}-v` })
        areas.push(
          english
            ? {
                id: `${id}-a`,
                group_id: id,
                name: 'Worldwide',
                place_id: 'worldwide',
                place_path: ['worldwide'],
              }
            : { id: `${id}-a`, group_id: id, name: '日本全国', place_id: 'JP', place_path: ['JP'] },
        )
      }
      const name =
        language[0] === 'en'
          ? { original: 'en', en: nameEn, ja: nameJa }
          : { original: 'ja', ja: nameJa, en: nameEn }
      const free = random() < 0.7
      const created = now - Math.floor(random() * 20 * month)
      const confirmed = random() < 0.6 ? created + Math.floor(random() * (now - created)) : null
      rows.push({
        id,
        organisation_id: orgId,
        name,
        description,
        types: [...types].sort(),
        leadership: random() < 0.8 ? 'peer' : 'professional',
        audience: [...audienceSet].sort(),
        condition_codes: [...new Set(codes)].sort(),
        condition_ids: conceptIds,
        activities: ['peer_support'],
        participation: {
          diagnosis_required: false,
          referral_required: false,
          screening_required: false,
          observers_welcome: null,
          text: null,
        },
        free,
        cost_options: [
          {
            id: `${id}-c`,
            option: null,
            amount: free ? 0 : 1000 * (1 + Math.floor(random() * 5)),
            currency: language[0] === 'ja' ? 'JPY' : 'USD',
            period: free ? null : 'annual',
            amount_description: null,
            waiver: false,
            waiver_text: null,
          },
        ],
        languages: language,
        attendance: hybrid ? 'hybrid' : kind === 'online' ? 'online' : 'in_person',
        channels: kind === 'online' ? ['video'] : ['in_person'],
        created_at: new Date(created).toISOString(),
        last_confirmed_at: confirmed ? new Date(confirmed).toISOString() : null,
      })
      if (random() < 0.6) {
        schedules.push({
          id: `${id}-s`,
          group_id: id,
          rrule: `FREQ=MONTHLY;INTERVAL=1;BYDAY=${1 + Math.floor(random() * 4)}SA`,
          dtstart: '2026-01-01',
          timezone: language[0] === 'ja' ? 'Asia/Tokyo' : 'UTC',
          opens_at: '10:00',
        })
      }
    }
    const json = (v: unknown) => JSON.stringify(v)
    await sql`
      insert into organisation (id, kind, name, identifiers, source, created_at, updated_at)
      select id, 'patient_advocacy', name, '[]', 'public_register', now(), now()
      from json_to_recordset(${json(orgs)}::json) as x(id text, name jsonb)`.execute(db)
    await sql`
      insert into grp (id, organisation_id, name, description, types, leadership, audience,
        condition_codes, condition_ids, activities, participation, free, cost_options, languages,
        attendance, channels, accessibility, status, accepting_members, source, created_at,
        updated_at, last_confirmed_at)
      select id, organisation_id, name, description, types, leadership, audience, condition_codes,
        condition_ids, activities, participation, free, cost_options, languages, attendance,
        channels, '{}', 'active', true, 'public_register', created_at, created_at, last_confirmed_at
      from json_to_recordset(${json(rows)}::json) as x(id text, organisation_id text, name jsonb,
        description jsonb, types text[], leadership text, audience text[], condition_codes text[],
        condition_ids text[], activities text[], participation jsonb, free boolean,
        cost_options jsonb, languages text[], attendance text, channels text[],
        created_at timestamptz, last_confirmed_at timestamptz)`.execute(db)
    await sql`
      insert into location (id, organisation_id, kind, lat, lon, address, url, visibility, place_ids)
      select id, organisation_id, kind, lat, lon, address, url, 'public', place_ids
      from json_to_recordset(${json(locations)}::json) as x(id text, organisation_id text,
        kind text, lat float8, lon float8, address jsonb, url text, place_ids text[])`.execute(db)
    await sql`
      insert into group_location (group_id, location_id)
      select group_id, location_id
      from json_to_recordset(${json(links)}::json) as x(group_id text, location_id text)`.execute(
      db,
    )
    await sql`
      insert into service_area (id, group_id, name, place_id, place_path)
      select id, group_id, name, place_id, place_path
      from json_to_recordset(${json(areas)}::json) as x(id text, group_id text, name text,
        place_id text, place_path text[])`.execute(db)
    await sql`
      insert into schedule (id, group_id, rrule, dtstart, timezone, opens_at)
      select id, group_id, rrule, dtstart, timezone, opens_at
      from json_to_recordset(${json(schedules)}::json) as x(id text, group_id text, rrule text,
        dtstart date, timezone text, opens_at time)`.execute(db)
    options.onProgress?.(Math.min(groups, start + chunk))
  }
  for (const table of [
    'grp',
    'group_location',
    'service_area',
    'schedule',
    'location',
    'organisation',
  ]) {
    await sql.raw(`alter table ${table} enable trigger search_touch`).execute(db)
  }
  await sql`analyze`.execute(db)
  return { groups, conditions, municipalities, prefectures }
}

// ---------------------------------------------------------------------------------------------
// The query mix

export interface Mix {
  searches: string[]
  typeahead: string[]
}

/** Searches as people send them (free text in both languages, filters, places, paging), and
 * type-ahead prefixes of condition names. */
export async function queryMix(db: Db, random: Random): Promise<Mix> {
  const lexicon = await loadLexicon(db)
  const conditions = groupConditions(lexicon)
  const pickCondition = weighted(conditions, (c) => c.weight ** 3)
  const municipalities = lexicon.places.filter((p) => p.kind === 'municipality' && p.lat !== null)
  const prefectures = lexicon.places.filter((p) => p.kind === 'prefecture')
  const audienceJa = ['親の会', '家族会', 'きょうだい', '遺族', '患者会', '若者', '']
  const audienceEn = [
    'parents',
    'family',
    'siblings',
    'bereaved',
    'young people',
    'support group',
    '',
  ]
  const audiences = ['patients', 'parents', 'family', 'siblings', 'bereaved', 'young_people']
  const q = (text: string) => `q=${encodeURIComponent(text.replace(/\s+/g, ' ').trim())}`
  const searches: string[] = []
  for (let i = 0; i < 4000; i++) {
    const r = random()
    const c = pickCondition(random)
    let query: string
    if (r < 0.25) {
      const place =
        random() < 0.5
          ? pick(random, prefectures).ja!.replace(/(県|府|都)$/, '')
          : pick(random, municipalities).ja!
      query = q(
        `${random() < 0.8 ? place : ''} ${c.ja} ${pick(random, audienceJa)} ${random() < 0.1 ? 'オンライン' : ''}`,
      )
    } else if (r < 0.4) {
      const place = random() < 0.4 ? pick(random, prefectures).en! : ''
      query = q(`${random() < 0.15 ? 'online' : ''} ${c.en} ${pick(random, audienceEn)} ${place}`)
    } else if (r < 0.55) {
      query = `condition=${encodeURIComponent(c.id)}`
      if (random() < 0.4) query += `&audience=${pick(random, audiences)}`
      if (random() < 0.3) query += `&language=${random() < 0.7 ? 'ja' : 'en'}`
    } else if (r < 0.7) {
      const m = pick(random, municipalities)
      query = `near=${m.lat!.toFixed(3)},${m.lon!.toFixed(3)}&radius_km=${pick(random, [10, 20, 30, 50])}`
      if (random() < 0.6) query += `&condition=${encodeURIComponent(c.id)}`
      if (random() < 0.5) query += '&attendance=in_person'
    } else if (r < 0.8) {
      query = `place=${pick(random, prefectures).id}`
      if (random() < 0.6) query += `&condition=${encodeURIComponent(c.id)}`
      else query += `&type=${pick(random, ['family', 'bereaved', 'hospital', 'regional'])}`
    } else if (r < 0.9) {
      query = `${random() < 0.5 ? q(`${c.ja}`) : `condition=${encodeURIComponent(c.id)}`}&page=${2 + Math.floor(random() * 4)}`
    } else {
      query = `${q(c.ja!)}&free=true&attendance=online`
    }
    searches.push(`/api/v1/groups?${query}`)
  }
  const typeahead: string[] = []
  for (let i = 0; i < 2000; i++) {
    const c = pickCondition(random)
    const name = random() < 0.5 ? c.ja! : c.en!
    const chars = [...name]
    const n = Math.min(chars.length, 2 + Math.floor(random() * 4))
    typeahead.push(
      `/api/v1/conditions?q=${encodeURIComponent(chars.slice(0, n).join(''))}&limit=10`,
    )
  }
  return { searches, typeahead }
}
