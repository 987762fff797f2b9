import { existsSync, mkdirSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { serve } from '@hono/node-server'
import { chromium, type Browser, type Page } from 'playwright-core'
import type { TestApp } from './page-browser.ts'

/** Debian's Chromium; CI installs it with `apt-get install -y chromium`. */
const chromiumPath = '/usr/bin/chromium'

/** Where browser tests leave their screenshots, to be looked at. */
export const resultsDir = path.resolve(import.meta.dirname, '../test-results')

/** A full-page screenshot named `${prefix}${name}.png` in test-results/. */
export const screenshots = (prefix: string) => (page: Page, name: string) =>
  page.screenshot({ path: path.join(resultsDir, `${prefix}${name}.png`), fullPage: true })

/**
 * The test app served on 127.0.0.1 and a headless Chromium to visit it. `host: 'localhost'` is
 * for WebAuthn, which wants a host name rather than an address (localhost is a secure context
 * over plain HTTP).
 */
export async function openBrowser(
  t: TestApp,
  { host = '127.0.0.1' }: { host?: '127.0.0.1' | 'localhost' } = {},
): Promise<{ browser: Browser; origin: string; close: () => Promise<void> }> {
  // Fail, not skip: a missing browser must not pass CI silently.
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium is not installed at ${chromiumPath}. Install it with: apt-get install -y chromium`,
    )
  }
  mkdirSync(resultsDir, { recursive: true })
  let server: ReturnType<typeof serve> | undefined
  const port = await new Promise<number>((resolve) => {
    server = serve({ fetch: t.app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) =>
      resolve(info.port),
    )
  })
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      ...(host === 'localhost' ? ['--host-resolver-rules=MAP localhost 127.0.0.1'] : []),
    ],
  })
  return {
    browser,
    origin: `http://${host}:${port}`,
    async close() {
      await browser.close()
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
    },
  }
}
