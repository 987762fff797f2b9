/**
 * Asking a group before joining, as pages: the form on the listing, and the asker's own page
 * behind the link only they hold, with the replies, a form to answer, and the choice to tell the
 * group who they are.
 */
import { Hono } from 'hono'
import { html } from 'hono/html'
import { policy } from '#src/access/route-policy.ts'
import { translator, type Translate } from '#src/i18n/i18n.ts'
import { clientIp } from '#src/platform/client-ip.ts'
import { AppError, notFound } from '#src/platform/errors.ts'
import { checkFormToken } from '#src/platform/form-token.ts'
import type { AppContext, AppEnv } from '#src/platform/http.ts'
import {
  buttonForm,
  formAlert,
  formFields,
  notice,
  page,
  textArea,
  textInput,
  tokenField,
  type Errors,
} from '#src/web/form-controls.ts'
import { inline, pick } from '#src/web/group-page-parts.ts'
import { isHidden, isShut, requireKnownGroup } from './membership.groups.ts'
import {
  askQuestion,
  confirmQuestion,
  questionThread,
  revealAsker,
  seekerReply,
} from './questions.service.ts'

async function askForm(
  c: AppContext,
  state: { values?: Record<string, string>; errors?: Errors } = {},
) {
  const group = await requireKnownGroup(c.get('deps').db, c.get('actor'), c.req.param('id') ?? '')
  if (isShut(group) || isHidden(group)) throw notFound('No such group.')
  const signedIn = c.get('actor').kind === 'user'
  const e = state.errors ?? {}
  return page(
    c,
    'ask.title',
    (t) =>
      html`<h1>${t('ask.title')}</h1>
        <p class="lead">${inline(pick(group.name, c.get('locale')))}</p>
        <p>${t('ask.lead')}</p>
        ${formAlert(e._)}
        <form method="post" action="/groups/${encodeURIComponent(group.id)}/ask" novalidate>
          ${tokenField(c)}
          ${textArea({ name: 'body', label: t('ask.body'), value: state.values?.body, maxlength: 4000, rows: 8, required: true, errors: e })}
          ${
            signedIn
              ? html`<p class="muted">${t('ask.signedIn')}</p>`
              : textInput({
                  name: 'email',
                  type: 'email',
                  label: t('ask.email'),
                  hint: t('ask.emailHint'),
                  value: state.values?.email,
                  maxlength: 254,
                  autocomplete: 'email',
                  required: true,
                  errors: e,
                })
          }
          <p><button class="button" type="submit">${t('ask.submit')}</button></p>
        </form>`,
    state.errors ? 400 : 200,
  )
}

const threadPath = (token: string) => `/questions/${token}`

async function threadPage(
  c: AppContext,
  state: { errors?: Errors; values?: Record<string, string>; done?: string } = {},
) {
  const token = c.req.param('token') ?? ''
  const thread = await questionThread(c.get('deps'), token)
  c.header('Cache-Control', 'no-store')
  c.header('Referrer-Policy', 'no-referrer')
  const e = state.errors ?? {}
  const locale = c.get('locale')
  const when = (iso: string) =>
    new Intl.DateTimeFormat(locale === 'ja' ? 'ja-JP' : 'en-GB', {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: 'Asia/Tokyo',
    }).format(new Date(iso))
  return page(
    c,
    'ask.thread',
    (t: Translate) =>
      html`<h1>${t('ask.thread')}</h1>
        <p class="lead">${inline(pick(thread.group.name, locale))}</p>
        ${notice(state.done)}
        ${
          thread.confirmed
            ? ''
            : html`<div class="callout">
                <p>${t('ask.confirmLead')}</p>
                ${buttonForm(c, `${threadPath(token)}/confirm`, t('ask.confirm'))}
              </div>`
        }
        <ol class="thread">
          ${thread.messages.map(
            (m) =>
              html`<li class="thread-message thread-${m.side}">
                <p class="muted small">
                  ${m.side === 'seeker' ? t('ask.you') : t('ask.group')} · ${when(m.created_at)}
                </p>
                <p class="pre-wrap">${m.body}</p>
              </li>`,
          )}
        </ol>
        ${
          thread.confirmed
            ? html`<form method="post" action="${threadPath(token)}/reply" novalidate>
                  ${tokenField(c)}
                  ${textArea({ name: 'body', label: t('ask.reply'), value: state.values?.body, maxlength: 4000, required: true, errors: e })}
                  <p><button class="button" type="submit">${t('ask.send')}</button></p>
                </form>
                ${
                  thread.revealed
                    ? html`<p class="muted">${t('ask.revealed')}</p>`
                    : html`<details>
                        <summary>${t('ask.reveal')}</summary>
                        <p>${t('ask.revealLead')}</p>
                        <form method="post" action="${threadPath(token)}/reveal" novalidate>
                          ${tokenField(c)}
                          ${textInput({ name: 'name', label: t('ask.revealName'), value: state.values?.name, maxlength: 60, required: true, errors: e })}
                          <p>
                            <button class="button button-secondary" type="submit">
                              ${t('ask.revealButton')}
                            </button>
                          </p>
                        </form>
                      </details>`
                }`
            : ''
        }
        <p class="muted">${t('ask.keepLink')}</p>`,
    state.errors ? 400 : 200,
  )
}

const bodyError = (t: Translate, error: unknown): Errors => {
  if (error instanceof AppError && error.code === 'invalid_input') {
    const fields = Object.keys(error.fields ?? {})
    return {
      ...(fields.includes('body') ? { body: t('ask.error.body') } : {}),
      ...(fields.includes('email') ? { email: t('ask.error.email') } : {}),
      ...(fields.includes('name') ? { name: t('ask.error.name') } : {}),
    }
  }
  if (error instanceof AppError && error.code === 'rate_limited') return { _: t('account.tooMany') }
  throw error
}

export function questionPages() {
  return new Hono<AppEnv>()
    .get('/groups/:id/ask', policy('public'), (c) => askForm(c))
    .post('/groups/:id/ask', policy('public'), async (c) => {
      const form = await formFields(c)
      checkFormToken(c, form.form_token)
      const t = translator(c.get('locale'))
      const values = { body: form.body ?? '', email: form.email ?? '' }
      let result
      try {
        result = await askQuestion(c.get('deps'), c.get('actor'), {
          groupId: c.req.param('id'),
          body: values.body,
          email: values.email,
          locale: c.get('locale'),
          ip: clientIp(c),
        })
      } catch (error) {
        return askForm(c, { values, errors: bodyError(t, error) })
      }
      if (result.token) return c.redirect(`${threadPath(result.token)}?sent=1`, 303)
      return page(
        c,
        'ask.title',
        (tt) =>
          html`<h1>${tt('ask.checkMail')}</h1>
            <p>${tt('ask.checkMailLead')}</p>`,
      )
    })
    .get('/questions/:token', policy('public'), (c) =>
      threadPage(c, {
        done: c.req.query('sent') ? translator(c.get('locale'))('ask.sent') : undefined,
      }),
    )
    .post('/questions/:token/confirm', policy('public'), async (c) => {
      const form = await formFields(c)
      checkFormToken(c, form.form_token)
      await confirmQuestion(c.get('deps'), c.req.param('token'))
      return c.redirect(`${threadPath(c.req.param('token'))}?sent=1`, 303)
    })
    .post('/questions/:token/reply', policy('public'), async (c) => {
      const form = await formFields(c)
      checkFormToken(c, form.form_token)
      try {
        await seekerReply(c.get('deps'), c.req.param('token'), form.body ?? '')
      } catch (error) {
        return threadPage(c, {
          values: form,
          errors: bodyError(translator(c.get('locale')), error),
        })
      }
      return c.redirect(`${threadPath(c.req.param('token'))}?sent=1`, 303)
    })
    .post('/questions/:token/reveal', policy('public'), async (c) => {
      const form = await formFields(c)
      checkFormToken(c, form.form_token)
      try {
        await revealAsker(c.get('deps'), c.req.param('token'), form.name ?? '')
      } catch (error) {
        return threadPage(c, {
          values: form,
          errors: bodyError(translator(c.get('locale')), error),
        })
      }
      return c.redirect(threadPath(c.req.param('token')), 303)
    })
}
