import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDb } from '../../tests/db.ts'
import { generateDirectory } from '../../scripts/bench-search-data.ts'
import type { DbHandle } from '#src/platform/db.ts'
import { buildIndex, slotOrder, zOrder } from './index-load.ts'

describe('slots in the order of where groups meet', () => {
  let handle: DbHandle
  beforeAll(async () => {
    handle = await createTestDb()
    await generateDirectory(handle.db, 800, { seed: 3 })
  })
  afterAll(() => handle.close())

  it('gives near places near keys, and keeps every key apart from the online groups’', () => {
    const tokyo = zOrder(35.68, 139.76)
    expect(Math.abs(zOrder(35.69, 139.77) - tokyo)).toBeLessThan(
      Math.abs(zOrder(43.06, 141.35) - tokyo),
    )
    for (const [lat, lon] of [
      [-90, -180],
      [90, 180],
      [0, 0],
      [89.99, 179.99],
    ] as const) {
      const key = zOrder(lat, lon)
      expect(key).toBeGreaterThanOrEqual(0)
      expect(key).toBeLessThan(2 ** 32)
    }
  })

  it('orders the listed groups by place, online groups last, and builds the index in that order', async () => {
    const order = await slotOrder(handle.db)
    const rows = await sql<{ id: string; lat: number | null; lon: number | null }>`
      select g.id, (select l.lat from group_location gl join location l on l.id = gl.location_id
          where gl.group_id = g.id and l.kind = 'physical' and l.lat is not null
          order by l.id limit 1) as lat,
        (select l.lon from group_location gl join location l on l.id = gl.location_id
          where gl.group_id = g.id and l.kind = 'physical' and l.lat is not null
          order by l.id limit 1) as lon
      from grp g where g.status <> 'closed' and g.hidden_at is null and g.join_policy <> 'invitation'
    `.execute(handle.db)
    const byId = new Map(rows.rows.map((r) => [r.id, r]))
    expect(order.length).toBe(rows.rows.length)
    expect(new Set(order).size).toBe(order.length)
    const keys = order.map((id) => {
      const r = byId.get(id)!
      return r.lat === null ? 2 ** 32 : zOrder(r.lat, r.lon!)
    })
    for (let i = 1; i < keys.length; i++) expect(keys[i]!).toBeGreaterThanOrEqual(keys[i - 1]!)
    // The directory has both kinds, so the order is not trivially one or the other.
    expect(keys[0]).toBeLessThan(2 ** 32)
    expect(keys.at(-1)).toBe(2 ** 32)

    const index = await buildIndex(handle.db)
    expect(order.map((_, slot) => index.ids.of(slot))).toEqual(order)
  })
})
