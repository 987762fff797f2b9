import path from 'node:path'
import { Secret, TOTP } from 'otpauth'
import { type Browser, type BrowserContextOptions, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadGroups } from '#src/directory/groups.repo.ts'
import { translate } from '#src/i18n/i18n.ts'
import { createAccount, person, send } from '../accounts.ts'
import { createTestApp } from '../app.ts'
import { openBrowser, resultsDir, screenshots } from '../chromium.ts'

const desktop = { width: 1280, height: 900 }
const phone = { width: 390, height: 844 }

/**
 * The organisation's staff member signs in (with a second factor, as staff must), adds the
 * organisation and its group through the pages' forms, with JavaScript off; then anyone sees the
 * group's page in Japanese and in English.
 */
describe('a group made through the staff pages, and its page, in Chromium', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>
  let closeBrowser: (() => Promise<void>) | undefined
  let browser: Browser
  let origin: string
  let groupPath: string
  let groupId: string
  const staff = person({ email: 'sato@chiba-parents.example.jp', locale: 'en' })
  let totp: TOTP

  beforeAll(async () => {
    t = await createTestApp()
    // The account and its authenticator app, through the API: the account pages have their own
    // browser test.
    const account = await createAccount(t, staff)
    const begun = await send(t, 'POST', '/api/v1/me/second-factor/totp', { cookie: account.cookie })
    expect(begun.status).toBe(200)
    const { secret } = (await begun.json()) as { secret: string }
    totp = new TOTP({ secret: Secret.fromBase32(secret) })
    const confirmed = await send(t, 'POST', '/api/v1/me/second-factor/totp/confirm', {
      cookie: account.cookie,
      body: { code: totp.generate({ timestamp: t.clock.now().getTime() }) },
    })
    expect(confirmed.status).toBe(200)
    t.clock.advance(60_000)

    ;({ browser, origin, close: closeBrowser } = await openBrowser(t))
  })

  afterAll(async () => {
    await closeBrowser?.()
    await t?.close()
  })

  async function openPage(options: BrowserContextOptions) {
    const context = await browser.newContext(options)
    const page = await context.newPage()
    page.setDefaultTimeout(8000)
    const errors: string[] = []
    page.on('console', (message) => {
      // A form sent back with its problems answers 400, which Chromium reports; nothing else may.
      if (message.type() === 'error' && !message.text().includes('status of 400')) {
        errors.push(message.text())
      }
    })
    page.on('pageerror', (error) => errors.push(error.message))
    return { context, page, errors }
  }

  const shot = screenshots('')
  const field = (page: Page, name: string) => page.locator(`[name="${name}"]`)
  const en = (key: Parameters<typeof translate>[1]) => translate('en', key)

  it(
    'adds the organisation and the group through the forms, without JavaScript',
    { timeout: 120_000 },
    async () => {
      const { context, page, errors } = await openPage({
        locale: 'en-GB',
        viewport: desktop,
        javaScriptEnabled: false,
      })
      await page.goto(`${origin}/sign-in`)
      await page.getByLabel(en('account.email')).fill(staff.email)
      await page.getByLabel(en('account.password')).fill(staff.password)
      await page.getByRole('button', { name: en('account.signIn.button') }).click()
      await page
        .getByLabel(en('account.secondFactor.code'))
        .fill(totp.generate({ timestamp: t.clock.now().getTime() }))
      await page.getByRole('button', { name: en('account.secondFactor.button') }).click()
      await expect.poll(() => page.locator('h1').innerText()).toBe(en('account.signedIn.title'))

      // The organisation.
      await page.goto(`${origin}/`)
      await page.getByRole('link', { name: en('staff.dashboard.title') }).click()
      await page.getByRole('link', { name: en('staff.org.newTitle') }).click()
      await field(page, 'name.ja').fill('ちば小児がん親の会')
      await field(page, 'name.en').fill('Chiba Childhood Cancer Parents’ Association')
      await field(page, 'name.original').selectOption('ja')
      await field(page, 'description.ja').fill(
        '千葉県で小児がんの子どもを育てる親どうしが支え合う会です。',
      )
      await field(page, 'kind').selectOption('patient_advocacy')
      await field(page, 'url').fill('https://chiba-parents.example.jp/')
      await field(page, 'email').fill('info@chiba-parents.example.jp')
      await page.getByRole('button', { name: en('staff.org.create') }).click()
      await expect.poll(() => page.getByRole('status').innerText()).toBe(en('staff.org.created'))

      // The group, with every part of the form.
      await page.getByRole('link', { name: en('staff.group.newTitle') }).click()
      await field(page, 'name.ja').fill('ちば小児がん親の会 おしゃべり会')
      await field(page, 'name.en').fill('Chiba childhood cancer parents’ circle')
      await field(page, 'name.original').selectOption('ja')
      await field(page, 'description.ja').fill(
        '小児がんの治療中・治療後のお子さんをもつ親が、毎月集まって話をする会です。\n\n初めての方も、話を聞くだけでも大丈夫です。',
      )
      await field(page, 'description.en').fill(
        'Parents of children who are being treated for cancer, or have been, meet every month to talk.',
      )
      await field(page, 'description.original').selectOption('ja')
      await field(page, 'email').fill('circle@chiba-parents.example.jp')
      await field(page, 'capacity').fill('20')
      for (const type of ['disease_specific', 'regional', 'family']) {
        await page.locator(`[name="types"][value="${type}"]`).check()
      }
      await page.locator('[name="leadership"][value="peer"]').check()
      for (const who of ['parents', 'siblings']) {
        await page.locator(`[name="audience"][value="${who}"]`).check()
      }
      await field(page, 'min_age').fill('30')
      await field(page, 'max_age').fill('18')
      await field(page, 'condition_query').fill('小児がん')
      for (const activity of ['peer_support', 'information_sharing', 'lectures']) {
        await page.locator(`[name="activities"][value="${activity}"]`).check()
      }
      await field(page, 'participation.diagnosis_required').check()
      await page.locator('[name="participation.observers_welcome"][value="yes"]').check()
      await field(page, 'fees.options.0.amount').fill('3000')
      await field(page, 'fees.options.0.period').selectOption('annual')
      await field(page, 'fees.options.0.option.ja').fill('年会費')
      await field(page, 'fees.options.0.option.en').fill('Membership')
      await field(page, 'fees.options.0.waiver').check()
      await field(page, 'fees.options.0.waiver_text.ja').fill('経済的な事情のある方は免除できます')
      await field(page, 'locations.0.name.ja').fill('市民活動センター 会議室')
      await field(page, 'locations.0.address.region').fill('千葉県')
      await field(page, 'locations.0.address.city').fill('千葉市中央区')
      await field(page, 'locations.0.address.address_1').fill('中央港1-1-1')
      await field(page, 'locations.0.address.country').fill('JP')
      await field(page, 'locations.0.visibility').check()
      await field(page, 'service_areas.0.place').fill('JP-12')
      await field(page, 'schedules.0.freq').selectOption('MONTHLY')
      await page.locator('[name="schedules.0.day"][value="SA"]').check()
      await field(page, 'schedules.0.week').selectOption('2')
      await field(page, 'schedules.0.dtstart').fill('2026-01-10')
      await field(page, 'schedules.0.opens_at').fill('14:00')
      await field(page, 'schedules.0.closes_at').fill('16:00')
      await field(page, 'schedules.0.exdates').fill('2027-01-09')
      for (const channel of ['in_person', 'line', 'newsletter']) {
        await page.locator(`[name="channels"][value="${channel}"]`).check()
      }
      await field(page, 'channel_links.line').fill('https://line.me/ti/g/example-chiba-parents')
      for (const language of ['ja', 'en']) {
        await page.locator(`[name="languages"][value="${language}"]`).check()
      }
      for (const access of ['wheelchair', 'childcare', 'infection_control']) {
        await page.locator(`[name="accessibility"][value="${access}"]`).check()
      }
      await page.locator('[name="independence"][value="independent"]').check()
      await field(page, 'industry_funding_pct').fill('0')
      await field(page, 'funding.ja').fill('会費と個人からの寄付で運営しています。')

      // The ages are the wrong way round: the form comes back with the message, all else kept.
      await page.getByRole('button', { name: en('staff.group.create') }).click()
      await expect.poll(() => page.locator('#form-problems').isVisible()).toBe(true)
      expect(await page.locator('#f-max_age-error').innerText()).toBe(en('staff.error.max_age'))
      expect(await field(page, 'name.ja').inputValue()).toBe('ちば小児がん親の会 おしゃべり会')
      expect(await field(page, 'channel_links.line').inputValue()).toContain('line.me')
      expect(await field(page, 'fees.options.0.amount').inputValue()).toBe('3000')
      // The condition typed by name is now chosen, by its code.
      expect(await page.locator('[name="conditions"]:checked').getAttribute('value')).toBe(
        'TOMONI:CHILDHOOD-CANCER',
      )
      await page.screenshot({ path: path.join(resultsDir, 'staff-group-form-error.png') })
      await page
        .locator('section[aria-labelledby="who"]')
        .screenshot({ path: path.join(resultsDir, 'staff-group-form-who.png') })
      expect(await t.deps.db.selectFrom('grp').select('id').execute()).toEqual([])

      await field(page, 'min_age').fill('')
      await field(page, 'max_age').fill('')
      await page.getByRole('button', { name: en('staff.group.create') }).click()
      await expect.poll(() => page.getByRole('status').innerText()).toBe(en('staff.group.created'))
      for (const part of ['basics', 'fees', 'places', 'schedules', 'contact']) {
        await page
          .locator(`section[aria-labelledby="${part}"]`)
          .screenshot({ path: path.join(resultsDir, `staff-group-form-${part}.png`) })
      }
      await page.getByRole('link', { name: en('staff.group.viewPage') }).click()
      groupPath = new URL(page.url()).pathname
      groupId = decodeURIComponent(groupPath.split('/').pop()!)
      // Those who run it see the one-click confirmation; it works.
      await page.getByRole('button', { name: en('staff.confirm.button') }).click()
      await expect
        .poll(() => page.locator('.staff-panel [role="status"]').innerText())
        .toBe(en('staff.confirm.done'))
      await shot(page, 'staff-group-page')
      await page.goto(`${origin}/manage`)
      await shot(page, 'staff-dashboard')
      expect(errors).toEqual([])
      await context.close()

      const [saved] = (await loadGroups(t.deps.db, [groupId])).values()
      expect(saved).toMatchObject({
        conditions: ['TOMONI:CHILDHOOD-CANCER'],
        channels: ['chat', 'in_person', 'line', 'newsletter'],
        fees: { free: false, options: [{ amount: 3000, period: 'annual', waiver: true }] },
        schedules: [{ rrule: 'FREQ=MONTHLY;BYDAY=2SA', exdates: ['2027-01-09'] }],
        capacity: 20,
      })
      expect(saved!.meta.last_confirmed_at).not.toBeNull()
    },
  )

  for (const locale of ['ja', 'en'] as const) {
    it(`shows the group in ${locale === 'ja' ? 'Japanese' : 'English'}, with no CSP error`, async () => {
      const { context, page, errors } = await openPage({ locale, viewport: desktop })
      await page.goto(`${origin}${groupPath}`)
      expect(await page.locator('html').getAttribute('lang')).toBe(locale)
      expect(await page.locator('h1').innerText()).toBe(
        locale === 'ja'
          ? 'ちば小児がん親の会 おしゃべり会'
          : 'Chiba childhood cancer parents’ circle',
      )
      // Nobody signed in here: no staff panel.
      expect(await page.locator('.staff-panel').count()).toBe(0)
      const panel = page.locator('#before-you-join')
      expect(await panel.getByRole('heading', { level: 2 }).innerText()).toBe(
        translate(locale, 'group.join.heading'),
      )
      expect(await panel.locator('.join-point').count()).toBe(5)
      const text = await panel.innerText()
      expect(text).toContain(
        locale === 'ja'
          ? '毎月第2土曜日 14:00–16:00（日本時間）'
          : 'Second Saturday of each month, 2–4 pm (Japan time)',
      )
      expect(text).toContain(locale === 'ja' ? '3,000円（年額）' : '¥3,000 a year')
      expect(text).toContain(translate(locale, 'vocab.channel.line'))
      // The members-only place shows its town, never its street.
      expect(text).toContain('千葉県千葉市中央区')
      expect(await page.content()).not.toContain('中央港1-1-1')
      // The JSON-LD is data, not a script: it is there, parses, and the CSP had nothing to say.
      const jsonLd = await page.locator('script[type="application/ld+json"]').textContent()
      expect(JSON.parse(jsonLd ?? '')).toHaveProperty('@graph')
      const background = await page.evaluate<string>(
        'getComputedStyle(document.querySelector(".before-join")).borderTopStyle',
      )
      expect(background).toBe('solid')
      await shot(page, `group-${locale}`)
      expect(errors).toEqual([])
      await context.close()
    })

    it(`fits a phone screen (${locale})`, async () => {
      const { context, page, errors } = await openPage({
        locale,
        viewport: phone,
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
      })
      await page.goto(`${origin}${groupPath}`)
      const overflow = await page.evaluate<number>(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      )
      expect(overflow).toBe(0)
      await shot(page, `group-${locale}-phone`)
      expect(errors).toEqual([])
      await context.close()
    })
  }

  it('prints the listing without the site’s navigation and forms', async () => {
    const { context, page } = await openPage({ locale: 'ja', viewport: desktop })
    await page.goto(`${origin}${groupPath}`)
    await page.emulateMedia({ media: 'print' })
    expect(await page.locator('.site-header').isVisible()).toBe(false)
    expect(await page.locator('#feedback').isVisible()).toBe(false)
    expect(await page.locator('#before-you-join').isVisible()).toBe(true)
    await shot(page, 'group-print')
    await context.close()
  })

  it('sends a report through the form without JavaScript', async () => {
    const { context, page } = await openPage({
      locale: 'en',
      viewport: desktop,
      javaScriptEnabled: false,
    })
    await page.goto(`${origin}${groupPath}`)
    await page.getByText(translate('en', 'group.report.summary')).click()
    await page.getByLabel(translate('en', 'group.report.reason.closed')).check()
    await page
      .getByLabel(translate('en', 'group.report.details'))
      .fill('The last meeting was in 2025.')
    await page.getByRole('button', { name: translate('en', 'group.report.submit') }).click()
    await page.waitForURL((url) => url.searchParams.get('sent') === '1')
    expect(await page.getByRole('status').innerText()).toBe(
      translate('en', 'group.feedback.thanks'),
    )
    const items = await t.deps.db
      .selectFrom('moderation_item')
      .select(['reason', 'details'])
      .execute()
    expect(items).toEqual([{ reason: 'closed', details: 'The last meeting was in 2025.' }])
    await context.close()
  })
})
