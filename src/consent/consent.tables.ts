import type { Generated } from 'kysely'

export interface ConsentTables {
  consent: {
    id: Generated<string>
    user_id: string
    purpose: string
    /** Which wording the person agreed to (see consent.texts.ts). */
    text_version: string
    /** The language the text was shown in. */
    locale: string
    given_at: Date
    withdrawn_at: Date | null
  }
}
