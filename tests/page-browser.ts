import { addSecondFactor, createAccount, person } from './accounts.ts'
import type { createTestApp } from './app.ts'

export type TestApp = Awaited<ReturnType<typeof createTestApp>>

/** A browser without JavaScript: keeps cookies, reads forms, posts them back. */
export function browser(t: TestApp, locale: 'ja' | 'en') {
  const jar = new Map<string, string>()
  const remember = (res: Response) => {
    for (const header of res.headers.getSetCookie()) {
      const [pair = ''] = header.split(';')
      const [name = '', value = ''] = pair.split('=')
      if (value) jar.set(name, value)
      else jar.delete(name)
    }
  }
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
  return {
    jar,
    async get(path: string) {
      const res = await t.app.request(path, {
        headers: { cookie: cookie(), 'accept-language': locale },
      })
      remember(res)
      return { res, html: await res.text() }
    },
    async post(path: string, fields: Record<string, string> | [string, string][]) {
      const res = await t.app.request(
        path,
        {
          method: 'POST',
          headers: {
            cookie: cookie(),
            'accept-language': locale,
            origin: 'http://localhost',
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: new URLSearchParams(fields).toString(),
        },
        { incoming: { socket: { remoteAddress: '10.77.0.1' } } },
      )
      remember(res)
      return { res, html: await res.text() }
    },
  }
}

/** The hidden fields of the page's form. */
export const hidden = (html: string) =>
  Object.fromEntries(
    [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [
      m[1]!,
      m[2]!,
    ]),
  )

/**
 * A browser without JavaScript, signed in as a new person (with that address, if given), in a
 * session opened with a second factor, as staff powers need (decision 012).
 */
export async function signedInBrowser(t: TestApp, email?: string, locale: 'ja' | 'en' = 'en') {
  const created = await createAccount(t, person(email ? { email } : {}))
  const who = { ...created, cookie: (await addSecondFactor(t, created)).cookie }
  const b = browser(t, locale)
  const [name, value] = who.cookie.split('=')
  b.jar.set(name!, value!)
  return { ...who, b }
}
