/**
 * The group form as HTML: every field of a listing, in the order a person thinks of them, without
 * JavaScript. Repeated parts show their slots and one blank slot; "add another" sends the form
 * back to show one more, keeping what was typed.
 */
import { html } from 'hono/html'
import type { ConditionHit } from '#src/conditions/conditions.service.ts'
import type { MessageKey, Translate } from '#src/i18n/i18n.ts'
import type { Locale } from '#src/i18n/locale.ts'
import {
  checkbox,
  choices,
  fieldId,
  hiddenInput,
  one,
  select,
  textArea,
  textInput,
  type FormValues,
  type Option,
  type Problems,
} from '#src/web/forms.ts'
import { languageName } from '#src/web/group-page-parts.ts'
import type { Html } from '#src/web/layout.ts'
import { slots, textLanguages, type Repeated } from './group-form.ts'
import {
  accessibilityFeatures,
  activities,
  audiences,
  channels,
  feePeriods,
  groupTypes,
  independenceKinds,
} from './groups.schema.ts'

export interface GroupFormContext {
  t: Translate
  locale: Locale
  values: FormValues
  problems: Problems
  /** Names of the conditions ticked, by code. */
  conditionNames: Map<string, { ja: string | null; en: string | null }>
  /** When the condition typed could mean several: the candidates to choose from. */
  conditionChoices?: ConditionHit[]
  /** Blank slots to show beyond the one always there. */
  extra: Partial<Record<Repeated, number>>
}

type Ctx = GroupFormContext

const vocab = (t: Translate, prefix: string, values: readonly string[]): Option[] =>
  values.map((v) => ({ value: v, label: t(`${prefix}.${v}` as MessageKey) }))

const f = (c: Ctx, name: string, label: MessageKey, hint?: MessageKey) => ({
  name,
  label: c.t(label),
  values: c.values,
  problems: c.problems,
  ...(hint ? { hint: c.t(hint) } : {}),
})

/** A translatable text: a box per language, and which language it was written in. */
export function localizedFields(
  c: Pick<Ctx, 't' | 'locale' | 'values' | 'problems'>,
  prefix: string,
  label: string,
  options: { multiline?: boolean; maxlength: number; hint?: string },
) {
  const { t, locale, values, problems } = c
  const langs = textLanguages(values, prefix)
  const inputs = langs.map((lang) => {
    const field = {
      name: `${prefix}.${lang}`,
      label: t('staff.text.in', { language: languageName(lang, locale) }),
      values,
      problems,
      maxlength: options.maxlength,
      lang,
    }
    return options.multiline ? textArea({ ...field, rows: 5 }) : textInput(field)
  })
  const originalOptions = langs.map((lang) => ({
    value: lang,
    label: languageName(lang, locale),
    lang,
  }))
  // Unless the person says otherwise, a text is in the language the group's name is in.
  const fallback =
    prefix !== 'name' && one(values, 'name.original') ? one(values, 'name.original') : locale
  const original = select({
    name: `${prefix}.original`,
    label: t('staff.text.original'),
    values: values[`${prefix}.original`]
      ? values
      : { ...values, [`${prefix}.original`]: [fallback] },
    problems,
    options: originalOptions,
  })
  return html`<fieldset
    class="localized${options.multiline ? '' : ' localized-short'}"
    id="${fieldId(prefix)}"
  >
    <legend>${label}</legend>
    ${options.hint ? html`<p class="hint">${options.hint}</p>` : ''}
    ${problems[prefix] ? html`<p class="field-error">${problems[prefix]}</p>` : ''}
    ${
      options.multiline
        ? html`${inputs} ${original}`
        : html`<div class="form-row">${inputs} ${original}</div>`
    }
  </fieldset>`
}

function section(id: string, title: string, body: Html | Html[]) {
  return html`<section class="form-section" aria-labelledby="${id}">
    <h2 id="${id}">${title}</h2>
    ${body}
  </section>`
}

/** The slots of a repeated part to show: those given, then blank ones. */
function slotList(c: Ctx, prefix: Repeated): number[] {
  const given = slots(c.values, prefix)
  const next = given.length ? Math.max(...given) + 1 : 0
  const blanks = 1 + (c.extra[prefix] ?? 0)
  return [...given, ...Array.from({ length: blanks }, (_, i) => next + i)]
}

const addButton = (c: Ctx, prefix: Repeated, label: MessageKey) =>
  html`<p>
    <button class="button button-secondary" type="submit" name="add" value="${prefix}">
      ${c.t(label)}
    </button>
  </p>`

const removeBox = (c: Ctx, p: string, given: boolean) =>
  given ? checkbox(f(c, `${p}.remove`, 'staff.slot.remove')) : ''

function basics(c: Ctx) {
  const { t } = c
  return section('basics', t('staff.group.basics'), [
    localizedFields(c, 'name', t('staff.group.name'), { maxlength: 300 }),
    localizedFields(c, 'description', t('staff.group.description'), {
      multiline: true,
      maxlength: 10_000,
      hint: t('staff.group.description.hint'),
    }),
    textInput({ ...f(c, 'url', 'staff.group.url', 'staff.hint.url'), type: 'url' }),
    textInput({ ...f(c, 'email', 'staff.group.email'), type: 'email' }),
    textInput({ ...f(c, 'phone', 'staff.group.phone'), type: 'tel', maxlength: 60 }),
    select({
      ...f(c, 'status', 'staff.group.status'),
      options: vocab(t, 'staff.status', ['active', 'paused', 'closed']),
    }),
    checkbox(f(c, 'accepting_members', 'staff.group.accepting')),
    textInput({
      ...f(c, 'capacity', 'staff.group.capacity', 'staff.group.capacity.hint'),
      inputmode: 'numeric',
    }),
  ])
}

function conditionsField(c: Ctx) {
  const { t, locale, values, problems } = c
  const ticked = values.conditions ?? []
  const name = (code: string) => {
    const n = c.conditionNames.get(code)
    return n?.[locale] ?? n?.en ?? n?.ja ?? code
  }
  const choiceList = c.conditionChoices?.length
    ? choices({
        name: 'condition_choice',
        label: t('staff.condition.which'),
        values,
        problems,
        multiple: false,
        options: [
          ...c.conditionChoices.map((h) => ({
            value: h.id,
            label: `${h.names[locale] ?? h.names.en ?? h.names.ja ?? h.id} (${
              h.codes
                .filter((x) => !x.startsWith('TOMONI:'))
                .slice(0, 3)
                .join(', ') || h.id
            })`,
          })),
          { value: '', label: t('staff.condition.none') },
        ],
      })
    : ''
  return html`<fieldset class="conditions" id="${fieldId('conditions')}">
    <legend>${t('staff.group.conditions')}</legend>
    ${problems.conditions ? html`<p class="field-error">${problems.conditions}</p>` : ''}
    ${
      ticked.length
        ? html`<ul class="choices">
            ${ticked.map(
              (code) =>
                html`<li>
                  <label class="choice"
                    ><input type="checkbox" name="conditions" value="${code}" checked />
                    ${name(code)} <span class="code">${code}</span></label
                  >
                </li>`,
            )}
          </ul>`
        : html`<p class="hint">${t('staff.condition.noneYet')}</p>`
    }
    ${textInput({
      ...f(c, 'condition_query', 'staff.condition.add', 'staff.condition.add.hint'),
      maxlength: 200,
    })}
    ${choiceList}
  </fieldset>`
}

function who(c: Ctx) {
  const { t } = c
  return section('who', t('staff.group.who'), [
    choices({
      ...f(c, 'types', 'staff.group.types'),
      multiple: true,
      options: vocab(t, 'vocab.type', groupTypes),
    }),
    choices({
      ...f(c, 'leadership', 'staff.group.leadership'),
      multiple: false,
      options: [
        { value: '', label: t('staff.notSaid') },
        ...['peer', 'professional'].map((v) => ({
          value: v,
          label: t(`vocab.leadership.${v}` as MessageKey),
        })),
      ],
    }),
    choices({
      ...f(c, 'audience', 'staff.group.audience'),
      multiple: true,
      options: vocab(t, 'vocab.audience', audiences),
    }),
    html`<div class="form-row">
      ${textInput({ ...f(c, 'min_age', 'staff.group.minAge'), inputmode: 'numeric' })}
      ${textInput({ ...f(c, 'max_age', 'staff.group.maxAge'), inputmode: 'numeric' })}
    </div>`,
    conditionsField(c),
    choices({
      ...f(c, 'activities', 'staff.group.activities'),
      multiple: true,
      options: vocab(t, 'vocab.activity', activities),
    }),
  ])
}

function participation(c: Ctx) {
  const { t } = c
  return section('participation', t('staff.group.participation'), [
    checkbox(f(c, 'participation.diagnosis_required', 'group.cond.diagnosis')),
    checkbox(f(c, 'participation.referral_required', 'group.cond.referral')),
    checkbox(f(c, 'participation.screening_required', 'group.cond.screening')),
    choices({
      ...f(c, 'participation.observers_welcome', 'staff.group.observers'),
      multiple: false,
      options: [
        { value: '', label: t('staff.notSaid') },
        { value: 'yes', label: t('group.cond.observersWelcome') },
        { value: 'no', label: t('group.cond.observersNot') },
      ],
    }),
    localizedFields(c, 'participation.text', t('staff.group.participationText'), {
      multiline: true,
      maxlength: 5000,
    }),
  ])
}

function costOption(c: Ctx, i: number, given: boolean) {
  const { t } = c
  const p = `fees.options.${i}`
  return html`<fieldset class="slot" id="${fieldId(p)}">
    <legend>${given ? t('staff.fee.option', { n: i + 1 }) : t('staff.fee.new')}</legend>
    ${one(c.values, `${p}.id`) ? hiddenInput(`${p}.id`, one(c.values, `${p}.id`)) : ''}
    <div class="form-row">
      ${textInput({ ...f(c, `${p}.amount`, 'staff.fee.amount'), inputmode: 'decimal' })}
      ${textInput({ ...f(c, `${p}.currency`, 'staff.fee.currency', 'staff.fee.currency.hint'), maxlength: 3, values: one(c.values, `${p}.currency`) ? c.values : { ...c.values, [`${p}.currency`]: ['JPY'] } })}
      ${select({ ...f(c, `${p}.period`, 'staff.fee.period'), options: [{ value: '', label: t('staff.notSaid') }, ...vocab(t, 'vocab.period', feePeriods)] })}
    </div>
    ${localizedFields(c, `${p}.option`, t('staff.fee.what'), { maxlength: 300 })}
    ${localizedFields(c, `${p}.amount_description`, t('staff.fee.note'), { maxlength: 300 })}
    ${checkbox(f(c, `${p}.waiver`, 'staff.fee.waiver'))}
    ${localizedFields(c, `${p}.waiver_text`, t('staff.fee.waiverText'), { maxlength: 1000 })}
    ${removeBox(c, p, given)}
  </fieldset>`
}

function fees(c: Ctx) {
  const { t } = c
  const given = new Set(slots(c.values, 'fees.options'))
  return section('fees', t('staff.group.fees'), [
    checkbox(f(c, 'fees.free', 'staff.fee.free', 'staff.fee.free.hint')),
    ...slotList(c, 'fees.options').map((i) => costOption(c, i, given.has(i))),
    addButton(c, 'fees.options', 'staff.fee.add'),
    localizedFields(c, 'fees.description', t('staff.fee.description'), {
      multiline: true,
      maxlength: 2000,
    }),
  ])
}

function location(c: Ctx, i: number, given: boolean) {
  const { t } = c
  const p = `locations.${i}`
  const a = (key: string, label: MessageKey, extra: Record<string, unknown> = {}) =>
    textInput({ ...f(c, `${p}.address.${key}`, label), maxlength: 300, ...extra })
  return html`<fieldset class="slot" id="${fieldId(p)}">
    <legend>${given ? t('staff.place.n', { n: i + 1 }) : t('staff.place.new')}</legend>
    ${one(c.values, `${p}.id`) ? hiddenInput(`${p}.id`, one(c.values, `${p}.id`)) : ''}
    ${select({
      ...f(c, `${p}.kind`, 'staff.place.kind'),
      options: [
        { value: 'physical', label: t('staff.place.physical') },
        { value: 'virtual', label: t('staff.place.virtual') },
      ],
    })}
    ${localizedFields(c, `${p}.name`, t('staff.place.name'), { maxlength: 300 })}
    <div class="form-row">
      ${a('postal_code', 'staff.place.postalCode', { maxlength: 40 })}
      ${a('region', 'staff.place.region')} ${a('city', 'staff.place.city')}
    </div>
    <div class="form-row">
      ${a('address_1', 'staff.place.address1')} ${a('address_2', 'staff.place.address2')}
    </div>
    <div class="form-row">
      ${a('state_province', 'staff.place.stateProvince')}
      ${a('country', 'staff.place.country', { maxlength: 2, hint: t('staff.place.country.hint') })}
    </div>
    <div class="form-row">
      ${textInput({ ...f(c, `${p}.lat`, 'staff.place.lat'), inputmode: 'decimal' })}
      ${textInput({ ...f(c, `${p}.lon`, 'staff.place.lon'), inputmode: 'decimal' })}
    </div>
    ${textInput({ ...f(c, `${p}.url`, 'staff.place.url', 'staff.place.url.hint'), type: 'url' })}
    ${checkbox({ ...f(c, `${p}.visibility`, 'staff.place.members', 'staff.place.members.hint'), value: 'members' })}
    ${removeBox(c, p, given)}
  </fieldset>`
}

function area(c: Ctx, i: number, given: boolean) {
  const p = `service_areas.${i}`
  return html`<fieldset class="slot" id="${fieldId(p)}">
    <legend>${given ? c.t('staff.area.n', { n: i + 1 }) : c.t('staff.area.new')}</legend>
    ${one(c.values, `${p}.id`) ? hiddenInput(`${p}.id`, one(c.values, `${p}.id`)) : ''}
    <div class="form-row">
      ${textInput({ ...f(c, `${p}.place`, 'staff.area.place', 'staff.area.place.hint'), maxlength: 20 })}
      ${textInput({ ...f(c, `${p}.name`, 'staff.area.name'), maxlength: 300 })}
    </div>
    ${removeBox(c, p, given)}
  </fieldset>`
}

function places(c: Ctx) {
  const { t } = c
  const givenPlaces = new Set(slots(c.values, 'locations'))
  const givenAreas = new Set(slots(c.values, 'service_areas'))
  return section('places', t('staff.group.places'), [
    ...slotList(c, 'locations').map((i) => location(c, i, givenPlaces.has(i))),
    addButton(c, 'locations', 'staff.place.add'),
    html`<h3>${t('staff.group.areas')}</h3>`,
    ...slotList(c, 'service_areas').map((i) => area(c, i, givenAreas.has(i))),
    addButton(c, 'service_areas', 'staff.area.add'),
  ])
}

const zones = [
  'Asia/Tokyo',
  'Asia/Seoul',
  'Asia/Shanghai',
  'Asia/Singapore',
  'Europe/London',
  'Europe/Paris',
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
  'Pacific/Honolulu',
  'Australia/Sydney',
  'UTC',
]

function schedule(c: Ctx, i: number, given: boolean) {
  const { t, locale } = c
  const p = `schedules.${i}`
  const weekday = new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' })
  // 2024-01-01 was a Monday.
  const days = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'].map((d, n) => ({
    value: d,
    label: weekday.format(new Date(Date.UTC(2024, 0, 1 + n))),
  }))
  const month = new Intl.DateTimeFormat(locale, { month: 'long', timeZone: 'UTC' })
  const zone = one(c.values, `${p}.timezone`) || 'Asia/Tokyo'
  const withZone = { ...c.values, [`${p}.timezone`]: [zone] }
  return html`<fieldset class="slot" id="${fieldId(p)}">
    <legend>${given ? t('staff.schedule.n', { n: i + 1 }) : t('staff.schedule.new')}</legend>
    ${one(c.values, `${p}.id`) ? hiddenInput(`${p}.id`, one(c.values, `${p}.id`)) : ''}
    ${one(c.values, `${p}.hsds`) ? hiddenInput(`${p}.hsds`, one(c.values, `${p}.hsds`)) : ''}
    <div class="form-row">
      ${select({ ...f(c, `${p}.freq`, 'staff.schedule.freq'), options: [...['WEEKLY', 'MONTHLY', 'YEARLY', 'custom'].map((v) => ({ value: v, label: t(`staff.schedule.freq.${v}` as MessageKey) }))] })}
      ${textInput({ ...f(c, `${p}.interval`, 'staff.schedule.interval', 'staff.schedule.interval.hint'), inputmode: 'numeric' })}
    </div>
    ${choices({ ...f(c, `${p}.day`, 'staff.schedule.days'), multiple: true, options: days })}
    <div class="form-row">
      ${select({ ...f(c, `${p}.week`, 'staff.schedule.week', 'staff.schedule.week.hint'), options: [{ value: '', label: t('staff.schedule.week.every') }, ...['1', '2', '3', '4', '5', '-1'].map((w) => ({ value: w, label: t(`staff.schedule.week.${w}` as MessageKey) }))] })}
      ${textInput({ ...f(c, `${p}.monthday`, 'staff.schedule.monthday'), inputmode: 'numeric' })}
      ${select({ ...f(c, `${p}.month`, 'staff.schedule.month'), options: [{ value: '', label: '—' }, ...Array.from({ length: 12 }, (_, m) => ({ value: String(m + 1), label: month.format(new Date(Date.UTC(2024, m, 1))) }))] })}
    </div>
    ${textInput({ ...f(c, `${p}.rrule`, 'staff.schedule.rrule', 'staff.schedule.rrule.hint'), maxlength: 500 })}
    <div class="form-row">
      ${textInput({ ...f(c, `${p}.dtstart`, 'staff.schedule.dtstart'), type: 'date' })}
      ${textInput({ ...f(c, `${p}.until`, 'staff.schedule.until'), type: 'date' })}
    </div>
    <div class="form-row">
      ${textInput({ ...f(c, `${p}.opens_at`, 'staff.schedule.opens'), type: 'time' })}
      ${textInput({ ...f(c, `${p}.closes_at`, 'staff.schedule.closes'), type: 'time' })}
      ${select({ ...f(c, `${p}.timezone`, 'staff.schedule.timezone'), values: withZone, options: [...new Set([zone, ...zones])].map((z) => ({ value: z, label: z })) })}
    </div>
    ${textArea({ ...f(c, `${p}.exdates`, 'staff.schedule.exdates', 'staff.schedule.exdates.hint'), rows: 3 })}
    ${localizedFields(c, `${p}.description`, t('staff.schedule.description'), { maxlength: 1000 })}
    ${removeBox(c, p, given)}
  </fieldset>`
}

function schedules(c: Ctx) {
  const given = new Set(slots(c.values, 'schedules'))
  return section('schedules', c.t('staff.group.schedules'), [
    ...slotList(c, 'schedules').map((i) => schedule(c, i, given.has(i))),
    addButton(c, 'schedules', 'staff.schedule.add'),
  ])
}

function contact(c: Ctx) {
  const { t } = c
  const chosen = new Set(c.values.channels ?? [])
  const rows = channels.map(
    (ch) =>
      html`<li class="channel-row">
        <label class="choice"
          ><input
            type="checkbox"
            name="channels"
            value="${ch}"
            ${chosen.has(ch) ? 'checked' : ''}
          />
          ${t(`vocab.channel.${ch}`)}</label
        >
        ${ch === 'in_person' || ch === 'chat' ? '' : textInput({ name: `channel_links.${ch}`, label: t('staff.channel.link', { channel: t(`search.channel.${ch}`) }), values: c.values, problems: c.problems, maxlength: 2000 })}
      </li>`,
  )
  return section('contact', t('staff.group.channels'), [
    html`<fieldset class="form-field" id="${fieldId('channels')}">
      <legend>${t('staff.group.channels.legend')}</legend>
      <p class="hint">${t('staff.channel.hint')}</p>
      ${c.problems.channels ? html`<p class="field-error">${c.problems.channels}</p>` : ''}
      <ul class="choices">
        ${rows}
      </ul>
    </fieldset>`,
  ])
}

const commonLanguages = ['ja', 'en', 'zh', 'ko', 'pt', 'es', 'vi', 'tl', 'ne', 'id', 'th']

function languagesAndAccess(c: Ctx) {
  const { t, locale } = c
  const others = (c.values.languages ?? []).filter((l) => !commonLanguages.includes(l))
  const values =
    others.length && !c.values.languages_other
      ? { ...c.values, languages_other: [others.join(', ')] }
      : c.values
  return section('access', t('staff.group.languages'), [
    choices({
      ...f(c, 'languages', 'staff.group.languages.legend'),
      values,
      multiple: true,
      options: commonLanguages.map((l) => ({ value: l, label: languageName(l, locale) })),
    }),
    textInput({
      ...f(c, 'languages_other', 'staff.group.languagesOther', 'staff.group.languagesOther.hint'),
      values,
      maxlength: 200,
    }),
    choices({
      ...f(c, 'accessibility', 'staff.group.accessibility'),
      multiple: true,
      options: vocab(t, 'vocab.access', accessibilityFeatures),
    }),
  ])
}

function independence(c: Ctx) {
  const { t } = c
  return section('independence', t('staff.group.independence'), [
    choices({
      ...f(c, 'independence', 'staff.group.independence.legend'),
      multiple: false,
      options: [
        { value: '', label: t('staff.notSaid') },
        ...vocab(t, 'vocab.independence', independenceKinds),
      ],
    }),
    textInput({
      ...f(c, 'industry_funding_pct', 'staff.group.industry', 'staff.group.industry.hint'),
      inputmode: 'numeric',
    }),
    localizedFields(c, 'funding', t('staff.group.funding'), { multiline: true, maxlength: 2000 }),
    localizedFields(c, 'medical_advisers', t('staff.group.advisers'), {
      multiline: true,
      maxlength: 2000,
    }),
    localizedFields(c, 'evidence_policy', t('staff.group.evidence'), {
      multiline: true,
      maxlength: 2000,
      hint: t('staff.group.evidence.hint'),
    }),
  ])
}

/** Every section of the group form, in order. */
export function groupFormSections(c: Ctx): Html[] {
  return [
    basics(c),
    who(c),
    participation(c),
    fees(c),
    places(c),
    schedules(c),
    contact(c),
    languagesAndAccess(c),
    independence(c),
  ]
}
