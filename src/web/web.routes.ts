import { Hono } from 'hono'
import { policy } from '#src/access/route-policy.ts'
import type { AppEnv } from '#src/platform/http.ts'
import { serveAssets } from './assets.ts'
import { creditsPage } from './credits-page.ts'
import { isFirstRun } from './group-page-first-run.ts'
import { groupPageRoutes } from './group-page.routes.ts'
import { homePage } from './home-page.ts'
import { languageRoutes } from './language.ts'
import { renderPage } from './layout.ts'
import { searchPage } from './search-page.ts'

/** The server-rendered web site: pages, the language switch and the static assets. */
export function webRoutes() {
  return new Hono<AppEnv>()
    .use('/assets/*', serveAssets())
    .route('/', languageRoutes())
    .route('/', groupPageRoutes())
    .get('/', async (c) => {
      const firstRun = await isFirstRun(c.get('deps'))
      return renderPage(c, (t) => homePage(t, { firstRun }))
    })
    .get('/search', policy('public'), searchPage)
    .get('/about/data', (c) => renderPage(c, (t) => creditsPage(t, c.get('locale'))))
}
