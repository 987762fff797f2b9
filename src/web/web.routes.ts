import { Hono } from 'hono'
import type { AppEnv } from '#src/platform/http.ts'
import { serveAssets } from './assets.ts'
import { creditsPage } from './credits-page.ts'
import { homePage } from './home-page.ts'
import { languageRoutes } from './language.ts'
import { renderPage } from './layout.ts'

/** The server-rendered web site: pages, the language switch and the static assets. */
export function webRoutes() {
  return new Hono<AppEnv>()
    .use('/assets/*', serveAssets())
    .route('/', languageRoutes())
    .get('/', (c) => renderPage(c, homePage))
    .get('/about/data', (c) => renderPage(c, (t) => creditsPage(t, c.get('locale'))))
}
