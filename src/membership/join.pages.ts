/**
 * The join form, shaped by the group's flow: one step for open groups and invitations, a request
 * with a message for approval and referral groups, the questionnaire for screening groups; the
 * consent text when it is not yet given; and a word on the waiting list when the group is full.
 */
import { Hono } from 'hono'
import { html } from 'hono/html'
import { policy } from '#src/access/route-policy.ts'
import { signedInPage } from '#src/accounts/auth.pages.ts'
import { hasConsent } from '#src/consent/consent.service.ts'
import { consentTexts } from '#src/consent/consent.texts.ts'
import { translator, type Translate } from '#src/i18n/i18n.ts'
import { AppError, notFound } from '#src/platform/errors.ts'
import { checkFormToken } from '#src/platform/form-token.ts'
import type { AppContext, AppEnv } from '#src/platform/http.ts'
import {
  checkbox,
  formAlert,
  formFields,
  page,
  radios,
  textArea,
  textInput,
  tokenField,
  type Errors,
} from '#src/web/form-controls.ts'
import { inline, pick } from '#src/web/group-page-parts.ts'
import { joinGroup } from './join.service.ts'
import { isShut, loadJoinGroup, requireKnownGroup, type JoinGroup } from './membership.groups.ts'
import type { Question } from './membership.tables.ts'
import { findValidPass } from './passes.service.ts'
import { hasPlace } from './places.ts'
import { currentQuestionnaire } from './questionnaire.service.ts'

interface JoinState {
  values?: Record<string, string>
  errors?: Errors
}

function questionControl(t: Translate, q: Question, state: JoinState) {
  const name = `answer_${q.id}`
  const common = {
    name,
    label: q.required ? q.label : `${q.label} ${t('join.optional')}`,
    errors: state.errors,
    required: q.required,
  }
  const value = state.values?.[name]
  if (q.kind === 'choice') {
    return radios({ ...common, value, options: q.options.map((o) => ({ value: o, label: o })) })
  }
  if (q.kind === 'scale') {
    return radios({
      ...common,
      value,
      hint: t('join.scaleHint'),
      options: Array.from({ length: 11 }, (_, i) => ({ value: String(i), label: String(i) })),
    })
  }
  return textArea({ ...common, value, maxlength: 2000, rows: 3 })
}

async function joinForm(
  c: AppContext,
  group: JoinGroup,
  pass: string | null,
  state: JoinState = {},
) {
  const deps = c.get('deps')
  const actor = c.get('actor')
  const locale = c.get('locale')
  const name = pick(group.name, locale)
  const questionnaire =
    group.join_policy === 'screening' ? await currentQuestionnaire(deps.db, group.id) : undefined
  const consented =
    actor.kind === 'user' && (await hasConsent(deps.db, actor.userId, 'health_data'))
  const full =
    (group.join_policy === 'open' || group.join_policy === 'invitation') &&
    !(await hasPlace(deps.db, group, deps.clock.now()))
  const consent = consentTexts.health_data[locale]
  const v = state.values ?? {}
  const e = state.errors ?? {}
  const action = pass ? `/invite/${pass}` : `/groups/${encodeURIComponent(group.id)}/join`
  return page(
    c,
    'join.title',
    (t) =>
      html`<h1>${t('join.heading')}</h1>
        <p class="lead">${inline(name)}</p>
        <p>${t(`join.flow.${group.join_policy}`)}</p>
        ${full ? html`<p class="notice notice-warn">${t('join.full')}</p>` : ''} ${formAlert(e._)}
        <form method="post" action="${action}" novalidate>
          ${tokenField(c)}
          ${textInput({
            name: 'display_name',
            label: t('join.displayName'),
            hint: t('join.displayNameHint'),
            value: v.display_name,
            maxlength: 60,
            required: true,
            autocomplete: 'nickname',
            errors: e,
          })}
          ${
            group.join_policy === 'referral'
              ? textInput({
                  name: 'pass',
                  label: t('join.referralCode'),
                  hint: t('join.referralHint'),
                  value: v.pass,
                  maxlength: 100,
                  required: true,
                  errors: e,
                })
              : ''
          }
          ${(questionnaire?.questions ?? []).map((q) => questionControl(t, q, state))}
          ${
            group.join_policy === 'open' || group.join_policy === 'invitation'
              ? ''
              : textArea({
                  name: 'note',
                  label: t('join.note'),
                  hint: t('join.noteHint'),
                  value: v.note,
                  maxlength: 2000,
                  errors: e,
                })
          }
          ${
            consented
              ? ''
              : html`<section class="consent-box" aria-labelledby="consent-title">
                  <h2 id="consent-title">${consent.title}</h2>
                  <p>${consent.text}</p>
                  <input
                    type="hidden"
                    name="consent_version"
                    value="${consentTexts.health_data.version}"
                  />
                  ${checkbox({ name: 'consent', label: t('join.consent'), checked: v.consent === 'yes', errors: e, required: true })}
                </section>`
          }
          <p>
            <button class="button" type="submit">
              ${t(group.join_policy === 'open' || group.join_policy === 'invitation' ? 'join.submit' : 'join.submitRequest')}
            </button>
          </p>
        </form>`,
    state.errors ? 400 : 200,
  )
}

/** Field messages in the reader's words for what the service refused. */
function problems(t: Translate, error: unknown): Errors {
  if (!(error instanceof AppError) || error.code !== 'invalid_input') throw error
  const errors: Errors = {}
  for (const [field, code] of Object.entries(error.fields ?? {})) {
    if (field === 'display_name') errors.display_name = t('join.error.displayName')
    else if (field === 'consent') errors.consent = t('join.error.consent')
    else if (field === 'pass') errors.pass = t('join.error.pass')
    else if (field === 'note') errors.note = t('join.error.tooLong')
    else if (field.startsWith('answers.')) {
      errors[`answer_${field.slice(8)}`] = t(
        code === 'required' ? 'join.error.required' : 'join.error.answer',
      )
    }
  }
  if (Object.keys(errors).length === 0) errors._ = t('join.error.general')
  return errors
}

async function submit(c: AppContext, group: JoinGroup, pass: string | null) {
  const form = await formFields(c)
  checkFormToken(c, form.form_token)
  const answers = Object.fromEntries(
    Object.entries(form)
      .filter(([k]) => k.startsWith('answer_'))
      .map(([k, v]) => [k.slice(7), v]),
  )
  const t = translator(c.get('locale'))
  try {
    await joinGroup(c.get('deps'), c.get('actor'), {
      groupId: group.id,
      displayName: form.display_name ?? '',
      consentVersion: form.consent === 'yes' ? form.consent_version : undefined,
      locale: c.get('locale'),
      note: form.note,
      answers,
      pass: pass ?? form.pass,
    })
  } catch (error) {
    if (error instanceof AppError && (error.code === 'conflict' || error.code === 'forbidden')) {
      const message = t(error.code === 'conflict' ? 'join.error.conflict' : 'join.error.removed')
      return joinForm(c, group, pass, { values: form, errors: { _: message } })
    }
    return joinForm(c, group, pass, { values: form, errors: problems(t, error) })
  }
  return c.redirect(`/my/groups?joined=${encodeURIComponent(group.id)}`, 303)
}

async function invitedGroup(c: AppContext) {
  const token = c.req.param('token') ?? ''
  const deps = c.get('deps')
  const pass = await findValidPass(deps.db, token, deps.clock.now(), 'invitation')
  const group = pass ? await loadJoinGroup(deps.db, pass.group_id) : undefined
  if (!pass || !group || isShut(group)) throw notFound('This invitation is not valid any more.')
  c.header('Referrer-Policy', 'no-referrer')
  return group
}

export function joinPages() {
  return new Hono<AppEnv>()
    .get('/groups/:id/join', ...signedInPage, async (c) => {
      const group = await requireKnownGroup(c.get('deps').db, c.get('actor'), c.req.param('id'))
      if (group.join_policy === 'invitation') throw notFound('No such group.')
      return joinForm(c, group, null)
    })
    .post('/groups/:id/join', ...signedInPage, async (c) => {
      const group = await requireKnownGroup(c.get('deps').db, c.get('actor'), c.req.param('id'))
      return submit(c, group, null)
    })
    .get('/invite/:token', policy('public'), async (c) => {
      const group = await invitedGroup(c)
      if (c.get('actor').kind !== 'user') {
        return page(
          c,
          'join.title',
          (t) =>
            html`<h1>${t('join.invited')}</h1>
              <p class="lead">${inline(pick(group.name, c.get('locale')))}</p>
              <p>${t('join.signInFirst')}</p>
              <p>
                <a class="button" href="/sign-in">${t('account.nav.signIn')}</a>
                <a class="button button-secondary" href="/sign-up">${t('account.signUp.title')}</a>
              </p>
              <p class="muted">${t('join.keepLink')}</p>`,
        )
      }
      return joinForm(c, group, c.req.param('token'))
    })
    .post('/invite/:token', ...signedInPage, async (c) =>
      submit(c, await invitedGroup(c), c.req.param('token')),
    )
}
