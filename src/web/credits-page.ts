import { html } from 'hono/html'
import type { Translate } from '#src/i18n/i18n.ts'
import type { Locale } from '#src/i18n/locale.ts'
import type { Page } from './layout.ts'

interface Licence {
  name: string
  url: string
  /** Creative Commons publishes its deeds in Japanese too. */
  urlJa?: string
}

const ccBy: Licence = {
  name: 'CC BY 4.0',
  url: 'https://creativecommons.org/licenses/by/4.0/',
  urlJa: 'https://creativecommons.org/licenses/by/4.0/deed.ja',
}
const cc0: Licence = {
  name: 'CC0 1.0',
  url: 'https://creativecommons.org/publicdomain/zero/1.0/',
  urlJa: 'https://creativecommons.org/publicdomain/zero/1.0/deed.ja',
}
const odbl: Licence = { name: 'ODbL 1.0', url: 'https://opendatacommons.org/licenses/odbl/1-0/' }
const mit: Licence = { name: 'MIT', url: 'https://opensource.org/license/mit' }
const ogl: Licence = {
  name: 'Open Government Licence v3.0',
  url: 'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/',
}

/**
 * The data sets Tomoni's reference data comes from, with what each licence asks for: attribution,
 * a link to the licence, and a note that the data was changed (see data/README.md upstream).
 */
const sources = [
  { key: 'nando', url: 'https://github.com/aidrd/nando', licences: [ccBy] },
  { key: 'orphanet', url: 'https://www.orphadata.com', licences: [ccBy] },
  { key: 'doid', url: 'https://disease-ontology.org', licences: [cc0] },
  { key: 'mondo', url: 'https://github.com/monarch-initiative/mondo', licences: [cc0] },
  { key: 'localgovjp', url: 'https://github.com/code4fukui/localgovjp', licences: [cc0] },
  { key: 'worldCountries', url: 'https://github.com/mledoze/countries', licences: [odbl] },
  {
    key: 'i18nCountries',
    url: 'https://github.com/michaelwittig/node-i18n-iso-countries',
    licences: [mit],
  },
  { key: 'ukcat', url: 'https://github.com/charity-classification/ukcat', licences: [ccBy, ogl] },
] as const

function licenceLink(licence: Licence, locale: Locale) {
  const url = locale === 'ja' ? (licence.urlJa ?? licence.url) : licence.url
  return html`<a href="${url}" rel="license">${licence.name}</a>`
}

/** A link's address without the scheme, short enough to read aloud. */
const displayUrl = (url: string) => url.replace(/^https:\/\//, '')

export function creditsPage(t: Translate, locale: Locale): Page {
  const entries = sources.map(
    (source) =>
      html`<li class="credit">
        <h2>${t(`credits.${source.key}.name`)}</h2>
        <p>${t(`credits.${source.key}.use`)}</p>
        <p class="credit-notice">${t(`credits.${source.key}.notice`)}</p>
        ${source.key === 'ukcat' ? html`<p class="credit-notice">${t('credits.ukcat.ogl')}</p>` : ''}
        <dl class="credit-links">
          <dt>${t('credits.source')}</dt>
          <dd><a href="${source.url}">${displayUrl(source.url)}</a></dd>
          <dt>${t('credits.licence')}</dt>
          ${source.licences.map((licence) => html`<dd>${licenceLink(licence, locale)}</dd>`)}
        </dl>
      </li>`,
  )
  return {
    title: t('credits.title'),
    mainClass: 'prose-page',
    content: html`<div class="container prose">
      <h1>${t('credits.title')}</h1>
      <p class="lead">${t('credits.intro')}</p>
      <ul class="credits">
        ${entries}
      </ul>
    </div>`,
  }
}
