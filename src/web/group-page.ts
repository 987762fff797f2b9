/**
 * A group's public page: who it is for, the five points to check before joining, how fresh and
 * how verified the listing is, how to get in touch; JSON-LD for machines, a print layout for
 * paper, and the forms to suggest an edit or report a concern. Everything here works without
 * JavaScript.
 */
import { html, raw } from 'hono/html'
import type { Address } from '#src/directory/directory.tables.ts'
import { groupJsonLd, jsonForScript } from '#src/directory/jsonld.ts'
import { chatApps } from '#src/directory/groups.schema.ts'
import type { GroupProfile } from '#src/directory/groups.service.ts'
import type { Translate } from '#src/i18n/i18n.ts'
import type { Locale } from '#src/i18n/locale.ts'
import {
  reportReasons,
  suggestionFields,
  type ReportReason,
  type SuggestionField,
} from '#src/moderation/moderation.tables.ts'
import { assetUrl } from './assets.ts'
import type { Html, Page } from './layout.ts'
import type { GroupPageData } from './group-page-data.ts'
import { joinCard, meetingsSection } from './group-page-joining.ts'
import {
  formatInstant,
  formatMoney,
  inLanguage,
  inline,
  langOf,
  label,
  languageName,
  pick,
  placeLabel,
  registerName,
  textBlock,
} from './group-page-parts.ts'
import {
  describeSchedule,
  formatDate,
  formatMeeting,
  upcomingMeetings,
  type ScheduleText,
} from './group-page-schedule.ts'

/** What happened to a form sent from this page, to show beside it. */
export interface FeedbackState {
  sent?: boolean
  limited?: boolean
  form?: 'report' | 'suggest'
  errors?: Record<string, string>
  values?: Record<string, string>
}

export interface GroupPageContext {
  t: Translate
  locale: Locale
  /** Absolute URL of this page and of the organisation's, for sharing and JSON-LD. */
  pageUrl: string
  organisationUrl: string
  now: Date
  feedback?: FeedbackState
  /** For the organisation's staff: the form token of the "still current" button. */
  staff?: { token: string; confirmed: boolean } | undefined
}

type Ctx = GroupPageContext & { data: GroupPageData; p: GroupProfile; lang: string }

const list = (items: (Html | string)[], className = 'plain-list') =>
  items.length
    ? html`<ul class="${className}">
        ${items.map((i) => html`<li>${i}</li>`)}
      </ul>`
    : ''

const unknown = (t: Translate) => html`<p class="unknown">${t('group.unknown')}</p>`

function point(key: string, title: string, body: Html | string) {
  return html`<li class="join-point" id="join-${key}">
    <h3>${title}</h3>
    <div class="join-point-body">${body}</div>
  </li>`
}

// ---------------------------------------------------------------------------------------------
// The five points

function purpose(c: Ctx) {
  const { t, p } = c
  const activities = p.activities.map((a) => label(t, 'vocab.activity', a))
  const leadership = p.leadership ? label(t, 'vocab.leadership', p.leadership) : null
  if (!activities.length && !leadership) return unknown(t)
  return html`${
    activities.length
      ? html`<h4>${t('group.purpose.activities')}</h4>
          ${list(activities, 'tick-list')}`
      : ''
  }
  ${
    leadership
      ? html`<h4>${t('group.purpose.leadership')}</h4>
          <p>${leadership}</p>`
      : ''
  }`
}

function ages(t: Translate, min: number | null, max: number | null): string | null {
  if (min !== null && max !== null) return t('group.cond.ageRange', { min, max })
  if (min !== null) return t('group.cond.ageMin', { min })
  if (max !== null) return t('group.cond.ageMax', { max })
  return null
}

function conditions(c: Ctx) {
  const { t, p, locale } = c
  const rules: string[] = []
  if (p.participation.diagnosis_required) rules.push(t('group.cond.diagnosis'))
  if (p.participation.referral_required) rules.push(t('group.cond.referral'))
  if (p.participation.screening_required) rules.push(t('group.cond.screening'))
  if (p.participation.observers_welcome === true) rules.push(t('group.cond.observersWelcome'))
  if (p.participation.observers_welcome === false) rules.push(t('group.cond.observersNot'))
  const people = p.audience.map((a) => label(t, 'vocab.audience', a))
  const age = ages(t, p.ages.min, p.ages.max)
  const forWhom = [...people, ...(age ? [age] : [])]
  const text = pick(p.participation.text, locale)
  return html`${
    forWhom.length
      ? html`<p>
          <strong>${t('group.cond.for')}:</strong> ${forWhom.join(locale === 'ja' ? '、' : ', ')}
        </p>`
      : ''
  }
  ${rules.length ? list(rules, 'tick-list') : text ? '' : html`<p>${t('group.cond.none')}</p>`}
  ${text ? textBlock(p.participation.text, locale, t) : ''}
  ${
    p.trust.source === 'public_register'
      ? '' // A register knows nothing of members.
      : html`<p class="${p.accepting_members ? 'status-ok' : 'status-warn'}">
          ${p.accepting_members ? t('group.status.accepting') : t('group.status.notAccepting')}
        </p>`
  }
  ${p.capacity !== null ? html`<p>${t('group.cond.capacity', { capacity: p.capacity })}</p>` : ''}`
}

function fees(c: Ctx) {
  const { t, p, locale } = c
  const options = p.fees.options.filter((o) => o.amount > 0)
  const description = p.fees.description
  if (p.fees.free && options.length === 0) {
    return html`<p class="status-ok">${t('group.fee.free')}</p>
      ${textBlock(description, locale, t)}`
  }
  if (options.length === 0 && !description)
    return html`<p class="unknown">${t('group.fee.unknown')}</p>`
  const rows = p.fees.options.map((o) => {
    const amount = formatMoney(o.amount, o.currency, locale)
    const what = pick(o.option, locale)
    const note = pick(o.amount_description, locale)
    const waiver = pick(o.waiver_text, locale)
    return html`<li>
      <span class="fee-amount"
        >${
          o.period
            ? t('group.fee.withPeriod', { amount, period: label(t, 'vocab.period', o.period) })
            : amount
        }</span
      >
      ${what ? html`<span class="fee-what">${inline(what)}</span>` : ''}
      ${note ? html`<span class="fee-note">${inline(note)}</span>` : ''}
      ${
        o.waiver
          ? html`<span class="fee-waiver"
              >${t('group.fee.waiver')}${waiver ? html` ${inline(waiver)}` : ''}</span
            >`
          : ''
      }
    </li>`
  })
  return html`${
    rows.length
      ? html`<ul class="fee-list">
          ${rows}
        </ul>`
      : ''
  }
  ${textBlock(description, locale, t)}`
}

function formatAddress(address: Address | null, c: Ctx): string {
  if (!address) return ''
  const region = address.region ?? address.state_province
  if (address.country === 'JP') {
    const postal = address.postal_code ? `〒${address.postal_code} ` : ''
    return `${postal}${region ?? ''}${address.city ?? ''}${address.address_1 ?? ''}${address.address_2 ? ` ${address.address_2}` : ''}`
  }
  const country =
    address.country && address.country !== 'JP'
      ? placeLabel(address.country, c.data.placeNames, c.locale, c.t)
      : null
  return [
    address.address_1,
    address.address_2,
    address.city,
    [region, address.postal_code].filter(Boolean).join(' '),
    country,
  ]
    .filter(Boolean)
    .join(', ')
}

/** Addresses carry no language mark: Japanese script is taken for Japanese. */
const scriptOf = (text: string, locale: Locale) =>
  /[\u3040-\u30ff\u4e00-\u9fff]/.test(text) ? 'ja' : locale === 'ja' ? 'en' : locale

function town(
  area: { city: string | null; region: string | null; country: string | null } | null,
  c: Ctx,
) {
  if (!area) return ''
  if (area.country === 'JP' || c.locale === 'ja') {
    return (
      `${area.region ?? ''}${area.city ?? ''}` ||
      (placeLabel(area.country, c.data.placeNames, c.locale, c.t) ?? '')
    )
  }
  return [area.city, area.region, placeLabel(area.country, c.data.placeNames, c.locale, c.t)]
    .filter(Boolean)
    .join(', ')
}

function places(c: Ctx) {
  const { t, p, locale } = c
  return p.locations.map((l) => {
    const name = 'area' in l ? null : pick(l.name, locale)
    if ('area' in l) {
      const where = town(l.area ?? null, c)
      return l.kind === 'virtual'
        ? html`<li class="place place-online">${t('group.place.onlineMembers')}</li>`
        : html`<li class="place place-members">
            ${where ? html`<strong>${inLanguage(where, scriptOf(where, locale), locale)}</strong><br />` : ''}${t('group.place.membersOnly')}
          </li>`
    }
    if (l.kind === 'virtual') {
      return html`<li class="place place-online">
        <strong>${t('group.place.online')}</strong>${name ? html` · ${inline(name)}` : ''}
        ${l.url ? html`<br /><a href="${l.url}" rel="nofollow noopener">${t('group.place.onlineLink')}</a>` : ''}
      </li>`
    }
    const text = formatAddress(l.address, c)
    const address = text ? inLanguage(text, scriptOf(text, locale), locale) : ''
    const map =
      l.lat !== null && l.lon !== null
        ? html`<br /><a
              class="map-link"
              href="https://www.openstreetmap.org/?mlat=${l.lat}&amp;mlon=${l.lon}#map=16/${l.lat}/${l.lon}"
              rel="noopener"
              >${t('group.place.map')}</a
            >`
        : ''
    return html`<li class="place">
      ${name ? html`<strong>${inline(name)}</strong><br />` : ''}
      ${address ? html`<span class="address">${address}</span>` : ''} ${map}
    </li>`
  })
}

function placeAndFrequency(c: Ctx) {
  const { t, p, locale, now } = c
  const schedules: ScheduleText[] = p.schedules
  // The group's own single meetings are rules of one occurrence: listed as next meetings only.
  const described = schedules
    .filter((s) => !('id' in s && String(s.id).startsWith('tomoni-meeting-')))
    .map((s) => ({ s, text: describeSchedule(s, locale, now) }))
    .filter((x): x is { s: ScheduleText; text: string } => x.text !== null)
  const meetings = p.status === 'active' ? upcomingMeetings(schedules, now, 3) : []
  const exceptions = schedules
    .flatMap((s) => s.exdates)
    .filter((d) => d >= now.toISOString().slice(0, 10))
    .sort()
  const areas = p.service_areas
    .map((a) => a.name ?? placeLabel(a.place, c.data.placeNames, locale, t))
    .filter((a): a is string => !!a)
  const where = places(c)
  return html`<h4>${t('group.place.when')}</h4>
    ${p.status === 'paused' ? html`<p class="status-warn">${t('group.place.paused')}</p>` : ''}
    ${
      described.length
        ? list(
            described.map(({ s, text }) =>
              s.description
                ? html`${text}<br /><span class="muted"
                      >${inline(pick(s.description, locale))}</span
                    >`
                : text,
            ),
            'schedule-list',
          )
        : html`<p>${t('group.place.none')}</p>`
    }
    ${
      meetings.length
        ? html`<h4>${t('group.place.next')}</h4>
            <ul class="meeting-list">
              ${meetings.map(
                (m) =>
                  html`<li><time datetime="${m.start}">${formatMeeting(m, locale)}</time></li>`,
              )}
            </ul>`
        : ''
    }
    ${
      exceptions.length
        ? html`<p class="muted">
            ${t('group.place.except', {
              dates: exceptions
                .map((d) => formatDate(d, locale))
                .join(locale === 'ja' ? '、' : ', '),
            })}
          </p>`
        : ''
    }
    <h4>${t('group.place.where')}</h4>
    ${
      where.length
        ? html`<ul class="place-list">
            ${where}
          </ul>`
        : unknown(t)
    }
    ${
      areas.length
        ? html`<p>
            <strong>${t('group.place.area')}:</strong> ${areas.join(locale === 'ja' ? '、' : ', ')}
          </p>`
        : ''
    }`
}

function contactLinks(c: Ctx) {
  const { t, p } = c
  const items: Html[] = []
  if (p.contact.email) {
    items.push(
      html`<li>
        <span class="contact-kind">${t('group.contact.email')}</span>
        <a href="mailto:${p.contact.email}">${p.contact.email}</a>
      </li>`,
    )
  }
  if (p.contact.url) {
    items.push(
      html`<li>
        <span class="contact-kind">${t('group.contact.website')}</span>
        <a href="${p.contact.url}" rel="noopener">${p.contact.url.replace(/^https?:\/\//, '')}</a>
      </li>`,
    )
  }
  if (p.contact.phone) {
    items.push(
      html`<li>
        <span class="contact-kind">${t('group.contact.phone')}</span>
        <a href="tel:${p.contact.phone.replace(/[^\d+]/g, '')}">${p.contact.phone}</a>
      </li>`,
    )
  }
  return items
}

/** `chat` says "a messaging app"; when the app is named, the name says it better. */
export function shownChannels(list: string[]): string[] {
  const named = list.some((ch) => (chatApps as readonly string[]).includes(ch))
  return list.filter((ch) => ch !== 'chat' || !named)
}

function communication(c: Ctx) {
  const { t, p } = c
  const channels = shownChannels(p.channels).map((ch) => {
    const link = p.channel_links[ch]
    const name = label(t, 'vocab.channel', ch)
    return link
      ? html`${name}
          <a href="${link}" rel="nofollow noopener">${t('group.contact.channelLink')}</a>`
      : name
  })
  const links = contactLinks(c)
  return html`<h4>${t('group.contact.channels')}</h4>
    ${channels.length ? list(channels, 'tick-list') : unknown(t)}
    <h4>${t('group.contact.heading')}</h4>
    ${
      links.length
        ? html`<ul class="contact-list">
            ${links}
          </ul>`
        : html`<p>${t('group.contact.none')}</p>`
    }`
}

function beforeYouJoin(c: Ctx) {
  const { t } = c
  return html`<section class="before-join" id="before-you-join" aria-labelledby="join-heading">
    <h2 id="join-heading">${t('group.join.heading')}</h2>
    <p class="section-intro">${t('group.join.intro')}</p>
    <ol class="join-points">
      ${point('purpose', t('group.join.purpose'), purpose(c))}
      ${point('conditions', t('group.join.conditions'), conditions(c))}
      ${point('fee', t('group.join.fee'), fees(c))}
      ${point('place', t('group.join.place'), placeAndFrequency(c))}
      ${point('contact', t('group.join.contact'), communication(c))}
    </ol>
  </section>`
}

// ---------------------------------------------------------------------------------------------
// The other sections

function whoFor(c: Ctx) {
  const { t, p, locale } = c
  const conditionNames = p.conditions.map((cond) => {
    const name = cond.names[locale] ?? cond.names.en ?? cond.names.ja
    const nameLang = cond.names[locale] ? locale : cond.names.en ? 'en' : 'ja'
    // Tomoni's own codes mean nothing elsewhere; the standard ones help professionals.
    const code = cond.code.startsWith('TOMONI:')
      ? ''
      : html` <span class="code">${cond.code}</span>`
    return name
      ? html`${inLanguage(name, nameLang, locale)}${code}`
      : html`<span class="code">${cond.code}</span>`
  })
  const people = p.audience.map((a) => label(t, 'vocab.audience', a))
  const age = ages(t, p.ages.min, p.ages.max)
  return html`<section class="group-section" aria-labelledby="who-heading">
    <h2 id="who-heading">${t('group.who.heading')}</h2>
    <dl class="facts">
      <dt>${t('group.who.conditions')}</dt>
      <dd>${conditionNames.length ? list(conditionNames) : t('group.who.anyCondition')}</dd>
      <dt>${t('group.who.people')}</dt>
      <dd>${people.length ? people.join(locale === 'ja' ? '、' : ', ') : t('group.unknown')}</dd>
      ${
        age
          ? html`<dt>${t('group.who.ages')}</dt>
              <dd>${age}</dd>`
          : ''
      }
    </dl>
  </section>`
}

function languagesAndAccess(c: Ctx) {
  const { t, p, locale } = c
  const languages = p.languages.map((l) => languageName(l, locale))
  const access = p.accessibility.map((a) => label(t, 'vocab.access', a))
  return html`<section class="group-section" aria-labelledby="lang-heading">
    <h2 id="lang-heading">${t('group.lang.heading')}</h2>
    <dl class="facts">
      <dt>${t('group.lang.languages')}</dt>
      <dd>
        ${languages.length ? languages.join(locale === 'ja' ? '、' : ', ') : t('group.unknown')}
      </dd>
      <dt>${t('group.lang.access')}</dt>
      <dd>${access.length ? list(access, 'tick-list') : t('group.lang.noAccess')}</dd>
    </dl>
  </section>`
}

function independence(c: Ctx) {
  const { t, p, locale } = c
  const ind = p.independence
  const pct = ind.industry_funding_pct
  return html`<section class="group-section" aria-labelledby="ind-heading">
    <h2 id="ind-heading">${t('group.ind.heading')}</h2>
    <dl class="facts">
      <dt>${t('group.ind.kind')}</dt>
      <dd>${ind.kind ? label(t, 'vocab.independence', ind.kind) : t('group.unknown')}</dd>
      <dt>${t('group.ind.industry')}</dt>
      <dd>
        ${
          pct === null
            ? t('group.unknown')
            : pct === 0
              ? t('group.ind.industryNone')
              : t('group.ind.industryPct', { pct })
        }
      </dd>
      ${
        ind.funding
          ? html`<dt>${t('group.ind.funding')}</dt>
              <dd>${textBlock(ind.funding, locale, t)}</dd>`
          : ''
      }
      ${
        ind.medical_advisers
          ? html`<dt>${t('group.ind.advisers')}</dt>
              <dd>${textBlock(ind.medical_advisers, locale, t)}</dd>`
          : ''
      }
      ${
        ind.evidence_policy
          ? html`<dt>${t('group.ind.evidence')}</dt>
              <dd>${textBlock(ind.evidence_policy, locale, t)}</dd>`
          : ''
      }
    </dl>
    <p class="callout">${t('group.ind.caution')}</p>
  </section>`
}

/** The signals that say how far to trust the listing, most important first. */
export function trustSignals(c: Pick<Ctx, 't' | 'locale' | 'p' | 'data'>) {
  const { t, p, locale } = c
  const tr = p.trust
  const items: Html[] = []
  if (tr.verified_at) items.push(html`<li class="trust-good">${t('group.trust.verified')}</li>`)
  if (tr.organisation_verified) {
    items.push(html`<li class="trust-good">${t('group.trust.orgVerified')}</li>`)
  }
  if (tr.organisation_claimed)
    items.push(html`<li class="trust-good">${t('group.trust.claimed')}</li>`)
  if (tr.source === 'public_register') {
    items.push(
      html`<li class="trust-warn">
        ${t('group.trust.register', { register: registerName(c.data.organisation.identifiers, t) })}
      </li>`,
    )
  } else if (tr.source === 'hsds_import' && !tr.verified_at && !tr.organisation_claimed) {
    items.push(html`<li class="trust-warn">${t('group.trust.imported')}</li>`)
  } else if (!tr.verified_at && !tr.organisation_verified) {
    items.push(html`<li>${t('group.trust.unverified')}</li>`)
  }
  items.push(
    html`<li>
      ${
        tr.last_confirmed_at
          ? t('group.trust.confirmed', { date: formatInstant(tr.last_confirmed_at, locale) })
          : t('group.trust.neverConfirmed')
      }
    </li>`,
  )
  if (tr.last_checked_at) {
    items.push(
      html`<li>
        ${t('group.trust.checked', { date: formatInstant(tr.last_checked_at, locale) })}
      </li>`,
    )
  }
  items.push(
    html`<li>${t('group.trust.updated', { date: formatInstant(tr.updated_at, locale) })}</li>`,
  )
  return items
}

function trust(c: Ctx) {
  const { t } = c
  return html`<section
    class="group-section trust"
    id="about-listing"
    aria-labelledby="trust-heading"
  >
    <h2 id="trust-heading">${t('group.trust.heading')}</h2>
    <ul class="trust-list">
      ${trustSignals(c)}
    </ul>
  </section>`
}

// ---------------------------------------------------------------------------------------------
// Suggest an edit, report a concern

function fieldError(c: Ctx, form: 'report' | 'suggest', field: string) {
  const error = c.feedback?.form === form ? c.feedback.errors?.[field] : undefined
  return error ? html`<p class="field-error" id="${form}-${field}-error">${error}</p>` : ''
}

const describedBy = (c: Ctx, form: 'report' | 'suggest', field: string) =>
  c.feedback?.form === form && c.feedback.errors?.[field]
    ? html`aria-describedby="${form}-${field}-error" aria-invalid="true"`
    : ''

function trap(t: Translate) {
  // Bots fill every field; people never see this one.
  return html`<div class="trap" aria-hidden="true">
    <label
      >${t('group.feedback.trap')}
      <input type="text" name="website" tabindex="-1" autocomplete="off"
    /></label>
  </div>`
}

function feedbackForms(c: Ctx) {
  const { t, p, feedback } = c
  const base = `/groups/${encodeURIComponent(p.id)}`
  const values = feedback?.values ?? {}
  const reportOpen = feedback?.form === 'report'
  const suggestOpen = feedback?.form === 'suggest'
  const reasons = reportReasons.map(
    (reason: ReportReason) =>
      html`<li>
        <label class="choice">
          <input
            type="radio"
            name="reason"
            value="${reason}"
            required
            ${reportOpen && values.reason === reason ? 'checked' : ''}
          />
          ${t(`group.report.reason.${reason}`)}
        </label>
      </li>`,
  )
  const fields = suggestionFields.map(
    (field: SuggestionField) =>
      html`<option value="${field}" ${suggestOpen && values.field === field ? 'selected' : ''}>
        ${t(`group.suggest.field.${field}`)}
      </option>`,
  )
  return html`<section
    class="group-section feedback"
    id="feedback"
    aria-labelledby="feedback-heading"
  >
    <h2 id="feedback-heading">${t('group.feedback.heading')}</h2>
    ${feedback?.sent ? html`<p class="notice notice-ok" role="status">${t('group.feedback.thanks')}</p>` : ''}
    ${feedback?.limited ? html`<p class="notice notice-error" role="alert">${t('group.feedback.limited')}</p>` : ''}
    ${
      feedback?.errors && Object.keys(feedback.errors).length
        ? html`<p class="notice notice-error" role="alert">${t('group.error.form')}</p>`
        : ''
    }
    <p>${t('group.feedback.intro')}</p>
    <details class="disclosure" ${suggestOpen ? 'open' : ''}>
      <summary>${t('group.suggest.summary')}</summary>
      <form class="form" method="post" action="${base}/suggest">
        <label for="suggest-field">${t('group.suggest.field')}</label>
        ${fieldError(c, 'suggest', 'field')}
        <select id="suggest-field" name="field" required ${describedBy(c, 'suggest', 'field')}>
          ${fields}
        </select>
        <label for="suggest-details">${t('group.suggest.details')}</label>
        ${fieldError(c, 'suggest', 'details')}
        <textarea
          id="suggest-details"
          name="details"
          rows="4"
          maxlength="5000"
          required
          ${describedBy(c, 'suggest', 'details')}
        >
${suggestOpen ? (values.details ?? '') : ''}</textarea>
        ${trap(t)}
        <button class="button button-secondary" type="submit">${t('group.suggest.submit')}</button>
      </form>
    </details>
    <details class="disclosure" ${reportOpen ? 'open' : ''}>
      <summary>${t('group.report.summary')}</summary>
      <form class="form" method="post" action="${base}/report">
        <fieldset ${describedBy(c, 'report', 'reason')}>
          <legend>${t('group.report.reason')}</legend>
          ${fieldError(c, 'report', 'reason')}
          <ul class="choices">
            ${reasons}
          </ul>
        </fieldset>
        <label for="report-details">${t('group.report.details')}</label>
        ${fieldError(c, 'report', 'details')}
        <textarea
          id="report-details"
          name="details"
          rows="4"
          maxlength="5000"
          ${describedBy(c, 'report', 'details')}
        >
${reportOpen ? (values.details ?? '') : ''}</textarea>
        ${trap(t)}
        <button class="button button-secondary" type="submit">${t('group.report.submit')}</button>
      </form>
    </details>
  </section>`
}

// ---------------------------------------------------------------------------------------------
// Side column: get in touch, share and print

function aside(c: Ctx) {
  const { t, p, locale, pageUrl } = c
  const links = contactLinks(c)
  const name = pick(p.name, locale)?.text ?? p.id
  const mail = `mailto:?subject=${encodeURIComponent(name)}&body=${encodeURIComponent(pageUrl)}`
  const next = p.status === 'active' ? upcomingMeetings(p.schedules, c.now, 1)[0] : undefined
  return html`<aside class="group-aside">
    ${joinCard(t, p.id, c.data.joining)}
    ${
      next
        ? html`<div class="aside-card aside-next">
            <h2>${t('group.place.next')}</h2>
            <p><time datetime="${next.start}">${formatMeeting(next, locale)}</time></p>
          </div>`
        : ''
    }
    <div class="aside-card" id="contact">
      <h2>${t('group.contact.heading')}</h2>
      ${
        links.length
          ? html`<ul class="contact-list">
              ${links}
            </ul>`
          : html`<p>${t('group.contact.none')}</p>`
      }
      <p class="muted small">${t('group.contact.privacy')}</p>
    </div>
    <div class="aside-card share">
      <h2>${t('group.share.heading')}</h2>
      <p class="small">${t('group.share.link')}</p>
      <p class="share-url"><a href="${pageUrl}">${pageUrl}</a></p>
      <p><a href="${mail}">${t('group.share.email')}</a></p>
      <p class="muted small">${t('group.share.print')}</p>
    </div>
  </aside>`
}

// ---------------------------------------------------------------------------------------------
// The page

function header(c: Ctx) {
  const { t, p, locale } = c
  const name = pick(p.name, locale)
  // A translated name: the original follows, in its own language.
  const originalName = p.name[p.name.original]
  const alternate =
    !name?.fallback && p.name.original !== locale && originalName
      ? { text: originalName, lang: p.name.original }
      : null
  const org = p.organisation
  const orgName = pick(org.name, locale)
  const parentName = org.parent ? pick(org.parent.name, locale) : null
  const badges: Html[] = []
  if (p.attendance)
    badges.push(html`<li class="badge">${label(t, 'vocab.attendance', p.attendance)}</li>`)
  if (p.leadership)
    badges.push(
      html`<li class="badge">${label(t, 'vocab.leadership', `${p.leadership}.short`)}</li>`,
    )
  if (p.fees.free) badges.push(html`<li class="badge badge-ok">${t('group.status.free')}</li>`)
  if (!p.accepting_members)
    badges.push(html`<li class="badge badge-warn">${t('group.status.notAccepting')}</li>`)
  return html`<nav class="breadcrumb" aria-label="${t('group.breadcrumb')}">
      <ol>
        <li><a href="/">${t('group.breadcrumb.home')}</a></li>
        <li><a href="/organisations/${encodeURIComponent(org.id)}">${inline(orgName)}</a></li>
      </ol>
    </nav>
    <header class="group-head">
      ${
        p.types.length
          ? html`<ul class="type-list">
              ${p.types.map((type) => html`<li>${label(t, 'vocab.type', type)}</li>`)}
            </ul>`
          : ''
      }
      <h1 lang="${langOf(name, locale)}">${name?.text ?? p.id}</h1>
      ${alternate ? html`<p class="alt-name" lang="${alternate.lang}">${alternate.text}</p>` : ''}
      <p class="run-by">
        ${t('group.runBy')}:
        <a href="/organisations/${encodeURIComponent(org.id)}">${inline(orgName)}</a>
        ${parentName ? html`<span class="muted">(${t('group.partOf', { parent: parentName.text })})</span>` : ''}
      </p>
      ${
        badges.length
          ? html`<ul class="badges" aria-label="${t('group.facts')}">
              ${badges}
            </ul>`
          : ''
      }
      ${p.status === 'paused' ? html`<p class="notice notice-warn">${t('group.status.paused')}</p>` : ''}
      ${
        p.trust.freshness === 'stale'
          ? html`<p class="notice notice-warn" role="note">${t('group.trust.stale')}</p>`
          : ''
      }
      ${
        p.trust.source === 'public_register'
          ? html`<p class="notice notice-info" role="note">
              ${t('group.trust.register', { register: registerName(c.data.organisation.identifiers, t) })}
            </p>`
          : ''
      }
    </header>`
}

/** A short summary for search engines and link previews, in the page's language if there is one. */
function summary(c: Ctx): string {
  const text = pick(c.p.description, c.locale)?.text ?? ''
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > 160 ? `${flat.slice(0, 157)}…` : flat
}

function head(c: Ctx, title: string, description: string) {
  const jsonLd = groupJsonLd(c.p, {
    pageUrl: c.pageUrl,
    organisationUrl: c.organisationUrl,
    locale: c.locale,
    conceptCodes: c.data.conceptCodes,
    placeNames: new Map(
      [...c.data.placeNames].map(([code, n]) => [code, n[c.locale] ?? n.en ?? n.ja ?? code]),
    ),
    now: c.now,
  })
  return html`<link rel="canonical" href="${c.pageUrl}" />
    <meta property="og:type" content="website" />
    <meta property="og:site_name" content="Tomoni" />
    <meta property="og:title" content="${title}" />
    <meta property="og:url" content="${c.pageUrl}" />
    <meta property="og:locale" content="${c.locale === 'ja' ? 'ja_JP' : 'en_GB'}" />
    ${description ? html`<meta property="og:description" content="${description}" />` : ''}
    <meta name="twitter:card" content="summary" />
    ${c.staff ? html`<link rel="stylesheet" href="${assetUrl('staff.css')}" />` : ''}
    <script type="application/ld+json">
      ${raw(jsonForScript(jsonLd))}
    </script>`
}

/** What the people who run the listing see on its page: confirm it in one click, edit it. */
function staffPanel(c: Ctx) {
  if (!c.staff) return ''
  const { t, p } = c
  const id = encodeURIComponent(p.id)
  return html`<section class="staff-panel" aria-labelledby="staff-panel-heading">
    <h2 id="staff-panel-heading">${t('staff.panel.heading')}</h2>
    ${c.staff.confirmed ? html`<p class="notice notice-ok" role="status">${t('staff.confirm.done')}</p>` : ''}
    <p>${t('staff.panel.lead')}</p>
    <form method="post" action="/manage/groups/${id}/confirm">
      <input type="hidden" name="form_token" value="${c.staff.token}" />
      <button class="button" type="submit">${t('staff.confirm.button')}</button>
    </form>
    <p>
      <a href="/manage/groups/${id}/edit">${t('staff.group.editTitle')}</a> ·
      <a href="/manage/groups/${id}/history">${t('staff.history.title')}</a> ·
      <a href="/manage">${t('staff.dashboard.title')}</a>
    </p>
  </section>`
}

export function groupPage(data: GroupPageData, context: GroupPageContext): Page {
  const p = data.profile
  const c: Ctx = { ...context, data, p, lang: p.name.original }
  const { t, locale } = c
  const title = pick(p.name, locale)?.text ?? p.id
  const description = summary(c)
  return {
    title,
    mainClass: 'group-page',
    description: description || undefined,
    head: head(c, title, description),
    content: html`<article class="container group">
      ${staffPanel(c)} ${header(c)}
      <div class="group-layout">
        <div class="group-main">
          ${
            p.description
              ? html`<section class="group-section group-description">
                  ${textBlock(p.description, locale, t, 'text-block lead-text')}
                </section>`
              : ''
          }
          ${beforeYouJoin(c)} ${meetingsSection(t, locale, p.id, data.joining)} ${whoFor(c)}
          ${languagesAndAccess(c)} ${independence(c)} ${trust(c)} ${feedbackForms(c)}
        </div>
        ${aside(c)}
      </div>
    </article>`,
  }
}
