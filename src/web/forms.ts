/**
 * Form pieces for pages that work without JavaScript: every control has a label, its error sits
 * next to it (and is named by `aria-describedby`), and a form sent back with problems shows what
 * the person typed. Field names are dotted paths (`locations.0.address.city`), the same paths the
 * directory's schemas give their errors at, so an error finds its field.
 */
import { html } from 'hono/html'
import type { Translate } from '#src/i18n/i18n.ts'
import type { AppContext } from '#src/platform/http.ts'
import type { Html } from './layout.ts'

/** A form's values by field name; repeated fields (checkboxes) keep every value. */
export type FormValues = Record<string, string[]>

/** Messages by field path, already in the person's words; `_` is for the form as a whole. */
export type Problems = Record<string, string>

/** The longest value one field may hold; a longer one is cut, and the schema then says so. */
const maxValue = 20_000

export async function readForm(c: AppContext): Promise<FormValues> {
  const body = await c.req.parseBody({ all: true })
  const values: FormValues = {}
  for (const [key, value] of Object.entries(body)) {
    const list = (Array.isArray(value) ? value : [value]).filter(
      (v): v is string => typeof v === 'string',
    )
    values[key] = list.map((v) => v.replace(/\r\n/g, '\n').slice(0, maxValue + 1))
  }
  return values
}

export const one = (values: FormValues, name: string) => values[name]?.[0]?.trim() ?? ''
export const all = (values: FormValues, name: string) => values[name] ?? []

export const fieldId = (name: string) => `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`

const errorId = (name: string) => `${fieldId(name)}-error`

function described(name: string, hint: boolean, problems: Problems) {
  const ids = [hint ? `${fieldId(name)}-hint` : '', problems[name] ? errorId(name) : '']
    .filter(Boolean)
    .join(' ')
  return html`${ids ? html` aria-describedby="${ids}"` : ''}${problems[name] ? html` aria-invalid="true"` : ''}`
}

function after(name: string, hint: string | undefined, problems: Problems) {
  return html`${hint ? html`<small id="${fieldId(name)}-hint">${hint}</small>` : ''}${
    problems[name]
      ? html`<span class="field-error" id="${errorId(name)}">${problems[name]}</span>`
      : ''
  }`
}

interface Field {
  name: string
  label: string
  values: FormValues
  problems: Problems
  hint?: string
}

export function textInput(
  f: Field & {
    type?: 'text' | 'email' | 'url' | 'number' | 'date' | 'time' | 'tel'
    maxlength?: number
    lang?: string
    inputmode?: string
    autocomplete?: string
    required?: boolean
    step?: string
  },
) {
  return html`<p class="form-field${f.problems[f.name] ? ' has-error' : ''}">
    <label for="${fieldId(f.name)}">${f.label}</label>
    <input
      id="${fieldId(f.name)}"
      name="${f.name}"
      type="${f.type ?? 'text'}"
      value="${one(f.values, f.name)}"
      ${f.maxlength ? html`maxlength="${f.maxlength}"` : ''}
      ${f.lang ? html`lang="${f.lang}"` : ''}
      ${f.inputmode ? html`inputmode="${f.inputmode}"` : ''}
      ${f.step ? html`step="${f.step}"` : ''}
      autocomplete="${f.autocomplete ?? 'off'}"
      ${f.required ? 'required' : ''}${described(f.name, !!f.hint, f.problems)}
    />
    ${after(f.name, f.hint, f.problems)}
  </p>`
}

export function textArea(f: Field & { rows?: number; maxlength?: number; lang?: string }) {
  return html`<p class="form-field${f.problems[f.name] ? ' has-error' : ''}">
    <label for="${fieldId(f.name)}">${f.label}</label>
    <textarea
      id="${fieldId(f.name)}"
      name="${f.name}"
      rows="${f.rows ?? 4}"
      ${f.maxlength ? html`maxlength="${f.maxlength}"` : ''}
      ${f.lang ? html`lang="${f.lang}"` : ''}${described(f.name, !!f.hint, f.problems)}
    >
${one(f.values, f.name)}</textarea>
    ${after(f.name, f.hint, f.problems)}
  </p>`
}

export interface Option {
  value: string
  label: string
  lang?: string
}

export function select(f: Field & { options: Option[] }) {
  const current = one(f.values, f.name)
  return html`<p class="form-field${f.problems[f.name] ? ' has-error' : ''}">
    <label for="${fieldId(f.name)}">${f.label}</label>
    <select id="${fieldId(f.name)}" name="${f.name}" ${described(f.name, !!f.hint, f.problems)}>
      ${f.options.map(
        (o) =>
          html`<option
            value="${o.value}"
            ${o.value === current ? 'selected' : ''}${o.lang ? html` lang="${o.lang}"` : ''}
          >
            ${o.label}
          </option>`,
      )}
    </select>
    ${after(f.name, f.hint, f.problems)}
  </p>`
}

/** A group of checkboxes (`multiple`) or radio buttons sharing one name, in a fieldset. */
export function choices(f: Field & { options: Option[]; multiple: boolean; extra?: Html }) {
  const chosen = new Set(all(f.values, f.name))
  return html`<fieldset
    class="form-field choice-group${f.problems[f.name] ? ' has-error' : ''}"
    id="${fieldId(f.name)}"
    ${described(f.name, !!f.hint, f.problems)}
  >
    <legend>${f.label}</legend>
    <ul class="choices">
      ${f.options.map(
        (o) =>
          html`<li>
            <label class="choice"
              ><input
                type="${f.multiple ? 'checkbox' : 'radio'}"
                name="${f.name}"
                value="${o.value}"
                ${chosen.has(o.value) ? 'checked' : ''}
              />
              <span${o.lang ? html` lang="${o.lang}"` : ''}>${o.label}</span></label
            >
          </li>`,
      )}
    </ul>
    ${f.extra ?? ''} ${after(f.name, f.hint, f.problems)}
  </fieldset>`
}

/** One checkbox that sends `value` (default "1") when ticked. */
export function checkbox(f: Field & { value?: string }) {
  const value = f.value ?? '1'
  return html`<p class="form-field${f.problems[f.name] ? ' has-error' : ''}">
    <label class="choice"
      ><input
        type="checkbox"
        id="${fieldId(f.name)}"
        name="${f.name}"
        value="${value}"
        ${all(f.values, f.name).includes(value) ? 'checked' : ''}${described(
          f.name,
          !!f.hint,
          f.problems,
        )}
      />
      ${f.label}</label
    >
    ${after(f.name, f.hint, f.problems)}
  </p>`
}

/** The problems at the top of the form, each a link to its field (the messages name the field). */
export function problemSummary(t: Translate, problems: Problems) {
  const fields = Object.entries(problems).filter(([k]) => k !== '_')
  if (fields.length === 0 && !problems._) return ''
  return html`<div class="form-error" role="alert" id="form-problems">
    <p>${problems._ ?? t('forms.problems')}</p>
    ${
      fields.length
        ? html`<ul>
            ${fields.map(
              ([name, message]) => html`<li><a href="#${fieldId(name)}">${message}</a></li>`,
            )}
          </ul>`
        : ''
    }
  </div>`
}

export const hiddenInput = (name: string, value: string) =>
  html`<input type="hidden" name="${name}" value="${value}" />`
