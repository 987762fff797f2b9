/** Every job handler and notice kind of the features, for the worker. */
import { extendSeries } from '#src/meetings/series.service.ts'
import { remindAttendees } from '#src/meetings/meetings.service.ts'
import { meetingNotices } from '#src/meetings/meetings.notices.ts'
import { membershipNotices } from '#src/membership/membership.notices.ts'
import { lapseOffer } from '#src/membership/places.ts'
import type { WorkRegistry } from './worker.ts'

export const workRegistry: WorkRegistry = {
  jobs: {
    'membership.offer-lapse': lapseOffer,
    'meeting.remind': remindAttendees,
    'meeting.extend-series': extendSeries,
  },
  notices: { ...membershipNotices, ...meetingNotices },
}
