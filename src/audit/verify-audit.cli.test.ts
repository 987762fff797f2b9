import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { adminQuery, withDatabase } from '../../tests/db-template.ts'
import { openDatabase, openPostgres, pgliteExtensions, type DbHandle } from '#src/platform/db.ts'
import { deriveSecrets } from '#src/platform/secrets.ts'
import { appendAudit } from './audit.ts'

const root = path.resolve(import.meta.dirname, '../..')
const auditKey = 'a key for the verify-audit command test, 32+ chars'

/** Runs `npm run cli -- verify-audit` as the operator would; answers its exit code and output. */
function verifyAudit(env: Record<string, string>) {
  const child = spawn(process.execPath, ['src/cli.ts', 'verify-audit'], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'silent', NODE_ENV: 'test', AUDIT_KEY: auditKey, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  return new Promise<{ code: number | null; output: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, output })),
  )
}

describe('npm run cli -- verify-audit', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomoni-verify-'))
  const template = inject('dbTemplate')
  const database = `tomoni_verify_${process.pid}`
  let env: Record<string, string>
  let open: () => Promise<DbHandle>

  beforeAll(async () => {
    // A database the command opens as it would in production: a PGlite folder, or a server's.
    if (template.kind === 'pglite') {
      const blob = new Blob([fs.readFileSync(template.dumpPath)])
      const pglite = await PGlite.create({
        dataDir: path.join(dataDir, 'pglite'),
        loadDataDir: blob,
        extensions: pgliteExtensions,
      })
      await pglite.close()
      env = { DATA_DIR: dataDir }
      open = () => openDatabase({ dataDir, poolMax: 1 })
    } else {
      await adminQuery(template.url, `create database ${database} template ${template.template}`)
      const url = withDatabase(template.url, database)
      env = { DATA_DIR: dataDir, DATABASE_URL: url }
      open = () => Promise.resolve(openPostgres(url, 1))
    }
    const handle = await open()
    const deps = {
      db: handle.db,
      clock: { now: () => new Date() },
      secrets: deriveSecrets(auditKey),
    }
    for (let i = 0; i < 3; i++) {
      await appendAudit(deps, { actorId: null, action: 'sign_in_failed', details: { n: i } })
    }
    await handle.close()
  })
  afterAll(async () => {
    if (template.kind === 'postgres') {
      await adminQuery(template.url, `drop database if exists ${database}`)
    }
    fs.rmSync(dataDir, { recursive: true, force: true })
  })

  it('exits 0 on an intact chain, and non-zero naming the entry once one is changed', async () => {
    const intact = await verifyAudit(env)
    expect(intact.output).toContain('The audit log verifies: 3 entries')
    expect(intact.code).toBe(0)

    // What only someone with the database owner's rights could do.
    const handle = await open()
    await sql`alter table audit_log disable trigger audit_log_append_only`.execute(handle.db)
    await sql`update audit_log set details = '{"n": 7}'::jsonb where id = 2`.execute(handle.db)
    await handle.close()

    const tampered = await verifyAudit(env)
    expect(tampered.code).toBe(1)
    expect(tampered.output).toContain('The audit log is broken at entry 2')
  })
})
