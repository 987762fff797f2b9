/**
 * Form controls for the pages that work without JavaScript: each with its label, its hint and its
 * error tied to it (aria-describedby), the value typed kept when the form comes back with an
 * error. Labels and hints are already in the reader's words.
 */
import { html } from 'hono/html'
import { formToken } from '#src/platform/form-token.ts'
import type { AppContext } from '#src/platform/http.ts'
import type { Html } from './layout.ts'

export type Errors = Partial<Record<string, string>>

interface Control {
  name: string
  label: string
  hint?: string | undefined
  errors?: Errors | undefined
  required?: boolean
  /** The id, where a name repeats on one page (several forms). */
  id?: string
}

const describedBy = (id: string, c: Control) =>
  [c.hint ? `${id}-hint` : '', c.errors?.[c.name] ? `${id}-error` : ''].filter(Boolean).join(' ')

function wrap(c: Control, id: string, control: Html, className = 'form-field') {
  const error = c.errors?.[c.name]
  return html`<div class="${className}${error ? ' has-error' : ''}">
    <label for="${id}">${c.label}</label>
    ${control} ${c.hint ? html`<small id="${id}-hint">${c.hint}</small>` : ''}
    ${error ? html`<span class="field-error" id="${id}-error">${error}</span>` : ''}
  </div>`
}

const aria = (id: string, c: Control) => {
  const by = describedBy(id, c)
  return html`${by ? html`aria-describedby="${by}"` : ''}
  ${c.errors?.[c.name] ? html`aria-invalid="true"` : ''}`
}

export function textInput(
  c: Control & {
    value?: string | null | undefined
    maxlength: number
    type?: string
    autocomplete?: string
  },
) {
  const id = c.id ?? c.name
  return wrap(
    c,
    id,
    html`<input
      id="${id}"
      name="${c.name}"
      type="${c.type ?? 'text'}"
      maxlength="${c.maxlength}"
      value="${c.value ?? ''}"
      autocomplete="${c.autocomplete ?? 'off'}"
      ${c.required ? html`required` : ''}
      ${aria(id, c)}
    />`,
  )
}

export function textArea(
  c: Control & { value?: string | null | undefined; maxlength: number; rows?: number },
) {
  const id = c.id ?? c.name
  return wrap(
    c,
    id,
    html`<textarea
      id="${id}"
      name="${c.name}"
      maxlength="${c.maxlength}"
      rows="${c.rows ?? 5}"
      ${c.required ? html`required` : ''}
      ${aria(id, c)}
    >
${c.value ?? ''}</textarea>`,
  )
}

export function select(
  c: Control & { value?: string | null | undefined; options: { value: string; label: string }[] },
) {
  const id = c.id ?? c.name
  return wrap(
    c,
    id,
    html`<select id="${id}" name="${c.name}" ${aria(id, c)}>
      ${c.options.map(
        (o) =>
          html`<option value="${o.value}" ${o.value === c.value ? 'selected' : ''}>
            ${o.label}
          </option>`,
      )}
    </select>`,
  )
}

export function checkbox(c: Control & { checked: boolean; value?: string }) {
  const id = c.id ?? c.name
  const error = c.errors?.[c.name]
  return html`<div class="form-check${error ? ' has-error' : ''}">
    <input
      id="${id}"
      name="${c.name}"
      type="checkbox"
      value="${c.value ?? 'yes'}"
      ${c.checked ? 'checked' : ''}
      ${c.required ? html`required` : ''}
      ${aria(id, c)}
    />
    <label for="${id}">${c.label}</label>
    ${c.hint ? html`<small id="${id}-hint">${c.hint}</small>` : ''}
    ${error ? html`<span class="field-error" id="${id}-error">${error}</span>` : ''}
  </div>`
}

/** A set of radio buttons in a fieldset, its legend the question. */
export function radios(
  c: Control & { value?: string | null | undefined; options: { value: string; label: string }[] },
) {
  const id = c.id ?? c.name
  const error = c.errors?.[c.name]
  return html`<fieldset class="form-field${error ? ' has-error' : ''}" ${aria(id, c)}>
    <legend>${c.label}</legend>
    ${c.hint ? html`<small id="${id}-hint">${c.hint}</small>` : ''}
    ${c.options.map(
      (o, i) =>
        html`<div class="form-check">
          <input
            id="${id}-${i}"
            name="${c.name}"
            type="radio"
            value="${o.value}"
            ${o.value === c.value ? 'checked' : ''}
            ${c.required ? html`required` : ''}
          />
          <label for="${id}-${i}">${o.label}</label>
        </div>`,
    )}
    ${error ? html`<span class="field-error" id="${id}-error">${error}</span>` : ''}
  </fieldset>`
}

/** The form's hidden token (see platform/form-token.ts). */
export const tokenField = (c: AppContext) =>
  html`<input type="hidden" name="form_token" value="${formToken(c)}" />`

/** A one-button form: leave, accept, cancel and the like. */
export function buttonForm(
  c: AppContext,
  action: string,
  label: string,
  options: { secondary?: boolean; hidden?: Record<string, string> } = {},
) {
  return html`<form method="post" action="${action}" class="inline-form">
    ${tokenField(c)}
    ${Object.entries(options.hidden ?? {}).map(
      ([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`,
    )}
    <button class="button${options.secondary ? ' button-secondary' : ''}" type="submit">
      ${label}
    </button>
  </form>`
}

export { formAlert, formFields, page } from '#src/accounts/auth.pages.ts'

export const notice = (message: string | undefined | null) =>
  message ? html`<p class="notice notice-ok" role="status">${message}</p>` : ''
