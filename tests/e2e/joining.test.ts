import { readFileSync } from 'node:fs'
import ICAL from 'ical.js'
import { type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMeeting } from '#src/meetings/meetings.service.ts'
import { createAccount, person } from '../accounts.ts'
import { createTestApp } from '../app.ts'
import { openBrowser, screenshots } from '../chromium.ts'
import { consentVersion, facilitator, facilitatorSession, seedGroup } from '../membership.ts'
import { send } from '../accounts.ts'

describe('joining an open group and taking a place at its meeting, in Chromium', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>
  let closeBrowser: (() => Promise<void>) | undefined
  let browser: Browser
  let origin: string
  let groupId: string

  beforeAll(async () => {
    t = await createTestApp()
    groupId = await seedGroup(t, { policy: 'open' })
    const keeper = await facilitator(t, groupId)
    await createMeeting(t.deps, keeper.actor, groupId, {
      title: 'December circle',
      description: 'Tea, and time to talk.',
      lang: 'en',
      timezone: 'Asia/Tokyo',
      format: 'hybrid',
      venue: 'Chiba civic centre, room 3',
      online_url: 'https://video.example/december',
      audience: 'members',
      capacity: 12,
      start_time: '14:00',
      duration_minutes: 120,
      date: '2026-12-12',
    })
    ;({ browser, origin, close: closeBrowser } = await openBrowser(t))
  })

  afterAll(async () => {
    await closeBrowser?.()
    await t?.close()
  })

  const shot = screenshots('joining-')

  async function signedIn(locale: string, viewport: { width: number; height: number }) {
    const who = await createAccount(t, person())
    const context = await browser.newContext({
      locale,
      viewport,
      acceptDownloads: true,
      javaScriptEnabled: false,
    })
    const page = await context.newPage()
    page.setDefaultTimeout(8000)
    await page.goto(`${origin}/sign-in`)
    await page.locator('input[name="email"]').fill(who.email)
    await page.locator('input[name="password"]').fill(who.password)
    await page.locator('form[action="/sign-in"] button[type="submit"]').click()
    return { context, page }
  }

  it('joins, says it is coming, finds it in My meetings and downloads the .ics', async () => {
    const { context, page } = await signedIn('en-GB', { width: 1280, height: 900 })
    const errors: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().includes('status of 400')) errors.push(m.text())
    })
    await page.goto(`${origin}/groups/${groupId}`)
    await shot(page, 'group-page')
    await page.locator('#join').getByRole('link', { name: 'Join' }).click()
    await page.getByLabel('Your name in this group').fill('Blue heron')
    await shot(page, 'join-form')
    await page.getByRole('button', { name: 'Join' }).click()
    // Without consent, the form comes back with the message beside the box, the name kept.
    await expect.poll(() => page.locator('#consent-error').innerText()).toContain('please agree')
    expect(await page.getByLabel('Your name in this group').inputValue()).toBe('Blue heron')
    await page.getByLabel('I agree').check()
    await page.getByRole('button', { name: 'Join' }).click()
    await expect.poll(() => page.locator('h1').innerText()).toBe('My groups')
    await expect.poll(() => page.locator('.my-group .badge').innerText()).toBe('Member')
    await shot(page, 'my-groups')

    await page.locator('.my-group').getByRole('link', { name: 'Meetings', exact: true }).click()
    await page.getByRole('link', { name: 'December circle' }).click()
    expect(await page.locator('.meeting-facts').innerText()).toContain(
      'Shown to those with a place.',
    )
    await page.getByRole('button', { name: 'I am coming' }).click()
    await expect.poll(() => page.locator('.rsvp').innerText()).toContain('You have a place.')
    expect(await page.locator('.meeting-facts').innerText()).toContain('Chiba civic centre, room 3')
    expect(await page.locator('.meeting-facts').innerText()).toContain(
      'https://video.example/december',
    )
    await shot(page, 'meeting')

    const downloading = page.waitForEvent('download')
    await page.getByRole('link', { name: 'Add to my calendar (.ics)' }).click()
    const download = await downloading
    expect(download.suggestedFilename()).toMatch(/^tomoni-meeting-[0-9a-f]{8}\.ics$/)
    const file = readFileSync(await download.path(), 'utf8')
    const event = new ICAL.Event(ICAL.Component.fromString(file).getFirstSubcomponent('vevent')!)
    expect(event.summary).toBe('December circle')
    expect(event.startDate.toJSDate().toISOString()).toBe('2026-12-12T05:00:00.000Z')

    await page.locator('.account-nav').getByRole('link', { name: 'My meetings' }).click()
    await expect
      .poll(() => page.locator('.meeting-card').first().innerText())
      .toContain('December circle')
    expect(await page.locator('.meeting-card').first().innerText()).toContain(
      'Saturday 12 December 2026, 2–4 pm (Japan time)',
    )
    await shot(page, 'my-meetings')
    expect(errors).toEqual([])
    await context.close()
  })

  it('lays out the join form and the meeting on a phone, in Japanese', async () => {
    const phone = { width: 390, height: 844 }
    const { context, page } = await signedIn('ja-JP', phone)
    await page.goto(`${origin}/groups/${groupId}/join`)
    await page.getByRole('button', { name: '参加する' }).click()
    await shot(page, 'join-phone-ja')
    const width = await page.evaluate<number>('document.documentElement.scrollWidth')
    expect(width).toBeLessThanOrEqual(phone.width)
    await context.close()
  })

  it('lets a facilitator with a second factor read a request and approve it', async () => {
    const approvalGroup = await seedGroup(t, { policy: 'approval', capacity: 10 })
    const keeper = await facilitatorSession(t, approvalGroup)
    const asker = await createAccount(t, person())
    await send(t, 'POST', `/api/v1/groups/${approvalGroup}/join`, {
      cookie: asker.cookie,
      body: {
        display_name: 'Sora',
        consent_version: consentVersion,
        note: 'My son is in treatment.',
      },
    })
    const context = await browser.newContext({
      locale: 'en-GB',
      viewport: { width: 1280, height: 900 },
    })
    const page = await context.newPage()
    page.setDefaultTimeout(8000)
    await page.goto(`${origin}/sign-in`)
    await page.locator('input[name="email"]').fill(keeper.email)
    await page.locator('input[name="password"]').fill(keeper.password)
    await page.locator('form[action="/sign-in"] button[type="submit"]').click()
    t.clock.advance(30_000)
    await page.getByLabel('Code from the app').fill(keeper.code())
    await page.getByRole('button', { name: 'Continue' }).click()
    await expect.poll(() => page.locator('h1').innerText()).toBe('You are signed in')
    await page.goto(`${origin}/manage/groups/${approvalGroup}/members`)
    await expect.poll(() => page.locator('h1').innerText()).toBe('Members and requests')
    expect(await page.locator('#members-requests + ul').innerText()).toContain(
      'My son is in treatment.',
    )
    await shot(page, 'manage-members')
    await page.getByRole('button', { name: 'Approve' }).click()
    await expect.poll(() => page.locator('#members-active + ul').innerText()).toContain('Sora')
    await page.goto(`${origin}/manage/groups/${approvalGroup}/meetings/new`)
    await shot(page, 'manage-new-meeting')
    await context.close()
  })
})
