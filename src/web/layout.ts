import { html } from 'hono/html'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { translator, type Translate } from '#src/i18n/i18n.ts'
import { locales, type Locale } from '#src/i18n/locale.ts'
import { formToken } from '#src/platform/form-token.ts'
import type { AppContext } from '#src/platform/http.ts'
import { assetUrl } from './assets.ts'
import { switchLanguageHref } from './language.ts'

/** What `html` accepts as content: text (escaped), other templates, or lists of them. */
export type Html = ReturnType<typeof html>

export interface Page {
  title: string
  content: Html
  /** The class of `<main>`, for the page's own layout. */
  mainClass: string
  /** The page's own summary for search engines and link previews; the site's otherwise. */
  description?: string
  /** More elements for `<head>`: canonical and alternate links, Open Graph, JSON-LD. */
  head?: Html
}

interface LayoutProps extends Page {
  locale: Locale
  t: Translate
  /** Path and query of this page, where the language switch comes back to. */
  here: string
  /** For a signed-in person, the form token of the header's sign-out button; otherwise null. */
  signOutToken?: string | null
}

function accountNav({ t, signOutToken }: LayoutProps) {
  if (!signOutToken) {
    return html`<nav class="account-nav" aria-label="${t('account.nav.account')}">
      <a href="/sign-in">${t('account.nav.signIn')}</a>
    </nav>`
  }
  return html`<nav class="account-nav" aria-label="${t('account.nav.account')}">
    <a href="/manage">${t('staff.dashboard.title')}</a>
    <a href="/my/groups">${t('nav.myGroups')}</a>
    <a href="/my/meetings">${t('nav.myMeetings')}</a>
    <a href="/account">${t('account.nav.account')}</a>
    <form method="post" action="/sign-out">
      <input type="hidden" name="form_token" value="${signOutToken}" />
      <button class="link-button" type="submit">${t('account.nav.signOut')}</button>
    </form>
  </nav>`
}

function languageSwitch({ locale, t, here }: LayoutProps) {
  const items = locales.map((lang) => {
    const name = t(`layout.language.${lang}`)
    return lang === locale
      ? html`<li lang="${lang}"><span aria-current="true">${name}</span></li>`
      : html`<li lang="${lang}">
          <a href="${switchLanguageHref(lang, here)}" hreflang="${lang}">${name}</a>
        </li>`
  })
  return html`<nav class="language-switch" aria-label="${t('layout.languageNav')}">
    <ul>
      ${items}
    </ul>
  </nav>`
}

export function layout(props: LayoutProps) {
  const { locale, t, title, content, mainClass } = props
  return html`<!doctype html>
    <html lang="${locale}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${t('layout.title', { page: title })}</title>
        <meta name="description" content="${props.description ?? t('layout.description')}" />
        <meta name="color-scheme" content="light dark" />
        <link rel="stylesheet" href="${assetUrl('site.css')}" />
        <link rel="icon" href="${assetUrl('tomoni-mark.svg')}" type="image/svg+xml" />
        ${props.head ?? ''}
      </head>
      <body>
        <a class="skip-link" href="#main">${t('layout.skipLink')}</a>
        <header class="site-header">
          <div class="container site-header-inner">
            <a class="brand" href="/">
              <img
                class="brand-mark"
                src="${assetUrl('tomoni-mark.svg')}"
                alt=""
                width="36"
                height="36"
              />
              <span class="brand-kanji" lang="ja">${t('layout.brandKanji')}</span>
              <span class="brand-latin" lang="en">${t('layout.brandLatin')}</span>
            </a>
            <div class="site-header-tools">${accountNav(props)} ${languageSwitch(props)}</div>
          </div>
        </header>
        <main id="main" tabindex="-1" class="${mainClass}">${content}</main>
        <footer class="site-footer">
          <div class="container">
            <p>${t('layout.footer.about')}</p>
            <p>${t('layout.footer.noAdvice')}</p>
            <p class="site-footer-links">
              <span>${t('layout.footer.noTracking')}</span>
              <a href="/about/data">${t('layout.footer.credits')}</a>
            </p>
          </div>
        </footer>
      </body>
    </html>`
}

/** The path and query of the request, for links that come back to it. */
function currentPath(c: AppContext): string {
  const url = new URL(c.req.url)
  return `${url.pathname}${url.search}`
}

/**
 * Renders a page in the person's language. The same URL answers in Japanese or English depending
 * on Accept-Language and the language cookie, so caches must keep the versions apart.
 */
export function renderPage(
  c: AppContext,
  page: (t: Translate) => Page,
  status: ContentfulStatusCode = 200,
) {
  const locale = c.get('locale') ?? 'ja'
  const t = translator(locale)
  c.header('Vary', 'Accept-Language, Cookie')
  const signOutToken = c.get('actor')?.kind === 'user' ? formToken(c) : null
  return c.html(layout({ ...page(t), locale, t, here: currentPath(c), signOutToken }), status)
}
