/**
 * More pages of running a group: the screening questionnaire builder (rows to fill in, a few
 * blank ones to add questions, no JavaScript), invitation links and referral codes, and the
 * questions people asked before joining, with a form to reply.
 */
import { Hono } from 'hono'
import { html } from 'hono/html'
import { signedInPage } from '#src/accounts/auth.pages.ts'
import { translator, type Translate } from '#src/i18n/i18n.ts'
import { AppError } from '#src/platform/errors.ts'
import { checkFormToken } from '#src/platform/form-token.ts'
import type { AppContext, AppEnv } from '#src/platform/http.ts'
import {
  buttonForm,
  checkbox,
  formAlert,
  formFields,
  notice,
  select,
  textArea,
  textInput,
  tokenField,
} from '#src/web/form-controls.ts'
import { managePage, managePath } from './manage.pages.ts'
import { requireManager } from './membership.groups.ts'
import { passKinds, questionKinds, type Question } from './membership.tables.ts'
import { createPass, listPasses, revokePass } from './passes.service.ts'
import {
  currentQuestionnaire,
  saveQuestionnaire,
  type QuestionInput,
} from './questionnaire.service.ts'
import { getQuestion, listQuestions, replyAsGroup } from './questions.service.ts'

const blankRows = 3

function questionRow(t: Translate, i: number, q: Partial<Question>, error: boolean) {
  return html`<fieldset class="question-row${error ? ' has-error' : ''}">
    <legend>${t('manage.questionnaire.question', { n: i + 1 })}</legend>
    <input type="hidden" name="q_${i}_id" value="${q.id ?? ''}" />
    ${select({
      id: `q_${i}_kind`,
      name: `q_${i}_kind`,
      label: t('manage.questionnaire.kind'),
      value: q.kind ?? 'text',
      options: questionKinds.map((k) => ({ value: k, label: t(`manage.questionnaire.kind.${k}`) })),
    })}
    ${textInput({ id: `q_${i}_label`, name: `q_${i}_label`, label: t('manage.questionnaire.label'), value: q.label, maxlength: 300 })}
    ${textArea({
      id: `q_${i}_options`,
      name: `q_${i}_options`,
      label: t('manage.questionnaire.options'),
      hint: t('manage.questionnaire.optionsHint'),
      value: (q.options ?? []).join('\n'),
      maxlength: 1200,
      rows: 3,
    })}
    ${checkbox({ id: `q_${i}_required`, name: `q_${i}_required`, label: t('manage.questionnaire.required'), checked: q.required ?? true })}
    ${error ? html`<span class="field-error">${t('manage.questionnaire.rowError')}</span>` : ''}
  </fieldset>`
}

async function questionnairePage(
  c: AppContext,
  state: { rows?: Partial<Question>[]; bad?: Set<number> } = {},
) {
  const deps = c.get('deps')
  const groupId = c.req.param('id') ?? ''
  const { group } = await requireManager(deps.db, c.get('actor'), groupId)
  const rows = state.rows ?? (await currentQuestionnaire(deps.db, groupId))?.questions ?? []
  const all = [...rows, ...Array.from({ length: blankRows }, () => ({}))]
  return managePage(
    c,
    group,
    'questionnaire',
    'manage.questionnaire.title',
    (t) =>
      html`${notice(c.req.query('saved') ? t('myGroups.saved') : null)}
        <p>${t('manage.questionnaire.lead')}</p>
        ${group.join_policy === 'screening' ? '' : html`<p class="notice notice-warn">${t('manage.questionnaire.notScreening')}</p>`}
        ${state.bad?.size ? formAlert(t('manage.questionnaire.error')) : ''}
        <form method="post" action="${managePath(groupId, 'questionnaire')}" novalidate>
          ${tokenField(c)}
          <input type="hidden" name="rows" value="${all.length}" />
          ${all.map((q, i) => questionRow(t, i, q, state.bad?.has(i) ?? false))}
          <p><button class="button" type="submit">${t('myGroups.save')}</button></p>
        </form>`,
    state.bad?.size ? 400 : 200,
  )
}

/** The builder's rows as the service takes them; a row with no text is a row left blank. */
function rowsOf(form: Record<string, string>): { inputs: QuestionInput[]; index: number[] } {
  const count = Math.min(Number(form.rows) || 0, 40)
  const inputs: QuestionInput[] = []
  const index: number[] = []
  for (let i = 0; i < count; i++) {
    const label = (form[`q_${i}_label`] ?? '').trim()
    if (!label) continue
    inputs.push({
      id: form[`q_${i}_id`] || undefined,
      kind: form[`q_${i}_kind`] ?? 'text',
      label,
      options: (form[`q_${i}_options`] ?? '').split(/\r?\n/),
      required: form[`q_${i}_required`] === 'yes',
    })
    index.push(i)
  }
  return { inputs, index }
}

async function passesPage(c: AppContext, problem?: string, made?: string) {
  const deps = c.get('deps')
  const groupId = c.req.param('id') ?? ''
  const { group } = await requireManager(deps.db, c.get('actor'), groupId)
  const passes = await listPasses(deps, c.get('actor'), groupId)
  c.header('Cache-Control', 'no-store')
  return managePage(
    c,
    group,
    'passes',
    'manage.passes.title',
    (t) =>
      html`${notice(made)} ${formAlert(problem)}
        <p>${t('manage.passes.lead')}</p>
        <form method="post" action="${managePath(groupId, 'passes')}" novalidate>
          ${tokenField(c)}
          ${select({
            name: 'kind',
            label: t('manage.passes.kind'),
            value: group.join_policy === 'referral' ? 'referral' : 'invitation',
            options: passKinds.map((k) => ({ value: k, label: t(`manage.passes.kind.${k}`) })),
          })}
          ${textInput({ name: 'label', label: t('manage.passes.label'), hint: t('manage.passes.labelHint'), maxlength: 200, required: true })}
          ${textInput({ name: 'max_uses', label: t('manage.passes.maxUses'), hint: t('manage.passes.maxUsesHint'), maxlength: 5 })}
          ${textInput({ name: 'expires_in_days', label: t('manage.passes.days'), maxlength: 4 })}
          <p><button class="button" type="submit">${t('manage.passes.make')}</button></p>
        </form>
        <ul class="account-sections">
          ${passes.map(
            (p) =>
              html`<li class="account-card">
                <h3>${p.label} <span class="badge">${t(`manage.passes.kind.${p.kind}`)}</span></h3>
                <p class="secret-text">${p.kind === 'invitation' ? p.link : p.token}</p>
                <p class="muted">
                  ${t('manage.passes.used', { uses: p.uses })}${p.revoked_at ? html` · ${t('manage.passes.revoked')}` : ''}
                </p>
                ${p.revoked_at ? '' : buttonForm(c, managePath(groupId, `passes/${p.id}/revoke`), t('manage.passes.revoke'), { secondary: true })}
              </li>`,
          )}
        </ul>`,
    problem ? 400 : 200,
  )
}

async function questionsPage(c: AppContext) {
  const deps = c.get('deps')
  const groupId = c.req.param('id') ?? ''
  const { group } = await requireManager(deps.db, c.get('actor'), groupId)
  const items = await listQuestions(deps, c.get('actor'), groupId)
  return managePage(
    c,
    group,
    'questions',
    'manage.questions.title',
    (t) =>
      html`<p>${t('manage.questions.lead')}</p>
        ${
          items.length
            ? html`<ul>
                ${items.map(
                  (q) =>
                    html`<li>
                      <a href="${managePath(groupId, `questions/${q.id}`)}"
                        >${q.revealed ? q.revealed.name : t('manage.questions.anonymous')}</a
                      >
                      <span class="muted">${q.last_message_at.slice(0, 10)}</span>
                    </li>`,
                )}
              </ul>`
            : html`<p class="muted">${t('manage.members.empty')}</p>`
        }`,
  )
}

async function questionPage(c: AppContext, problem?: string) {
  const deps = c.get('deps')
  const groupId = c.req.param('id') ?? ''
  const { group } = await requireManager(deps.db, c.get('actor'), groupId)
  const q = await getQuestion(deps, c.get('actor'), groupId, c.req.param('qid') ?? '')
  return managePage(
    c,
    group,
    'questions',
    'manage.questions.title',
    (t) =>
      html`<p>
          ${q.revealed ? t('manage.questions.revealed', { name: q.revealed.name, email: q.revealed.email ?? '' }) : t('manage.questions.anonymousLead')}
        </p>
        <ol class="thread">
          ${q.messages.map(
            (m) =>
              html`<li class="thread-message thread-${m.side}">
                <p class="muted small">
                  ${m.side === 'seeker' ? t('manage.questions.them') : t('ask.group')}
                </p>
                <p class="pre-wrap">${m.body}</p>
              </li>`,
          )}
        </ol>
        <form method="post" action="${managePath(groupId, `questions/${q.id}`)}" novalidate>
          ${tokenField(c)}
          ${textArea({ name: 'body', label: t('ask.reply'), maxlength: 4000, required: true, errors: problem ? { body: problem } : {} })}
          <p><button class="button" type="submit">${t('ask.send')}</button></p>
        </form>`,
    problem ? 400 : 200,
  )
}

export function manageExtraPages() {
  return new Hono<AppEnv>()
    .get('/manage/groups/:id/questionnaire', ...signedInPage, (c) => questionnairePage(c))
    .post('/manage/groups/:id/questionnaire', ...signedInPage, async (c) => {
      const form = await formFields(c)
      checkFormToken(c, form.form_token)
      const { inputs, index } = rowsOf(form)
      try {
        await saveQuestionnaire(c.get('deps'), c.get('actor'), c.req.param('id'), inputs)
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'invalid_input') throw error
        const bad = new Set(
          Object.keys(error.fields ?? {}).flatMap((f) => {
            const m = /^questions\.(\d+)\./.exec(f)
            return m ? [index[Number(m[1])]!] : []
          }),
        )
        const rows = inputs.map((q) => ({
          ...q,
          kind: q.kind as Question['kind'],
          options: q.options ?? [],
        }))
        return questionnairePage(c, { rows, bad: bad.size ? bad : new Set([0]) })
      }
      return c.redirect(`${managePath(c.req.param('id'), 'questionnaire')}?saved=1`, 303)
    })
    .get('/manage/groups/:id/passes', ...signedInPage, (c) => passesPage(c))
    .post('/manage/groups/:id/passes', ...signedInPage, async (c) => {
      const form = await formFields(c)
      checkFormToken(c, form.form_token)
      const t = translator(c.get('locale'))
      const number = (v: string | undefined) => (v && /^\d{1,5}$/.test(v.trim()) ? Number(v) : null)
      try {
        await createPass(c.get('deps'), c.get('actor'), {
          groupId: c.req.param('id'),
          kind: form.kind === 'referral' ? 'referral' : 'invitation',
          label: form.label ?? '',
          maxUses: number(form.max_uses),
          expiresInDays: number(form.expires_in_days),
        })
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'invalid_input') throw error
        return passesPage(c, t('manage.passes.labelError'))
      }
      return passesPage(c, undefined, t('manage.passes.made'))
    })
    .post('/manage/groups/:id/passes/:pid/revoke', ...signedInPage, async (c) => {
      const form = await formFields(c)
      checkFormToken(c, form.form_token)
      await revokePass(c.get('deps'), c.get('actor'), {
        groupId: c.req.param('id'),
        passId: c.req.param('pid'),
      })
      return c.redirect(managePath(c.req.param('id'), 'passes'), 303)
    })
    .get('/manage/groups/:id/questions', ...signedInPage, (c) => questionsPage(c))
    .get('/manage/groups/:id/questions/:qid', ...signedInPage, (c) => questionPage(c))
    .post('/manage/groups/:id/questions/:qid', ...signedInPage, async (c) => {
      const form = await formFields(c)
      checkFormToken(c, form.form_token)
      try {
        await replyAsGroup(c.get('deps'), c.get('actor'), {
          groupId: c.req.param('id'),
          questionId: c.req.param('qid'),
          body: form.body ?? '',
        })
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'invalid_input') throw error
        return questionPage(c, translator(c.get('locale'))('ask.error.body'))
      }
      return c.redirect(managePath(c.req.param('id'), `questions/${c.req.param('qid')}`), 303)
    })
}
