import { Hono } from 'hono'
import { html } from 'hono/html'
import { dateTime } from '#src/accounts/account-forms.ts'
import { page, signedInPage } from '#src/accounts/auth.pages.ts'
import { textIn } from '#src/directory/groups.service.ts'
import type { MessageKey, Translate } from '#src/i18n/i18n.ts'
import type { AppContext, AppEnv } from '#src/platform/http.ts'
import { listOrganisationAudit, type OrganisationAuditEntry } from './audit-view.ts'

/** The organisation's audit log as a page, for its admins (API: GET /api/v1/organisations/{id}/audit). */

const actionLabels: Partial<Record<string, MessageKey>> = {
  role_granted: 'audit.action.role_granted',
  role_revoked: 'audit.action.role_revoked',
  organisation_created: 'audit.action.organisation_created',
  organisation_claimed: 'audit.action.organisation_claimed',
  claim_requested: 'audit.action.claim_requested',
  claim_approved: 'audit.action.claim_approved',
  claim_rejected: 'audit.action.claim_rejected',
  listing_changed: 'audit.action.listing_changed',
  listing_confirmed: 'audit.action.listing_confirmed',
  listing_moderated: 'audit.action.listing_moderated',
  confidential_record_read: 'audit.action.confidential_record_read',
}

function actionText(t: Translate, action: string) {
  const key = actionLabels[action]
  return key ? t(key) : t('audit.action.other', { action })
}

function who(t: Translate, entry: OrganisationAuditEntry) {
  if (!entry.actor) return t('audit.system')
  return entry.actor.display_name ?? t('audit.erased')
}

/** The details as the log keeps them: codes and field names, never anyone's words. */
function detailsText(entry: OrganisationAuditEntry) {
  const details = entry.details
  if (!details || typeof details !== 'object' || Array.isArray(details)) return ''
  return Object.entries(details)
    .map(([key, value]) => {
      const text = Array.isArray(value)
        ? value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ')
        : typeof value === 'string'
          ? value
          : JSON.stringify(value)
      return `${key}: ${text}`
    })
    .join(' · ')
}

function subjectText(t: Translate, entry: OrganisationAuditEntry) {
  if (!entry.subject) return ''
  if (entry.subject.type === 'user') return entry.subject.display_name ?? t('audit.erased')
  return `${entry.subject.type} ${entry.subject.id}`
}

async function auditPage(c: AppContext) {
  const id = c.req.param('id') ?? ''
  const log = await listOrganisationAudit(c.get('deps'), c.get('actor'), {
    organisationId: id,
    before: c.req.query('before'),
  })
  const name = textIn(log.organisation.name, c.get('locale') ?? 'ja') ?? log.organisation.id
  return page(
    c,
    'audit.title',
    (t) =>
      html`<h1>${t('audit.title')}</h1>
        <p>${t('audit.lead', { name })}</p>
        ${
          log.items.length === 0
            ? html`<p>${t('audit.empty')}</p>`
            : html`<div class="table-scroll">
                <table class="audit-log">
                  <thead>
                    <tr>
                      <th scope="col">${t('audit.when')}</th>
                      <th scope="col">${t('audit.who')}</th>
                      <th scope="col">${t('audit.what')}</th>
                      <th scope="col">${t('audit.about')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${log.items.map(
                      (entry) =>
                        html`<tr>
                          <td>${dateTime(c, entry.at)}</td>
                          <td>${who(t, entry)}</td>
                          <td>
                            ${actionText(t, entry.action)}
                            <small class="audit-details">${detailsText(entry)}</small>
                          </td>
                          <td>${subjectText(t, entry)}</td>
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>`
        }
        ${
          log.next_before
            ? html`<p>
                <a href="/organisations/${encodeURIComponent(id)}/audit?before=${log.next_before}"
                  >${t('audit.older')}</a
                >
              </p>`
            : ''
        }`,
  )
}

export function auditPages() {
  return new Hono<AppEnv>().get('/organisations/:id/audit', ...signedInPage, (c) => auditPage(c))
}
