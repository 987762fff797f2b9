import type { ColumnType, Generated } from 'kysely'

export type JobState = 'queued' | 'running' | 'done' | 'failed'
export type NoticeState = 'pending' | 'sending' | 'sent' | 'skipped' | 'uncertain'

type Json = ColumnType<Record<string, unknown>, string | undefined, string>

export interface JobTables {
  /** Work to do at a time: decide who is to be told what, expire an offer, extend a series. */
  job: {
    id: Generated<string>
    kind: string
    key: string
    payload: Json
    run_at: Date
    state: Generated<JobState>
    attempts: Generated<number>
    locked_until: Date | null
    last_error: string | null
    created_at: Date
    finished_at: Date | null
  }
  /** One mail to one person, recorded once by its key and delivered at most once. */
  notice: {
    id: Generated<string>
    key: string
    kind: string
    user_id: string | null
    group_id: string | null
    payload: Json
    state: Generated<NoticeState>
    attempts: Generated<number>
    created_at: Date
    claimed_at: Date | null
    finished_at: Date | null
  }
}
