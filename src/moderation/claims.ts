/**
 * Who an organisation's listing belongs to. A person whose confirmed e-mail address is at the
 * organisation's own domain may claim it at once; anyone else asks, and a moderator decides.
 * Whoever creates an organisation here runs it. Claiming gives an organisation role (admin for
 * the first, staff after), which is what lets a person edit the listings.
 */
import { hasRole, requireUser, system, type Actor } from '#src/access/actor.ts'
import { requireModerator } from '#src/access/policies.ts'
import { grantRole } from '#src/access/roles.service.ts'
import { appendAudit, organisationScope } from '#src/audit/audit.ts'
import type { OrganisationInputRaw } from '#src/directory/groups.schema.ts'
import { checkParentOrganisation, saveOrganisation } from '#src/directory/groups.service.ts'
import type { Deps } from '#src/platform/deps.ts'
import { AppError, notFound } from '#src/platform/errors.ts'
import { actorId, maxDetails, recordAction } from './moderation.service.ts'

/**
 * Mail services anyone can have an address at: an address there proves nothing about an
 * organisation that uses one too.
 */
const sharedMailDomains = new Set([
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'yahoo.co.jp',
  'ymail.com',
  'outlook.com',
  'outlook.jp',
  'hotmail.com',
  'hotmail.co.jp',
  'hotmail.co.uk',
  'live.com',
  'live.jp',
  'msn.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'aol.com',
  'protonmail.com',
  'proton.me',
  'gmx.com',
  'gmx.net',
  'mail.com',
  'zoho.com',
  'yandex.com',
  'qq.com',
  '163.com',
  'docomo.ne.jp',
  'ezweb.ne.jp',
  'au.com',
  'softbank.ne.jp',
  'i.softbank.jp',
  'ymobile.ne.jp',
  'nifty.com',
  'ocn.ne.jp',
  'biglobe.ne.jp',
  'so-net.ne.jp',
  'plala.or.jp',
  'btinternet.com',
  'sky.com',
  'comcast.net',
  'verizon.net',
])

/**
 * Hosts where anyone can have a site: a web site there proves nothing about a domain either.
 * Their subdomains count too (`example.wixsite.com`).
 */
const sharedWebHosts = [
  'facebook.com',
  'instagram.com',
  'x.com',
  'twitter.com',
  'line.me',
  'note.com',
  'ameblo.jp',
  'hatenablog.com',
  'hatenablog.jp',
  'fc2.com',
  'jimdofree.com',
  'jimdo.com',
  'wixsite.com',
  'wix.com',
  'wordpress.com',
  'blogspot.com',
  'blogger.com',
  'github.io',
  'sites.google.com',
  'google.com',
  'peatix.com',
  'coconala.com',
  'goo.ne.jp',
  'livedoor.jp',
  'seesaa.net',
  'webnode.jp',
  'weebly.com',
  'squarespace.com',
  'linktr.ee',
]

const withoutId = <T extends { id?: unknown }>({ id: _id, ...rest }: T) => rest

const lower = (s: string) => s.trim().toLowerCase().replace(/\.$/, '')

function isSharedHost(host: string): boolean {
  return sharedWebHosts.some((h) => host === h || host.endsWith(`.${h}`))
}

export function emailDomain(address: string | null): string | null {
  if (!address) return null
  const at = address.lastIndexOf('@')
  return at > 0 ? lower(address.slice(at + 1)) : null
}

/** The domains that stand for an organisation: its mail domain and its web site's. */
export function organisationDomains(org: { email: string | null; url: string | null }): string[] {
  const domains = new Set<string>()
  const mail = emailDomain(org.email)
  if (mail && !sharedMailDomains.has(mail) && !isSharedHost(mail)) domains.add(mail)
  if (org.url) {
    try {
      const host = lower(new URL(org.url).hostname).replace(/^www\./, '')
      if (host.includes('.') && !isSharedHost(host) && !sharedMailDomains.has(host)) {
        domains.add(host)
      }
    } catch {
      // Not a URL: nothing to match.
    }
  }
  return [...domains]
}

/** Whether an address is at one of the organisation's domains or a subdomain of one. */
export function domainMatches(address: string, org: { email: string | null; url: string | null }) {
  const domain = emailDomain(address)
  if (!domain || sharedMailDomains.has(domain)) return false
  return organisationDomains(org).some((d) => domain === d || domain.endsWith(`.${d}`))
}

async function confirmedAddress(deps: Pick<Deps, 'db'>, userId: string): Promise<string> {
  const user = await deps.db
    .selectFrom('app_user')
    .select(['email', 'email_confirmed_at'])
    .where('id', '=', userId)
    .where('erased_at', 'is', null)
    .executeTakeFirst()
  if (!user?.email || !user.email_confirmed_at) {
    throw new AppError('forbidden', 'Please confirm your e-mail address first.')
  }
  return user.email
}

async function roleFor(deps: Pick<Deps, 'db'>, organisationId: string): Promise<'admin' | 'staff'> {
  const admin = await deps.db
    .selectFrom('role_membership')
    .select('id')
    .where('scope_type', '=', 'organisation')
    .where('scope_id', '=', organisationId)
    .where('role', '=', 'admin')
    .executeTakeFirst()
  return admin ? 'staff' : 'admin'
}

export type ClaimResult =
  | { status: 'claimed'; role: 'admin' | 'staff' }
  | { status: 'pending'; request_id: string }
  | { status: 'already' }

/**
 * Claims an organisation's listing. With an address at its domain the claim is granted at once
 * (and recorded as such); otherwise it waits for a moderator, with the person's message.
 */
export async function claimOrganisation(
  deps: Deps,
  actor: Actor,
  organisationId: string,
  input: { message?: string | undefined; locale: 'ja' | 'en' },
): Promise<ClaimResult> {
  const user = requireUser(actor)
  const org = await deps.db
    .selectFrom('organisation')
    .select(['id', 'email', 'url', 'claimed_at'])
    .where('id', '=', organisationId)
    .executeTakeFirst()
  if (!org) throw notFound('No such organisation.')
  if (
    hasRole(user, 'organisation', 'admin', organisationId) ||
    hasRole(user, 'organisation', 'staff', organisationId)
  ) {
    return { status: 'already' }
  }
  const address = await confirmedAddress(deps, user.userId)
  const message = (input.message ?? '').trim()
  if (message.length > maxDetails) {
    throw new AppError('invalid_input', 'Some of the input is not valid.', {
      fields: { message: `at most ${maxDetails} characters` },
    })
  }
  const now = deps.clock.now()
  if (domainMatches(address, org)) {
    const role = await roleFor(deps, organisationId)
    await grantRole(deps, system, {
      userId: user.userId,
      scopeType: 'organisation',
      scopeId: organisationId,
      role,
    })
    await deps.db.transaction().execute(async (trx) => {
      if (!org.claimed_at) {
        await trx
          .updateTable('organisation')
          .set({ claimed_at: now })
          .where('id', '=', organisationId)
          .execute()
      }
      await recordAction(trx, {
        itemId: null,
        subjectType: 'organisation',
        subjectId: organisationId,
        action: 'claim_by_domain',
        note: `Address at ${emailDomain(address)}, a domain of the organisation; role ${role}.`,
        actorId: user.userId,
        at: now,
      })
      await appendAudit(
        deps,
        {
          actorId: user.userId,
          action: 'organisation_claimed',
          subjectType: 'organisation',
          subjectId: organisationId,
          scope: organisationScope(organisationId),
          details: { role, by: 'domain' },
        },
        trx,
      )
    })
    return { status: 'claimed', role }
  }
  const open = await deps.db
    .selectFrom('moderation_item')
    .select('id')
    .where('kind', '=', 'claim')
    .where('organisation_id', '=', organisationId)
    .where('reporter_id', '=', user.userId)
    .where('status', '=', 'open')
    .executeTakeFirst()
  if (open) return { status: 'pending', request_id: open.id }
  const row = await deps.db.transaction().execute(async (trx) => {
    const item = await trx
      .insertInto('moderation_item')
      .values({
        kind: 'claim',
        reason: null,
        organisation_id: organisationId,
        group_id: null,
        details: message,
        reporter_id: user.userId,
        locale: input.locale,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    // The message is the moderators' to read; the log says only that a claim was made.
    await appendAudit(
      deps,
      {
        actorId: user.userId,
        action: 'claim_requested',
        subjectType: 'organisation',
        subjectId: organisationId,
        scope: organisationScope(organisationId),
        details: { item: item.id },
      },
      trx,
    )
    return item
  })
  return { status: 'pending', request_id: row.id }
}

/** A moderator's decision on a claim: approved, the person gets a role in the organisation. */
export async function decideClaim(
  deps: Deps,
  actor: Actor,
  item: { id: string; organisation_id: string; reporter_id: string | null },
  approve: boolean,
  note: string,
): Promise<void> {
  requireModerator(actor)
  const text = note.trim()
  if (!text) {
    throw new AppError('invalid_input', 'Some of the input is not valid.', {
      fields: { note: 'a note saying why is required' },
    })
  }
  const now = deps.clock.now()
  let role: 'admin' | 'staff' | null = null
  if (approve) {
    if (!item.reporter_id) throw new AppError('conflict', 'The person who asked is gone.')
    role = await roleFor(deps, item.organisation_id)
    await grantRole(deps, system, {
      userId: item.reporter_id,
      scopeType: 'organisation',
      scopeId: item.organisation_id,
      role,
    })
  }
  await deps.db.transaction().execute(async (trx) => {
    if (approve) {
      await trx
        .updateTable('organisation')
        .set({ claimed_at: now })
        .where('id', '=', item.organisation_id)
        .where('claimed_at', 'is', null)
        .execute()
    }
    await recordAction(trx, {
      itemId: item.id,
      subjectType: 'organisation',
      subjectId: item.organisation_id,
      action: approve ? 'approve_claim' : 'reject_claim',
      note: role ? `${text} (role ${role})` : text,
      actorId: actorId(actor),
      at: now,
    })
    await appendAudit(
      deps,
      {
        actorId: actorId(actor),
        action: approve ? 'claim_approved' : 'claim_rejected',
        subjectType: 'organisation',
        subjectId: item.organisation_id,
        scope: organisationScope(item.organisation_id),
        details: role ? { item: item.id, role } : { item: item.id },
      },
      trx,
    )
    await trx
      .updateTable('moderation_item')
      .set({
        status: approve ? 'resolved' : 'dismissed',
        resolved_at: now,
        resolved_by: actorId(actor),
        resolution: approve ? 'approve_claim' : 'reject_claim',
      })
      .where('id', '=', item.id)
      .execute()
  })
}

/**
 * A signed-in person adds their organisation and becomes its admin. It starts unverified; when
 * their address is at the organisation's own domain it counts as claimed.
 */
export async function createOwnOrganisation(
  deps: Deps,
  actor: Actor,
  raw: OrganisationInputRaw,
): Promise<{ id: string; role: 'admin'; claimed: boolean }> {
  const user = requireUser(actor)
  const address = await confirmedAddress(deps, user.userId)
  const input = withoutId(raw)
  if (input.parent_id) checkParentOrganisation(actor, input.parent_id)
  // The person may not create organisations under the service's rule, so the platform does it
  // for them, having checked who they are.
  const { id } = await saveOrganisation(deps, system, input, { source: 'tomoni', mode: 'create' })
  await grantRole(deps, system, {
    userId: user.userId,
    scopeType: 'organisation',
    scopeId: id,
    role: 'admin',
  })
  const claimed = domainMatches(address, { email: input.email ?? null, url: input.url ?? null })
  if (claimed) {
    await deps.db
      .updateTable('organisation')
      .set({ claimed_at: deps.clock.now() })
      .where('id', '=', id)
      .execute()
  }
  await appendAudit(deps, {
    actorId: user.userId,
    action: 'organisation_created',
    subjectType: 'organisation',
    subjectId: id,
    scope: organisationScope(id),
    details: { claimed },
  })
  return { id, role: 'admin', claimed }
}
