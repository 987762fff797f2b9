import { html } from 'hono/html'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { Translate } from '#src/i18n/i18n.ts'
import type { AppContext } from '#src/platform/http.ts'
import { renderPage, type Page } from './layout.ts'

function errorText(t: Translate, status: number) {
  if (status === 404) return { title: t('error.notFound.title'), body: t('error.notFound.body') }
  if (status < 500) return { title: t('error.request.title'), body: t('error.request.body') }
  return { title: t('error.generic.title'), body: t('error.generic.body') }
}

function errorPage(t: Translate, status: number): Page {
  const { title, body } = errorText(t, status)
  return {
    title,
    mainClass: 'prose-page error-page',
    content: html`<div class="container prose">
      <h1>${title}</h1>
      <p class="lead">${body}</p>
      <p><a class="button" href="/">${t('error.home')}</a></p>
    </div>`,
  }
}

/** The HTML error page for everything outside /api, in the person's language. */
export function renderErrorPage(c: AppContext, status: ContentfulStatusCode) {
  // An error response must never be cached and then shown to someone else.
  c.header('Cache-Control', 'no-store')
  return renderPage(c, (t) => errorPage(t, status), status)
}
