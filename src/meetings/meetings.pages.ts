/**
 * Meetings as pages: a group's meeting list, one meeting with its RSVP, and "My meetings" with
 * the private calendar feed and the reader's own time zone. Times are always shown in the
 * meeting's zone, named, and in the reader's when they chose one that differs.
 */
import { Hono } from 'hono'
import { html } from 'hono/html'
import { policy } from '#src/access/route-policy.ts'
import { signedInPage } from '#src/accounts/auth.pages.ts'
import { translator, type Translate } from '#src/i18n/i18n.ts'
import type { Locale } from '#src/i18n/locale.ts'
import { AppError } from '#src/platform/errors.ts'
import { checkFormToken } from '#src/platform/form-token.ts'
import type { AppContext, AppEnv } from '#src/platform/http.ts'
import {
  buttonForm,
  formAlert,
  formFields,
  notice,
  page,
  select,
  tokenField,
} from '#src/web/form-controls.ts'
import { inline, pick } from '#src/web/group-page-parts.ts'
import type { Html } from '#src/web/layout.ts'
import { knownZones, setViewerZone, viewerZone } from '#src/web/viewer-zone.ts'
import { feedStatus, renewFeed, stopFeed } from './calendar.service.ts'
import type { MeetingView } from './meetings.access.ts'
import { getMeeting, listGroupMeetings, myMeetings, type Attendee } from './meetings.read.ts'
import { cancelRsvp, rsvp } from './rsvp.service.ts'
import { formatMeetingTime } from './time.ts'

export function timeOf(m: MeetingView, locale: Locale, zone: string | null, t: Translate): Html {
  const when = formatMeetingTime(
    { starts_at: new Date(m.starts_at), ends_at: new Date(m.ends_at), timezone: m.timezone },
    locale,
    zone,
  )
  return html`<time datetime="${m.starts_at}">${when.local}</time>
    ${when.viewer ? html`<br /><span class="muted">${t('meetings.yourTime', { time: when.viewer })}</span>` : ''}`
}

export function meetingCard(c: AppContext, t: Translate, m: MeetingView, extra?: Html): Html {
  const title = m.title ?? t('meetings.membersMeeting')
  return html`<li
    class="account-card meeting-card${m.status === 'cancelled' ? ' is-cancelled' : ''}"
  >
    <h3><a href="/meetings/${m.id}" lang="${m.title ? m.lang : c.get('locale')}">${title}</a></h3>
    <p>${timeOf(m, c.get('locale'), viewerZone(c), t)}</p>
    <p>
      <span class="badge">${t(`meetings.format.${m.format}`)}</span>
      ${m.kind === 'event' ? html`<span class="badge">${t('meetings.event')}</span>` : ''}
      ${m.status === 'cancelled' ? html`<span class="badge badge-warn">${t('meetings.cancelled')}</span>` : ''}
      ${m.your_rsvp ? html`<span class="badge badge-ok">${t(`meetings.rsvp.${m.your_rsvp}`)}</span>` : ''}
    </p>
    ${extra ?? ''}
  </li>`
}

async function groupMeetingsPage(c: AppContext) {
  const groupId = c.req.param('id') ?? ''
  const deps = c.get('deps')
  const { items } = await listGroupMeetings(deps, c.get('actor'), groupId)
  const group = await deps.db
    .selectFrom('grp')
    .select(['id', 'name', 'join_policy'])
    .where('id', '=', groupId)
    .executeTakeFirstOrThrow()
  return page(
    c,
    'meetings.title',
    (t) =>
      html`<h1>${t('meetings.title')}</h1>
        <p class="lead">${inline(pick(group.name, c.get('locale')))}</p>
        ${
          items.length
            ? html`<ul class="account-sections">
                ${items.map((m) => meetingCard(c, t, m))}
              </ul>`
            : html`<p>${t('meetings.none')}</p>`
        }
        ${
          group.join_policy === 'invitation'
            ? ''
            : html`<p>
                  <a href="/groups/${encodeURIComponent(groupId)}/calendar.ics"
                    >${t('meetings.subscribe')}</a
                  >
                </p>
                <p>
                  <a href="/groups/${encodeURIComponent(groupId)}">${t('meetings.backToGroup')}</a>
                </p>`
        }`,
  )
}

function attendeesList(t: Translate, attendees: Attendee[]) {
  return html`<section aria-labelledby="attendees">
    <h2 id="attendees">${t('meetings.attendees')}</h2>
    <p class="muted">${t('meetings.attendeesLead')}</p>
    <ul>
      ${attendees.map((a) => html`<li>${a.name}${a.state === 'waitlisted' ? html` <span class="muted">(${t('meetings.rsvp.waitlisted')})</span>` : ''}</li>`)}
    </ul>
  </section>`
}

async function meetingPage(c: AppContext, done?: string, problem?: string) {
  const {
    meeting: m,
    group,
    attendees,
  } = await getMeeting(c.get('deps'), c.get('actor'), c.req.param('id') ?? '')
  const locale = c.get('locale')
  c.header('Cache-Control', 'no-store')
  const base = `/meetings/${m.id}`
  const signedIn = c.get('actor').kind === 'user'
  return page(
    c,
    'meetings.meeting',
    (t) =>
      html`<p class="muted">
          <a href="/groups/${encodeURIComponent(group.id)}/meetings"
            >${inline(pick(group.name, locale))}</a
          >
        </p>
        <h1 lang="${m.title ? m.lang : locale}">${m.title ?? t('meetings.membersMeeting')}</h1>
        ${notice(done)} ${formAlert(problem)}
        ${
          m.status === 'cancelled'
            ? html`<p class="notice notice-warn" role="note">
                ${t('meetings.cancelledNote')}${m.cancel_reason ? html` ${m.cancel_reason}` : ''}
              </p>`
            : ''
        }
        <dl class="meeting-facts">
          <dt>${t('meetings.when')}</dt>
          <dd>${timeOf(m, locale, viewerZone(c), t)}</dd>
          <dt>${t('meetingForm.format')}</dt>
          <dd>${t(`meetings.format.${m.format}`)}</dd>
          ${
            m.format !== 'online'
              ? html`<dt>${t('meetingForm.venue')}</dt>
                  <dd>
                    ${m.venue ?? t(m.title ? 'meetings.venueHidden' : 'meetings.detailsHidden')}
                  </dd>`
              : ''
          }
          ${
            m.format !== 'in_person'
              ? html`<dt>${t('meetingForm.onlineUrl')}</dt>
                  <dd>
                    ${m.online_url ? html`<a href="${m.online_url}" rel="noopener noreferrer">${m.online_url}</a>` : t('meetings.linkHidden')}
                  </dd>`
              : ''
          }
          ${
            m.speakers.length
              ? html`<dt>${t('meetingForm.speakers')}</dt>
                  <dd>
                    ${m.speakers.map((s) => html`${s.name}${s.affiliation ? ` (${s.affiliation})` : ''}<br />`)}
                  </dd>`
              : ''
          }
        </dl>
        ${m.description ? html`<p class="pre-wrap" lang="${m.lang}">${m.description}</p>` : ''}
        ${m.title === null ? html`<p>${t('meetings.membersOnly')}</p>` : ''}
        <section class="rsvp" aria-labelledby="rsvp-title">
          <h2 id="rsvp-title">${t('meetings.rsvpTitle')}</h2>
          ${m.your_rsvp ? html`<p><strong>${t(`meetings.rsvp.${m.your_rsvp}Long`)}</strong></p>` : ''}
          ${
            m.can_rsvp && !m.your_rsvp
              ? html`${m.full ? html`<p>${t('meetings.fullNote')}</p>` : ''}
                ${buttonForm(c, `${base}/rsvp`, t(m.full ? 'meetings.joinWaitlist' : 'meetings.going'))}`
              : ''
          }
          ${m.your_rsvp && m.status === 'scheduled' ? buttonForm(c, `${base}/cancel-rsvp`, t('meetings.cancelRsvp'), { secondary: true }) : ''}
          ${!signedIn && m.status === 'scheduled' ? html`<p><a href="/sign-in">${t('meetings.signInToReply')}</a></p>` : ''}
        </section>
        <p><a href="${base}/calendar.ics" download>${t('meetings.download')}</a></p>
        ${m.can_manage ? html`<p><a class="button button-secondary" href="/manage/meetings/${m.id}/edit">${t('meetings.edit')}</a></p>` : ''}
        ${attendees ? attendeesList(t, attendees) : ''}`,
  )
}

async function myMeetingsPage(c: AppContext, feedUrl?: string) {
  const deps = c.get('deps')
  const items = await myMeetings(deps, c.get('actor'))
  const feed = await feedStatus(deps, c.get('actor'))
  const zone = viewerZone(c)
  return page(
    c,
    'myMeetings.title',
    (t) =>
      html`<h1>${t('myMeetings.title')}</h1>
        ${notice(c.req.query('saved') ? t('myGroups.saved') : null)}
        ${
          items.length
            ? html`<ul class="account-sections">
                ${items.map((m) => meetingCard(c, t, m, html`<p class="muted">${inline(pick(m.group_name, c.get('locale')))}</p>`))}
              </ul>`
            : html`<p>${t('myMeetings.none')}</p>`
        }
        <section class="account-card" aria-labelledby="feed-title">
          <h2 id="feed-title">${t('myMeetings.feed')}</h2>
          <p>${t('myMeetings.feedLead')}</p>
          ${
            feedUrl
              ? html`<p class="callout">
                  ${t('myMeetings.feedNew')}<br /><span class="secret-text">${feedUrl}</span>
                </p>`
              : feed.exists
                ? html`<p>${t('myMeetings.feedExists')}</p>`
                : ''
          }
          ${buttonForm(c, '/my/meetings/feed', t(feed.exists ? 'myMeetings.feedRenew' : 'myMeetings.feedMake'), { hidden: { action: 'renew' } })}
          ${feed.exists ? buttonForm(c, '/my/meetings/feed', t('myMeetings.feedStop'), { secondary: true, hidden: { action: 'stop' } }) : ''}
        </section>
        <section class="account-card" aria-labelledby="zone-title">
          <h2 id="zone-title">${t('myMeetings.zone')}</h2>
          <form method="post" action="/my/time-zone">
            ${tokenField(c)}
            ${select({
              name: 'zone',
              label: t('myMeetings.zoneLabel'),
              hint: t('myMeetings.zoneHint'),
              value: zone ?? '',
              options: [
                { value: '', label: t('myMeetings.zoneNone') },
                ...knownZones().map((z) => ({ value: z, label: z })),
              ],
            })}
            <p>
              <button class="button button-secondary" type="submit">${t('myGroups.save')}</button>
            </p>
          </form>
        </section>`,
  )
}

async function answer(c: AppContext, work: () => Promise<unknown>) {
  const form = await formFields(c)
  checkFormToken(c, form.form_token)
  try {
    await work()
  } catch (error) {
    if (error instanceof AppError && (error.code === 'forbidden' || error.code === 'conflict')) {
      const t = translator(c.get('locale'))
      return meetingPage(
        c,
        undefined,
        t(error.code === 'forbidden' ? 'meetings.membersOnly' : 'meetings.closed'),
      )
    }
    throw error
  }
  return c.redirect(`/meetings/${c.req.param('id')}?saved=1`, 303)
}

export function meetingPages() {
  return new Hono<AppEnv>()
    .get('/groups/:id/meetings', policy('public'), (c) => groupMeetingsPage(c))
    .get('/meetings/:id', policy('public'), async (c) => {
      return meetingPage(
        c,
        c.req.query('saved') ? translator(c.get('locale'))('myGroups.saved') : undefined,
      )
    })
    .post('/meetings/:id/rsvp', ...signedInPage, (c) =>
      answer(c, () => rsvp(c.get('deps'), c.get('actor'), c.req.param('id'))),
    )
    .post('/meetings/:id/cancel-rsvp', ...signedInPage, (c) =>
      answer(c, () => cancelRsvp(c.get('deps'), c.get('actor'), c.req.param('id'))),
    )
    .get('/my/meetings', ...signedInPage, (c) => myMeetingsPage(c))
    .post('/my/meetings/feed', ...signedInPage, async (c) => {
      const form = await formFields(c)
      checkFormToken(c, form.form_token)
      if (form.action === 'stop') {
        await stopFeed(c.get('deps'), c.get('actor'))
        return c.redirect('/my/meetings?saved=1', 303)
      }
      const { url } = await renewFeed(c.get('deps'), c.get('actor'))
      c.header('Cache-Control', 'no-store')
      return myMeetingsPage(c, url)
    })
    .post('/my/time-zone', ...signedInPage, async (c) => {
      const form = await formFields(c)
      checkFormToken(c, form.form_token)
      setViewerZone(c, knownZones().includes(form.zone ?? '') ? (form.zone ?? null) : null)
      return c.redirect('/my/meetings?saved=1', 303)
    })
}
