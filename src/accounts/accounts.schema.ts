import { z } from '@hono/zod-openapi'

// Objects strip unknown keys: `role`, `id` or `__proto__` sent along are dropped, never stored.

export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .pipe(z.email({ message: 'Enter an e-mail address.' }))
  .openapi({ example: 'hanako@example.jp' })

/** The password's own rules (length, common passwords) are checked by the service. */
const Password = z.string().min(1, 'Enter a password.').max(1024)

export const DisplayName = z
  .string()
  .trim()
  .min(1, 'Enter a name.')
  .max(60)
  .refine((s) => !/\p{Cc}/u.test(s), 'Use letters, numbers and punctuation only.')
  .openapi({ example: 'はなこ' })

export const Locale = z.enum(['ja', 'en'])

export const SignUpInput = z
  .object({ email: Email, password: Password, display_name: DisplayName, locale: Locale })
  .openapi('SignUpInput')
export type SignUpInput = z.infer<typeof SignUpInput>

export const SignInInput = z.object({ email: Email, password: Password }).openapi('SignInInput')
export type SignInInput = z.infer<typeof SignInInput>

export const TokenAndPassword = z
  .object({ token: z.string().min(1).max(200), password: Password })
  .openapi('TokenAndPassword')

export const TokenInput = z.object({ token: z.string().min(1).max(200) }).openapi('TokenInput')

export const ChangeEmailInput = z
  .object({ new_email: Email, password: Password })
  .openapi('ChangeEmailInput')

export const ResetRequestInput = z.object({ email: Email }).openapi('ResetRequestInput')

export const PasswordInput = z.object({ password: Password }).openapi('PasswordInput')

export const ChangePasswordInput = z
  .object({ current_password: Password, new_password: Password })
  .openapi('ChangePasswordInput')

export const UpdateMeInput = z
  .object({ display_name: DisplayName.optional(), locale: Locale.optional() })
  .openapi('UpdateMeInput')
export type UpdateMeInput = z.infer<typeof UpdateMeInput>

export const RoleMembershipOut = z.object({
  scope_type: z.enum(['platform', 'organisation', 'group']),
  scope_id: z.string().nullable(),
  role: z.string(),
})

export const Me = z
  .object({
    id: z.string(),
    email: z.string(),
    display_name: z.string(),
    locale: Locale,
    created_at: z.string(),
    roles: z.array(RoleMembershipOut),
    second_factor: z.object({
      totp: z.boolean(),
      passkeys: z.number(),
      recovery_codes_left: z.number(),
    }),
  })
  .openapi('Me')
export type Me = z.infer<typeof Me>

export const Accepted = z
  .object({ status: z.literal('accepted'), message: z.string() })
  .openapi('Accepted')

export const SessionOut = z
  .object({
    id: z.string(),
    created_at: z.string(),
    last_seen_at: z.string(),
    user_agent: z.string().nullable(),
    current: z.boolean(),
  })
  .openapi('Session')

export const SessionId = z.object({ id: z.uuid() })

export const SecondFactorInput = z
  .object({
    code: z.string().max(20).optional(),
    recovery_code: z.string().max(40).optional(),
  })
  .openapi('SecondFactorInput')

export const CodeInput = z.object({ code: z.string().max(20) }).openapi('CodeInput')
