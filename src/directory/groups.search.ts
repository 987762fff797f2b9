import type { Actor } from '#src/access/actor.ts'
import type { Deps } from '#src/platform/deps.ts'
import type { SearchParams } from '#src/search/engine.ts'
import { searchGroups, type SearchResult } from '#src/search/search.service.ts'
import type { Locale } from './groups.service.ts'

/**
 * `GET /api/v1/groups`: the contract's filters and free text, answered by the search engine in
 * `src/search` (decision 040). The directory's own code calls this; the engine knows nothing of
 * routes.
 */
export type GroupFilters = SearchParams

export type GroupListItem = SearchResult['items'][number]

export type GroupList = SearchResult

/** Anyone may search the public directory; the actor is taken for when that changes. */
export async function listGroups(
  deps: Pick<Deps, 'db' | 'clock'>,
  _actor: Actor,
  filters: GroupFilters,
  locale: Locale,
  options: { details?: boolean } = {},
): Promise<GroupList> {
  return searchGroups(deps, filters, locale, options)
}
