/**
 * A group's screening questionnaire: a short list of text, choice and 0–10 scale questions that
 * people answer before the facilitators decide on their request. Answers are health data: given
 * with consent, sealed at rest, shown only to the people who run the group, and each showing is
 * audited.
 */
import crypto from 'node:crypto'
import type { Actor } from '#src/access/actor.ts'
import { appendAudit } from '#src/audit/audit.ts'
import type { Db } from '#src/platform/db.ts'
import type { Deps } from '#src/platform/deps.ts'
import { AppError, notFound } from '#src/platform/errors.ts'
import { openField, sealField, type Secrets } from '#src/platform/secrets.ts'
import { requireKnownGroup, requireManager } from './membership.groups.ts'
import { questionKinds, type Question } from './membership.tables.ts'

export const questionLimits = { questions: 20, label: 300, options: 10, option: 100, text: 2000 }

export type Answers = Record<string, string | number>

export interface QuestionInput {
  id?: string | undefined
  kind: string
  label: string
  options?: string[] | undefined
  required?: boolean | undefined
}

/** Checks a questionnaire as the builder sends it; `fields` names each bad part. */
export function checkQuestions(input: QuestionInput[]): Question[] {
  const fields: Record<string, string> = {}
  if (input.length > questionLimits.questions) fields.questions = 'too_many'
  const ids = new Set<string>()
  const questions = input.map((q, i) => {
    const label = q.label.trim()
    if (!label || label.length > questionLimits.label) fields[`questions.${i}.label`] = 'required'
    if (!(questionKinds as readonly string[]).includes(q.kind))
      fields[`questions.${i}.kind`] = 'kind'
    const options = (q.options ?? []).map((o) => o.trim()).filter(Boolean)
    if (
      q.kind === 'choice' &&
      (options.length < 2 ||
        options.length > questionLimits.options ||
        options.some((o) => o.length > questionLimits.option) ||
        new Set(options).size !== options.length)
    ) {
      fields[`questions.${i}.options`] = 'options'
    }
    let id = q.id && /^[a-z0-9]{1,16}$/.test(q.id) ? q.id : crypto.randomBytes(4).toString('hex')
    while (ids.has(id)) id = crypto.randomBytes(4).toString('hex')
    ids.add(id)
    return {
      id,
      kind: q.kind as Question['kind'],
      label,
      options: q.kind === 'choice' ? options : [],
      required: q.required ?? true,
    }
  })
  if (Object.keys(fields).length) {
    throw new AppError('invalid_input', 'Some of the questions are not complete.', { fields })
  }
  return questions
}

/** Checks answers against the questions: `fields` names each bad one as `answers.<id>`. */
export function checkAnswers(questions: Question[], raw: Record<string, unknown>): Answers {
  const fields: Record<string, string> = {}
  const answers: Answers = {}
  for (const q of questions) {
    const value = raw[q.id]
    const text =
      typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : ''
    if (text === '') {
      if (q.required) fields[`answers.${q.id}`] = 'required'
      continue
    }
    if (q.kind === 'text') {
      if (text.length > questionLimits.text) fields[`answers.${q.id}`] = 'too_long'
      else answers[q.id] = text
    } else if (q.kind === 'choice') {
      if (!q.options.includes(text)) fields[`answers.${q.id}`] = 'choice'
      else answers[q.id] = text
    } else {
      const n = Number(text)
      if (!/^\d{1,2}$/.test(text) || n < 0 || n > 10) fields[`answers.${q.id}`] = 'scale'
      else answers[q.id] = n
    }
  }
  if (Object.keys(fields).length) {
    throw new AppError('invalid_input', 'Some answers are missing or not valid.', { fields })
  }
  return answers
}

export async function currentQuestionnaire(db: Db, groupId: string) {
  return db
    .selectFrom('questionnaire')
    .select(['id', 'questions'])
    .where('group_id', '=', groupId)
    .where('retired_at', 'is', null)
    .executeTakeFirst()
}

/** The questions, for the join form: anyone who may know of the group may read them. */
export async function getQuestionnaire(deps: Deps, actor: Actor, groupId: string) {
  await requireKnownGroup(deps.db, actor, groupId)
  const current = await currentQuestionnaire(deps.db, groupId)
  return { questions: current?.questions ?? [] }
}

export async function saveQuestionnaire(
  deps: Deps,
  actor: Actor,
  groupId: string,
  input: QuestionInput[],
) {
  const { user } = await requireManager(deps.db, actor, groupId)
  const questions = checkQuestions(input)
  const now = deps.clock.now()
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('questionnaire')
      .set({ retired_at: now })
      .where('group_id', '=', groupId)
      .where('retired_at', 'is', null)
      .execute()
    await trx
      .insertInto('questionnaire')
      .values({
        group_id: groupId,
        questions: JSON.stringify(questions),
        created_by: user.userId,
        created_at: now,
        retired_at: null,
      })
      .execute()
    await appendAudit(
      deps,
      {
        actorId: user.userId,
        action: 'questionnaire_changed',
        subjectType: 'group',
        subjectId: groupId,
        scope: `group:${groupId}`,
        details: { questions: questions.length },
      },
      trx,
    )
  })
  return { questions }
}

export async function storeAnswers(
  trx: Db,
  secrets: Secrets,
  now: Date,
  input: { membershipId: string; questionnaireId: string; answers: Answers },
) {
  const values = {
    questionnaire_id: input.questionnaireId,
    answers_sealed: sealField(secrets, JSON.stringify(input.answers)),
    submitted_at: now,
  }
  await trx
    .insertInto('screening_answer')
    .values({ membership_id: input.membershipId, ...values })
    .onConflict((oc) => oc.column('membership_id').doUpdateSet(values))
    .execute()
}

/** One person's answers with the questions they answered, opened for their own export. */
export async function answersOf(db: Db, secrets: Secrets, membershipId: string) {
  const row = await db
    .selectFrom('screening_answer as a')
    .innerJoin('questionnaire as q', 'q.id', 'a.questionnaire_id')
    .select(['a.answers_sealed', 'a.submitted_at', 'q.questions'])
    .where('a.membership_id', '=', membershipId)
    .executeTakeFirst()
  if (!row) return null
  const answers = JSON.parse(openField(secrets, row.answers_sealed)) as Answers
  return {
    submitted_at: row.submitted_at.toISOString(),
    items: row.questions.map((q) => ({
      question: q.label,
      kind: q.kind,
      answer: answers[q.id] ?? null,
    })),
  }
}

/** A member's answers, for the people who run the group; every look is audited. */
export async function readAnswers(
  deps: Deps,
  actor: Actor,
  input: { groupId: string; membershipId: string },
) {
  const { user } = await requireManager(deps.db, actor, input.groupId)
  const member = await deps.db
    .selectFrom('membership')
    .select('id')
    .where('id', '=', input.membershipId)
    .where('group_id', '=', input.groupId)
    .executeTakeFirst()
  const answers = member ? await answersOf(deps.db, deps.secrets, member.id) : null
  if (!answers) throw notFound('No answers.')
  await appendAudit(deps, {
    actorId: user.userId,
    action: 'screening_answers_viewed',
    subjectType: 'membership',
    subjectId: input.membershipId,
    scope: `group:${input.groupId}`,
  })
  return answers
}
