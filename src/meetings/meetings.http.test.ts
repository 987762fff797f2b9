import ICAL from 'ical.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../tests/app.ts'
import { createAccount, send } from '../../tests/accounts.ts'
import { consentVersion, facilitatorSession, seedGroup } from '../../tests/membership.ts'

type TestApp = Awaited<ReturnType<typeof createTestApp>>

async function withToken(t: TestApp, path: string, cookie: string) {
  const page = await t.app.request(path, { headers: { cookie, 'accept-language': 'en' } })
  const token = /name="form_token" value="([^"]+)"/.exec(await page.text())?.[1] ?? ''
  const cookies = page.headers.getSetCookie().map((c) => c.split(';')[0]!)
  return { token, cookie: [cookie, ...cookies].join('; ') }
}

const post = (
  t: TestApp,
  path: string,
  s: { token: string; cookie: string },
  form: Record<string, string> = {},
) =>
  t.app.request(path, {
    method: 'POST',
    headers: {
      cookie: s.cookie,
      origin: 'http://localhost',
      'content-type': 'application/x-www-form-urlencoded',
      'accept-language': 'en',
    },
    body: new URLSearchParams({ ...form, form_token: s.token }).toString(),
  })

describe('meetings over HTTP', () => {
  let t: TestApp
  let groupId: string
  let keeper: Awaited<ReturnType<typeof facilitatorSession>>
  beforeAll(async () => {
    t = await createTestApp()
    groupId = await seedGroup(t, { policy: 'open' })
    keeper = await facilitatorSession(t, groupId)
  })
  afterAll(() => t.close())

  it('lets a facilitator add a regular meeting through the form, in the group’s zone', async () => {
    const form = await withToken(t, `/manage/groups/${groupId}/series/new`, keeper.cookie)
    const bad = await post(t, `/manage/groups/${groupId}/series/new`, form, {
      title: '',
      date: '2027-01-09',
    })
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('Give it a title')
    const res = await post(t, `/manage/groups/${groupId}/series/new`, form, {
      kind: 'meeting',
      title: 'Second Saturday circle',
      lang: 'en',
      date: '2027-01-09',
      start_time: '14:00',
      duration_minutes: '120',
      timezone: 'Asia/Tokyo',
      repeat: 'monthly_nth',
      format: 'in_person',
      venue: 'Chiba civic centre, room 3',
      venue_visibility: 'attendees',
      audience: 'members',
    })
    expect(res.status).toBe(303)
    const series = await t.deps.db
      .selectFrom('meeting_series')
      .select('rrule')
      .where('group_id', '=', groupId)
      .executeTakeFirstOrThrow()
    expect(series.rrule).toBe('FREQ=MONTHLY;BYDAY=2SA')
    // The listing's next meeting is now the group's own.
    const listing = (await (await t.app.request(`/api/v1/groups/${groupId}`)).json()) as {
      next_meeting: string
    }
    expect(listing.next_meeting).toBe('2027-01-09T14:00:00+09:00')
    const search = (await (await t.app.request('/api/v1/groups?q=chiba')).json()) as {
      items: { id: string; next_meeting: string | null }[]
    }
    expect(search.items.find((g) => g.id === groupId)?.next_meeting).toBe(
      '2027-01-09T14:00:00+09:00',
    )
  })

  it('shows members-only details to members only, RSVPs through the page, and offers the .ics', async () => {
    const { items } = (await (
      await send(t, 'GET', `/api/v1/groups/${groupId}/meetings`)
    ).json()) as {
      items: { id: string; title: string | null; venue: string | null }[]
    }
    const first = items[0]!
    expect(first).toMatchObject({ title: null, venue: null })
    const member = await createAccount(t)
    await send(t, 'POST', `/api/v1/groups/${groupId}/join`, {
      cookie: member.cookie,
      body: { display_name: 'Rin', consent_version: consentVersion },
    })
    const page = await t.app.request(`/meetings/${first.id}`, {
      headers: { cookie: member.cookie, 'accept-language': 'en' },
    })
    const html = await page.text()
    expect(html).toContain('Second Saturday circle')
    expect(html).toContain('Shown to those with a place.')
    const s = await withToken(t, `/meetings/${first.id}`, member.cookie)
    expect((await post(t, `/meetings/${first.id}/rsvp`, s)).status).toBe(303)
    const after = await (
      await t.app.request(`/meetings/${first.id}`, {
        headers: { cookie: member.cookie, 'accept-language': 'en' },
      })
    ).text()
    expect(after).toContain('Chiba civic centre, room 3')
    expect(after).toContain('You have a place.')

    const ics = await t.app.request(`/meetings/${first.id}/calendar.ics`, {
      headers: { cookie: member.cookie },
    })
    expect(ics.headers.get('content-type')).toBe('text/calendar; charset=utf-8')
    expect(ics.headers.get('content-disposition')).toMatch(/^attachment; filename="tomoni-meeting-/)
    const event = new ICAL.Event(
      ICAL.Component.fromString(await ics.text()).getFirstSubcomponent('vevent')!,
    )
    expect(event.summary).toBe('Second Saturday circle')
    expect(event.startDate.toJSDate().toISOString()).toBe('2027-01-09T05:00:00.000Z')

    const mine = await (
      await t.app.request('/my/meetings', {
        headers: { cookie: member.cookie, 'accept-language': 'en' },
      })
    ).text()
    expect(mine).toContain('Second Saturday circle')
  })

  it('shows a meeting at its local time and at the reader’s, once they chose a zone', async () => {
    const member = await createAccount(t)
    await send(t, 'POST', `/api/v1/groups/${groupId}/join`, {
      cookie: member.cookie,
      body: { display_name: 'Kai', consent_version: consentVersion },
    })
    const { items } = (await (
      await send(t, 'GET', `/api/v1/groups/${groupId}/meetings`)
    ).json()) as { items: { id: string }[] }
    const s = await withToken(t, '/my/meetings', member.cookie)
    const set = await post(t, '/my/time-zone', s, { zone: 'America/New_York' })
    expect(set.status).toBe(303)
    const zoneCookie = set.headers
      .getSetCookie()
      .find((c) => c.startsWith('tomoni_tz='))!
      .split(';')[0]!
    const html = await (
      await t.app.request(`/meetings/${items[0]!.id}`, {
        headers: { cookie: `${member.cookie}; ${zoneCookie}`, 'accept-language': 'en' },
      })
    ).text()
    expect(html).toContain('Saturday 9 January 2027, 2–4 pm (Japan time)')
    expect(html).toContain('In your time zone: Saturday 9 January 2027, 12–2 am (Eastern Time)')
  })

  it('serves the public feed of the contract as valid iCalendar, and a renewable private feed', async () => {
    const res = await t.app.request(`/groups/${groupId}/calendar.ics`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8')
    const body = await res.text()
    expect(body).toMatch(/\r\n/)
    const events = ICAL.Component.fromString(body).getAllSubcomponents('vevent')
    expect(events.length).toBeGreaterThan(0)
    expect(body).not.toContain('Chiba civic centre')

    const member = await createAccount(t)
    const made = (await (
      await send(t, 'POST', '/api/v1/me/calendar-feed', { cookie: member.cookie })
    ).json()) as { url: string }
    const path = new URL(made.url).pathname
    const feed = await t.app.request(path)
    expect(feed.status).toBe(200)
    expect(feed.headers.get('cache-control')).toBe('no-store')
    await send(t, 'POST', '/api/v1/me/calendar-feed', { cookie: member.cookie })
    expect((await t.app.request(path)).status).toBe(404)
  })
})
