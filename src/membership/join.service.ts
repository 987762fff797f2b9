/**
 * Joining and leaving, by the flow each group chose (decision 060): open and invitation groups let
 * people in at once (or onto the waiting list when full); approval and referral groups hold a
 * request for the facilitators; screening groups hold the request with the questionnaire's
 * answers. Joining needs consent to the health data the group will hold.
 */
import { requireUser, type Actor } from '#src/access/actor.ts'
import { giveConsent, hasConsent } from '#src/consent/consent.service.ts'
import { consentTexts } from '#src/consent/consent.texts.ts'
import { addNotice } from '#src/jobs/notices.ts'
import { releaseRsvps } from '#src/meetings/rsvp.service.ts'
import type { Db } from '#src/platform/db.ts'
import type { Deps } from '#src/platform/deps.ts'
import { AppError, notFound } from '#src/platform/errors.ts'
import {
  groupKeepers,
  isShut,
  loadJoinGroup,
  lockGroup,
  membershipOf,
  presentStates,
  requireKnownGroup,
  type JoinGroup,
} from './membership.groups.ts'
import type { MembershipState } from './membership.tables.ts'
import { findValidPass, usePass } from './passes.service.ts'
import { fillPlaces, hasPlace, nextWaitlistPosition, transition } from './places.ts'
import { checkAnswers, currentQuestionnaire, storeAnswers } from './questionnaire.service.ts'

export interface JoinInput {
  groupId: string
  displayName: string
  /** The consent text's version, when the form showed it and the person agreed. */
  consentVersion?: string | undefined
  locale: 'ja' | 'en'
  note?: string | undefined
  answers?: Record<string, unknown> | undefined
  /** An invitation link's token or a referral code. */
  pass?: string | undefined
}

export interface JoinResult {
  membership_id: string
  state: MembershipState
}

export const displayNameMax = 60
export const noteMax = 2000

export function checkDisplayName(raw: string): string {
  const name = raw.replace(/\s+/g, ' ').trim()
  if (name.length < 1 || [...name].length > displayNameMax) {
    throw new AppError(
      'invalid_input',
      'Choose the name to go by in this group (a first name or a pseudonym will do).',
      {
        fields: { display_name: 'required' },
      },
    )
  }
  return name
}

const invalid = (field: string, code: string, message: string) =>
  new AppError('invalid_input', message, { fields: { [field]: code } })

/** The group a join is asked of: an invitation makes a hidden group known to its holder. */
async function groupToJoin(deps: Deps, actor: Actor, input: JoinInput) {
  const now = deps.clock.now()
  const pass = input.pass ? await findValidPass(deps.db, input.pass.trim(), now) : null
  const viaInvitation = pass?.kind === 'invitation' && pass.group_id === input.groupId
  const group = viaInvitation
    ? await loadJoinGroup(deps.db, input.groupId)
    : await requireKnownGroup(deps.db, actor, input.groupId)
  if (!group) throw notFound('No such group.')
  if (isShut(group) || !group.accepting_members) {
    throw new AppError('conflict', 'This group is not taking new members at the moment.')
  }
  if (group.join_policy === 'invitation' && !viaInvitation) {
    throw invalid(
      'pass',
      'invitation',
      'This invitation is not valid any more. Ask the group for a new one.',
    )
  }
  if (
    group.join_policy === 'referral' &&
    (pass?.kind !== 'referral' || pass.group_id !== group.id)
  ) {
    throw invalid(
      'pass',
      'referral',
      'This group takes new members on referral: enter the code you were given.',
    )
  }
  return { group, pass: pass && pass.group_id === group.id ? pass : null }
}

/** The state a request starts in, by the group's flow, and whether it needs a place. */
function firstState(group: JoinGroup): 'take_place' | 'requested' | 'screening' {
  if (group.join_policy === 'open' || group.join_policy === 'invitation') return 'take_place'
  return group.join_policy === 'screening' ? 'screening' : 'requested'
}

export async function joinGroup(deps: Deps, actor: Actor, input: JoinInput): Promise<JoinResult> {
  const user = requireUser(actor)
  const { group, pass } = await groupToJoin(deps, actor, input)
  const displayName = checkDisplayName(input.displayName)
  const note = input.note?.trim() || null
  if (note && note.length > noteMax) throw invalid('note', 'too_long', 'The message is too long.')
  const questionnaire =
    group.join_policy === 'screening' ? await currentQuestionnaire(deps.db, group.id) : undefined
  const answers = questionnaire ? checkAnswers(questionnaire.questions, input.answers ?? {}) : null

  const existing = await membershipOf(deps.db, group.id, user.userId)
  if (existing?.state === 'removed') {
    throw new AppError(
      'forbidden',
      'You cannot rejoin this group. Please contact the people who run it.',
    )
  }
  if (existing && presentStates.includes(existing.state)) {
    throw new AppError('conflict', 'You are already in this group or have asked to join it.')
  }
  if (!(await hasConsent(deps.db, user.userId, 'health_data'))) {
    if (input.consentVersion !== consentTexts.health_data.version) {
      throw invalid(
        'consent',
        'required',
        'Joining needs your consent to what the group will hold.',
      )
    }
    await giveConsent(deps, actor, {
      purpose: 'health_data',
      text_version: input.consentVersion,
      locale: input.locale,
    })
  }

  const now = deps.clock.now()
  return deps.db.transaction().execute(async (trx) => {
    const locked = await lockGroup(trx, group.id)
    const before = await membershipOf(trx, group.id, user.userId)
    if (before && (before.state === 'removed' || presentStates.includes(before.state))) {
      throw new AppError('conflict', 'You are already in this group or have asked to join it.')
    }
    if (pass) await usePass(trx, pass.id)
    const step = firstState(locked)
    const state: MembershipState =
      step === 'take_place' ? ((await hasPlace(trx, locked, now)) ? 'active' : 'waitlisted') : step
    const fields = {
      display_name: displayName,
      note,
      pass_id: pass?.id ?? null,
      visible_to_members: false,
      waitlisted_at: state === 'waitlisted' ? now : null,
      waitlist_position: state === 'waitlisted' ? nextWaitlistPosition() : null,
      offer_expires_at: null,
      updated_at: now,
    }
    const id = before
      ? before.id
      : (
          await trx
            .insertInto('membership')
            .values({ group_id: group.id, user_id: user.userId, state, created_at: now, ...fields })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id
    if (before) await trx.updateTable('membership').set(fields).where('id', '=', id).execute()
    await transition(trx, now, { id, state: before?.state ?? null }, state, `user:${user.userId}`)
    if (answers && questionnaire) {
      await storeAnswers(trx, deps.secrets, now, {
        membershipId: id,
        questionnaireId: questionnaire.id,
        answers,
      })
    }
    if (state === 'requested' || state === 'screening') {
      for (const keeper of await groupKeepers(trx, locked)) {
        await addNotice(trx, now, {
          kind: 'membership.request',
          key: `request:${id}:${now.toISOString()}:${keeper}`,
          userId: keeper,
          groupId: group.id,
          payload: { membership_id: id },
        })
      }
    }
    return { membership_id: id, state }
  })
}

/**
 * Leaves in one step, from any state on the way in or inside. A place freed goes to the next in
 * line; the person's places at the group's members-only meetings are given up too.
 */
export async function leaveGroup(deps: Deps, actor: Actor, groupId: string): Promise<void> {
  const user = requireUser(actor)
  await requireKnownGroup(deps.db, actor, groupId)
  const now = deps.clock.now()
  await deps.db.transaction().execute(async (trx) => {
    const group = await lockGroup(trx, groupId)
    const m = await membershipOf(trx, groupId, user.userId)
    if (!m || !presentStates.includes(m.state)) throw notFound('You are not in this group.')
    await transition(trx, now, m, 'left', `user:${user.userId}`, null, { offer_expires_at: null })
    await releaseRsvps(trx, now, { groupId, userId: user.userId, scope: 'members' })
    await fillPlaces(trx, group, now)
  })
}

async function waitlistedWithOffer(trx: Db, groupId: string, userId: string, now: Date) {
  const m = await membershipOf(trx, groupId, userId)
  if (!m || m.state !== 'waitlisted' || !m.offer_expires_at || m.offer_expires_at <= now) {
    throw new AppError('conflict', 'There is no place on offer to you in this group now.')
  }
  return m
}

/** Takes up a place offered from the waiting list, while the offer stands. */
export async function acceptOffer(deps: Deps, actor: Actor, groupId: string): Promise<void> {
  const user = requireUser(actor)
  await requireKnownGroup(deps.db, actor, groupId)
  const now = deps.clock.now()
  await deps.db.transaction().execute(async (trx) => {
    await lockGroup(trx, groupId)
    const m = await waitlistedWithOffer(trx, groupId, user.userId, now)
    await transition(trx, now, m, 'active', `user:${user.userId}`, 'offer_accepted', {
      offer_expires_at: null,
      waitlisted_at: null,
    })
  })
}
