import { freshnessCutoffs } from '#src/directory/freshness.ts'
import {
  attendanceCodes,
  flagFree,
  flagMorePoints,
  flagPaused,
  flagVerified,
  type DirectoryIndex,
} from './directory-index.ts'
import type { ConditionHit, Match, Plan } from './engine.ts'
import { haversineKm } from './geo.ts'
import { termBitsMask, type TextMarks } from './text-marks.ts'

/** The score of a group whose texts name the condition asked for, though its tags miss it. */
export const mentionScore = 24

/**
 * How one group fares against a plan: whether it matches every clause, and its score. The one
 * place the rules of matching and ranking live; the faster ways of finding candidates
 * (run-plan.ts) only ever narrow down which groups are asked about.
 */

export interface Cutoffs {
  /** Listings confirmed at or before these (seconds) are stale, or hidden. */
  stale: number
  hidden: number
  nowS: number
}

export function cutoffsAt(now: Date): Cutoffs {
  const { staleBefore, hiddenBefore } = freshnessCutoffs(now)
  // In whole seconds, as the index keeps freshness, and to the minute, so that what is visible
  // can be kept as a set between searches.
  return {
    stale: Math.floor(staleBefore.getTime() / 60_000) * 60,
    hidden: Math.floor(hiddenBefore.getTime() / 60_000) * 60,
    nowS: Math.floor(now.getTime() / 1000),
  }
}

export interface Evaluator {
  /**
   * Checks one group against every clause: its score, or NaN when it does not match. `detail`,
   * when given, receives why it matched (only asked for the groups of the page).
   */
  evaluate: (slot: number, detail: Match | null) => number
  /** The distance the last evaluation found (a second return value, without an allocation). */
  distance: number
  /** The most the score can owe to audience, format, language, words, freshness, verification. */
  restMax: number
  /**
   * An upper bound of a matching group's score, cheaper than the score: everything but the
   * place, which is taken to give `geoMost`.
   */
  bound: (slot: number, geoMost: number) => number
}

export function makeEvaluator(
  plan: Plan,
  index: DirectoryIndex,
  cutoffs: Cutoffs,
  marks: TextMarks,
): Evaluator {
  const { stale, hidden, nowS } = cutoffs
  const bits = marks.bits
  const terms = plan.terms.slice(0, 12)
  const onlineAllowed = !plan.attendance.includes('in_person')
  const preferred = index.languageKeys.get(plan.preferredLanguage) ?? -1
  const alive = index.alive.data
  const freshCol = index.fresh.data
  const typeCol = index.typeMask.data
  const audienceCol = index.audienceMask.data
  const attendanceCol = index.attendance.data
  const flagsCol = index.flags.data
  const leadershipCol = index.leadership.data
  const latCol = index.lat.data
  const lonCol = index.lon.data
  const startCol = index.listStart.data
  const nConcepts = index.nConcepts.data
  const nPlaces = index.nPlaces.data
  const nCovers = index.nCovers.data
  const nLocalities = index.nLocalities.data
  const pool = index.pool

  const audienceOnly = plan.audience.map((a) => a.exact)
  /** What the score owes to audience, format, language, words, freshness and verification. */
  const restScore = (
    slot: number,
    audience: number,
    attendance: number,
    flags: number,
    fresh: number,
    audienceExact: boolean,
    matchedTerms: number,
  ): number => {
    let score = 0
    if (plan.audience.length) {
      score += audienceExact ? 10 : 5
      // A group for just the people asked for before one for them and others.
      if (audienceExact) {
        let only = true
        for (const exact of audienceOnly) if (audience & ~exact) only = false
        if (only) score += 2
      }
    }
    for (const a of plan.attendance) score += attendance === attendanceCodes[a] ? 4 : 3
    if (preferred >= 0 && index.speaks(slot, preferred)) score += 4
    if (terms.length) score += (12 * matchedTerms) / terms.length
    if (fresh <= stale) score -= 25
    else score += 2 * Math.max(0, 1 - (nowS - fresh) / (nowS - stale))
    if (flags & flagVerified) score += 3
    if (flags & flagPaused) score -= 5
    return score
  }

  /**
   * Checks one group against every clause: its score, or NaN when it does not match. `detail`,
   * when given, receives why it matched (only asked for the groups of the page).
   */
  const evaluate = (slot: number, detail: Match | null): number => {
    if (!alive[slot]) return NaN
    const fresh = freshCol[slot]!
    if (fresh <= hidden) return NaN
    const types = typeCol[slot]!
    const audience = audienceCol[slot]!
    const attendance = attendanceCol[slot]!
    const flags = flagsCol[slot]!

    if (plan.free && !(flags & flagFree)) return NaN
    if (plan.leadership && leadershipCol[slot] !== plan.leadership) return NaN
    if (plan.types.length) {
      let any = false
      for (const t of plan.types) if (types & (1 << t)) any = true
      if (!any) return NaN
    }
    for (const a of plan.attendance) {
      if (a === 'in_person' && attendance !== 1 && attendance !== 3) return NaN
      if (a === 'online' && attendance !== 2 && attendance !== 3) return NaN
      if (a === 'hybrid' && attendance !== 3) return NaN
    }
    for (const langs of plan.languages) {
      let any = false
      for (const l of langs) if (l >= 0 && index.speaks(slot, l)) any = true
      if (!any) return NaN
    }
    let audienceExact = plan.audience.length > 0
    for (const a of plan.audience) {
      if (!(audience & a.wanted)) return NaN
      if (!(audience & a.exact)) audienceExact = false
    }

    let score = 0
    const base = startCol[slot]!
    // Conditions: the nearest relation among the group's concepts.
    if (plan.conditions.length) {
      const count = nConcepts[slot]!
      for (let ci = 0; ci < plan.conditions.length; ci++) {
        const c = plan.conditions[ci]!
        let bestScore = -1
        let bestKey = -1
        const scores = c.scores
        for (let i = 0; i < count; i++) {
          const key = pool[base + i]!
          const s = scores[key] ?? 0
          if (s > bestScore && s > 0) {
            bestScore = s
            bestKey = key
          }
        }
        const mentioned =
          bestScore < mentionScore && ci < 4 && (bits[slot]! & (1 << (12 + ci))) !== 0
        if (mentioned) bestScore = mentionScore
        else if (bestKey < 0) return NaN
        if (detail) {
          const hit: ConditionHit = mentioned
            ? { relation: 'mentions', depth: 0, concept: c.asked[0] ?? null }
            : c.related.get(bestKey)!
          detail.conditions.push(hit)
        }
        score += bestScore
      }
    }

    // Places and distance.
    let distanceKm = Infinity
    if (plan.geo.length) {
      const lat = latCol[slot]!
      const more = flags & flagMorePoints ? index.morePoints.get(slot) : undefined
      const placesStart = base + nConcepts[slot]!
      const placesEnd = placesStart + nPlaces[slot]!
      const coversEnd = placesEnd + nCovers[slot]!
      const localitiesEnd = coversEnd + nLocalities[slot]!
      const online = attendance === 2 || attendance === 3
      let local = true
      for (const g of plan.geo) {
        // The option that matched (-1: none yet), and whether locally.
        let hit = -1
        let hitLocal = false
        for (let o = 0; o < g.options.length; o++) {
          const option = g.options[o]!
          let isLocal = false
          let d = Infinity
          if (option.center && !Number.isNaN(lat)) {
            d = haversineKm(option.center.lat, option.center.lon, lat, lonCol[slot]!)
            if (more) {
              for (let i = 0; i < more.length; i += 2) {
                d = Math.min(
                  d,
                  haversineKm(option.center.lat, option.center.lon, more[i]!, more[i + 1]!),
                )
              }
            }
            if (option.radiusKm !== null && d <= option.radiusKm) isLocal = true
          }
          if (!isLocal && option.placeKeys.length) {
            const keys = option.placeKeys
            for (let i = placesStart; i < placesEnd && !isLocal; i++) {
              const key = pool[i]!
              for (let k = 0; k < keys.length; k++) if (keys[k] === key) isLocal = true
            }
          }
          if (!isLocal && option.localityKey !== null) {
            for (let i = coversEnd; i < localitiesEnd && !isLocal; i++) {
              if (pool[i] === option.localityKey) isLocal = true
            }
          }
          if (detail && g.source === 'near' && Number.isFinite(d)) {
            detail.nearKm = detail.nearKm === null ? d : Math.min(detail.nearKm, d)
          }
          if (isLocal) {
            // The nearest of the places named counts for the distance; the first names the hit.
            if (Number.isFinite(d)) distanceKm = Math.min(distanceKm, d)
            if (!hitLocal) {
              hit = o
              hitLocal = true
            }
            continue
          }
          if (hit < 0 && online && onlineAllowed) {
            let reach = option.onlineAnywhere
            const keys = option.coverKeys
            for (let i = placesEnd; i < coversEnd && !reach; i++) {
              const key = pool[i]!
              for (let k = 0; k < keys.length; k++) if (keys[k] === key) reach = true
            }
            if (reach) hit = o
          }
        }
        if (hit < 0) return NaN
        if (!hitLocal) local = false
        if (detail) detail.geo.push({ option: hit, local: hitLocal })
      }
      score += local ? 20 + (Number.isFinite(distanceKm) ? 10 * Math.exp(-distanceKm / 20) : 5) : 10
    }

    // Words: required when nothing else was understood, otherwise a lift.
    let matchedTerms = 0
    const words = bits[slot]! & termBitsMask
    if (words) {
      for (let t = 0; t < terms.length; t++) {
        if (!(words & (1 << t))) continue
        matchedTerms++
        if (detail) detail.termsMatched.push(terms[t]!.term)
      }
    }
    if (plan.termsRequired && matchedTerms === 0) return NaN

    score += restScore(slot, audience, attendance, flags, fresh, audienceExact, matchedTerms)
    const isStale = fresh <= stale
    if (detail) {
      detail.audienceExact = audienceExact
      detail.stale = isStale
      detail.distanceKm = distanceKm
      detail.score = score
    }
    out.distance = distanceKm
    return score
  }

  const rest =
    (plan.audience.length ? 12 : 0) +
    4 * plan.attendance.length +
    4 +
    (plan.terms.length ? 12 : 0) +
    2 +
    3
  const bound = (slot: number, geoMost: number): number => {
    let score = 0
    if (plan.conditions.length) {
      const base = startCol[slot]!
      const count = nConcepts[slot]!
      for (let ci = 0; ci < plan.conditions.length; ci++) {
        const scores = plan.conditions[ci]!.scores
        let best = 0
        for (let i = 0; i < count; i++) {
          const s = scores[pool[base + i]!] ?? 0
          if (s > best) best = s
        }
        if (best < mentionScore && ci < 4 && bits[slot]! & (1 << (12 + ci))) best = mentionScore
        score += best
      }
    }
    if (plan.geo.length) score += geoMost
    const audience = audienceCol[slot]!
    let audienceExact = plan.audience.length > 0
    for (const a of plan.audience) if (!(audience & a.exact)) audienceExact = false
    let matchedTerms = 0
    const words = bits[slot]! & termBitsMask
    if (words) for (let t = 0; t < terms.length; t++) if (words & (1 << t)) matchedTerms++
    const attendance = attendanceCol[slot]!
    const flags = flagsCol[slot]!
    const fresh = freshCol[slot]!
    return score + restScore(slot, audience, attendance, flags, fresh, audienceExact, matchedTerms)
  }
  const out: Evaluator = { evaluate, distance: Infinity, restMax: rest, bound }
  return out
}
