import { html } from 'hono/html'
import { directorySize } from '#src/directory/demo.ts'
import type { Translate } from '#src/i18n/i18n.ts'
import type { Deps } from '#src/platform/deps.ts'

/** A fresh install has no groups at all: then the home page says how to add some. */
export async function isFirstRun(deps: Pick<Deps, 'db'>): Promise<boolean> {
  return (await directorySize(deps)) === 0
}

/** For the operator of a new Tomoni: how to fill the directory. */
export function firstRunPanel(t: Translate) {
  return html`<section class="section first-run" aria-labelledby="first-run-heading">
    <div class="container">
      <div class="callout first-run-callout">
        <h2 id="first-run-heading">${t('firstRun.heading')}</h2>
        <p>${t('firstRun.body')}</p>
        <ul class="first-run-steps">
          <li>${t('firstRun.demo')} <code>npm run cli -- demo</code></li>
          <li>${t('firstRun.import')} <code>npm run cli -- import-hsds PATH</code></li>
          <li>
            ${t('firstRun.api')} <code>POST /api/v1/organisations</code>,
            <code>POST /api/v1/groups</code>
          </li>
        </ul>
      </div>
    </div>
  </section>`
}
