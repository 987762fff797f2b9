import type { Plan } from './engine.ts'
import { mentionScore, type Evaluator } from './evaluate.ts'
import { cellsAround, distanceTo, roughlyWithin, toRad } from './geo.ts'
import type { WordMatches } from './run-plan.ts'
import type { TopK } from './tally.ts'
import { mentionBit, type TextMarks } from './text-marks.ts'
import { popcount } from './postings.ts'
import {
  borrowBits,
  localWordOf,
  type Context,
  type SparseBits,
  type WordClause,
} from './word-sets.ts'

/** Which of the matches' words' groups meet locally, by the matches' index: kept between searches. */
let localScratch = new Uint32Array(1024)

/** Rounding room when a bound is held against a score worked out another way. */
const slack = 1e-9

/**
 * The best matches, scoring as few groups as can be. Groups are taken in an order that finds
 * good ones early: the nearest meeting places first (grid cells in order of distance) when the
 * search measures from one point, then the condition's tiers — the groups for the very
 * condition asked, then for each broader or narrower one in order of how much it counts — and
 * a tier is passed over whole once even its best possible score cannot reach the page. Within a
 * tier each group's upper bound (everything but the exact distance) is checked before its score
 * is worked out.
 */
export function rankMatches(
  plan: Plan,
  ctx: Context,
  clauses: WordClause[],
  found: WordMatches,
  ev: Evaluator,
  marks: TextMarks,
  top: TopK,
  nearestShare = nearestByDistanceShare,
) {
  if (top.full) return
  const index = ctx.index
  const geoClauses = clauses.filter((c) => c.kind === 'geo')
  const geo = geoClauses.length > 0
  // Which groups meet locally is known when every geo clause was read as bits.
  const geoKnown = geo && geoClauses.every((c) => !c.lazy)
  const matched = borrowBits(ctx.words)
  const local = borrowBits(ctx.words)
  const visited = borrowBits(ctx.words)
  if (localScratch.length < found.n) localScratch = new Uint32Array(Math.ceil(found.n * 1.25))
  const localOf = localScratch
  let localCount = 0
  for (let i = 0; i < found.n; i++) {
    const w = found.at[i]!
    const m = found.bits[i]!
    matched.words[w] = m
    matched.touched[matched.n++] = w
    // Unless every geo clause was read as bits, no group is known to meet locally.
    localOf[i] = 0
    if (!geoKnown) continue
    let l = m
    for (const g of geoClauses) l &= localWordOf(g, w)
    localOf[i] = l
    if (l) {
      local.words[w] = l
      local.touched[local.n++] = w
      localCount += popcount(l)
    }
  }
  const geoMost = (slot: number) => (!geo ? 0 : !geoKnown || local.has(slot) ? 30 : 10)
  const rest = ev.restMax

  /** Scores the group unless `most`, a bound of its score, or its closer bound rules it out. */
  const consider = (slot: number, most: number) => {
    if (visited.has(slot) || !matched.has(slot)) return
    visited.add(slot)
    if (top.full && most + slack < top.floor) return
    if (top.full && ev.bound(slot, geoMost(slot)) + slack < top.floor) return
    const score = ev.evaluate(slot, null)
    if (!Number.isNaN(score)) top.offer(slot, score, ev.distance)
  }
  const conditionsMost = plan.conditions.reduce((s, c) => s + clauseMost(c), 0)
  const geoScore = (km: number) => 20 + (Number.isFinite(km) ? 10 * Math.exp(-km / 20) : 5)

  // First the nearest: with one circle or place to measure from, cells in order of distance,
  // until no group farther away could make the page.
  const single = plan.geo.length === 1 && plan.geo[0]!.options.length === 1
  const center = geoKnown && single ? plan.geo[0]!.options[0]!.center : null
  let beyond = 30
  if (center) {
    const radius = plan.geo[0]!.options[0]!.radiusKm ?? 300
    const cells = cellsAround(index, center, radius).sort((a, b) => a.near - b.near)
    beyond = geoScore(radius)
    const most = conditionsMost + rest
    const at = { ...center, cosLat: Math.cos(center.lat * toRad) }
    let postings = 0
    for (const cell of cells) postings += cell.postings.length
    // Few matches among many meeting places: the matches themselves, by distance, cost less
    // than walking the cells' lists for them.
    if (localCount * nearestShare < postings) {
      beyond = nearestFirst(index, local, center, radius, most, geoScore, top, consider)
    } else {
      let floorSeen = NaN
      let farKm = Infinity
      for (const cell of cells) {
        if (top.full && most + geoScore(cell.near) < top.floor) {
          beyond = geoScore(Math.min(cell.near, radius))
          break
        }
        const p = cell.postings
        for (let i = 0; i < p.length; i++) {
          const slot = p.data[i]!
          if (!local.has(slot) || visited.has(slot)) continue
          // Too far to make the page, whatever else it has: never again. The distance beyond which
          // that holds settles most groups without working the distance out exactly.
          if (top.full) {
            if (top.floor !== floorSeen) {
              floorSeen = top.floor
              const room = (floorSeen - most - 20) / 10
              farKm = room <= 0 ? Infinity : room >= 1 ? -1 : -20 * Math.log(room)
            }
            const rough =
              farKm < 0 ? -1 : farKm === Infinity ? 1 : roughlyWithin(index, at, farKm, slot)
            if (
              rough === -1 ||
              (rough === 0 && most + geoScore(distanceTo(index, center, slot)) < top.floor)
            ) {
              visited.add(slot)
              continue
            }
          }
          consider(slot, Infinity)
        }
      }
    }
  }

  // Then the condition's tiers, best first.
  if (plan.conditions.length) {
    const first = plan.conditions[0]!
    const othersMost = conditionsMost - clauseMost(first)
    const tiers = new Map<number, number[]>()
    for (const [key] of first.related) {
      const s = first.scores[key]!
      const keys = tiers.get(s)
      if (keys) keys.push(key)
      else tiers.set(s, [key])
    }
    const scores = [...tiers.keys()]
    if (first.mentions.length && !tiers.has(mentionScore)) scores.push(mentionScore)
    scores.sort((a, b) => b - a)
    for (const s of scores) {
      if (top.full && s + othersMost + (geo ? 30 : 0) + rest + slack < top.floor) break
      const tierMost = s + othersMost + rest
      for (const key of tiers.get(s) ?? []) {
        const p = index.byConcept.get(key)
        if (!p) continue
        const d = p.data
        for (let i = 0; i < p.length; i++) {
          const slot = d[i]!
          if (matched.has(slot) && !visited.has(slot)) consider(slot, tierMost + geoMost(slot))
        }
      }
      if (s === mentionScore) {
        const bit = mentionBit(0)
        for (const slot of marks.touched) {
          if (marks.bits[slot]! & bit) consider(slot, tierMost + geoMost(slot))
        }
      }
    }
    // With one condition every match belongs to a tier: those not seen are below the page.
    if (plan.conditions.length === 1) return
  }

  // Then everything else that could still make it: the local groups, then the online ones, each
  // passed over whole when even the best score it could have cannot make the page.
  const lat = index.lat.data
  const most = conditionsMost + rest
  const rankRest = (wantLocal: boolean, geoPart: number) => {
    if (top.full && most + geoPart + slack < top.floor) return
    for (let i = 0; i < found.n; i++) {
      const w = found.at[i]!
      const localWord = localOf[i]!
      let word = found.bits[i]! & ~visited.words[w]! & (wantLocal ? localWord : ~localWord)
      while (word) {
        const low = word & -word
        word ^= low
        const slot = (w << 5) | (31 - Math.clz32(low))
        let bound = most
        if (geo) {
          // Local groups with a meeting place within the cells seen are already in.
          if (wantLocal) bound += center ? (Number.isNaN(lat[slot]!) ? 25 : beyond) : 30
          else bound += geoKnown ? 10 : 30
        }
        consider(slot, bound)
      }
    }
  }
  if (geoKnown) {
    rankRest(true, center ? Math.max(beyond, 25) : 30)
    rankRest(false, 10)
  } else {
    rankRest(false, geo ? 30 : 0)
  }
}

/**
 * Above this many meeting places in the circle's cells for each local match, the local matches
 * are taken in order of their distance (worked out for each) instead of cell by cell.
 */
const nearestByDistanceShare = 16

/**
 * The local matches that meet at a known place, nearest first, until no farther one could make
 * the page. Returns the most the geo part of the score can be for those not considered.
 */
function nearestFirst(
  index: Context['index'],
  local: SparseBits,
  center: { lat: number; lon: number },
  radius: number,
  most: number,
  geoScore: (km: number) => number,
  top: TopK,
  consider: (slot: number, most: number) => void,
): number {
  // Each key is the distance in whole metres (rounded down, so never more than the exact
  // distance) above the slot: sorted as numbers, nearest first.
  const keys: number[] = []
  for (let i = 0; i < local.n; i++) {
    const w = local.touched[i]!
    let m = local.words[w]!
    while (m) {
      const low = m & -m
      m ^= low
      const slot = (w << 5) | (31 - Math.clz32(low))
      const km = distanceTo(index, center, slot)
      if (Number.isFinite(km)) keys.push(Math.floor(km * 1000) * slotRange + slot)
    }
  }
  const sorted = Float64Array.from(keys).sort()
  for (const key of sorted) {
    const km = Math.floor(key / slotRange) / 1000
    const bound = most + geoScore(km)
    if (top.full && bound + slack < top.floor) return geoScore(Math.min(km, radius))
    consider(key % slotRange, bound)
  }
  return geoScore(radius)
}

/** Slots are below 2²⁸, so a distance in metres (under 2²⁵) and a slot fit one exact number. */
const slotRange = 2 ** 28

/** The best score a condition clause can give. */
function clauseMost(c: Plan['conditions'][number]) {
  let best = c.mentions.length ? mentionScore : 0
  // Only the related concepts have scores: far fewer than the concepts `scores` is sized for.
  for (const key of c.related.keys()) if (c.scores[key]! > best) best = c.scores[key]!
  return best
}
