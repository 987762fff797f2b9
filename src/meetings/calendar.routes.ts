/**
 * The iCalendar answers (decision 063): `GET /groups/{id}/calendar.ics` (the contract's public
 * feed), each person's private feed at `/calendar/{secret}.ics`, and one meeting's `.ics`.
 */
import { Hono, type Context } from 'hono'
import { policy } from '#src/access/route-policy.ts'
import { notFound } from '#src/platform/errors.ts'
import type { AppEnv } from '#src/platform/http.ts'
import { groupFeed, meetingIcs, privateFeed } from './calendar.service.ts'

function calendar(
  c: Context<AppEnv>,
  text: string,
  options: { private: boolean; filename?: string },
) {
  c.header('Content-Type', 'text/calendar; charset=utf-8')
  c.header('Vary', 'Accept-Language, Cookie')
  if (options.private) {
    c.header('Cache-Control', 'no-store')
    c.header('Referrer-Policy', 'no-referrer')
  } else {
    c.header('Cache-Control', 'public, max-age=300')
  }
  if (options.filename)
    c.header('Content-Disposition', `attachment; filename="${options.filename}"`)
  return c.body(text, 200)
}

export function calendarRoutes() {
  return new Hono<AppEnv>()
    .get('/groups/:id/calendar.ics', policy('public'), async (c) =>
      calendar(c, await groupFeed(c.get('deps'), c.req.param('id'), c.get('locale')), {
        private: false,
      }),
    )
    .get('/calendar/:file', policy('public'), async (c) => {
      const file = c.req.param('file')
      if (!file.endsWith('.ics')) throw notFound('No such feed.')
      const text = await privateFeed(c.get('deps'), file.slice(0, -4), c.get('locale'))
      return calendar(c, text, { private: true })
    })
    .get('/meetings/:id/calendar.ics', policy('public'), async (c) => {
      const id = c.req.param('id')
      const text = await meetingIcs(c.get('deps'), c.get('actor'), id, c.get('locale'))
      // What the reader sees depends on who they are: never kept by a shared cache.
      return calendar(c, text, { private: true, filename: `tomoni-meeting-${id.slice(0, 8)}.ics` })
    })
}
