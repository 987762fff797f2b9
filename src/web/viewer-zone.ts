/**
 * The reader's own time zone, for showing meeting times in it too. Pages work without JavaScript,
 * so the browser cannot tell it: the reader chooses it once ("My meetings") and a cookie keeps it.
 */
import { getCookie, setCookie } from 'hono/cookie'
import { isTimeZone } from '#src/meetings/time.ts'
import type { AppContext } from '#src/platform/http.ts'

const cookie = 'tomoni_tz'

export function viewerZone(c: AppContext): string | null {
  const value = getCookie(c, cookie)
  return value && isTimeZone(value) && !/^[+-]/.test(value) ? value : null
}

export function setViewerZone(c: AppContext, zone: string | null) {
  setCookie(c, cookie, zone ?? '', {
    path: '/',
    httpOnly: true,
    sameSite: 'Lax',
    secure: c.get('deps').env.NODE_ENV === 'production',
    maxAge: zone ? 400 * 86_400 : 0,
  })
}

/** Zones offered in the chooser: every IANA zone the runtime knows. */
export const knownZones = (): string[] => Intl.supportedValuesOf('timeZone')
