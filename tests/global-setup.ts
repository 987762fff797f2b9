import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import { prepareTemplate } from './db-template.ts'

/**
 * Builds one migrated database with the reference data loaded, once per run; every test file then
 * starts from a copy of it instead of migrating and loading again.
 */
export default async function setup(project: TestProject) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomoni-test-'))
  const { cleanup, ...template } = await prepareTemplate(dir)
  project.provide('dbTemplate', template)
  return async () => {
    await cleanup?.()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    dbTemplate:
      { kind: 'pglite'; dumpPath: string } | { kind: 'postgres'; url: string; template: string }
  }
}
