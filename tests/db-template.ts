import fs from 'node:fs'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { openPostgres, pgliteExtensions, wrapPglite } from '#src/platform/db.ts'
import { createLogger } from '#src/platform/log.ts'
import { migrateToLatest } from '#src/platform/migrate.ts'
import { loadReferenceData } from '#src/reference/load.ts'

export type Template =
  | { kind: 'pglite'; dumpPath: string; cleanup?: () => Promise<void> }
  | { kind: 'postgres'; url: string; template: string; cleanup?: () => Promise<void> }

const silent = createLogger({ level: 'silent' })

/**
 * With TEST_DATABASE_URL (a PostgreSQL server the tests may create databases on) the template is a
 * PostgreSQL database; otherwise it is a PGlite data folder dumped to a file.
 */
export async function prepareTemplate(dir: string): Promise<Template> {
  const url = process.env.TEST_DATABASE_URL
  if (url) {
    const template = `tomoni_template_${process.pid}`
    await adminQuery(url, `drop database if exists ${template}`)
    await adminQuery(url, `create database ${template}`)
    const handle = openPostgres(withDatabase(url, template), 2)
    await migrateToLatest(handle.db)
    await loadReferenceData(handle.db, silent)
    await handle.close()
    return {
      kind: 'postgres',
      url,
      template,
      cleanup: () => adminQuery(url, `drop database if exists ${template}`),
    }
  }
  const pglite = await PGlite.create({ extensions: pgliteExtensions })
  const handle = wrapPglite(pglite)
  await migrateToLatest(handle.db)
  await loadReferenceData(handle.db, silent)
  const dump = await pglite.dumpDataDir('none')
  await handle.close()
  const dumpPath = path.join(dir, 'template.tar')
  fs.writeFileSync(dumpPath, Buffer.from(await dump.arrayBuffer()))
  return { kind: 'pglite', dumpPath }
}

export async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(text)
  } finally {
    await client.end()
  }
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url)
  u.pathname = `/${database}`
  return u.toString()
}
