import fs from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import { inject } from 'vitest'
import { openPostgres, pgliteExtensions, wrapPglite, type DbHandle } from '#src/platform/db.ts'
import { adminQuery, withDatabase } from './db-template.ts'

let counter = 0

/**
 * A fresh database for one test file (or one test), migrated and with the reference data, copied
 * from the run's template: PGlite in memory, or a new PostgreSQL database made from the template.
 */
export async function createTestDb(): Promise<DbHandle & { url?: string }> {
  const template = inject('dbTemplate')
  if (template.kind === 'pglite') {
    const blob = new Blob([fs.readFileSync(template.dumpPath)])
    const pglite = await PGlite.create({ loadDataDir: blob, extensions: pgliteExtensions })
    return wrapPglite(pglite)
  }
  const name = `tomoni_test_${process.pid}_${Date.now()}_${counter++}`
  await adminQuery(template.url, `create database ${name} template ${template.template}`)
  const url = withDatabase(template.url, name)
  const handle = openPostgres(url, 4)
  return {
    ...handle,
    url,
    kind: 'postgres',
    close: async () => {
      await handle.close()
      await adminQuery(template.url, `drop database if exists ${name}`)
    },
  }
}
