import type { Migration } from 'kysely/migration'
import * as referenceData from './2026-11-22T0900-reference-data.ts'
import * as accounts from './2026-11-22T1000-accounts.ts'
import * as directory from './2026-11-22T1100-directory.ts'
import * as secondFactor from './2026-11-22T1200-second-factor.ts'
import * as moderation from './2026-11-22T1300-moderation.ts'
import * as search from './2026-11-22T1500-search.ts'
import * as membership from './2026-11-22T1600-membership.ts'
import * as passkeys from './2026-12-06T1000-passkeys.ts'
import * as directoryTextsFeesChannels from './2026-12-06T2000-directory-texts-fees-channels.ts'
import * as joining from './2026-12-07T1000-joining.ts'
import * as meetings from './2026-12-07T1010-meetings.ts'
import * as jobs from './2026-12-07T1020-jobs.ts'

/**
 * Every migration, by name; names sort in the order they run. Listed statically (rather than read
 * from the folder) so that they work the same under Node, Vitest and a bundler.
 */
export const migrations: Record<string, Migration> = {
  '2026-11-22T0900-reference-data': referenceData,
  '2026-11-22T1000-accounts': accounts,
  '2026-11-22T1100-directory': directory,
  '2026-11-22T1200-second-factor': secondFactor,
  '2026-11-22T1300-moderation': moderation,
  '2026-11-22T1500-search': search,
  '2026-11-22T1600-membership': membership,
  '2026-12-06T1000-passkeys': passkeys,
  '2026-12-06T2000-directory-texts-fees-channels': directoryTextsFeesChannels,
  '2026-12-07T1000-joining': joining,
  '2026-12-07T1010-meetings': meetings,
  '2026-12-07T1020-jobs': jobs,
}
