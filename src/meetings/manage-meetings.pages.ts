/**
 * Meetings for the people who run a group: the list with its series, and the forms to add a
 * one-off meeting or an event, a recurring series, to change one meeting on its own, to cancel
 * it, to change or end a series.
 */
import { Hono } from 'hono'
import { html } from 'hono/html'
import { signedInPage } from '#src/accounts/auth.pages.ts'
import { translator } from '#src/i18n/i18n.ts'
import { managePage, managePath } from '#src/membership/manage.pages.ts'
import { requireManager } from '#src/membership/membership.groups.ts'
import { AppError } from '#src/platform/errors.ts'
import { checkFormToken } from '#src/platform/form-token.ts'
import type { AppContext, AppEnv } from '#src/platform/http.ts'
import {
  buttonForm,
  formAlert,
  formFields,
  notice,
  textInput,
  tokenField,
  type Errors,
} from '#src/web/form-controls.ts'
import { loadMeeting } from './meetings.access.ts'
import { listGroupMeetings } from './meetings.read.ts'
import { cancelMeeting, createMeeting, updateMeeting } from './meetings.service.ts'
import { meetingCard } from './meetings.pages.ts'
import { fieldErrors, inputOf, meetingFields, type FormValues } from './meeting-form.ts'
import { createSeries, endSeries, getSeries, updateSeries } from './series.service.ts'
import { groupTimeZone } from './time.ts'

type Mode = 'meeting' | 'series'

async function listPage(c: AppContext) {
  const deps = c.get('deps')
  const groupId = c.req.param('id') ?? ''
  const { group } = await requireManager(deps.db, c.get('actor'), groupId)
  const { items } = await listGroupMeetings(deps, c.get('actor'), groupId)
  const series = await deps.db
    .selectFrom('meeting_series')
    .select(['id', 'title', 'rrule'])
    .where('group_id', '=', groupId)
    .where('ended_at', 'is', null)
    .execute()
  return managePage(
    c,
    group,
    'meetings',
    'manage.meetings.title',
    (t) =>
      html`${notice(c.req.query('saved') ? t('myGroups.saved') : null)}
        <p>
          <a class="button" href="${managePath(groupId, 'meetings/new')}"
            >${t('manage.meetings.add')}</a
          >
          <a class="button button-secondary" href="${managePath(groupId, 'series/new')}"
            >${t('manage.meetings.addSeries')}</a
          >
        </p>
        ${
          series.length
            ? html`<h2>${t('manage.meetings.series')}</h2>
                <ul>
                  ${series.map((s) => html`<li><a href="/manage/series/${s.id}/edit">${s.title}</a> <code>${s.rrule}</code></li>`)}
                </ul>`
            : ''
        }
        <h2>${t('manage.meetings.coming')}</h2>
        ${
          items.length
            ? html`<ul class="account-sections">
                ${items.map((m) => meetingCard(c, t, m, html`<p><a href="/manage/meetings/${m.id}/edit">${t('meetings.edit')}</a></p>`))}
              </ul>`
            : html`<p class="muted">${t('meetings.none')}</p>`
        }`,
  )
}

async function newForm(
  c: AppContext,
  mode: Mode,
  state: { values?: FormValues; errors?: Errors } = {},
) {
  const deps = c.get('deps')
  const groupId = c.req.param('id') ?? ''
  const { group } = await requireManager(deps.db, c.get('actor'), groupId)
  const values = state.values ?? {
    timezone: await groupTimeZone(deps.db, groupId),
    lang: c.get('locale'),
  }
  const action = managePath(groupId, mode === 'series' ? 'series/new' : 'meetings/new')
  return managePage(
    c,
    group,
    'meetings',
    mode === 'series' ? 'manage.meetings.addSeries' : 'manage.meetings.add',
    (t) =>
      html`${formAlert(state.errors ? t('join.error.general') : undefined)}
        <form method="post" action="${action}" novalidate>
          ${tokenField(c)} ${meetingFields(t, values, state.errors ?? {}, mode)}
          <p><button class="button" type="submit">${t('manage.meetings.save')}</button></p>
        </form>`,
    state.errors ? 400 : 200,
  )
}

async function create(c: AppContext, mode: Mode) {
  const form = await formFields(c)
  checkFormToken(c, form.form_token)
  const groupId = c.req.param('id') ?? ''
  try {
    const input = inputOf(form, mode)
    if (mode === 'series') await createSeries(c.get('deps'), c.get('actor'), groupId, input)
    else await createMeeting(c.get('deps'), c.get('actor'), groupId, input)
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'invalid_input') throw error
    return newForm(c, mode, {
      values: form,
      errors: fieldErrors(translator(c.get('locale')), error.fields ?? {}),
    })
  }
  return c.redirect(`${managePath(groupId, 'meetings')}?saved=1`, 303)
}

async function editMeetingForm(
  c: AppContext,
  state: { values?: FormValues; errors?: Errors } = {},
) {
  const deps = c.get('deps')
  const m = await loadMeeting(deps.db, c.req.param('id') ?? '')
  const { group } = await requireManager(deps.db, c.get('actor'), m.group_id)
  const values = state.values ?? {
    title: m.title,
    description: m.description ?? '',
    date: m.local_start.slice(0, 10),
    start_time: m.local_start.slice(11, 16),
    duration_minutes: String(Math.round((m.ends_at.getTime() - m.starts_at.getTime()) / 60_000)),
    format: m.format,
    venue: m.venue ?? '',
    venue_visibility: m.venue_visibility,
    online_url: m.online_url ?? '',
    capacity: m.capacity === null ? '' : String(m.capacity),
    speakers: m.speakers
      .map((s) => (s.affiliation ? `${s.name} — ${s.affiliation}` : s.name))
      .join('\n'),
  }
  return managePage(
    c,
    group,
    'meetings',
    'manage.meetings.edit',
    (t) =>
      html`${m.series_id ? html`<p class="muted">${t('manage.meetings.occurrenceNote')}</p>` : ''}
        ${m.status === 'cancelled' ? html`<p class="notice notice-warn">${t('meetings.cancelledNote')}</p>` : ''}
        ${formAlert(state.errors ? t('join.error.general') : undefined)}
        <form method="post" action="/manage/meetings/${m.id}/edit" novalidate>
          ${tokenField(c)} ${meetingFields(t, values, state.errors ?? {}, 'change')}
          <p><button class="button" type="submit">${t('manage.meetings.save')}</button></p>
        </form>
        ${
          m.status === 'scheduled'
            ? html`<h2>${t('manage.meetings.cancel')}</h2>
                <form method="post" action="/manage/meetings/${m.id}/cancel">
                  ${tokenField(c)}
                  ${textInput({ name: 'reason', label: t('manage.meetings.cancelReason'), maxlength: 1000 })}
                  <p>
                    <button class="button button-secondary" type="submit">
                      ${t('manage.meetings.cancel')}
                    </button>
                  </p>
                </form>`
            : ''
        }
        <p>
          <a href="/meetings/${m.id}">${t('manage.meetings.view')}</a> ·
          <a href="${managePath(group.id, 'meetings')}">${t('manage.nav.meetings')}</a>
        </p>`,
    state.errors ? 400 : 200,
  )
}

async function editSeriesForm(c: AppContext, state: { values?: FormValues; errors?: Errors } = {}) {
  const deps = c.get('deps')
  const s = await getSeries(deps, c.get('actor'), c.req.param('id') ?? '')
  const { group } = await requireManager(deps.db, c.get('actor'), s.group_id)
  const values = state.values ?? {
    kind: s.kind,
    title: s.title,
    description: s.description ?? '',
    lang: s.lang,
    date: s.dtstart,
    start_time: s.start_time,
    duration_minutes: String(s.duration_minutes),
    timezone: s.timezone,
    repeat: 'custom',
    rrule: s.rrule,
    exdates: s.exdates.join('\n'),
    format: s.format,
    venue: s.venue ?? '',
    venue_visibility: s.venue_visibility,
    online_url: s.online_url ?? '',
    capacity: s.capacity === null ? '' : String(s.capacity),
    audience: s.audience,
    speakers: s.speakers
      .map((x) => (x.affiliation ? `${x.name} — ${x.affiliation}` : x.name))
      .join('\n'),
  }
  return managePage(
    c,
    group,
    'meetings',
    'manage.meetings.editSeries',
    (t) =>
      html`<p class="muted">${t('manage.meetings.seriesNote')}</p>
        ${formAlert(state.errors ? t('join.error.general') : undefined)}
        <form method="post" action="/manage/series/${s.id}/edit" novalidate>
          ${tokenField(c)} ${meetingFields(t, values, state.errors ?? {}, 'series')}
          <p><button class="button" type="submit">${t('manage.meetings.save')}</button></p>
        </form>
        ${buttonForm(c, `/manage/series/${s.id}/end`, t('manage.meetings.endSeries'), { secondary: true })}`,
    state.errors ? 400 : 200,
  )
}

export function manageMeetingPages() {
  return new Hono<AppEnv>()
    .get('/manage/groups/:id/meetings', ...signedInPage, (c) => listPage(c))
    .get('/manage/groups/:id/meetings/new', ...signedInPage, (c) => newForm(c, 'meeting'))
    .post('/manage/groups/:id/meetings/new', ...signedInPage, (c) => create(c, 'meeting'))
    .get('/manage/groups/:id/series/new', ...signedInPage, (c) => newForm(c, 'series'))
    .post('/manage/groups/:id/series/new', ...signedInPage, (c) => create(c, 'series'))
    .get('/manage/meetings/:id/edit', ...signedInPage, (c) => editMeetingForm(c))
    .post('/manage/meetings/:id/edit', ...signedInPage, async (c) => {
      const form = await formFields(c)
      checkFormToken(c, form.form_token)
      const input: Record<string, unknown> = inputOf(form, 'meeting')
      // A change names what may change on its own; kind, zone and audience stay the meeting's.
      const fields = [
        'title',
        'description',
        'date',
        'start_time',
        'duration_minutes',
        'format',
        'venue',
      ].concat(['venue_visibility', 'online_url', 'capacity', 'speakers'])
      try {
        await updateMeeting(
          c.get('deps'),
          c.get('actor'),
          c.req.param('id'),
          Object.fromEntries(fields.map((f) => [f, input[f]])),
        )
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'invalid_input') throw error
        return editMeetingForm(c, {
          values: form,
          errors: fieldErrors(translator(c.get('locale')), error.fields ?? {}),
        })
      }
      return c.redirect(`/meetings/${c.req.param('id')}?saved=1`, 303)
    })
    .post('/manage/meetings/:id/cancel', ...signedInPage, async (c) => {
      const form = await formFields(c)
      checkFormToken(c, form.form_token)
      await cancelMeeting(c.get('deps'), c.get('actor'), c.req.param('id'), { reason: form.reason })
      return c.redirect(`/meetings/${c.req.param('id')}`, 303)
    })
    .get('/manage/series/:id/edit', ...signedInPage, (c) => editSeriesForm(c))
    .post('/manage/series/:id/edit', ...signedInPage, async (c) => {
      const form = await formFields(c)
      checkFormToken(c, form.form_token)
      const series = await getSeries(c.get('deps'), c.get('actor'), c.req.param('id'))
      try {
        await updateSeries(c.get('deps'), c.get('actor'), series.id, inputOf(form, 'series'))
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'invalid_input') throw error
        return editSeriesForm(c, {
          values: form,
          errors: fieldErrors(translator(c.get('locale')), error.fields ?? {}),
        })
      }
      return c.redirect(`${managePath(series.group_id, 'meetings')}?saved=1`, 303)
    })
    .post('/manage/series/:id/end', ...signedInPage, async (c) => {
      const form = await formFields(c)
      checkFormToken(c, form.form_token)
      const series = await getSeries(c.get('deps'), c.get('actor'), c.req.param('id'))
      await endSeries(c.get('deps'), c.get('actor'), series.id)
      return c.redirect(`${managePath(series.group_id, 'meetings')}?saved=1`, 303)
    })
}
