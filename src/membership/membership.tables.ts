import type { ColumnType, Generated, RawBuilder } from 'kysely'

export const membershipStates = [
  'requested',
  'screening',
  'active',
  'waitlisted',
  'declined',
  'left',
  'removed',
] as const
export type MembershipState = (typeof membershipStates)[number]

export const joinPolicies = ['open', 'approval', 'screening', 'referral', 'invitation'] as const
export type JoinPolicy = (typeof joinPolicies)[number]

export interface MembershipTables {
  /**
   * One person's membership of one group, whatever its state. Who belongs to a disease group is
   * health information: read it only through membership.access.ts and the membership service.
   */
  membership: {
    id: Generated<string>
    group_id: string
    user_id: string
    state: MembershipState
    display_name: string
    visible_to_members: Generated<boolean>
    created_at: Date
    updated_at: Date
    /** What the person wrote to the facilitators with a request to join. */
    note: Generated<string | null>
    /** The invitation or referral the person came with. */
    pass_id: Generated<string | null>
    /** Waiting-list order. */
    waitlisted_at: Generated<Date | null>
    /** Place in the waiting list, from `waitlist_position_seq`. */
    waitlist_position: ColumnType<
      string | null,
      RawBuilder<unknown> | null | undefined,
      RawBuilder<unknown> | null
    >
    /** While a place is offered to a waitlisted person: when the offer lapses. */
    offer_expires_at: Generated<Date | null>
  }
  /** Every change of state, with who made it and why. */
  membership_event: {
    id: Generated<string>
    membership_id: string
    from_state: MembershipState | null
    to_state: MembershipState
    actor: string
    reason: string | null
    at: Date
  }
  /** An invitation link or a referral code, handed out by a group's facilitators. */
  group_pass: {
    id: Generated<string>
    group_id: string
    kind: PassKind
    label: string
    token_hash: string
    token_sealed: string
    max_uses: number | null
    uses: Generated<number>
    expires_at: Date | null
    revoked_at: Date | null
    created_by: string | null
    created_at: Date
  }
  /** A group's screening questionnaire; a new version retires the old one. */
  questionnaire: {
    id: Generated<string>
    group_id: string
    questions: ColumnType<Question[], string, string>
    created_by: string | null
    created_at: Date
    retired_at: Date | null
  }
  /** One person's answers, sealed: health data for the group's facilitators only. */
  screening_answer: {
    membership_id: string
    questionnaire_id: string
    answers_sealed: string
    submitted_at: Date
  }
  /** A question asked before joining; the asker stays anonymous until they say otherwise. */
  group_question: {
    id: Generated<string>
    group_id: string
    asker_user_id: string | null
    asker_email_sealed: string | null
    asker_locale: 'ja' | 'en'
    token_hash: string
    token_sealed: string
    confirmed_at: Date | null
    revealed_at: Date | null
    reveal_name: string | null
    created_at: Date
    last_message_at: Date
  }
  group_question_message: {
    id: Generated<string>
    question_id: string
    side: 'seeker' | 'group'
    author_id: string | null
    body: string
    created_at: Date
  }
}

export const passKinds = ['invitation', 'referral'] as const
export type PassKind = (typeof passKinds)[number]

export const questionKinds = ['text', 'choice', 'scale'] as const
export type QuestionKind = (typeof questionKinds)[number]

/** One question of a screening questionnaire. A scale runs from 0 to 10. */
export interface Question {
  id: string
  kind: QuestionKind
  label: string
  /** For a choice: the options, in order. */
  options: string[]
  required: boolean
}
