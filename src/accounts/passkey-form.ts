import { html } from 'hono/html'
import type { Translate } from '#src/i18n/i18n.ts'
import { formToken } from '#src/platform/form-token.ts'
import type { AppContext } from '#src/platform/http.ts'
import { assetUrl } from '#src/web/assets.ts'

/**
 * A form that a passkey fills in. Making or using a passkey is the one step a page cannot do
 * without JavaScript: `public/passkeys.js` asks the browser's WebAuthn for it, puts the answer
 * in the hidden `response` field and sends the form as usual, so the server renders what comes
 * next. Without the script (or WebAuthn) the form stays hidden and a line says why.
 */
export function passkeyForm(
  c: AppContext,
  t: Translate,
  form: {
    action: string
    mode: 'create' | 'get'
    label: string
    /** The options, when the page made them; otherwise the script asks `optionsUrl`. */
    options?: unknown
    optionsUrl?: string
    fields?: Record<string, string>
    secondary?: boolean
    /** Whether to say, without the script, that passkeys need it (not where they are optional). */
    explain?: boolean
  },
) {
  return html`<form
      method="post"
      action="${form.action}"
      class="passkey-form"
      data-passkey="${form.mode}"
      ${form.options ? html`data-options="${JSON.stringify(form.options)}"` : ''}
      ${form.optionsUrl ? html`data-options-url="${form.optionsUrl}"` : ''}
      hidden
    >
      <input type="hidden" name="form_token" value="${formToken(c)}" />
      ${Object.entries(form.fields ?? {}).map(
        ([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`,
      )}
      <input type="hidden" name="response" value="" />
      <p class="form-error" role="alert" data-passkey-error hidden>
        ${t('security.passkeys.failed')}
      </p>
      <p>
        <button class="button${form.secondary ? ' button-secondary' : ''}" type="submit">
          ${form.label}
        </button>
      </p>
    </form>
    ${
      form.explain === false
        ? ''
        : html`<p class="passkey-unsupported" data-passkey-unsupported>
            ${t('security.passkeys.needsScript')}
          </p>`
    }`
}

export const passkeyScript = () =>
  html`<script type="module" src="${assetUrl('passkeys.js')}"></script>`
