import { html } from 'hono/html'
import { catalogs, type MessageKey } from '#src/i18n/i18n.ts'
import type { AppContext } from '#src/platform/http.ts'
import { tr, when } from '#src/web/staff-page.ts'
import type { HistoryEntry } from './groups.service.ts'

/** A value as a short line: texts by language, lists joined, objects as compact JSON. */
function shortValue(value: unknown): string {
  if (value === null || value === undefined) return '—'
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  const text = JSON.stringify(value)
  return text.length > 240 ? `${text.slice(0, 239)}…` : text
}

/** Who changed what and when, newest first. */
export function historyTable(c: AppContext, rows: HistoryEntry[]) {
  const t = tr(c)
  const locale = c.get('locale') ?? 'ja'
  if (rows.length === 0) return html`<p>${t('staff.history.none')}</p>`
  const fieldName = (field: string) => {
    const key = `staff.history.field.${field}` as MessageKey
    return key in catalogs.en ? t(key) : field
  }
  return html`<table class="history">
    <caption class="visually-hidden">
      ${t('staff.history.title')}
    </caption>
    <thead>
      <tr>
        <th scope="col">${t('staff.history.when')}</th>
        <th scope="col">${t('staff.history.who')}</th>
        <th scope="col">${t('staff.history.field')}</th>
        <th scope="col">${t('staff.history.before')}</th>
        <th scope="col">${t('staff.history.after')}</th>
      </tr>
    </thead>
    <tbody>
      ${[...rows].reverse().map(
        (r) =>
          html`<tr>
            <td><time datetime="${r.at}">${when(r.at, locale)}</time></td>
            <td>
              ${r.actor === 'system' ? t('staff.history.system') : (r.actor_name ?? t('staff.history.someone'))}
            </td>
            <td>${fieldName(r.field)}</td>
            <td class="history-value">${shortValue(r.old)}</td>
            <td class="history-value">${shortValue(r.new)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`
}
