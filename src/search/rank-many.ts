import type { Plan } from './engine.ts'
import { mentionScore } from './engine.ts'
import type { Evaluator } from './evaluate.ts'
import { cellsAround, distanceTo, roughlyWithin, toRad } from './geo.ts'
import type { WordMatches } from './run-plan.ts'
import type { TopK } from './tally.ts'
import { mentionBit, type TextMarks } from './text-marks.ts'
import { borrowBits, localWordOf, type Context, type WordClause } from './word-sets.ts'

/**
 * The best of many matches, scoring as few as can be: first the nearest meeting places (cells in
 * order of distance) or the groups for the very condition asked, which fill the page with good
 * matches, then the rest, each skipped when an upper bound of its score cannot beat the page's
 * last.
 */
export function rankMany(
  plan: Plan,
  ctx: Context,
  clauses: WordClause[],
  found: WordMatches,
  ev: Evaluator,
  marks: TextMarks,
  top: TopK,
) {
  const index = ctx.index
  const geoClauses = clauses.filter((c) => c.kind === 'geo')
  const geo = geoClauses.length > 0
  const matched = borrowBits(ctx.words)
  const local = borrowBits(ctx.words)
  const visited = borrowBits(ctx.words)
  const localOf = new Uint32Array(found.n)
  for (let i = 0; i < found.n; i++) {
    const w = found.at[i]!
    const m = found.bits[i]!
    matched.words[w] = m
    matched.touched[matched.n++] = w
    let l = m
    for (const g of geoClauses) l &= localWordOf(g, w)
    localOf[i] = geo ? l : 0
    if (l && geo) {
      local.words[w] = l
      local.touched[local.n++] = w
    }
  }

  const consider = (slot: number) => {
    if (visited.has(slot) || !matched.has(slot)) return
    visited.add(slot)
    const score = ev.evaluate(slot, null)
    if (!Number.isNaN(score)) top.offer(slot, score, ev.distance)
  }
  const start = index.listStart.data
  const count = index.nConcepts.data
  const pool = index.pool
  const conditionBound = (slot: number) => {
    let s = 0
    const base = start[slot]!
    const n = count[slot]!
    for (let ci = 0; ci < plan.conditions.length; ci++) {
      const scores = plan.conditions[ci]!.scores
      let best = 0
      for (let i = 0; i < n; i++) best = Math.max(best, scores[pool[base + i]!] ?? 0)
      if (best < mentionScore && ci < 4 && marks.bits[slot]! & mentionBit(ci)) best = mentionScore
      s += best
    }
    return s
  }
  const rest = ev.restMax
  const geoScore = (km: number) => 20 + (Number.isFinite(km) ? 10 * Math.exp(-km / 20) : 5)

  // First the nearest: with one circle or place to measure from, cells in order of distance,
  // until no group farther away could make the page.
  const single = plan.geo.length === 1 && plan.geo[0]!.options.length === 1
  const center = single ? plan.geo[0]!.options[0]!.center : null
  let beyond = 30
  if (center) {
    const radius = plan.geo[0]!.options[0]!.radiusKm ?? 300
    const cells = cellsAround(index, center, radius).sort((a, b) => a.near - b.near)
    beyond = geoScore(radius)
    const most = conditionMax(plan) + rest
    const at = { ...center, cosLat: Math.cos(center.lat * toRad) }
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
        consider(slot)
      }
    }
  }
  // Then the groups for the very condition asked.
  if (plan.conditions.length === 1) {
    for (const [key, r] of plan.conditions[0]!.related) {
      if (r.relation !== 'same') continue
      const p = index.byConcept.get(key)
      if (p) for (let i = 0; i < p.length; i++) consider(p.data[i]!)
    }
  }
  // Then everything else that could still make it: the local groups, then the online ones, each
  // passed over whole when even the best score it could have cannot make the page.
  const lat = index.lat.data
  const most = conditionMax(plan) + rest
  const localMost = !geo ? 0 : center ? Math.max(beyond, 25) : 30
  const rankRest = (wantLocal: boolean, geoPart: number) => {
    if (top.full && most + geoPart < top.floor) return
    for (let i = 0; i < found.n; i++) {
      const w = found.at[i]!
      const localWord = localOf[i]!
      let word = found.bits[i]! & ~visited.words[w]! & (wantLocal ? localWord : ~localWord)
      while (word) {
        const low = word & -word
        word ^= low
        const slot = (w << 5) | (31 - Math.clz32(low))
        if (top.full) {
          let bound = conditionBound(slot) + rest
          if (geo) {
            // Local groups with a meeting place within the cells seen are already in.
            if (wantLocal) bound += center ? (Number.isNaN(lat[slot]!) ? 25 : beyond) : 30
            else bound += 10
          }
          if (bound < top.floor) continue
        }
        consider(slot)
      }
    }
  }
  if (geo) {
    rankRest(true, localMost)
    rankRest(false, 10)
  } else {
    rankRest(false, 0)
  }
}

/** The best condition score any group can have in this plan. */
function conditionMax(plan: Plan) {
  let s = 0
  for (const c of plan.conditions) {
    let best = c.mentions.length ? mentionScore : 0
    for (const v of c.scores) if (v > best) best = v
    s += best
  }
  return s
}
