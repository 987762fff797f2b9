/**
 * The search page, `/search`: the free-text box, what the text was understood as (each a chip
 * that takes it away), facets as a plain GET form, result cards with the five points to check
 * before joining, paging, and searches that would find something when nothing matches. Every
 * control is a link or a form: it all works without JavaScript.
 */
import { html } from 'hono/html'
import { anonymous } from '#src/access/actor.ts'
import {
  attendanceModes,
  audiences,
  groupTypes,
  leaderships,
} from '#src/directory/groups.schema.ts'
import { listGroups } from '#src/directory/groups.search.ts'
import { textIn } from '#src/directory/groups.service.ts'
import type { MessageKey, Translate } from '#src/i18n/i18n.ts'
import type { Locale } from '#src/i18n/locale.ts'
import type { AppContext } from '#src/platform/http.ts'
import type { SearchParams } from '#src/search/engine.ts'
import { describeSchedule, formatMeeting, formatMoney, languageName } from '#src/search/present.ts'
import { toQuery, type SearchItem, type SearchResult } from '#src/search/search.service.ts'
import { renderPage, type Html, type Page } from './layout.ts'
import { typeaheadScript } from './typeahead.ts'

const perPageDefault = 10

/** The page's parameters, read leniently: a value it cannot use is left out, never an error. */
export function readParams(c: AppContext): SearchParams {
  const one = (name: string) => c.req.query(name)?.trim() || undefined
  const all = (name: string) => (c.req.queries(name) ?? []).map((v) => v.trim()).filter(Boolean)
  const within = <T extends string>(values: readonly T[], v: string | undefined) =>
    v && (values as readonly string[]).includes(v) ? (v as T) : undefined
  const near = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(one('near') ?? '')
  const nearPoint =
    near && Math.abs(Number(near[1])) <= 90 && Math.abs(Number(near[2])) <= 180
      ? { lat: Number(near[1]), lon: Number(near[2]) }
      : undefined
  const radius = Number(one('radius_km'))
  const page = Math.trunc(Number(one('page')))
  const perPage = Math.trunc(Number(one('per_page')))
  return {
    q: one('q')?.slice(0, 200),
    condition: one('condition')?.slice(0, 100),
    near: nearPoint,
    radiusKm: Number.isFinite(radius) && radius > 0 && radius <= 20_000 ? radius : undefined,
    place: one('place')?.slice(0, 100),
    types: all('type').filter((v) => (groupTypes as readonly string[]).includes(v)),
    audience: all('audience').filter((v) => (audiences as readonly string[]).includes(v)),
    languages: all('language').filter((v) => /^[a-z]{2,3}$/.test(v)),
    attendance: within(attendanceModes, one('attendance')),
    free: one('free') === 'true' ? true : undefined,
    leadership: within(leaderships, one('leadership')),
    page: page >= 1 && page <= 10_000 ? page : 1,
    perPage: perPage >= 1 && perPage <= 50 ? perPage : perPageDefault,
  }
}

export async function searchPage(c: AppContext) {
  const params = readParams(c)
  const locale = c.get('locale') ?? 'ja'
  const result = await listGroups(c.get('deps'), c.get('actor') ?? anonymous, params, locale, {
    details: true,
  })
  return renderPage(c, (t) => page(t, locale, params, result))
}

const href = (params: SearchParams) => {
  const query = toQuery(params, perPageDefault)
  return query ? `/search?${query}` : '/search'
}

function page(t: Translate, locale: Locale, params: SearchParams, result: SearchResult): Page {
  const asked = Boolean(
    params.q ||
    params.condition ||
    params.near ||
    params.place ||
    params.types.length ||
    params.audience.length ||
    params.languages.length ||
    params.attendance ||
    params.free ||
    params.leadership,
  )
  const title = params.q ? t('search.titleFor', { q: params.q }) : t('search.title')
  return {
    title,
    mainClass: 'search-page',
    head: typeaheadScript(),
    content: html`<div class="container">
      <h1 class="search-heading">${t('search.heading')}</h1>
      ${searchBox(t, params)} ${understoodChips(t, params, result)}
      <div class="search-layout">
        <section class="search-results" aria-labelledby="results-heading">
          <h2 id="results-heading" class="results-count" aria-live="polite">
            ${t('search.count', { total: result.total })}
          </h2>
          ${
            result.items.length
              ? html`<ol class="result-list">
                    ${result.items.map((item) => card(t, locale, item))}
                  </ol>
                  ${paging(t, params, result)}`
              : emptyState(t, asked, result)
          }
        </section>
        ${result.total > 0 || asked ? filters(t, locale, params, result) : ''}
      </div>
    </div>`,
  }
}

function searchBox(t: Translate, params: SearchParams) {
  return html`<form class="search search-compact" action="/search" method="get" role="search">
    <label class="search-label" for="q">${t('search.label')}</label>
    <p class="search-hint" id="q-hint">${t('search.hint')}</p>
    <div class="search-row">
      <input
        class="search-input"
        id="q"
        name="q"
        type="search"
        value="${params.q ?? ''}"
        aria-describedby="q-hint"
        autocomplete="off"
        enterkeyhint="search"
        maxlength="200"
      />
      <button class="button" type="submit">${t('search.submit')}</button>
    </div>
  </form>`
}

function understoodChips(t: Translate, params: SearchParams, result: SearchResult) {
  if (!result.understood.length && !result.terms.length) return ''
  const chips = result.understood.map(
    (u) =>
      html`<li>
        <a
          class="chip"
          href="${href({ ...params, q: u.q_without || undefined, page: 1 })}"
          aria-label="${t('search.understood.remove', { label: u.label })}"
        >
          <span class="chip-kind">${t(`search.understood.kind.${u.kind}` as MessageKey)}</span>
          <span class="chip-label">${u.label}</span>
          <span class="chip-remove" aria-hidden="true">×</span>
        </a>
      </li>`,
  )
  return html`<div class="understood">
    ${
      result.understood.length
        ? html`<p class="understood-label" id="understood-label">${t('search.understood')}</p>
            <ul class="chips" aria-labelledby="understood-label">
              ${chips}
            </ul>`
        : ''
    }
    ${
      result.terms.length
        ? html`<p class="understood-terms">
            ${t('search.terms', { terms: result.terms.map((w) => `“${w}”`).join(' ') })}
          </p>`
        : ''
    }
  </div>`
}

// ---------------------------------------------------------------------------------------------
// Result cards

function card(t: Translate, locale: Locale, item: SearchItem) {
  const d = item.details!
  const headingId = `g-${item.id.replace(/[^A-Za-z0-9_-]/g, '')}`
  const badges: Html[] = []
  if (item.attendance) {
    badges.push(
      html`<li class="result-badge">
        ${t(`search.attendance.${item.attendance}` as MessageKey)}
      </li>`,
    )
  }
  if (d.free)
    badges.push(html`<li class="result-badge result-badge-free">${t('search.card.free')}</li>`)
  for (const l of d.languages) {
    badges.push(
      html`<li class="result-badge" lang="${l}">${languageName(l, l === 'ja' ? 'ja' : 'en')}</li>`,
    )
  }
  if (item.distance_km !== null) {
    badges.push(
      html`<li class="result-badge">${t('search.why.distance', { km: item.distance_km })}</li>`,
    )
  }
  const warnings: Html[] = []
  if (item.freshness === 'stale')
    warnings.push(html`<p class="card-warning">${t('search.card.stale')}</p>`)
  if (d.status === 'paused')
    warnings.push(html`<p class="card-warning">${t('search.card.paused')}</p>`)
  if (!d.accepting_members) {
    warnings.push(html`<p class="card-warning">${t('search.card.notAccepting')}</p>`)
  }
  return html`<li class="result-card">
    <article aria-labelledby="${headingId}">
      <h3 class="result-name" id="${headingId}"><a href="${item.url}">${item.name}</a></h3>
      ${
        badges.length
          ? html`<ul class="result-badges">
              ${badges}
            </ul>`
          : ''
      }
      ${
        item.why.length
          ? html`<div class="why">
              <p class="why-label">${t('search.card.why')}</p>
              <ul>
                ${item.why.map((w) => html`<li>${w}</li>`)}
              </ul>
            </div>`
          : ''
      }
      ${warnings}
      <h4 class="result-before-heading">${t('search.card.before')}</h4>
      <dl class="result-before">
        <div>
          <dt>${t('search.card.purpose')}</dt>
          <dd>${d.description ? shorten(d.description, 140) : t('search.card.notStated')}</dd>
        </div>
        <div>
          <dt>${t('search.card.conditions')}</dt>
          <dd>${whoCanJoin(t, d)}</dd>
        </div>
        <div>
          <dt>${t('search.card.fee')}</dt>
          <dd>${fee(t, locale, d)}</dd>
        </div>
        <div>
          <dt>${t('search.card.place')}</dt>
          <dd>${placeAndFrequency(t, locale, item)}</dd>
        </div>
        <div>
          <dt>${t('search.card.contact')}</dt>
          <dd>
            ${
              d.channels.length
                ? d.channels
                    .map((ch) => t(`search.channel.${ch}` as MessageKey))
                    .join(locale === 'ja' ? '・' : ', ')
                : t('search.card.notStated')
            }
          </dd>
        </div>
      </dl>
    </article>
  </li>`
}

function shorten(text: string, max: number): string {
  const chars = [...text.replace(/\s+/g, ' ').trim()]
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`
}

function whoCanJoin(t: Translate, d: NonNullable<SearchItem['details']>): string {
  const parts: string[] = []
  if (d.audience.length) {
    parts.push(d.audience.map((a) => t(`search.audience.${a}` as MessageKey)).join(' · '))
  }
  if (d.ages.min !== null || d.ages.max !== null) {
    parts.push(t('search.card.ages', { min: d.ages.min ?? 0, max: d.ages.max ?? '' }))
  }
  if (d.participation.diagnosis_required) parts.push(t('search.card.diagnosis'))
  if (d.participation.referral_required) parts.push(t('search.card.referral'))
  if (d.participation.screening_required) parts.push(t('search.card.screening'))
  return parts.length ? parts.join('. ') : t('search.card.openToAll')
}

function fee(t: Translate, locale: Locale, d: NonNullable<SearchItem['details']>): string {
  if (d.free) return t('search.card.free')
  const costs = d.cost_options
    .filter((o) => o.amount > 0)
    .map((o) =>
      [
        formatMoney(o.amount, o.currency, locale),
        o.period ? t(`vocab.period.${o.period}`) : null,
        textIn(o.amount_description, locale) ?? textIn(o.option, locale),
      ]
        .filter(Boolean)
        .join(' '),
    )
  if (costs.length) return costs.join(' / ')
  return d.fees_description ?? t('search.card.notStated')
}

function placeAndFrequency(t: Translate, locale: Locale, item: SearchItem): Html {
  const d = item.details!
  const where = [
    ...new Set(
      d.places.map((p) =>
        p.kind === 'virtual'
          ? t('search.card.online')
          : [p.city, p.region]
              .filter(Boolean)
              .filter((v, i, a) => a.indexOf(v) === i)
              .join(', '),
      ),
    ),
  ].filter(Boolean)
  const when = d.schedules.map((s) => describeSchedule(s, locale)).filter((s) => s !== null)
  const parts = [where.join(' / '), when.join(' / ')].filter(Boolean)
  return html`${parts.length ? parts.join(locale === 'ja' ? '。' : '. ') : t('search.card.notStated')}
  ${
    item.next_meeting
      ? html`<br /><span class="next-meeting"
            >${t('search.card.next', { date: formatMeeting(item.next_meeting, locale) })}</span
          >`
      : ''
  }`
}

// ---------------------------------------------------------------------------------------------
// Paging, the empty state and the filters

function paging(t: Translate, params: SearchParams, result: SearchResult) {
  const pages = Math.ceil(result.total / params.perPage)
  if (pages <= 1) return ''
  const current = params.page
  const from = (current - 1) * params.perPage + 1
  const to = Math.min(result.total, current * params.perPage)
  const numbers: number[] = []
  for (let p = Math.max(1, current - 2); p <= Math.min(pages, current + 2); p++) numbers.push(p)
  if (!numbers.includes(1)) numbers.unshift(1)
  if (!numbers.includes(pages)) numbers.push(pages)
  return html`<nav class="paging" aria-label="${t('search.paging.label')}">
    <p class="paging-status">${t('search.paging.status', { from, to, total: result.total })}</p>
    <ul>
      ${
        current > 1
          ? html`<li>
              <a href="${href({ ...params, page: current - 1 })}" rel="prev"
                >${t('search.paging.previous')}</a
              >
            </li>`
          : ''
      }
      ${numbers.map((p) =>
        p === current
          ? html`<li>
              <span aria-current="page" aria-label="${t('search.paging.page', { page: p })}"
                >${p}</span
              >
            </li>`
          : html`<li>
              <a
                href="${href({ ...params, page: p })}"
                aria-label="${t('search.paging.page', { page: p })}"
                >${p}</a
              >
            </li>`,
      )}
      ${
        current < pages
          ? html`<li>
              <a href="${href({ ...params, page: current + 1 })}" rel="next"
                >${t('search.paging.next')}</a
              >
            </li>`
          : ''
      }
    </ul>
  </nav>`
}

function emptyState(t: Translate, asked: boolean, result: SearchResult) {
  if (!asked) return html`<p class="empty-hint">${t('search.empty.start')}</p>`
  return html`<div class="empty">
    <p class="empty-heading">${t('search.empty.heading')}</p>
    ${
      result.suggestions.length
        ? html`<p>${t('search.empty.suggest')}</p>
            <ul class="suggestions">
              ${result.suggestions.map(
                (s) =>
                  html`<li>
                    <a href="/search?${s.query}">${s.label}</a>
                    <span class="suggestion-count"
                      >${t('search.suggest.count', { count: s.count })}</span
                    >
                  </li>`,
              )}
            </ul>`
        : html`<p>${t('search.empty.none')}</p>`
    }
  </div>`
}

function filters(t: Translate, locale: Locale, params: SearchParams, result: SearchResult) {
  const facets = result.facets
  const group = (
    name: 'type' | 'audience' | 'language',
    values: readonly string[],
    selected: string[],
    label: (v: string) => string,
  ) => {
    const shown = values.filter((v) => (facets[name]?.[v] ?? 0) > 0 || selected.includes(v))
    if (!shown.length) return ''
    return html`<fieldset class="facet">
      <legend>${t(`search.facet.${name}` as MessageKey)}</legend>
      ${shown.map(
        (v) =>
          html`<label class="facet-option">
            <input
              type="checkbox"
              name="${name}"
              value="${v}"
              ${selected.includes(v) ? 'checked' : ''}
            />
            <span>${label(v)}</span>
            <span class="facet-count">${facets[name]?.[v] ?? 0}</span>
          </label>`,
      )}
    </fieldset>`
  }
  const choice = (
    name: 'attendance' | 'leadership',
    values: readonly string[],
    selected: string | undefined,
  ) => {
    const shown = values.filter((v) => (facets[name]?.[v] ?? 0) > 0 || selected === v)
    if (!shown.length) return ''
    return html`<fieldset class="facet">
      <legend>${t(`search.facet.${name}` as MessageKey)}</legend>
      <label class="facet-option">
        <input type="radio" name="${name}" value="" ${selected ? '' : 'checked'} />
        <span>${t('search.filters.any')}</span>
      </label>
      ${shown.map(
        (v) =>
          html`<label class="facet-option">
            <input type="radio" name="${name}" value="${v}" ${selected === v ? 'checked' : ''} />
            <span>${t(`search.${name}.${v}` as MessageKey)}</span>
            <span class="facet-count">${facets[name]?.[v] ?? 0}</span>
          </label>`,
      )}
    </fieldset>`
  }
  const languages = Object.keys(facets.language ?? {}).sort()
  const kept: [string, string][] = []
  if (params.q) kept.push(['q', params.q])
  if (params.condition) kept.push(['condition', params.condition])
  if (params.near) kept.push(['near', `${params.near.lat},${params.near.lon}`])
  if (params.radiusKm !== undefined) kept.push(['radius_km', String(params.radiusKm)])
  if (params.place) kept.push(['place', params.place])
  const cleared = href({
    q: params.q,
    types: [],
    audience: [],
    languages: [],
    page: 1,
    perPage: params.perPage,
  })
  return html`<aside class="search-filters" aria-labelledby="filters-heading">
    <h2 id="filters-heading">${t('search.filters.heading')}</h2>
    <form action="/search" method="get">
      ${kept.map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`)}
      ${group('audience', audiences, params.audience, (v) => t(`search.audience.${v}` as MessageKey))}
      ${choice('attendance', attendanceModes, params.attendance)}
      ${
        (facets.free?.true ?? 0) > 0 || params.free
          ? html`<fieldset class="facet">
              <legend>${t('search.facet.free')}</legend>
              <label class="facet-option">
                <input type="checkbox" name="free" value="true" ${params.free ? 'checked' : ''} />
                <span>${t('search.free.true')}</span>
                <span class="facet-count">${facets.free?.true ?? 0}</span>
              </label>
            </fieldset>`
          : ''
      }
      ${group('type', groupTypes, params.types, (v) => t(`search.type.${v}` as MessageKey))}
      ${group('language', languages, params.languages, (v) => languageName(v, locale))}
      ${choice('leadership', leaderships, params.leadership)}
      <div class="filter-actions">
        <button class="button" type="submit">${t('search.filters.apply')}</button>
        <a href="${cleared}">${t('search.filters.clear')}</a>
      </div>
    </form>
  </aside>`
}
