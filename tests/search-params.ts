import type { SearchParams } from '#src/search/engine.ts'

/** The contract's query string as the engine's parameters (the route's parsing, simplified). */
export function searchParams(query: string): SearchParams {
  const u = new URLSearchParams(query.split('?')[1])
  const near = u.get('near')?.split(',').map(Number)
  return {
    q: u.get('q') ?? undefined,
    condition: u.get('condition') ?? undefined,
    near: near ? { lat: near[0]!, lon: near[1]! } : undefined,
    radiusKm: u.get('radius_km') ? Number(u.get('radius_km')) : undefined,
    place: u.get('place') ?? undefined,
    types: u.getAll('type'),
    audience: u.getAll('audience'),
    languages: u.getAll('language'),
    attendance: (u.get('attendance') ?? undefined) as SearchParams['attendance'],
    free: u.get('free') === 'true' ? true : undefined,
    page: Number(u.get('page') ?? 1),
    perPage: 20,
  }
}
