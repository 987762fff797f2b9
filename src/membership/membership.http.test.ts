import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from '../../tests/app.ts'
import { createAccount, person, send } from '../../tests/accounts.ts'
import {
  consentVersion,
  facilitatorSession,
  mailTo,
  runWork,
  seedGroup,
} from '../../tests/membership.ts'

type TestApp = Awaited<ReturnType<typeof createTestApp>>

/** A page's form token and the cookie that goes with it, as a browser would have them. */
async function formSession(t: TestApp, path: string, cookie?: string) {
  const page = await t.app.request(path, { headers: cookie ? { cookie } : {} })
  const html = await page.text()
  const token = /name="form_token" value="([^"]+)"/.exec(html)?.[1]
  const cookies = page.headers.getSetCookie().map((c) => c.split(';')[0]!)
  return {
    html,
    status: page.status,
    token,
    cookie: [cookie, ...cookies].filter(Boolean).join('; '),
  }
}

async function postForm(
  t: TestApp,
  path: string,
  session: { token?: string; cookie: string },
  form: Record<string, string>,
) {
  return t.app.request(path, {
    method: 'POST',
    headers: {
      cookie: session.cookie,
      origin: 'http://localhost',
      'content-type': 'application/x-www-form-urlencoded',
      'accept-language': 'en',
    },
    body: new URLSearchParams({ ...form, form_token: session.token ?? '' }).toString(),
  })
}

describe('joining and questions over HTTP, in pages and the API', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(() => t.close())

  it('joins an open group through the form: consent shown once, then in My groups', async () => {
    const groupId = await seedGroup(t, { policy: 'open' })
    const who = await createAccount(t)
    const form = await formSession(t, `/groups/${groupId}/join`, who.cookie)
    expect(form.status).toBe(200)
    expect(form.html).toContain('name="consent"')
    const missing = await postForm(t, `/groups/${groupId}/join`, form, { display_name: 'Yuki' })
    expect(missing.status).toBe(400)
    expect(await missing.text()).toContain('please agree')
    const done = await postForm(t, `/groups/${groupId}/join`, form, {
      display_name: 'Yuki',
      consent: 'yes',
      consent_version: consentVersion,
    })
    expect(done.status).toBe(303)
    const mine = await t.app.request('/my/groups', {
      headers: { cookie: who.cookie, 'accept-language': 'ja' },
    })
    const text = await mine.text()
    expect(text).toContain('メンバー')
    expect(text).toContain('このグループをやめる')
    // The group's page says where the reader stands, and shows no count of members anywhere.
    const page = await (
      await t.app.request(`/groups/${groupId}`, { headers: { cookie: who.cookie } })
    ).text()
    expect(page).toContain('/my/groups')
    const next = await formSession(t, `/groups/${groupId}/join`, who.cookie)
    expect(next.html).not.toContain('name="consent"')
  })

  it('hides an invitation-only group from the page, the API, search, the sitemap and HSDS', async () => {
    const groupId = await seedGroup(
      t,
      { policy: 'invitation' },
      { name: { original: 'en', en: 'Hidden heron circle' } },
    )
    for (const path of [
      `/groups/${groupId}`,
      `/api/v1/groups/${groupId}`,
      `/api/hsds/services/${groupId}`,
      `/groups/${groupId}/calendar.ics`,
      `/groups/${groupId}/meetings`,
      `/groups/${groupId}/ask`,
    ]) {
      expect((await t.app.request(path)).status, path).toBe(404)
    }
    const search = await (await t.app.request('/api/v1/groups?q=heron')).json()
    expect(JSON.stringify(search)).not.toContain(groupId)
    const sitemap = await (await t.app.request('/sitemap-1.xml')).text()
    expect(sitemap).not.toContain(groupId)
    const keeper = await facilitatorSession(t, groupId)
    const made = await send(t, 'POST', `/api/v1/groups/${groupId}/passes`, {
      cookie: keeper.cookie,
      body: { kind: 'invitation', label: 'Spring', max_uses: 1 },
    })
    expect(made.status).toBe(201)
    const { token, link } = (await made.json()) as { token: string; link: string }
    expect(link.endsWith(`/invite/${token}`)).toBe(true)
    const anonymousView = await t.app.request(`/invite/${token}`)
    expect(anonymousView.status).toBe(200)
    expect(await anonymousView.text()).toContain('Hidden heron circle')
    const who = await createAccount(t)
    const joined = await send(t, 'POST', `/api/v1/groups/${groupId}/join`, {
      cookie: who.cookie,
      body: { display_name: 'Invited', consent_version: consentVersion, pass: token },
    })
    expect(joined.status).toBe(201)
    expect(await joined.json()).toMatchObject({ state: 'active' })
    // Used up: the link now leads nowhere.
    expect((await t.app.request(`/invite/${token}`)).status).toBe(404)
    // A member may see the group's meetings page; the public still may not.
    expect(
      (await t.app.request(`/groups/${groupId}/meetings`, { headers: { cookie: who.cookie } }))
        .status,
    ).toBe(200)
  })

  it('lets a facilitator with a second factor approve, and refuses one without (403)', async () => {
    const groupId = await seedGroup(t, { policy: 'approval' })
    const keeper = await facilitatorSession(t, groupId)
    const who = await createAccount(t)
    const join = await send(t, 'POST', `/api/v1/groups/${groupId}/join`, {
      cookie: who.cookie,
      body: { display_name: 'Asker', consent_version: consentVersion, note: 'Hello' },
    })
    const { membership_id } = (await join.json()) as { membership_id: string }
    // The facilitator's password-only session elsewhere cannot manage.
    const plain = await send(t, 'POST', '/api/v1/auth/sign-in', {
      body: { email: keeper.email, password: keeper.password },
    })
    expect(await plain.json()).toEqual({ second_factor_required: true })
    const page = await formSession(t, `/manage/groups/${groupId}/members`, keeper.cookie)
    expect(page.status).toBe(200)
    expect(page.html).toContain('Asker')
    expect(page.html).toContain('Hello')
    const approved = await postForm(t, `/manage/groups/${groupId}/members/${membership_id}`, page, {
      decision: 'approve',
    })
    expect(approved.status).toBe(303)
    const list = await send(t, 'GET', `/api/v1/groups/${groupId}/members`, {
      cookie: keeper.cookie,
    })
    expect(await list.json()).toMatchObject({ items: [{ membership_id, state: 'active' }] })
    // A member sees only themselves until others opt in; nobody else sees anything.
    expect(
      await (
        await send(t, 'GET', `/api/v1/groups/${groupId}/members`, { cookie: who.cookie })
      ).json(),
    ).toMatchObject({
      items: [{ you: true }],
    })
    const stranger = await createAccount(t)
    expect(
      (await send(t, 'GET', `/api/v1/groups/${groupId}/members`, { cookie: stranger.cookie }))
        .status,
    ).toBe(404)
    expect(
      (await send(t, 'GET', `/api/v1/groups/${groupId}/join-settings`, { cookie: stranger.cookie }))
        .status,
    ).toBe(403)
  })

  it('relays an anonymous question both ways, never showing the asker’s address, until they reveal themselves', async () => {
    const groupId = await seedGroup(t, { policy: 'approval' })
    const keeper = await facilitatorSession(t, groupId)
    const seekerEmail = `seeker.${Date.now()}@example.test`
    const ask = await formSession(t, `/groups/${groupId}/ask`)
    const sent = await postForm(t, `/groups/${groupId}/ask`, ask, {
      body: 'Can partners come?',
      email: seekerEmail,
    })
    expect(sent.status).toBe(200)
    await runWork(t)
    // Nothing reaches the group until the address is confirmed.
    expect(mailTo(t, keeper.email)).toEqual([])
    const confirm = mailTo(t, seekerEmail).at(-1)!
    const token = /\/questions\/([A-Za-z0-9_-]{43})/.exec(confirm.text)![1]!
    const thread = await formSession(t, `/questions/${token}`)
    expect((await postForm(t, `/questions/${token}/confirm`, thread, {})).status).toBe(303)
    await runWork(t)
    expect(mailTo(t, keeper.email)).toHaveLength(1)

    const { items } = (await (
      await send(t, 'GET', `/api/v1/groups/${groupId}/questions`, { cookie: keeper.cookie })
    ).json()) as {
      items: { id: string; revealed: unknown }[]
    }
    expect(items).toMatchObject([{ revealed: null }])
    const view = await send(t, 'GET', `/api/v1/groups/${groupId}/questions/${items[0]!.id}`, {
      cookie: keeper.cookie,
    })
    expect(JSON.stringify(await view.json())).not.toContain(seekerEmail)
    const reply = await send(
      t,
      'POST',
      `/api/v1/groups/${groupId}/questions/${items[0]!.id}/replies`,
      {
        cookie: keeper.cookie,
        body: { body: 'Yes, partners are welcome.' },
      },
    )
    expect(reply.status).toBe(204)
    await runWork(t)
    const relayed = mailTo(t, seekerEmail).at(-1)!
    expect(relayed.subject).toBe('A reply to your question')
    expect(relayed.text).toContain(`/questions/${token}`)
    expect(relayed.text).not.toContain(keeper.email)
    const mine = await (await t.app.request(`/questions/${token}`)).text()
    expect(mine).toContain('Yes, partners are welcome.')

    await send(t, 'POST', `/api/v1/questions/${token}/reveal`, { body: { name: 'Aoi' } })
    const after = (await (
      await send(t, 'GET', `/api/v1/groups/${groupId}/questions`, { cookie: keeper.cookie })
    ).json()) as {
      items: { revealed: unknown }[]
    }
    expect(after.items[0]!.revealed).toEqual({ name: 'Aoi', email: seekerEmail })
  })

  it('answers the join form in Japanese, and a screening form with its questions', async () => {
    const groupId = await seedGroup(t, { policy: 'screening' })
    const keeper = await facilitatorSession(t, groupId)
    await send(t, 'PUT', `/api/v1/groups/${groupId}/questionnaire`, {
      cookie: keeper.cookie,
      body: {
        questions: [
          { kind: 'scale', label: 'How are you today?' },
          { kind: 'choice', label: 'Role', options: ['Patient', 'Family'] },
        ],
      },
    })
    const who = await createAccount(t, person({ locale: 'ja' }))
    const page = await t.app.request(`/groups/${groupId}/join`, {
      headers: { cookie: who.cookie, 'accept-language': 'ja' },
    })
    const html = await page.text()
    expect(html).toContain('<html lang="ja">')
    expect(html).toContain('How are you today?')
    expect(html).toContain('type="radio"')
    expect(html).toContain('申し込む')
    expect(html).not.toMatch(/<script(?![^>]*type="application\/ld\+json")/)
  })
})
