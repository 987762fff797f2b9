/**
 * An organisation's own people: its admins and staff, the colleagues an admin invites by e-mail,
 * and the organisations a person runs. Roles are handed out by the platform (`grantRole` with the
 * system actor) once these functions have checked who asks; each change is written into the
 * organisation's field history, so "who changed what" shows who joined and who was removed.
 */
import { z } from '@hono/zod-openapi'
import { sql } from 'kysely'
import { requireUser, system, type Actor } from '#src/access/actor.ts'
import { grantRole, revokeRole } from '#src/access/roles.service.ts'
import { hashToken, newToken } from '#src/accounts/user-session.ts'
import type { Deps } from '#src/platform/deps.ts'
import { AppError, notFound } from '#src/platform/errors.ts'
import {
  canAdministerOrganisation,
  canModerate,
  requireOrganisationManager,
} from '#src/access/policies.ts'
import { staffMail } from './staff.mail.ts'

export const invitationTtlMs = 14 * 24 * 60 * 60_000
export type StaffRole = 'admin' | 'staff'

/**
 * Who may hand out and take back the organisation's roles: its admins, and moderators, in a
 * session with a second factor. The organisation's staff know it exists and are told no (403);
 * anyone else is told nothing (404).
 */
function requireOrganisationAdmin(actor: Actor, organisationId: string) {
  requireOrganisationManager(actor, organisationId)
  if (canAdministerOrganisation(actor, organisationId) || canModerate(actor)) return
  throw new AppError('forbidden', 'Only the organisation’s admins may change who runs it.')
}

const requireManager = requireOrganisationManager

async function history(
  deps: Pick<Deps, 'db' | 'clock'>,
  actor: Actor,
  organisationId: string,
  change: { old: unknown; new: unknown },
) {
  await deps.db
    .insertInto('field_history')
    .values({
      entity: 'organisation',
      entity_id: organisationId,
      field: 'staff',
      old: change.old === null ? null : JSON.stringify(change.old),
      new: change.new === null ? null : JSON.stringify(change.new),
      actor: actor.kind === 'user' ? `user:${actor.userId}` : 'system',
      at: deps.clock.now(),
    })
    .execute()
}

export interface OrganisationOfMine {
  id: string
  name: { original: string } & Record<string, string>
  role: StaffRole | 'moderator'
  verified: boolean
  claimed: boolean
  groups: {
    id: string
    name: { original: string } & Record<string, string>
    status: string
    hidden: boolean
    last_confirmed_at: Date | null
    fresh_since: Date
  }[]
}

/** The organisations the person runs, with all their groups (listed or not). */
export async function myOrganisations(
  deps: Pick<Deps, 'db'>,
  actor: Actor,
): Promise<OrganisationOfMine[]> {
  const user = requireUser(actor)
  const roles = new Map<string, StaffRole>()
  for (const m of user.roles) {
    if (m.scopeType !== 'organisation' || !m.scopeId) continue
    if (m.role === 'admin' || !roles.has(m.scopeId)) roles.set(m.scopeId, m.role as StaffRole)
  }
  if (roles.size === 0) return []
  const ids = [...roles.keys()]
  const [organisations, groups] = await Promise.all([
    deps.db
      .selectFrom('organisation')
      .select(['id', 'name', 'verified_at', 'claimed_at'])
      .where('id', 'in', ids)
      .orderBy('id')
      .execute(),
    deps.db
      .selectFrom('grp')
      .select([
        'id',
        'organisation_id',
        'name',
        'status',
        'hidden_at',
        'last_confirmed_at',
        'fresh_since',
      ])
      .where('organisation_id', 'in', ids)
      .orderBy('id')
      .execute(),
  ])
  return organisations.map((o) => ({
    id: o.id,
    name: o.name,
    role: roles.get(o.id)!,
    verified: o.verified_at !== null,
    claimed: o.claimed_at !== null,
    groups: groups
      .filter((g) => g.organisation_id === o.id)
      .map((g) => ({
        id: g.id,
        name: g.name,
        status: g.status,
        hidden: g.hidden_at !== null,
        last_confirmed_at: g.last_confirmed_at,
        fresh_since: g.fresh_since,
      })),
  }))
}

/** Organisations by name, for a person looking for theirs to claim. */
export async function findOrganisations(deps: Pick<Deps, 'db'>, query: string) {
  const text = query.trim()
  if (text.length < 2) return []
  const pattern = `%${text.replace(/[\\%_]/g, '\\$&')}%`
  return deps.db
    .selectFrom('organisation as o')
    .select(['o.id', 'o.name', 'o.url', 'o.claimed_at'])
    .where(
      sql<boolean>`exists (select 1 from jsonb_each_text(o.name) e where e.key <> 'original' and e.value ilike ${pattern})`,
    )
    .orderBy('o.id')
    .limit(20)
    .execute()
}

export interface StaffList {
  people: { user_id: string; display_name: string | null; email: string | null; role: StaffRole }[]
  invitations: { id: string; email: string; role: StaffRole; expires_at: Date }[]
}

/** Who runs the organisation, and who has been invited: for its admins and staff. */
export async function listStaff(
  deps: Pick<Deps, 'db' | 'clock'>,
  actor: Actor,
  organisationId: string,
): Promise<StaffList> {
  requireManager(actor, organisationId)
  const [people, invitations] = await Promise.all([
    deps.db
      .selectFrom('role_membership as r')
      .innerJoin('app_user as u', 'u.id', 'r.user_id')
      .select(['u.id as user_id', 'u.display_name', 'u.email', 'r.role'])
      .where('r.scope_type', '=', 'organisation')
      .where('r.scope_id', '=', organisationId)
      .where('u.erased_at', 'is', null)
      .orderBy('r.role')
      .orderBy('u.display_name')
      .execute(),
    deps.db
      .selectFrom('organisation_invitation')
      .select(['id', 'email', 'role', 'expires_at'])
      .where('organisation_id', '=', organisationId)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', deps.clock.now())
      .orderBy('created_at')
      .execute(),
  ])
  return { people: people.map((p) => ({ ...p, role: p.role as StaffRole })), invitations }
}

const InviteInput = z.object({
  email: z
    .email()
    .max(254)
    .transform((v) => v.toLowerCase()),
  role: z.enum(['admin', 'staff']),
  locale: z.enum(['ja', 'en']),
})

/**
 * Invites a colleague by e-mail: a link with a token, good for 14 days, which only a person signed
 * in with that confirmed address can accept.
 */
export async function inviteStaff(
  deps: Deps,
  actor: Actor,
  organisationId: string,
  raw: { email: string; role: string; locale: string },
): Promise<{ id: string }> {
  requireOrganisationAdmin(actor, organisationId)
  const parsed = InviteInput.safeParse(raw)
  if (!parsed.success) {
    const fields: Record<string, string> = {}
    for (const issue of parsed.error.issues) fields[String(issue.path[0])] ??= issue.message
    throw new AppError('invalid_input', 'Some of the input is not valid.', { fields })
  }
  const input = parsed.data
  const organisation = await deps.db
    .selectFrom('organisation')
    .select(['id', 'name'])
    .where('id', '=', organisationId)
    .executeTakeFirst()
  if (!organisation) throw notFound()
  const now = deps.clock.now()
  const token = newToken()
  const row = await deps.db
    .insertInto('organisation_invitation')
    .values({
      organisation_id: organisationId,
      email: input.email,
      role: input.role,
      token_hash: hashToken(token),
      invited_by: actor.kind === 'user' ? actor.userId : null,
      created_at: now,
      expires_at: new Date(now.getTime() + invitationTtlMs),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await deps.mailer.send(
    staffMail.invitation(deps.env, input.email, input.locale, organisation.name, token),
  )
  return { id: row.id }
}

async function openInvitation(deps: Pick<Deps, 'db' | 'clock'>, token: string) {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) throw notFound('No such invitation.')
  const row = await deps.db
    .selectFrom('organisation_invitation as i')
    .innerJoin('organisation as o', 'o.id', 'i.organisation_id')
    .select(['i.id', 'i.organisation_id', 'i.email', 'i.role', 'i.expires_at', 'o.name'])
    .where('i.token_hash', '=', hashToken(token))
    .where('i.accepted_at', 'is', null)
    .where('i.revoked_at', 'is', null)
    .executeTakeFirst()
  // Used, withdrawn, expired and made-up links look the same.
  if (!row || row.expires_at <= deps.clock.now()) throw notFound('No such invitation.')
  return row
}

/** What an invitation link is for, to show before it is accepted. */
export async function invitationFor(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, token: string) {
  requireUser(actor)
  const row = await openInvitation(deps, token)
  return { organisation_id: row.organisation_id, name: row.name, role: row.role }
}

/** Accepts an invitation: the person's confirmed address must be the one invited. */
export async function acceptInvitation(deps: Deps, actor: Actor, token: string) {
  const user = requireUser(actor)
  const invitation = await openInvitation(deps, token)
  const account = await deps.db
    .selectFrom('app_user')
    .select(['email', 'email_confirmed_at'])
    .where('id', '=', user.userId)
    .executeTakeFirst()
  if (!account?.email_confirmed_at || account.email !== invitation.email) {
    throw new AppError('forbidden', 'This invitation is for another e-mail address.')
  }
  await grantRole(deps, system, {
    userId: user.userId,
    scopeType: 'organisation',
    scopeId: invitation.organisation_id,
    role: invitation.role,
  })
  await deps.db
    .updateTable('organisation_invitation')
    .set({ accepted_at: deps.clock.now(), accepted_by: user.userId })
    .where('id', '=', invitation.id)
    .execute()
  await history(deps, actor, invitation.organisation_id, {
    old: null,
    new: { user: user.userId, role: invitation.role },
  })
  return { organisation_id: invitation.organisation_id }
}

export async function withdrawInvitation(
  deps: Pick<Deps, 'db' | 'clock'>,
  actor: Actor,
  organisationId: string,
  invitationId: string,
) {
  requireOrganisationAdmin(actor, organisationId)
  if (!/^[0-9a-f-]{36}$/i.test(invitationId)) throw notFound()
  const done = await deps.db
    .updateTable('organisation_invitation')
    .set({ revoked_at: deps.clock.now() })
    .where('id', '=', invitationId)
    .where('organisation_id', '=', organisationId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  if (done.numUpdatedRows === 0n) throw notFound()
}

/**
 * Takes a role away. The last admin cannot be removed, so that an organisation is never left
 * without someone to run it (a moderator can still hand it to someone else).
 */
export async function removeStaff(
  deps: Deps,
  actor: Actor,
  organisationId: string,
  input: { userId: string; role: string },
) {
  requireOrganisationAdmin(actor, organisationId)
  if (input.role !== 'admin' && input.role !== 'staff') throw notFound()
  const role = input.role
  if (role === 'admin') {
    const admins = await deps.db
      .selectFrom('role_membership')
      .select('user_id')
      .where('scope_type', '=', 'organisation')
      .where('scope_id', '=', organisationId)
      .where('role', '=', 'admin')
      .execute()
    if (admins.length === 1 && admins[0]!.user_id === input.userId) {
      throw new AppError('conflict', 'The last admin cannot be removed.')
    }
  }
  await revokeRole(deps, system, {
    userId: input.userId,
    scopeType: 'organisation',
    scopeId: organisationId,
    role,
  })
  await history(deps, actor, organisationId, { old: { user: input.userId, role }, new: null })
}
