// Passkeys: making or using one is the one step a page cannot do without JavaScript. A form
// marked data-passkey (see src/accounts/passkey-form.ts) stays hidden unless the browser has
// WebAuthn; then sending it asks the browser for the passkey, puts the answer (as JSON) in the
// form's hidden "response" field and sends the form as usual, so the server shows what is next.

const fromBase64url = (text) => {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/')
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4))
  return Uint8Array.from(binary, (c) => c.charCodeAt(0))
}

const toBase64url = (buffer) => {
  let binary = ''
  for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

const withIds = (list) => (list ?? []).map((c) => ({ ...c, id: fromBase64url(c.id) }))

function creationOptions(json) {
  return {
    ...json,
    challenge: fromBase64url(json.challenge),
    user: { ...json.user, id: fromBase64url(json.user.id) },
    excludeCredentials: withIds(json.excludeCredentials),
  }
}

function requestOptions(json) {
  return {
    ...json,
    challenge: fromBase64url(json.challenge),
    allowCredentials: withIds(json.allowCredentials),
  }
}

/** The credential as JSON, the shape the server reads (what newer browsers' toJSON() gives). */
function credentialJson(credential) {
  const r = credential.response
  const response = { clientDataJSON: toBase64url(r.clientDataJSON) }
  if (r.attestationObject) {
    response.attestationObject = toBase64url(r.attestationObject)
    response.transports = typeof r.getTransports === 'function' ? r.getTransports() : []
  } else {
    response.authenticatorData = toBase64url(r.authenticatorData)
    response.signature = toBase64url(r.signature)
    if (r.userHandle) response.userHandle = toBase64url(r.userHandle)
  }
  return {
    id: credential.id,
    rawId: toBase64url(credential.rawId),
    type: credential.type,
    response,
    clientExtensionResults: credential.getClientExtensionResults(),
    ...(credential.authenticatorAttachment
      ? { authenticatorAttachment: credential.authenticatorAttachment }
      : {}),
  }
}

async function optionsFor(form) {
  if (form.dataset.options) return JSON.parse(form.dataset.options)
  const res = await fetch(form.dataset.optionsUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
    credentials: 'same-origin',
  })
  if (!res.ok) throw new Error(`options: ${res.status}`)
  return res.json()
}

if (typeof PublicKeyCredential === 'function' && navigator.credentials) {
  for (const form of document.querySelectorAll('form[data-passkey]')) {
    form.hidden = false
    const unsupported = form.nextElementSibling
    if (unsupported?.hasAttribute('data-passkey-unsupported')) unsupported.hidden = true
    const error = form.querySelector('[data-passkey-error]')
    form.addEventListener('submit', async (event) => {
      if (form.dataset.answered) return
      event.preventDefault()
      error.hidden = true
      try {
        const options = await optionsFor(form)
        const credential =
          form.dataset.passkey === 'create'
            ? await navigator.credentials.create({ publicKey: creationOptions(options) })
            : await navigator.credentials.get({ publicKey: requestOptions(options) })
        form.elements.response.value = JSON.stringify(credentialJson(credential))
        form.dataset.answered = 'true'
        form.submit()
      } catch {
        // Cancelled, timed out, or refused by the device: say so and let them try again.
        error.hidden = false
      }
    })
  }
}
