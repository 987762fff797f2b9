/**
 * An organisation's public page: what it is, how far it is verified, and the groups it runs, with
 * its chapters. Hidden organisations (every group closed or hidden) are not found.
 */
import { html, raw } from 'hono/html'
import type { LocalizedText } from '#src/directory/directory.tables.ts'
import { jsonForScript } from '#src/directory/jsonld.ts'
import { publicGroupIds, publicProfiles, type GroupProfile } from '#src/directory/groups.service.ts'
import type { Translate } from '#src/i18n/i18n.ts'
import type { Locale } from '#src/i18n/locale.ts'
import type { Deps } from '#src/platform/deps.ts'
import { notFound } from '#src/platform/errors.ts'
import { organisationDetails, type OrganisationDetails } from './group-page-data.ts'
import { inline, label, langOf, pick, registerName, textBlock } from './group-page-parts.ts'
import { formatMeeting, upcomingMeetings } from './group-page-schedule.ts'
import type { Html, Page } from './layout.ts'

export interface OrganisationPageData {
  organisation: OrganisationDetails & {
    verified: boolean
    claimed: boolean
    parent: { id: string; name: LocalizedText } | null
  }
  groups: GroupProfile[]
  chapters: { id: string; name: LocalizedText }[]
}

/** Whether the public may see an organisation: not when it has groups and none is listed. */
async function listedGroups(deps: Pick<Deps, 'db' | 'clock'>, id: string) {
  const ids = await publicGroupIds(deps, { organisationId: id })
  if (ids.length > 0) return ids
  const any = await deps.db
    .selectFrom('grp')
    .select('id')
    .where('organisation_id', '=', id)
    .executeTakeFirst()
  return any ? null : []
}

export async function loadOrganisationPage(
  deps: Pick<Deps, 'db' | 'clock'>,
  id: string,
): Promise<OrganisationPageData> {
  const details = await organisationDetails(deps.db, id)
  if (!details) throw notFound('No such organisation.')
  const ids = await listedGroups(deps, id)
  if (ids === null) throw notFound('No such organisation.')
  const row = await deps.db
    .selectFrom('organisation as o')
    .leftJoin('organisation as p', 'p.id', 'o.parent_id')
    .select(['o.verified_at', 'o.claimed_at', 'p.id as parent_id', 'p.name as parent_name'])
    .where('o.id', '=', id)
    .executeTakeFirstOrThrow()
  const children = await deps.db
    .selectFrom('organisation')
    .select(['id', 'name'])
    .where('parent_id', '=', id)
    .orderBy('id')
    .execute()
  const chapters = []
  for (const child of children) {
    if ((await listedGroups(deps, child.id)) !== null) chapters.push(child)
  }
  return {
    organisation: {
      ...details,
      verified: row.verified_at !== null,
      claimed: row.claimed_at !== null,
      parent:
        row.parent_id && row.parent_name ? { id: row.parent_id, name: row.parent_name } : null,
    },
    groups: await publicProfiles(deps, ids),
    chapters,
  }
}

function groupCard(g: GroupProfile, t: Translate, locale: Locale, now: Date) {
  const name = pick(g.name, locale)
  const description = pick(g.description, locale)
  const next = g.status === 'active' ? upcomingMeetings(g.schedules, now, 1)[0] : undefined
  const short =
    description && description.text.length > 180
      ? `${description.text.slice(0, 177)}…`
      : (description?.text ?? '')
  return html`<li class="org-group">
    <h3>
      <a href="/groups/${encodeURIComponent(g.id)}" lang="${langOf(name, locale)}"
        >${name?.text ?? g.id}</a
      >
    </h3>
    ${
      g.types.length
        ? html`<ul class="type-list">
            ${g.types.map((type) => html`<li>${label(t, 'vocab.type', type)}</li>`)}
          </ul>`
        : ''
    }
    ${short ? html`<p lang="${langOf(description, locale)}">${short}</p>` : ''}
    <p class="muted small">
      ${g.attendance ? label(t, 'vocab.attendance', g.attendance) : ''}
      ${next ? html`${g.attendance ? ' · ' : ''}${t('org.next', { date: formatMeeting(next, locale) })}` : ''}
    </p>
    ${g.trust.freshness === 'stale' ? html`<p class="badge badge-warn">${t('group.trust.stale')}</p>` : ''}
  </li>`
}

export function organisationPage(
  data: OrganisationPageData,
  context: { t: Translate; locale: Locale; pageUrl: string; now: Date },
): Page {
  const { t, locale, pageUrl, now } = context
  const o = data.organisation
  const name = pick(o.name, locale)
  const title = name?.text ?? o.id
  const originalName = o.name[o.name.original]
  const alternate =
    !name?.fallback && o.name.original !== locale && originalName ? originalName : null
  const trust: Html[] = []
  if (o.verified) trust.push(html`<li class="trust-good">${t('group.trust.orgVerified')}</li>`)
  if (o.claimed) trust.push(html`<li class="trust-good">${t('group.trust.claimed')}</li>`)
  if (o.source === 'public_register') {
    trust.push(
      html`<li class="trust-warn">
        ${t('group.trust.register', { register: registerName(o.identifiers, t) })}
      </li>`,
    )
  }
  const description = pick(o.description, locale)?.text.replace(/\s+/g, ' ').slice(0, 160)
  const jsonLd = {
    '@context': 'https://schema.org',
    '@type': o.kind === 'hospital' ? 'Hospital' : o.kind === 'other' ? 'Organization' : 'NGO',
    '@id': `${pageUrl}#organisation`,
    name: title,
    url: pageUrl,
    ...(o.url ? { sameAs: o.url } : {}),
    ...(o.email ? { email: o.email } : {}),
    ...(o.identifiers.length ? { identifier: o.identifiers.map((i) => i.id) } : {}),
    subOrganization: data.groups.map((g) => ({
      '@type': 'NGO',
      name: pick(g.name, locale)?.text,
      url: `${new URL(pageUrl).origin}/groups/${encodeURIComponent(g.id)}`,
    })),
  }
  return {
    title,
    mainClass: 'group-page organisation-page',
    description: description || undefined,
    head: html`<link rel="canonical" href="${pageUrl}" />
      <meta property="og:type" content="website" />
      <meta property="og:site_name" content="Tomoni" />
      <meta property="og:title" content="${title}" />
      <meta property="og:url" content="${pageUrl}" />
      ${description ? html`<meta property="og:description" content="${description}" />` : ''}
      <script type="application/ld+json">
        ${raw(jsonForScript(jsonLd))}
      </script>`,
    content: html`<article class="container group">
      <nav class="breadcrumb" aria-label="${t('group.breadcrumb')}">
        <ol>
          <li><a href="/">${t('group.breadcrumb.home')}</a></li>
          ${
            o.parent
              ? html`<li>
                  <a href="/organisations/${encodeURIComponent(o.parent.id)}"
                    >${inline(pick(o.parent.name, locale))}</a
                  >
                </li>`
              : ''
          }
        </ol>
      </nav>
      <header class="group-head">
        <ul class="type-list">
          <li>${label(t, 'vocab.orgKind', o.kind)}</li>
        </ul>
        <h1 lang="${langOf(name, locale)}">${title}</h1>
        ${alternate ? html`<p class="alt-name" lang="${o.name.original}">${alternate}</p>` : ''}
        ${
          trust.length
            ? html`<ul class="trust-list">
                ${trust}
              </ul>`
            : ''
        }
      </header>
      <div class="group-layout">
        <div class="group-main">
          ${
            o.description
              ? html`<section class="group-section" aria-labelledby="about-heading">
                  <h2 id="about-heading">${t('org.about')}</h2>
                  ${textBlock(o.description, locale, t)}
                </section>`
              : ''
          }
          <section class="group-section" aria-labelledby="groups-heading">
            <h2 id="groups-heading">${t('org.groups.heading')}</h2>
            ${
              data.groups.length
                ? html`<ul class="org-groups">
                    ${data.groups.map((g) => groupCard(g, t, locale, now))}
                  </ul>`
                : html`<p>${t('org.groups.none')}</p>`
            }
          </section>
          ${
            data.chapters.length
              ? html`<section class="group-section" aria-labelledby="chapters-heading">
                  <h2 id="chapters-heading">${t('org.chapters')}</h2>
                  <ul class="plain-list">
                    ${data.chapters.map(
                      (ch) =>
                        html`<li>
                          <a href="/organisations/${encodeURIComponent(ch.id)}"
                            >${inline(pick(ch.name, locale))}</a
                          >
                        </li>`,
                    )}
                  </ul>
                </section>`
              : ''
          }
        </div>
        <aside class="group-aside">
          <div class="aside-card">
            <h2>${t('group.contact.heading')}</h2>
            <ul class="contact-list">
              ${
                o.url
                  ? html`<li>
                      <span class="contact-kind">${t('org.website')}</span>
                      <a href="${o.url}" rel="noopener">${o.url.replace(/^https?:\/\//, '')}</a>
                    </li>`
                  : ''
              }
              ${
                o.email
                  ? html`<li>
                      <span class="contact-kind">${t('org.email')}</span>
                      <a href="mailto:${o.email}">${o.email}</a>
                    </li>`
                  : ''
              }
            </ul>
            ${!o.url && !o.email ? html`<p>${t('group.contact.none')}</p>` : ''}
            ${
              o.identifiers.length
                ? html`<p class="small muted">
                    ${t('org.identifiers')}: ${o.identifiers.map((i) => i.id).join(', ')}
                  </p>`
                : ''
            }
          </div>
        </aside>
      </div>
    </article>`,
  }
}
