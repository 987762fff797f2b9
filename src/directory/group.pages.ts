/**
 * The staff's pages for a group: add one, edit every field of it, see who changed what, and say
 * in one click that it is still current. Every write goes through the directory's services, which
 * authorise and validate; a form with problems comes back filled in, each problem beside its
 * field, and nothing is saved.
 */
import { requireOrganisationManager } from '#src/access/policies.ts'
import { Hono } from 'hono'
import { html } from 'hono/html'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { signedInPage } from '#src/accounts/auth.pages.ts'
import { parseCodeQuery } from '#src/conditions/codes.ts'
import { findConditions, type ConditionHit } from '#src/conditions/conditions.service.ts'
import { catalogs, type MessageKey, type Translate } from '#src/i18n/i18n.ts'
import { AppError, notFound } from '#src/platform/errors.ts'
import { checkFormToken } from '#src/platform/form-token.ts'
import type { AppContext, AppEnv } from '#src/platform/http.ts'
import { one, problemSummary, readForm, type FormValues, type Problems } from '#src/web/forms.ts'
import { pick } from '#src/web/group-page-parts.ts'
import { asStaff, notice, staffPage, tokenField, tr } from '#src/web/staff-page.ts'
import { formPath, formToGroup, groupToForm, repeated, type Repeated } from './group-form.ts'
import { groupFormSections } from './group-form.view.ts'
import { loadGroup, type StoredGroup } from './groups.repo.ts'
import {
  conditionRefs,
  confirmGroup,
  createGroup,
  historyWithNames,
  updateGroup,
} from './groups.service.ts'
import { historyTable } from './history.view.ts'

const groupPath = (id: string) => `/groups/${encodeURIComponent(id)}`
const editPath = (id: string) => `/manage/groups/${encodeURIComponent(id)}/edit`

/** The organisation's admins and staff, and moderators; to anyone else the page is not there. */
function requireManager(c: AppContext, organisationId: string | undefined): string {
  if (!organisationId) throw notFound()
  requireOrganisationManager(c.get('actor'), organisationId)
  return organisationId
}

async function organisationName(c: AppContext, id: string) {
  const org = await c
    .get('deps')
    .db.selectFrom('organisation')
    .select(['id', 'name'])
    .where('id', '=', id)
    .executeTakeFirst()
  if (!org) throw notFound()
  return org
}

// ---------------------------------------------------------------------------------------------
// Messages for the schema's refusals

const localizedFields = [
  'name',
  'description',
  'participation.text',
  'fees.description',
  'funding',
  'medical_advisers',
  'evidence_policy',
  'fees.options.option',
  'fees.options.amount_description',
  'fees.options.waiver_text',
  'locations.name',
  'schedules.description',
]

/** The message for a field with a problem: its own, or the one for its kind. */
export function messageFor(t: Translate, path: string): string {
  const general = path.replace(/\.\d+(?=\.|$)/g, '').replace(/^channel_links\..*/, 'channel_links')
  const text = localizedFields.find((p) => general === p || general.startsWith(`${p}.`))
  const key = (text ? 'staff.error.text' : `staff.error.${general}`) as MessageKey
  return key in catalogs.en ? t(key) : t('staff.error.generic')
}

function problemsOf(t: Translate, paths: string[]): Problems {
  const problems: Problems = {}
  for (const path of paths) problems[path] ??= messageFor(t, path)
  return problems
}

// ---------------------------------------------------------------------------------------------
// The condition typed by name

/**
 * Turns the name typed into a condition: at once when it can only mean one (a code, a single
 * match, one exact name), else the form comes back with the candidates to choose from.
 */
async function resolveCondition(
  c: AppContext,
  values: FormValues,
): Promise<{ choices?: ConditionHit[]; notFound?: true }> {
  const deps = c.get('deps')
  const add = (id: string) => {
    values.conditions = [...new Set([...(values.conditions ?? []), id.toUpperCase()])]
    delete values.condition_query
    delete values.condition_choice
  }
  const choice = one(values, 'condition_choice')
  if (choice === 'none') {
    delete values.condition_query
    delete values.condition_choice
    return {}
  }
  if (choice) {
    const known = await deps.db
      .selectFrom('condition')
      .select('id')
      .where('id', '=', choice)
      .executeTakeFirst()
    if (known) {
      add(known.id)
      return {}
    }
  }
  const q = one(values, 'condition_query')
  if (!q) return {}
  const hits = await findConditions(deps, { q, limit: 6 })
  if (hits.length === 0) return { notFound: true }
  const exact = hits.filter((h) => h.score >= 0.999)
  const only =
    parseCodeQuery(q).length > 0 || hits.length === 1
      ? hits[0]
      : exact.length === 1
        ? exact[0]
        : undefined
  if (only) {
    add(only.id)
    return {}
  }
  return { choices: hits }
}

// ---------------------------------------------------------------------------------------------
// The form

interface FormState {
  values: FormValues
  problems?: Problems
  choices?: ConditionHit[]
}

async function showForm(
  c: AppContext,
  target: { organisationId: string; groupId?: string },
  state: FormState,
  status: ContentfulStatusCode = 200,
) {
  const t = tr(c)
  const locale = c.get('locale') ?? 'ja'
  const org = await organisationName(c, target.organisationId)
  const codes = state.values.conditions ?? []
  const refs = await conditionRefs(c.get('deps').db, [{ conditions: codes } as StoredGroup])
  const names = new Map([...refs].map(([code, r]) => [code, r.names]))
  const problems = state.problems ?? {}
  const action = target.groupId
    ? editPath(target.groupId)
    : `/manage/organisations/${encodeURIComponent(org.id)}/groups/new`
  const name = pick(org.name, locale)?.text ?? org.id
  const title = target.groupId ? t('staff.group.editTitle') : t('staff.group.newTitle')
  return staffPage(
    c,
    title,
    () =>
      html`<nav class="breadcrumb" aria-label="${t('group.breadcrumb')}">
          <ol>
            <li><a href="/manage">${t('staff.dashboard.title')}</a></li>
            <li>${name}</li>
          </ol>
        </nav>
        <h1>${title}</h1>
        ${notice(t, c, { saved: 'staff.group.saved', created: 'staff.group.created' })}
        ${
          target.groupId
            ? html`<p>
                <a href="${groupPath(target.groupId)}">${t('staff.group.viewPage')}</a> ·
                <a href="/manage/groups/${encodeURIComponent(target.groupId)}/history"
                  >${t('staff.history.title')}</a
                >
              </p>`
            : ''
        }
        <p class="lead">${t('staff.group.lead')}</p>
        ${problemSummary(t, problems)}
        <form class="staff-form" method="post" action="${action}" novalidate>
          ${tokenField(c)}
          ${groupFormSections({
            t,
            locale,
            values: state.values,
            problems,
            conditionNames: names,
            conditionChoices: state.choices,
            extra: {},
          })}
          <p class="form-actions">
            <button class="button" type="submit" name="save" value="1">
              ${target.groupId ? t('staff.group.save') : t('staff.group.create')}
            </button>
          </p>
        </form>`,
    status,
  )
}

/** Blank slots left out of what is saved are left out of the form shown again, too. */
function withoutBlankSlots(values: FormValues, slotOf: Partial<Record<Repeated, number[]>>) {
  const out: FormValues = {}
  for (const [key, value] of Object.entries(values)) {
    const prefix = repeated.find((p) => key.startsWith(`${p}.`))
    const slot = prefix ? Number(key.slice(prefix.length + 1).split('.')[0]) : null
    if (prefix && slot !== null && !slotOf[prefix]?.includes(slot)) continue
    out[key] = value
  }
  return out
}

async function submitForm(c: AppContext, target: { organisationId: string; groupId?: string }) {
  const t = tr(c)
  const deps = c.get('deps')
  const actor = c.get('actor')
  const values = await readForm(c)
  delete values.save
  try {
    checkFormToken(c, one(values, 'form_token'))
  } catch {
    return showForm(c, target, { values, problems: { _: t('account.formExpired') } }, 400)
  }
  delete values.form_token
  const add = one(values, 'add')
  delete values.add
  // "Add another": the same form, one blank slot more, nothing saved.
  if ((repeated as readonly string[]).includes(add)) return showForm(c, target, { values })

  const condition = await resolveCondition(c, values)
  if (condition.choices) {
    return showForm(
      c,
      target,
      { values, choices: condition.choices, problems: problemsOf(t, ['condition_choice']) },
      400,
    )
  }
  if (condition.notFound) {
    return showForm(c, target, { values, problems: problemsOf(t, ['condition_query']) }, 400)
  }
  const reading = formToGroup(values)
  const shown = withoutBlankSlots(values, reading.slotOf)
  if (reading.problems.length) {
    return showForm(c, target, { values: shown, problems: problemsOf(t, reading.problems) }, 400)
  }
  let id = target.groupId
  try {
    if (id) {
      await updateGroup(deps, actor, id, reading.input)
    } else {
      id = (
        await createGroup(deps, actor, {
          ...reading.input,
          organisation_id: target.organisationId,
        } as never)
      ).id
    }
  } catch (error) {
    if (
      error instanceof AppError &&
      (error.code === 'invalid_input' || error.code === 'conflict')
    ) {
      const paths = Object.keys(error.fields ?? { _: '' }).map((p) =>
        p === '_' ? 'generic' : formPath(p, reading, values),
      )
      const problems = problemsOf(
        t,
        paths.filter((p) => p !== 'generic'),
      )
      if (paths.includes('generic') || Object.keys(problems).length === 0) {
        problems._ = t('staff.error.generic')
      }
      return showForm(c, target, { values: shown, problems }, 400)
    }
    throw error
  }
  return c.redirect(`${editPath(id)}?done=${target.groupId ? 'saved' : 'created'}`, 303)
}

async function organisationOf(c: AppContext, groupId: string) {
  const group = await loadGroup(c.get('deps').db, groupId)
  if (!group) throw notFound()
  requireManager(c, group.organisation_id)
  return group
}

export function groupStaffPages() {
  return new Hono<AppEnv>()
    .get('/manage/organisations/:id/groups/new', ...signedInPage, async (c) => {
      const organisationId = requireManager(c, c.req.param('id'))
      return showForm(
        c,
        { organisationId },
        {
          values: {
            status: ['active'],
            accepting_members: ['1'],
            'name.original': [c.get('locale') ?? 'ja'],
          },
        },
      )
    })
    .post('/manage/organisations/:id/groups/new', ...signedInPage, (c) =>
      asStaff(c, () => submitForm(c, { organisationId: requireManager(c, c.req.param('id')) })),
    )
    .get('/manage/groups/:id/edit', ...signedInPage, async (c) => {
      const group = await organisationOf(c, c.req.param('id'))
      return showForm(
        c,
        { organisationId: group.organisation_id, groupId: group.id },
        { values: groupToForm(group) },
      )
    })
    .post('/manage/groups/:id/edit', ...signedInPage, async (c) => {
      const group = await organisationOf(c, c.req.param('id'))
      return asStaff(c, () =>
        submitForm(c, { organisationId: group.organisation_id, groupId: group.id }),
      )
    })
    .get('/manage/groups/:id/history', ...signedInPage, async (c) => {
      const group = await organisationOf(c, c.req.param('id'))
      const t = tr(c)
      const rows = await historyWithNames(c.get('deps'), c.get('actor'), 'group', group.id)
      const name = pick(group.name, c.get('locale') ?? 'ja')?.text ?? group.id
      return staffPage(
        c,
        t('staff.history.title'),
        () =>
          html`<h1>${t('staff.history.title')}</h1>
            <p class="lead">${name}</p>
            <p>
              <a href="${editPath(group.id)}">${t('staff.group.editTitle')}</a> ·
              <a href="${groupPath(group.id)}">${t('staff.group.viewPage')}</a>
            </p>
            ${historyTable(c, rows)}`,
      )
    })
    .post('/manage/groups/:id/confirm', ...signedInPage, async (c) => {
      const group = await organisationOf(c, c.req.param('id'))
      const values = await readForm(c)
      checkFormToken(c, one(values, 'form_token'))
      return asStaff(c, async () => {
        await confirmGroup(c.get('deps'), c.get('actor'), group.id)
        const back =
          one(values, 'back') === 'manage'
            ? '/manage?done=confirmed'
            : `${groupPath(group.id)}?confirmed=1`
        return c.redirect(back, 303)
      })
    })
}
