import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { html } from 'hono/html'
import { translator } from '#src/i18n/i18n.ts'
import type { AppContext } from '#src/platform/http.ts'

export function renderErrorPage(c: AppContext, status: ContentfulStatusCode) {
  const t = translator(c.get('locale') ?? 'ja')
  const title = status === 404 ? t('error.notFound.title') : t('error.generic.title')
  return c.html(
    html`<!doctype html>
      <html lang="${c.get('locale') ?? 'ja'}">
        <head>
          <meta charset="utf-8" />
          <title>${title}</title>
        </head>
        <body>
          <main><h1>${title}</h1></main>
        </body>
      </html>`,
    status,
  )
}
