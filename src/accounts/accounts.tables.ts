import type { Generated } from 'kysely'

export interface AccountTables {
  app_user: {
    id: Generated<string>
    /** Lower case; null once the account is erased. */
    email: string | null
    email_confirmed_at: Date | null
    /** Argon2id, PHC string format. */
    password_hash: string | null
    display_name: string | null
    locale: 'ja' | 'en'
    created_at: Date
    erased_at: Date | null
  }
  user_session: {
    /** Public id, shown in the session list and used to revoke one. */
    id: Generated<string>
    /** SHA-256 of the cookie's token. */
    token_hash: string
    user_id: string
    created_at: Date
    last_seen_at: Date
    /** When the person last proved who they are (sign-in or re-authentication). */
    reauthenticated_at: Date
    /** The longest this session can live; the actual limits depend on the person's roles. */
    expires_at: Date
    /** Browser and system in a few words ("Firefox on Linux"), never the full header. */
    user_agent: string | null
    /** `second_factor` while the password is done and the second factor is not: grants nothing. */
    stage: Generated<'full' | 'second_factor'>
    /** When a second factor was used for this session, if it was. */
    second_factor_at: Date | null
  }
  totp_credential: {
    user_id: string
    /** The shared secret, encrypted (see secrets.ts `sealField`). */
    secret_encrypted: string
    created_at: Date
    /** Null until the person has shown one code from their app. */
    confirmed_at: Date | null
    /** bigint: a string from node-postgres, a number from PGlite. */
    last_used_step: string | number | null
  }
  recovery_code: {
    id: Generated<string>
    user_id: string
    /** SHA-256 of the code: codes are random enough that a slow hash adds nothing. */
    code_hash: string
    created_at: Date
    used_at: Date | null
  }
  /** A passkey (WebAuthn credential) registered to the account. */
  passkey_credential: {
    id: Generated<string>
    user_id: string
    /** base64url, as assertions name it. */
    credential_id: string
    /** COSE public key, base64url. */
    public_key: string
    /** bigint: a string from node-postgres, a number from PGlite. */
    counter: Generated<string | number>
    transports: Generated<string[]>
    device_type: 'singleDevice' | 'multiDevice'
    backed_up: boolean
    /** The person's own name for it ("Phone"), shown in the list. */
    name: string
    created_at: Date
    last_used_at: Date | null
  }
  /** A challenge handed to a browser for a passkey to sign; spent when answered. */
  webauthn_challenge: {
    /** SHA-256 of the base64url challenge. */
    challenge_hash: string
    purpose: 'register' | 'authenticate'
    /** Whose passkey may answer; null for a sign-in without a password. */
    user_id: string | null
    /** The session that asked for it, if any: only that session may answer. */
    session_id: string | null
    created_at: Date
    expires_at: Date
  }
  auth_token: {
    /** SHA-256 of the token sent by mail. */
    token_hash: string
    purpose: TokenPurpose
    user_id: string | null
    /** The address the token was sent to; it is valid only while that is still the account's. */
    email: string
    pending_password_hash: string | null
    pending_display_name: string | null
    pending_locale: 'ja' | 'en' | null
    created_at: Date
    expires_at: Date
    used_at: Date | null
  }
}

export type TokenPurpose = 'confirm_email' | 'reset_password' | 'change_email'
