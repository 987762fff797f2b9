import { html } from 'hono/html'
import { assetUrl } from './assets.ts'

/** The condition type-ahead of the search box (`public/typeahead.js`), for pages that have one. */
export const typeaheadScript = () =>
  html`<script type="module" src="${assetUrl('typeahead.js')}"></script>`
