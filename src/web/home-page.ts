import { html } from 'hono/html'
import type { Translate } from '#src/i18n/i18n.ts'
import { assetUrl } from './assets.ts'
import { firstRunPanel } from './group-page-first-run.ts'
import type { Page } from './layout.ts'
import { typeaheadScript } from './typeahead.ts'

const audiences = ['seekers', 'facilitators', 'foundations'] as const

/** The five points to check before joining a group, as the seed documents list them. */
const checkpoints = ['purpose', 'conditions', 'fee', 'place', 'contact'] as const

function searchForm(t: Translate) {
  // The results page is /search; the form is a plain GET so it works without JavaScript.
  return html`<form class="search" action="/search" method="get" role="search">
    <label class="search-label" for="q">${t('home.search.label')}</label>
    <p class="search-hint" id="q-hint">${t('home.search.hint')}</p>
    <div class="search-row">
      <input
        class="search-input"
        id="q"
        name="q"
        type="search"
        placeholder="${t('home.search.placeholder')}"
        aria-describedby="q-hint"
        autocomplete="off"
        enterkeyhint="search"
      />
      <button class="button" type="submit">${t('home.search.submit')}</button>
    </div>
  </form>`
}

function whoFor(t: Translate) {
  const cards = audiences.map(
    (who) =>
      html`<li class="card card-${who}">
        <h3>${t(`home.who.${who}.title`)}</h3>
        <p>${t(`home.who.${who}.body`)}</p>
      </li>`,
  )
  return html`<section class="section" aria-labelledby="who-heading">
    <div class="container">
      <h2 id="who-heading">${t('home.who.heading')}</h2>
      <ul class="cards">
        ${cards}
      </ul>
    </div>
  </section>`
}

function beforeJoining(t: Translate) {
  const points = checkpoints.map(
    (point) =>
      html`<li>
        <h3>${t(`home.check.${point}.title`)}</h3>
        <p>${t(`home.check.${point}.body`)}</p>
      </li>`,
  )
  return html`<section class="section section-tinted" aria-labelledby="check-heading">
    <div class="container checks">
      <h2 id="check-heading">${t('home.check.heading')}</h2>
      <p class="section-intro">${t('home.check.intro')}</p>
      <ol class="checklist">
        ${points}
      </ol>
      <div class="callout">
        <h3>${t('home.check.caution.title')}</h3>
        <p>${t('home.check.caution.body')}</p>
      </div>
    </div>
  </section>`
}

/** `firstRun`: the directory is empty, so the page says how to fill it. */
export function homePage(t: Translate, options: { firstRun?: boolean } = {}): Page {
  return {
    title: t('home.title'),
    mainClass: 'home',
    head: typeaheadScript(),
    content: html`<section class="hero" aria-labelledby="home-heading">
        <div class="container hero-grid">
          <div class="hero-text">
            <p class="eyebrow">${t('home.eyebrow')}</p>
            <h1 id="home-heading">${t('home.heading')}</h1>
            <p class="lead">${t('home.lead')}</p>
            <p class="lead">${t('home.help')}</p>
            ${searchForm(t)}
          </div>
          <div class="hero-art">
            <img src="${assetUrl('hero-circles.svg')}" alt="" width="400" height="400" />
          </div>
        </div>
      </section>
      ${options.firstRun ? firstRunPanel(t) : ''} ${whoFor(t)} ${beforeJoining(t)}`,
  }
}
