import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { system } from '#src/access/actor.ts'
import { grantRole } from '#src/access/roles.service.ts'
import { saveGroup, saveOrganisation } from '#src/directory/groups.service.ts'
import { consentPurposes, consentTexts } from '#src/consent/consent.texts.ts'
import { fixtureGroup, fixtureOrganisation } from '#src/web/group-page.fixtures.ts'
import { addSecondFactor, createAccount, person } from '../../tests/accounts.ts'
import { createTestApp } from '../../tests/app.ts'

/**
 * Issue 3: every route × every role × {own group, another group of the same organisation, another
 * organisation}, checked against the status class declared below. A route of the built app
 * without an entry in `matrix` fails the test: declare what each role should get before shipping
 * it. Staff roles come twice, with and without a second factor in their session: without it, a
 * staff power answers 403 `second_factor_required` (and a page offering the way to it).
 */

const roles = [
  'anonymous',
  'member', // a member of the own group: signed in, no staff role
  'coFacilitator', // of the own group
  'facilitator', // of the own group
  'clinician', // a verified professional who refers (a platform role)
  'ownStaff', // staff of the target's organisation
  'ownStaffNo2fa', // the same, signed in with the password alone
  'ownAdmin', // admin of the target's organisation
  'ownAdminNo2fa',
  'otherStaff', // staff of another organisation
  'moderator',
  'moderatorNo2fa',
  'platformAdmin',
] as const
type Role = (typeof roles)[number]
/** The own group; another group of the same organisation; a group of another organisation. */
type Target = 'own' | 'sibling' | 'other'
const targets = ['own', 'sibling', 'other'] as const
type Outcome = '2xx' | '3xx' | '2xx/3xx' | '400' | '401' | '403' | '404' | '409'

/** Roles whose session was opened with a second factor (an authenticator app). */
const withSecondFactor = new Set<Role>([
  'coFacilitator',
  'facilitator',
  'clinician',
  'ownStaff',
  'ownAdmin',
  'otherStaff',
  'moderator',
  'platformAdmin',
])

interface Ids {
  org: string
  group: string
  item: string
}
interface Request {
  path: string
  body?: unknown
  form?: Record<string, string>
}
interface Entry {
  /** The request for a target; `targeted: false` routes are sent once per role ('own'). */
  request: (ids: Ids) => Request
  targeted: boolean
  expect: (role: Role, target: Target) => Outcome
  /** Ends or changes the caller's session or account: sent last, with a fresh account. */
  destructive?: boolean
}

const everyone = (outcome: Outcome) => (): Outcome => outcome
const signedIn =
  (outcome: Outcome = '2xx') =>
  (role: Role): Outcome =>
    role === 'anonymous' ? '401' : outcome
/** A page for the signed-in: others are sent to sign in. */
const signedInPage =
  (outcome: Outcome = '2xx') =>
  (role: Role): Outcome =>
    role === 'anonymous' ? '3xx' : outcome
/** Depends on whether the person has a second factor set up (all the staff here do). */
const byFactor =
  (withFactor: Outcome, without: Outcome, anonymous: Outcome = '401') =>
  (role: Role): Outcome =>
    role === 'anonymous' ? anonymous : withSecondFactor.has(role) ? withFactor : without
/** A failed second step: the form again; a signed-in person with no factor is sent to set one up. */
const secondStepRefused = (role: Role): Outcome =>
  role === 'anonymous' || withSecondFactor.has(role) ? '400' : '3xx'
const moderatorsOnly = (role: Role): Outcome => {
  if (role === 'anonymous') return '401'
  if (role === 'moderator' || role === 'platformAdmin') return '2xx'
  if (role === 'moderatorNo2fa') return '403'
  return '404'
}
/**
 * The organisation's staff and admins, moderators and platform admins may change a listing and
 * see its history; to everyone else it is hidden (404), a group's facilitator included, for a
 * facilitator is not the organisation's staff. `otherStaff` is staff of the 'other' target.
 */
const staffOfOrg = (role: Role, target: Target): Outcome => {
  if (role === 'anonymous') return '401'
  if (role === 'moderator' || role === 'platformAdmin') return '2xx'
  if (role === 'moderatorNo2fa') return '403'
  const ownOrg = target !== 'other'
  if (role === 'ownStaff' || role === 'ownAdmin') return ownOrg ? '2xx' : '404'
  if (role === 'ownStaffNo2fa' || role === 'ownAdminNo2fa') return ownOrg ? '403' : '404'
  if (role === 'otherStaff') return ownOrg ? '404' : '2xx'
  return '404'
}
/** The organisation's admins (not its staff) and platform admins: its audit log. */
const adminsOfOrg = (role: Role, target: Target): Outcome => {
  if (role === 'anonymous') return '401'
  if (role === 'platformAdmin') return '2xx'
  const ownOrg = target !== 'other'
  if (role === 'ownAdmin') return ownOrg ? '2xx' : '404'
  if (role === 'ownAdminNo2fa') return ownOrg ? '403' : '404'
  return '404'
}
const adminsOfOrgPage = (role: Role, target: Target): Outcome =>
  role === 'anonymous' ? '3xx' : adminsOfOrg(role, target)

/** The staff pages: as `staffOfOrg`, but a page sends someone signed out to sign in. */
const staffPage =
  (outcome: Outcome = '2xx') =>
  (role: Role, target: Target): Outcome => {
    if (role === 'anonymous') return '3xx'
    const api = staffOfOrg(role, target)
    return api === '2xx' ? outcome : api
  }
/** Only the organisation's admins (and moderators) hand out roles; its staff are refused (403). */
const peopleManagers =
  (outcome: Outcome) =>
  (role: Role, target: Target): Outcome => {
    if (role === 'anonymous') return '3xx'
    if (role === 'moderator' || role === 'platformAdmin') return outcome
    if (role === 'moderatorNo2fa') return '403'
    const ownOrg = target !== 'other'
    if (role === 'ownAdmin') return ownOrg ? outcome : '404'
    if (role === 'ownAdminNo2fa' || role === 'ownStaffNo2fa' || role === 'ownStaff') {
      return ownOrg ? '403' : '404'
    }
    if (role === 'otherStaff') return ownOrg ? '404' : '403'
    return '404'
  }
const moderatorsPage =
  (outcome: Outcome) =>
  (role: Role): Outcome =>
    role === 'anonymous'
      ? '3xx'
      : role === 'moderator' || role === 'platformAdmin'
        ? outcome
        : role === 'moderatorNo2fa'
          ? '403'
          : '404'

const group = (path: string, extra: Partial<Entry> = {}): Entry => ({
  request: (ids) => ({ path: path.replace(':id', ids.group) }),
  targeted: true,
  expect: everyone('2xx'),
  ...extra,
})
const org = (path: string, extra: Partial<Entry> = {}): Entry => ({
  ...group(path, extra),
  request: (ids) => ({ path: path.replace(':id', ids.org) }),
  ...(extra.request ? { request: extra.request } : {}),
})
const plain = (path: string, extra: Partial<Entry> = {}): Entry => ({
  request: () => ({ path }),
  targeted: false,
  expect: everyone('2xx'),
  ...extra,
})

let created = 0
let sentFrom = 0
/** Every account's password (see tests/accounts.ts: person()). */
const password = 'correct horse battery staple, unguessed'
const unknownUuid = '00000000-0000-4000-8000-000000000000'
const note = 'checked by the route matrix'

/** What only those who run the group may do: none of the matrix's sessions has a second factor. */
/**
 * Who runs a group: its facilitators and co-facilitators, and its organisation's staff and
 * admins, each with a second factor (moderators look after listings, not members). Holding the
 * role without a second factor is refused (403), as is everyone else, who may know the group.
 */
const runs = (role: Role, target: Target): boolean => {
  if (role === 'facilitator' || role === 'coFacilitator') return target === 'own'
  if (role === 'ownStaff' || role === 'ownAdmin') return target !== 'other'
  if (role === 'otherStaff') return target === 'other'
  return false
}
const groupRunners =
  (outcome: Outcome = '2xx', refused: Outcome = '403', anonymous: Outcome = '401') =>
  (role: Role, target: Target): Outcome =>
    role === 'anonymous' ? anonymous : runs(role, target) ? outcome : refused
const managers = groupRunners()
const unknownToken = 'x'.repeat(43)
const consentVersion = consentTexts.health_data.version
const meetingDetails = {
  title: note,
  lang: 'en',
  timezone: 'Asia/Tokyo',
  format: 'online',
  online_url: 'https://video.example/matrix',
  start_time: '10:00',
  duration_minutes: 60,
}
const meetingBody = { ...meetingDetails, date: '2027-01-09' }
const seriesBody = { ...meetingDetails, dtstart: '2027-01-09', rrule: 'FREQ=MONTHLY;BYDAY=2SA' }
const meetingForm = {
  ...meetingDetails,
  duration_minutes: '60',
  date: '2027-01-09',
  repeat: 'monthly_nth',
}

/** The pages of running a group: sent to sign in, else refused (403) for want of a second factor. */
function managePages(
  pages: Record<string, { path: string; form?: Record<string, string>; ok?: Outcome }>,
): Record<string, Entry> {
  return Object.fromEntries(
    Object.entries(pages).map(([key, { path, form, ok }]) => [
      key,
      {
        request: (ids: Ids) => ({
          path: `/manage/groups/${ids.group}${path ? `/${path}` : ''}`,
          ...(form ? { form } : {}),
        }),
        targeted: true,
        expect: groupRunners(ok ?? (form ? '3xx' : '2xx'), '403', '3xx'),
      },
    ]),
  )
}

const matrix: Record<string, Entry> = {
  // Pages and public reads
  'GET /': plain('/'),
  'GET /locale': plain('/locale?lang=en', { expect: everyone('2xx/3xx') }),
  'GET /about/data': plain('/about/data'),
  // Declared in routePoliciesDeclaredHere, with no handler yet: update when built.
  'GET /groups': plain('/groups', { expect: everyone('404') }),
  'GET /groups/:id': group('/groups/:id'),
  'GET /organisations/:id': org('/organisations/:id'),
  'GET /search': plain('/search?q=cancer'),
  'GET /sitemap.xml': plain('/sitemap.xml'),
  // No listing of the fixtures qualifies for the sitemap, so its page 1 is empty: 404.
  'GET /sitemap-:page{[0-9]+}.xml': plain('/sitemap-1.xml', { expect: everyone('404') }),
  'GET /healthz': plain('/healthz'),
  'GET /readyz': plain('/readyz'),
  'GET /api/openapi.json': plain('/api/openapi.json'),
  'GET /api/v1/conditions': plain('/api/v1/conditions'),
  'GET /api/v1/consent-texts': plain('/api/v1/consent-texts'),
  'GET /api/v1/groups': plain('/api/v1/groups'),
  'GET /api/v1/groups/:id': group('/api/v1/groups/:id'),
  'GET /api/v1/organisations/:id': org('/api/v1/organisations/:id'),
  'GET /api/hsds/': plain('/api/hsds/'),
  'GET /api/hsds/profile': plain('/api/hsds/profile'),
  'GET /api/hsds/services': plain('/api/hsds/services'),
  'GET /api/hsds/services/:id': group('/api/hsds/services/:id'),
  'GET /api/hsds/organizations': plain('/api/hsds/organizations'),
  'GET /api/hsds/organizations/:id': org('/api/hsds/organizations/:id'),

  // Sign-in pages: a made-up sign-in is answered with the form again and its error (400).
  'GET /sign-up': plain('/sign-up'),
  'POST /sign-up': plain('/sign-up', {
    request: () => {
      const { email, password, display_name } = person()
      return { path: '/sign-up', form: { email, password, display_name } }
    },
    expect: everyone('2xx/3xx'),
  }),
  'GET /sign-in': plain('/sign-in'),
  'POST /sign-in': plain('/sign-in', {
    request: () => ({
      path: '/sign-in',
      form: { email: 'nobody@example.test', password: 'x'.repeat(12) },
    }),
    // The form again, with its error.
    expect: everyone('400'),
  }),
  'GET /sign-in/done': plain('/sign-in/done', { expect: everyone('2xx/3xx') }),
  'GET /sign-in/second-factor': plain('/sign-in/second-factor', { expect: everyone('2xx/3xx') }),
  'POST /sign-in/second-factor': plain('/sign-in/second-factor', {
    request: () => ({ path: '/sign-in/second-factor', form: { code: '000000' } }),
    // No sign-in waits, or the code is wrong: the form again, with its error.
    expect: secondStepRefused,
  }),
  'POST /sign-in/passkey': plain('/sign-in/passkey', {
    request: () => ({ path: '/sign-in/passkey', form: { response: '' } }),
    expect: secondStepRefused,
  }),
  'POST /sign-out': plain('/sign-out', {
    request: () => ({ path: '/sign-out', form: {} }),
    expect: everyone('2xx/3xx'),
    destructive: true,
  }),
  'GET /reset': plain('/reset', { expect: everyone('2xx/3xx') }),

  // Account settings pages.
  'GET /account': plain('/account', { expect: signedInPage() }),
  'GET /account/consents': plain('/account/consents', { expect: signedInPage() }),
  'GET /account/erase': plain('/account/erase', { expect: signedInPage() }),
  'GET /account/export': plain('/account/export', { expect: signedInPage() }),
  'GET /account/security': plain('/account/security', { expect: signedInPage() }),
  'GET /account/sessions': plain('/account/sessions', { expect: signedInPage() }),
  'POST /account/profile': plain('/account/profile', {
    request: () => ({ path: '/account/profile', form: { display_name: 'Matrix', locale: 'en' } }),
    expect: signedInPage('3xx'),
  }),
  'POST /account/email': plain('/account/email', {
    request: () => ({ path: '/account/email', form: { new_email: person().email, password } }),
    expect: signedInPage('3xx'),
    // Typing the password starts a new session.
    destructive: true,
  }),
  'GET /organisations/:id/audit': org('/organisations/:id/audit', { expect: adminsOfOrgPage }),
  'POST /account/consents': plain('/account/consents', {
    request: () => ({ path: '/account/consents', form: { purpose: consentPurposes[0] } }),
    expect: signedInPage('3xx'),
  }),
  'POST /account/export': plain('/account/export', {
    request: () => ({ path: '/account/export', form: { password } }),
    expect: signedInPage('2xx'),
    // Typing the password starts a new session.
    destructive: true,
  }),
  'POST /account/security/begin': plain('/account/security/begin', {
    request: () => ({ path: '/account/security/begin', form: { password } }),
    // An app set up already: the page again, saying so.
    expect: byFactor('400', '2xx', '3xx'),
    // Typing the password starts a new session.
    destructive: true,
  }),
  'POST /account/passkeys/begin': plain('/account/passkeys/begin', {
    request: () => ({ path: '/account/passkeys/begin', form: { password, name: 'Matrix' } }),
    expect: signedInPage('2xx'),
    destructive: true,
  }),
  'POST /account/passkeys/finish': plain('/account/passkeys/finish', {
    request: () => ({ path: '/account/passkeys/finish', form: { response: '', name: 'Matrix' } }),
    // No answer from a passkey: the security page again, with the message.
    expect: signedInPage('400'),
  }),
  'POST /account/passkeys/remove': plain('/account/passkeys/remove', {
    request: () => ({ path: '/account/passkeys/remove', form: { id: unknownUuid, password } }),
    expect: signedInPage('404'),
  }),
  'POST /account/security/confirm': plain('/account/security/confirm', {
    request: () => ({ path: '/account/security/confirm', form: { code: '000000' } }),
    // Nothing begun to confirm.
    expect: signedInPage('409'),
  }),
  'POST /account/sessions/revoke': plain('/account/sessions/revoke', {
    request: () => ({ path: '/account/sessions/revoke', form: { id: unknownUuid } }),
    expect: signedInPage('404'),
  }),
  'POST /account/password': plain('/account/password', {
    request: () => ({
      path: '/account/password',
      form: { current_password: password, new_password: 'a new and long password' },
    }),
    expect: signedInPage('3xx'),
    destructive: true,
  }),
  'POST /account/security/remove': plain('/account/security/remove', {
    request: () => ({ path: '/account/security/remove', form: { password } }),
    // Staff keep their last second factor; others have none to remove: the page, saying so.
    expect: signedInPage('400'),
    destructive: true,
  }),
  'POST /account/sessions/revoke-all': plain('/account/sessions/revoke-all', {
    request: () => ({ path: '/account/sessions/revoke-all', form: {} }),
    expect: signedInPage('3xx'),
    destructive: true,
  }),
  'POST /account/erase': plain('/account/erase', {
    request: () => ({ path: '/account/erase', form: { password } }),
    expect: signedInPage('2xx'),
    destructive: true,
  }),

  // Token pages: showing the form is public; a made-up token is refused for everyone alike.
  'GET /auth/confirm': plain('/auth/confirm?token=nothing'),
  'POST /auth/confirm': plain('/auth/confirm', {
    request: () => ({
      path: '/auth/confirm',
      form: { token: 'nothing', password: 'x'.repeat(12) },
    }),
    expect: everyone('400'),
  }),
  'GET /auth/reset': plain('/auth/reset?token=nothing'),
  'POST /auth/reset': plain('/auth/reset', {
    request: () => ({ path: '/auth/reset', form: { token: 'nothing', password: 'x'.repeat(12) } }),
    expect: everyone('400'),
  }),
  'GET /auth/confirm-email': plain('/auth/confirm-email?token=nothing'),
  'POST /auth/confirm-email': plain('/auth/confirm-email', {
    request: () => ({ path: '/auth/confirm-email', form: { token: 'nothing' } }),
    expect: everyone('400'),
  }),
  // A made-up confirmation token finds nothing.
  'GET /groups/:id/confirm': group('/groups/:id/confirm?token=nothing', {
    expect: everyone('404'),
  }),
  'POST /groups/:id/confirm': group('/groups/:id/confirm', {
    request: (ids) => ({ path: `/groups/${ids.group}/confirm`, form: { token: 'nothing' } }),
    expect: everyone('404'),
  }),
  'POST /groups/:id/report': group('/groups/:id/report', {
    request: (ids) => ({
      path: `/groups/${ids.group}/report`,
      form: { reason: 'closed', details: note },
    }),
    expect: everyone('2xx/3xx'),
  }),
  'POST /groups/:id/suggest': group('/groups/:id/suggest', {
    request: (ids) => ({
      path: `/groups/${ids.group}/suggest`,
      form: { field: 'name', details: note },
    }),
    expect: everyone('2xx/3xx'),
  }),
  'POST /api/v1/groups/:id/feedback': group('/api/v1/groups/:id/feedback', {
    request: (ids) => ({
      path: `/api/v1/groups/${ids.group}/feedback`,
      body: { kind: 'report', reason: 'closed', details: note },
    }),
  }),

  // Accounts: public entry points answer alike for everyone.
  'POST /api/v1/auth/sign-up': plain('/api/v1/auth/sign-up', {
    request: () => ({ path: '/api/v1/auth/sign-up', body: person() }),
  }),
  'POST /api/v1/auth/confirm': plain('/api/v1/auth/confirm', {
    request: () => ({
      path: '/api/v1/auth/confirm',
      body: { token: 'nothing', password: 'x'.repeat(12) },
    }),
    expect: everyone('400'),
  }),
  'POST /api/v1/auth/sign-in': plain('/api/v1/auth/sign-in', {
    request: () => ({
      path: '/api/v1/auth/sign-in',
      body: { email: 'nobody@example.test', password: 'x'.repeat(12) },
    }),
    expect: everyone('401'),
  }),
  'POST /api/v1/auth/reset-request': plain('/api/v1/auth/reset-request', {
    request: () => ({ path: '/api/v1/auth/reset-request', body: { email: person().email } }),
  }),
  'POST /api/v1/auth/reset-confirm': plain('/api/v1/auth/reset-confirm', {
    request: () => ({
      path: '/api/v1/auth/reset-confirm',
      body: { token: 'nothing', password: 'x'.repeat(12) },
    }),
    expect: everyone('400'),
  }),
  'POST /api/v1/auth/confirm-email': plain('/api/v1/auth/confirm-email', {
    request: () => ({ path: '/api/v1/auth/confirm-email', body: { token: 'nothing' } }),
    expect: everyone('400'),
  }),
  'POST /api/v1/auth/second-factor': plain('/api/v1/auth/second-factor', {
    request: () => ({ path: '/api/v1/auth/second-factor', body: { code: '000000' } }),
    expect: everyone('401'),
  }),
  'POST /api/v1/auth/passkey/options': plain('/api/v1/auth/passkey/options'),
  'POST /api/v1/auth/passkey': plain('/api/v1/auth/passkey', {
    request: () => ({ path: '/api/v1/auth/passkey', body: { response: {} } }),
    expect: everyone('400'),
  }),

  // The signed-in person's own account.
  'GET /api/v1/me': plain('/api/v1/me', { expect: signedIn() }),
  'PATCH /api/v1/me': plain('/api/v1/me', {
    request: () => ({ path: '/api/v1/me', body: { locale: 'en' } }),
    expect: signedIn(),
  }),
  'GET /api/v1/me/sessions': plain('/api/v1/me/sessions', { expect: signedIn() }),
  // Someone else's (or no) session: hidden, 404.
  'DELETE /api/v1/me/sessions/:id': plain(`/api/v1/me/sessions/${unknownUuid}`, {
    expect: signedIn('404'),
  }),
  'GET /api/v1/me/export': plain('/api/v1/me/export', { expect: signedIn() }),
  'GET /api/v1/me/consents': plain('/api/v1/me/consents', { expect: signedIn() }),
  'POST /api/v1/me/consents': plain('/api/v1/me/consents', {
    request: () => ({ path: '/api/v1/me/consents', body: { purpose: 'nothing', version: 'x' } }),
    expect: signedIn('400'),
  }),
  'DELETE /api/v1/me/consents/:purpose': plain(`/api/v1/me/consents/${consentPurposes[0]}`, {
    // Given through the consents page before.
    expect: signedIn('2xx'),
  }),
  'POST /api/v1/auth/reauthenticate': plain('/api/v1/auth/reauthenticate', {
    request: () => ({ path: '/api/v1/auth/reauthenticate', body: { password } }),
    expect: signedIn(),
    // A new session id.
    destructive: true,
  }),
  'POST /api/v1/me/email': plain('/api/v1/me/email', {
    request: () => ({ path: '/api/v1/me/email', body: { new_email: person().email, password } }),
    expect: signedIn('2xx'),
  }),
  // An app set up already: 409; else a secret, which the wrong code then does not confirm.
  'POST /api/v1/me/second-factor/totp': plain('/api/v1/me/second-factor/totp', {
    expect: byFactor('409', '2xx'),
  }),
  'POST /api/v1/me/second-factor/totp/confirm': plain('/api/v1/me/second-factor/totp/confirm', {
    request: () => ({ path: '/api/v1/me/second-factor/totp/confirm', body: { code: '000000' } }),
    expect: byFactor('409', '400'),
  }),
  // Staff keep their last second factor; the others here have none: 409 either way.
  'DELETE /api/v1/me/second-factor': plain('/api/v1/me/second-factor', {
    request: () => ({ path: '/api/v1/me/second-factor', body: { password } }),
    expect: signedIn('409'),
    destructive: true,
  }),
  'POST /api/v1/me/passkeys/options': plain('/api/v1/me/passkeys/options', {
    expect: signedIn(),
  }),
  'POST /api/v1/me/passkeys': plain('/api/v1/me/passkeys', {
    request: () => ({ path: '/api/v1/me/passkeys', body: { response: {} } }),
    expect: signedIn('400'),
  }),
  'GET /api/v1/me/passkeys': plain('/api/v1/me/passkeys', { expect: signedIn() }),
  'DELETE /api/v1/me/passkeys/:id': plain(`/api/v1/me/passkeys/${unknownUuid}`, {
    request: () => ({ path: `/api/v1/me/passkeys/${unknownUuid}`, body: { password } }),
    expect: signedIn('404'),
  }),
  'POST /api/v1/me/password': plain('/api/v1/me/password', {
    request: () => ({
      path: '/api/v1/me/password',
      body: { current_password: password, new_password: 'a new and long password' },
    }),
    expect: signedIn(),
    destructive: true,
  }),
  'POST /api/v1/me/sessions/revoke-all': plain('/api/v1/me/sessions/revoke-all', {
    expect: signedIn(),
    destructive: true,
  }),
  'POST /api/v1/auth/sign-out': plain('/api/v1/auth/sign-out', { destructive: true }),
  'DELETE /api/v1/me': plain('/api/v1/me', {
    request: () => ({ path: '/api/v1/me', body: { password } }),
    expect: signedIn(),
    destructive: true,
  }),

  // The directory, written by organisations' staff.
  'POST /api/v1/organisations': plain('/api/v1/organisations', {
    request: () => ({
      path: '/api/v1/organisations',
      body: { ...fixtureOrganisation, id: undefined, email: undefined },
    }),
    expect: signedIn('2xx'),
  }),
  'PATCH /api/v1/organisations/:id': org('/api/v1/organisations/:id', {
    request: (ids) => ({
      path: `/api/v1/organisations/${ids.org}`,
      body: { url: 'https://chiba-parents.example.jp/about' },
    }),
    expect: staffOfOrg,
  }),
  'POST /api/v1/organisations/:id/claim': org('/api/v1/organisations/:id/claim', {
    request: (ids) => ({ path: `/api/v1/organisations/${ids.org}/claim`, body: { message: note } }),
    expect: signedIn('2xx'),
  }),
  'GET /api/v1/organisations/:id/history': org('/api/v1/organisations/:id/history', {
    expect: staffOfOrg,
  }),
  'POST /api/v1/groups': plain('/api/v1/groups', {
    targeted: true,
    request: (ids) => ({
      path: '/api/v1/groups',
      body: {
        ...fixtureGroup({ id: `grp-matrix-${++created}` }),
        id: undefined,
        organisation_id: ids.org,
      },
    }),
    expect: staffOfOrg,
  }),
  'PATCH /api/v1/groups/:id': group('/api/v1/groups/:id', {
    request: (ids) => ({ path: `/api/v1/groups/${ids.group}`, body: { capacity: 20 } }),
    expect: staffOfOrg,
  }),
  'POST /api/v1/groups/:id/confirm': group('/api/v1/groups/:id/confirm', { expect: staffOfOrg }),
  'GET /api/v1/groups/:id/history': group('/api/v1/groups/:id/history', { expect: staffOfOrg }),
  'GET /api/v1/organisations/:id/audit': org('/api/v1/organisations/:id/audit', {
    expect: adminsOfOrg,
  }),

  // The staff pages.
  'GET /manage': plain('/manage', { expect: signedInPage() }),
  'GET /manage/organisations/new': plain('/manage/organisations/new', { expect: signedInPage() }),
  'POST /manage/organisations/new': plain('/manage/organisations/new', {
    request: () => ({
      path: '/manage/organisations/new',
      form: { 'name.ja': '行列の会', 'name.original': 'ja', kind: 'patient_advocacy' },
    }),
    expect: signedInPage('3xx'),
  }),
  'GET /manage/organisations/:id': org('/manage/organisations/:id', { expect: staffPage() }),
  'POST /manage/organisations/:id': org('/manage/organisations/:id', {
    request: (ids) => ({
      path: `/manage/organisations/${ids.org}`,
      form: {
        'name.ja': 'ちば小児がん親の会',
        'name.original': 'ja',
        kind: 'patient_advocacy',
        url: 'https://chiba-parents.example.jp/',
        email: 'info@chiba-parents.example.jp',
      },
    }),
    expect: staffPage('3xx'),
  }),
  'GET /manage/organisations/:id/history': org('/manage/organisations/:id/history', {
    expect: staffPage(),
  }),
  'GET /manage/organisations/:id/staff': org('/manage/organisations/:id/staff', {
    expect: staffPage(),
  }),
  'POST /manage/organisations/:id/staff/invite': org('/manage/organisations/:id/staff/invite', {
    request: (ids) => ({
      path: `/manage/organisations/${ids.org}/staff/invite`,
      form: { email: person().email, role: 'staff', locale: 'en' },
    }),
    expect: peopleManagers('3xx'),
  }),
  // Nobody holds that role: the admins hear so (404) like everyone else who may not.
  'POST /manage/organisations/:id/staff/remove': org('/manage/organisations/:id/staff/remove', {
    request: (ids) => ({
      path: `/manage/organisations/${ids.org}/staff/remove`,
      form: { user_id: unknownUuid, role: 'staff' },
    }),
    expect: peopleManagers('404'),
  }),
  'POST /manage/organisations/:id/staff/withdraw': org('/manage/organisations/:id/staff/withdraw', {
    request: (ids) => ({
      path: `/manage/organisations/${ids.org}/staff/withdraw`,
      form: { invitation_id: unknownUuid },
    }),
    expect: peopleManagers('404'),
  }),
  // A made-up invitation finds nothing.
  'GET /manage/invitation': plain('/manage/invitation?token=nothing', {
    expect: signedInPage('404'),
  }),
  'POST /manage/invitation': plain('/manage/invitation', {
    request: () => ({ path: '/manage/invitation', form: { token: 'nothing' } }),
    expect: signedInPage('404'),
  }),
  'GET /manage/claim': plain('/manage/claim?q=chiba', { expect: signedInPage() }),
  'GET /manage/organisations/:id/claim': org('/manage/organisations/:id/claim', {
    expect: signedInPage(),
  }),
  // Anyone signed in may ask; those who run it already are sent to their organisations.
  'POST /manage/organisations/:id/claim': org('/manage/organisations/:id/claim', {
    request: (ids) => ({ path: `/manage/organisations/${ids.org}/claim`, form: { message: note } }),
    expect: signedInPage('2xx/3xx'),
  }),
  'GET /manage/organisations/:id/groups/new': org('/manage/organisations/:id/groups/new', {
    expect: staffPage(),
  }),
  'POST /manage/organisations/:id/groups/new': org('/manage/organisations/:id/groups/new', {
    request: (ids) => ({
      path: `/manage/organisations/${ids.org}/groups/new`,
      form: { 'name.ja': '行列のグループ', 'name.original': 'ja', status: 'active' },
    }),
    expect: staffPage('3xx'),
  }),
  'GET /manage/groups/:id/edit': group('/manage/groups/:id/edit', { expect: staffPage() }),
  'POST /manage/groups/:id/edit': group('/manage/groups/:id/edit', {
    request: (ids) => ({
      path: `/manage/groups/${ids.group}/edit`,
      form: {
        'name.ja': 'ちば小児がん親の会 おしゃべり会',
        'name.original': 'ja',
        status: 'active',
        accepting_members: '1',
      },
    }),
    expect: staffPage('3xx'),
  }),
  'GET /manage/groups/:id/history': group('/manage/groups/:id/history', { expect: staffPage() }),
  'POST /manage/groups/:id/confirm': group('/manage/groups/:id/confirm', {
    request: (ids) => ({ path: `/manage/groups/${ids.group}/confirm`, form: {} }),
    expect: staffPage('3xx'),
  }),

  // The moderators' page.
  'GET /moderation': plain('/moderation', { expect: moderatorsPage('2xx') }),
  // Without a note: the moderators get the form back with its problem.
  'POST /moderation/items/:id': group('/moderation/items/:id', {
    targeted: false,
    request: (ids) => ({ path: `/moderation/items/${ids.item}`, form: { action: 'dismiss' } }),
    expect: moderatorsPage('400'),
  }),
  'POST /moderation/organisations/:id/verify': org('/moderation/organisations/:id/verify', {
    request: (ids) => ({ path: `/moderation/organisations/${ids.org}/verify`, form: { note } }),
    expect: moderatorsPage('3xx'),
  }),
  'POST /moderation/groups': group('/moderation/groups', {
    request: (ids) => ({
      path: '/moderation/groups',
      form: { group_id: ids.group, action: 'mark_verified', note },
    }),
    expect: moderatorsPage('3xx'),
  }),

  // Moderation: not anyone else's to know of.
  'GET /api/v1/moderation/items': plain('/api/v1/moderation/items', { expect: moderatorsOnly }),
  'POST /api/v1/moderation/items/:id/actions': group('/api/v1/moderation/items/:id/actions', {
    targeted: false,
    request: (ids) => ({
      path: `/api/v1/moderation/items/${ids.item}/actions`,
      body: { action: 'dismiss', note },
    }),
    expect: moderatorsOnly,
  }),
  'POST /api/v1/moderation/groups/:id/actions': group('/api/v1/moderation/groups/:id/actions', {
    request: (ids) => ({
      path: `/api/v1/moderation/groups/${ids.group}/actions`,
      body: { action: 'mark_verified', note },
    }),
    expect: moderatorsOnly,
  }),
  'GET /api/v1/moderation/groups/:id/actions': group('/api/v1/moderation/groups/:id/actions', {
    expect: moderatorsOnly,
  }),
  'POST /api/v1/moderation/organisations/:id/verify': org(
    '/api/v1/moderation/organisations/:id/verify',
    {
      request: (ids) => ({
        path: `/api/v1/moderation/organisations/${ids.org}/verify`,
        body: { note },
      }),
      expect: moderatorsOnly,
    },
  ),
  'GET /api/v1/moderation/organisations/:id/actions': org(
    '/api/v1/moderation/organisations/:id/actions',
    { expect: moderatorsOnly },
  ),
  // Joining and meetings (issue 6). Nobody here holds a second-factor session, so no role may
  // manage a group: listed groups answer 403 to the signed-in. Unknown meetings, series and
  // tokens are 404 past the sign-in gate. Joining changes the account, so it goes last.
  'GET /api/v1/me/groups': plain('/api/v1/me/groups', { expect: signedIn() }),
  'POST /api/v1/groups/:id/join': group('/api/v1/groups/:id/join', {
    request: (ids) => ({
      path: `/api/v1/groups/${ids.group}/join`,
      body: { display_name: 'Matrix', consent_version: consentVersion },
    }),
    expect: signedIn(),
    destructive: true,
  }),
  'POST /api/v1/groups/:id/leave': group('/api/v1/groups/:id/leave', { expect: signedIn('404') }),
  'POST /api/v1/groups/:id/offer/accept': group('/api/v1/groups/:id/offer/accept', {
    expect: signedIn('409'),
  }),
  'PATCH /api/v1/me/groups/:id': group('/api/v1/me/groups/:id', {
    request: (ids) => ({ path: `/api/v1/me/groups/${ids.group}`, body: { display_name: 'M' } }),
    expect: signedIn('404'),
  }),
  'GET /api/v1/groups/:id/members': group('/api/v1/groups/:id/members', {
    expect: groupRunners('2xx', '404'),
  }),
  'GET /api/v1/groups/:id/questionnaire': group('/api/v1/groups/:id/questionnaire'),
  'POST /api/v1/groups/:id/members/:membershipId/decision': group(
    '/api/v1/groups/:id/members/:membershipId/decision',
    {
      request: (ids) => ({
        path: `/api/v1/groups/${ids.group}/members/${unknownUuid}/decision`,
        body: { decision: 'approve' },
      }),
      expect: groupRunners('404'),
    },
  ),
  'GET /api/v1/groups/:id/members/:membershipId/answers': group(
    '/api/v1/groups/:id/members/:membershipId/answers',
    {
      request: (ids) => ({ path: `/api/v1/groups/${ids.group}/members/${unknownUuid}/answers` }),
      expect: groupRunners('404'),
    },
  ),
  'GET /api/v1/groups/:id/join-settings': group('/api/v1/groups/:id/join-settings', {
    expect: managers,
  }),
  'PUT /api/v1/groups/:id/join-settings': group('/api/v1/groups/:id/join-settings', {
    request: (ids) => ({
      path: `/api/v1/groups/${ids.group}/join-settings`,
      body: { join_policy: 'open', capacity: null, accepting_members: true },
    }),
    expect: managers,
  }),
  'PUT /api/v1/groups/:id/questionnaire': group('/api/v1/groups/:id/questionnaire', {
    request: (ids) => ({
      path: `/api/v1/groups/${ids.group}/questionnaire`,
      body: { questions: [] },
    }),
    expect: managers,
  }),
  'GET /api/v1/groups/:id/passes': group('/api/v1/groups/:id/passes', { expect: managers }),
  'POST /api/v1/groups/:id/passes': group('/api/v1/groups/:id/passes', {
    request: (ids) => ({
      path: `/api/v1/groups/${ids.group}/passes`,
      body: { kind: 'invitation', label: note },
    }),
    expect: managers,
  }),
  'DELETE /api/v1/groups/:id/passes/:passId': group('/api/v1/groups/:id/passes/:passId', {
    request: (ids) => ({ path: `/api/v1/groups/${ids.group}/passes/${unknownUuid}` }),
    expect: groupRunners('404'),
  }),
  'GET /api/v1/groups/:id/questions': group('/api/v1/groups/:id/questions', { expect: managers }),
  'GET /api/v1/groups/:id/questions/:questionId': group(
    '/api/v1/groups/:id/questions/:questionId',
    {
      request: (ids) => ({ path: `/api/v1/groups/${ids.group}/questions/${unknownUuid}` }),
      expect: groupRunners('404'),
    },
  ),
  'POST /api/v1/groups/:id/questions/:questionId/replies': group(
    '/api/v1/groups/:id/questions/:questionId/replies',
    {
      request: (ids) => ({
        path: `/api/v1/groups/${ids.group}/questions/${unknownUuid}/replies`,
        body: { body: note },
      }),
      expect: groupRunners('404'),
    },
  ),
  'POST /api/v1/groups/:id/questions': group('/api/v1/groups/:id/questions', {
    request: (ids) => ({
      path: `/api/v1/groups/${ids.group}/questions`,
      body: { body: note, email: 'asker@example.test' },
    }),
    expect: everyone('2xx'),
  }),
  'GET /api/v1/questions/:token': plain(`/api/v1/questions/${unknownToken}`, {
    expect: everyone('404'),
  }),
  'POST /api/v1/questions/:token/confirm': plain(`/api/v1/questions/${unknownToken}/confirm`, {
    expect: everyone('404'),
  }),
  'POST /api/v1/questions/:token/replies': plain(`/api/v1/questions/${unknownToken}/replies`, {
    request: () => ({ path: `/api/v1/questions/${unknownToken}/replies`, body: { body: note } }),
    expect: everyone('404'),
  }),
  'POST /api/v1/questions/:token/reveal': plain(`/api/v1/questions/${unknownToken}/reveal`, {
    request: () => ({ path: `/api/v1/questions/${unknownToken}/reveal`, body: { name: 'M' } }),
    expect: everyone('404'),
  }),
  'GET /api/v1/groups/:id/meetings': group('/api/v1/groups/:id/meetings'),
  'POST /api/v1/groups/:id/meetings': group('/api/v1/groups/:id/meetings', {
    request: (ids) => ({ path: `/api/v1/groups/${ids.group}/meetings`, body: meetingBody }),
    expect: managers,
  }),
  'POST /api/v1/groups/:id/series': group('/api/v1/groups/:id/series', {
    request: (ids) => ({ path: `/api/v1/groups/${ids.group}/series`, body: seriesBody }),
    expect: managers,
  }),
  'GET /api/v1/series/:id': plain(`/api/v1/series/${unknownUuid}`, { expect: signedIn('404') }),
  'PUT /api/v1/series/:id': plain(`/api/v1/series/${unknownUuid}`, {
    request: () => ({ path: `/api/v1/series/${unknownUuid}`, body: seriesBody }),
    expect: signedIn('404'),
  }),
  'POST /api/v1/series/:id/end': plain(`/api/v1/series/${unknownUuid}/end`, {
    expect: signedIn('404'),
  }),
  'GET /api/v1/meetings/:id': plain(`/api/v1/meetings/${unknownUuid}`, { expect: everyone('404') }),
  'PATCH /api/v1/meetings/:id': plain(`/api/v1/meetings/${unknownUuid}`, {
    request: () => ({ path: `/api/v1/meetings/${unknownUuid}`, body: {} }),
    expect: signedIn('404'),
  }),
  'POST /api/v1/meetings/:id/cancel': plain(`/api/v1/meetings/${unknownUuid}/cancel`, {
    request: () => ({ path: `/api/v1/meetings/${unknownUuid}/cancel`, body: {} }),
    expect: signedIn('404'),
  }),
  'POST /api/v1/meetings/:id/rsvp': plain(`/api/v1/meetings/${unknownUuid}/rsvp`, {
    expect: signedIn('404'),
  }),
  'DELETE /api/v1/meetings/:id/rsvp': plain(`/api/v1/meetings/${unknownUuid}/rsvp`, {
    expect: signedIn('404'),
  }),
  'GET /api/v1/me/meetings': plain('/api/v1/me/meetings', { expect: signedIn() }),
  'GET /api/v1/me/calendar-feed': plain('/api/v1/me/calendar-feed', { expect: signedIn() }),
  'POST /api/v1/me/calendar-feed': plain('/api/v1/me/calendar-feed', { expect: signedIn() }),
  'DELETE /api/v1/me/calendar-feed': plain('/api/v1/me/calendar-feed', { expect: signedIn() }),

  'GET /groups/:id/calendar.ics': group('/groups/:id/calendar.ics'),
  'GET /calendar/:file': plain(`/calendar/${unknownToken}.ics`, { expect: everyone('404') }),
  'GET /meetings/:id/calendar.ics': plain(`/meetings/${unknownUuid}/calendar.ics`, {
    expect: everyone('404'),
  }),
  'GET /groups/:id/meetings': group('/groups/:id/meetings'),
  'GET /meetings/:id': plain(`/meetings/${unknownUuid}`, { expect: everyone('404') }),
  'POST /meetings/:id/rsvp': plain(`/meetings/${unknownUuid}/rsvp`, {
    request: () => ({ path: `/meetings/${unknownUuid}/rsvp`, form: {} }),
    expect: signedInPage('404'),
  }),
  'POST /meetings/:id/cancel-rsvp': plain(`/meetings/${unknownUuid}/cancel-rsvp`, {
    request: () => ({ path: `/meetings/${unknownUuid}/cancel-rsvp`, form: {} }),
    expect: signedInPage('404'),
  }),
  'GET /my/meetings': plain('/my/meetings', { expect: signedInPage() }),
  'POST /my/meetings/feed': plain('/my/meetings/feed', {
    request: () => ({ path: '/my/meetings/feed', form: { action: 'renew' } }),
    expect: signedInPage(),
  }),
  'POST /my/time-zone': plain('/my/time-zone', {
    request: () => ({ path: '/my/time-zone', form: { zone: 'Europe/London' } }),
    expect: signedInPage('3xx'),
  }),
  'GET /groups/:id/join': group('/groups/:id/join', { expect: signedInPage() }),
  'POST /groups/:id/join': group('/groups/:id/join', {
    request: (ids) => ({
      path: `/groups/${ids.group}/join`,
      form: { display_name: 'Matrix', consent: 'yes', consent_version: consentVersion },
    }),
    expect: signedInPage('3xx'),
    destructive: true,
  }),
  'GET /invite/:token': plain(`/invite/${unknownToken}`, { expect: everyone('404') }),
  'POST /invite/:token': plain(`/invite/${unknownToken}`, {
    request: () => ({ path: `/invite/${unknownToken}`, form: { display_name: 'M' } }),
    expect: signedInPage('404'),
  }),
  'GET /groups/:id/ask': group('/groups/:id/ask'),
  'POST /groups/:id/ask': group('/groups/:id/ask', {
    request: (ids) => ({
      path: `/groups/${ids.group}/ask`,
      form: { body: note, email: 'asker@example.test' },
    }),
    expect: everyone('2xx/3xx'),
  }),
  'GET /questions/:token': plain(`/questions/${unknownToken}`, { expect: everyone('404') }),
  'POST /questions/:token/confirm': plain(`/questions/${unknownToken}/confirm`, {
    request: () => ({ path: `/questions/${unknownToken}/confirm`, form: {} }),
    expect: everyone('404'),
  }),
  'POST /questions/:token/reply': plain(`/questions/${unknownToken}/reply`, {
    request: () => ({ path: `/questions/${unknownToken}/reply`, form: { body: note } }),
    expect: everyone('404'),
  }),
  'POST /questions/:token/reveal': plain(`/questions/${unknownToken}/reveal`, {
    request: () => ({ path: `/questions/${unknownToken}/reveal`, form: { name: 'M' } }),
    expect: everyone('404'),
  }),
  'GET /my/groups': plain('/my/groups', { expect: signedInPage() }),
  'GET /my/groups/:id/members': group('/my/groups/:id/members', {
    expect: groupRunners('2xx', '404', '3xx'),
  }),
  'POST /my/groups/:id': group('/my/groups/:id', {
    request: (ids) => ({ path: `/my/groups/${ids.group}`, form: { display_name: 'M' } }),
    expect: signedInPage('404'),
  }),
  'POST /my/groups/:id/leave': group('/my/groups/:id/leave', {
    request: (ids) => ({ path: `/my/groups/${ids.group}/leave`, form: {} }),
    expect: signedInPage('404'),
  }),
  'POST /my/groups/:id/accept': group('/my/groups/:id/accept', {
    request: (ids) => ({ path: `/my/groups/${ids.group}/accept`, form: {} }),
    expect: signedInPage('409'),
  }),
  ...managePages({
    'GET /manage/groups/:id': { path: '' },
    // Left open to new members: the join routes are tried after it.
    'POST /manage/groups/:id/settings': {
      path: 'settings',
      form: { join_policy: 'open', capacity: '', accepting_members: 'yes' },
    },
    'GET /manage/groups/:id/members': { path: 'members' },
    // Unknown members, passes and questions: nothing to find, for those who run the group.
    'POST /manage/groups/:id/members/:mid': {
      path: `members/${unknownUuid}`,
      form: { decision: 'approve' },
      ok: '404',
    },
    'GET /manage/groups/:id/members/:mid/answers': {
      path: `members/${unknownUuid}/answers`,
      ok: '404',
    },
    'GET /manage/groups/:id/questionnaire': { path: 'questionnaire' },
    'POST /manage/groups/:id/questionnaire': { path: 'questionnaire', form: { rows: '0' } },
    'GET /manage/groups/:id/passes': { path: 'passes' },
    // The new link is shown on the page that answers.
    'POST /manage/groups/:id/passes': {
      path: 'passes',
      form: { kind: 'invitation', label: note },
      ok: '2xx',
    },
    'POST /manage/groups/:id/passes/:pid/revoke': {
      path: `passes/${unknownUuid}/revoke`,
      form: {},
      ok: '404',
    },
    'GET /manage/groups/:id/questions': { path: 'questions' },
    'GET /manage/groups/:id/questions/:qid': { path: `questions/${unknownUuid}`, ok: '404' },
    'POST /manage/groups/:id/questions/:qid': {
      path: `questions/${unknownUuid}`,
      form: { body: note },
      ok: '404',
    },
    'GET /manage/groups/:id/meetings': { path: 'meetings' },
    'GET /manage/groups/:id/meetings/new': { path: 'meetings/new' },
    'POST /manage/groups/:id/meetings/new': { path: 'meetings/new', form: meetingForm },
    'GET /manage/groups/:id/series/new': { path: 'series/new' },
    'POST /manage/groups/:id/series/new': { path: 'series/new', form: meetingForm },
  }),
  'GET /manage/meetings/:id/edit': plain(`/manage/meetings/${unknownUuid}/edit`, {
    expect: signedInPage('404'),
  }),
  'POST /manage/meetings/:id/edit': plain(`/manage/meetings/${unknownUuid}/edit`, {
    request: () => ({ path: `/manage/meetings/${unknownUuid}/edit`, form: meetingForm }),
    expect: signedInPage('404'),
  }),
  'POST /manage/meetings/:id/cancel': plain(`/manage/meetings/${unknownUuid}/cancel`, {
    request: () => ({ path: `/manage/meetings/${unknownUuid}/cancel`, form: {} }),
    expect: signedInPage('404'),
  }),
  'GET /manage/series/:id/edit': plain(`/manage/series/${unknownUuid}/edit`, {
    expect: signedInPage('404'),
  }),
  'POST /manage/series/:id/edit': plain(`/manage/series/${unknownUuid}/edit`, {
    request: () => ({ path: `/manage/series/${unknownUuid}/edit`, form: meetingForm }),
    expect: signedInPage('404'),
  }),
  'POST /manage/series/:id/end': plain(`/manage/series/${unknownUuid}/end`, {
    request: () => ({ path: `/manage/series/${unknownUuid}/end`, form: {} }),
    expect: signedInPage('404'),
  }),
}

type TestApp = Awaited<ReturnType<typeof createTestApp>>

const matches = (outcome: Outcome, status: number) => {
  const cls = `${Math.floor(status / 100)}xx`
  if (outcome === '2xx/3xx') return cls === '2xx' || cls === '3xx'
  return outcome === cls || outcome === String(status)
}

describe('access: the route × role × target matrix', () => {
  let t: TestApp
  const ids: Record<Target, Ids> = {
    own: { org: 'org-matrix-own', group: 'grp-matrix-own', item: '' },
    sibling: { org: 'org-matrix-own', group: 'grp-matrix-sibling', item: '' },
    other: { org: 'org-matrix-other', group: 'grp-matrix-other', item: '' },
  }

  async function seed() {
    for (const org of ['org-matrix-own', 'org-matrix-other']) {
      await saveOrganisation(
        t.deps,
        system,
        { ...fixtureOrganisation, id: org },
        { source: 'tomoni' },
      )
    }
    for (const target of targets) {
      const { org, group } = ids[target]
      await saveGroup(t.deps, system, fixtureGroup({ id: group, organisation_id: org }), {
        source: 'tomoni',
      })
    }
  }

  /** A fresh account holding the role (scoped to the own organisation/group where it has one). */
  async function account(role: Role): Promise<string | undefined> {
    if (role === 'anonymous') return undefined
    const who = await createAccount(t, person({ password }))
    const grant = (
      scopeType: 'platform' | 'organisation' | 'group',
      scopeId: string | null,
      r: string,
    ) => grantRole(t.deps, system, { userId: who.id, scopeType, scopeId, role: r as never })
    const own = ids.own
    if (role === 'member') await grant('group', own.group, 'member')
    if (role === 'coFacilitator') await grant('group', own.group, 'co_facilitator')
    if (role === 'facilitator') await grant('group', own.group, 'facilitator')
    if (role === 'clinician') await grant('platform', null, 'clinician')
    if (role === 'ownStaff' || role === 'ownStaffNo2fa')
      await grant('organisation', own.org, 'staff')
    if (role === 'ownAdmin' || role === 'ownAdminNo2fa')
      await grant('organisation', own.org, 'admin')
    if (role === 'otherStaff') await grant('organisation', ids.other.org, 'staff')
    if (role === 'moderator' || role === 'moderatorNo2fa')
      await grant('platform', null, 'moderator')
    if (role === 'platformAdmin') await grant('platform', null, 'admin')
    // Setting up the app renews the session as one opened with it.
    return withSecondFactor.has(role) ? (await addSecondFactor(t, who)).cookie : who.cookie
  }

  async function request(entry: Entry, key: string, ids: Ids, cookie: string | undefined) {
    const method = key.slice(0, key.indexOf(' '))
    const { path, body, form } = entry.request(ids)
    const headers: Record<string, string> = {
      origin: 'http://localhost',
      'sec-fetch-site': 'same-origin',
    }
    if (cookie) headers.cookie = cookie
    let payload: string | undefined
    if (form) {
      // The pages' forms carry a double-submit token: take one the way a browser would.
      const page = await t.app.request('/auth/reset?token=x', {
        headers: cookie ? { cookie } : {},
      })
      const token = /name="form_token" value="([^"]+)"/.exec(await page.text())?.[1]
      expect(token, 'a form token').toBeDefined()
      const cookies = page.headers.getSetCookie().map((c) => c.split(';')[0]!)
      headers.cookie = [cookie, ...cookies].filter(Boolean).join('; ')
      headers['content-type'] = 'application/x-www-form-urlencoded'
      payload = new URLSearchParams({ ...form, form_token: token! }).toString()
    } else if (body !== undefined || !['GET', 'HEAD', 'DELETE'].includes(method)) {
      headers['content-type'] = 'application/json'
      payload = JSON.stringify(body ?? {})
    }
    return t.app.request(
      path,
      { method, headers, body: payload },
      {
        incoming: {
          socket: {
            // Each from its own address, so that no per-IP limit is met.
            remoteAddress: `10.9.${(++sentFrom >> 8) & 255}.${sentFrom & 255}`,
          },
        },
      },
    )
  }

  beforeAll(async () => {
    t = await createTestApp()
    await seed()
  })
  afterAll(() => t.close())

  it('has an entry for every route of the app, and none for a route that is gone', () => {
    const keys = new Set(
      t.app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`),
    )
    expect([...keys].filter((k) => !(k in matrix)).sort(), 'routes without an entry').toEqual([])
    expect(
      Object.keys(matrix)
        .filter((k) => !keys.has(k))
        .sort(),
      'entries without a route',
    ).toEqual([])
  })

  it('gives every form on a page the same form token, on a first visit too', async () => {
    // The page has several forms (and the layout its sign-out): with a cookie value made per
    // form, all but one would be refused as expired.
    const { cookie } = await createAccount(t, person({ password }))
    const page = await t.app.request('/account', { headers: { cookie } })
    const tokens = new Set(
      [...(await page.text()).matchAll(/name="form_token" value="([^"]+)"/g)].map((m) => m[1]),
    )
    expect(tokens.size).toBe(1)
    expect(page.headers.getSetCookie().filter((c) => c.includes('tomoni_form='))).toHaveLength(1)
  })

  it('answers every route, role and target as declared', { timeout: 600_000 }, async () => {
    const cookies = new Map<Role, string | undefined>()
    for (const role of roles) cookies.set(role, await account(role))
    // A report in the queue for each role to act on: one acted on is done with (409).
    const items = new Map<Role, string>()
    for (const role of roles) {
      const feedback = 'POST /api/v1/groups/:id/feedback'
      const report = await request(matrix[feedback]!, feedback, ids.own, undefined)
      expect(report.status).toBe(202)
      const item = await t.deps.db
        .selectFrom('moderation_item')
        .select('id')
        .where('id', 'not in', [...items.values(), unknownUuid])
        .executeTakeFirstOrThrow()
      items.set(role, item.id)
    }

    const failures: string[] = []
    let sent = 0
    const entries = Object.entries(matrix).sort(
      ([, a], [, b]) => Number(!!a.destructive) - Number(!!b.destructive),
    )
    for (const [key, entry] of entries) {
      // Access is what is tested here; rate limits have their own tests (limits.test.ts), and
      // thirteen roles times three targets would meet the per-address and per-group ones.
      await t.deps.db.deleteFrom('rate_limit').execute()
      for (const role of roles) {
        for (const target of entry.targeted ? targets : (['own'] as const)) {
          const target_ids = { ...ids[target], item: items.get(role)! }
          const cookie = entry.destructive ? await account(role) : cookies.get(role)
          const res = await request(entry, key, target_ids, cookie)
          sent++
          const expected = entry.expect(role, target)
          if (!matches(expected, res.status)) {
            const text = await res.clone().text()
            // The page's or API's own words, short, to tell a refusal from a bad fixture.
            const said = text
              .replace(/[\s\S]*<main/, '')
              .replace(/<[^>]+>|\s+/g, ' ')
              .slice(0, 160)
            failures.push(
              `${key} as ${role} on ${target}: expected ${expected}, got ${res.status} ${said}`,
            )
          }
          if (res.status >= 500)
            failures.push(`${key} as ${role} on ${target}: ${await res.text()}`)
          else await res.body?.cancel()
        }
      }
    }
    console.log(`route matrix: ${sent} requests`)
    expect(failures).toEqual([])
  })

  it('asks staff without a second factor for it, with a page that shows the way', async () => {
    const cookie = await account('ownStaffNo2fa')
    const api = await request(
      matrix['PATCH /api/v1/groups/:id']!,
      'PATCH /api/v1/groups/:id',
      ids.own,
      cookie,
    )
    expect(api.status).toBe(403)
    expect(await api.json()).toMatchObject({ error: { code: 'second_factor_required' } })
    const admin = await account('ownAdminNo2fa')
    const page = await t.app.request(`/organisations/${ids.own.org}/audit`, {
      headers: { cookie: admin!, 'accept-language': 'en' },
    })
    expect(page.status).toBe(403)
    const html = await page.text()
    expect(html).toContain('This needs the second step of signing in')
    expect(html).toContain('href="/account/security"')
  })
})
