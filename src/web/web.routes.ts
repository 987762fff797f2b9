import { Hono } from 'hono'
import { html } from 'hono/html'
import type { AppEnv } from '#src/platform/http.ts'
import { translator } from '#src/i18n/i18n.ts'

export function webRoutes() {
  return new Hono<AppEnv>().get('/', (c) => {
    const t = translator(c.get('locale'))
    return c.html(
      html`<!doctype html>
        <html lang="${c.get('locale')}">
          <head>
            <meta charset="utf-8" />
            <title>${t('app.name')}</title>
          </head>
          <body>
            <main><h1>${t('app.name')}</h1></main>
          </body>
        </html>`,
    )
  })
}
