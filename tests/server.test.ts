import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { adminQuery, withDatabase } from './db-template.ts'
import { startServerProcess as start, type ServerProcess } from './server-process.ts'

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomoni-server-'))
const serverUrl = process.env.TEST_DATABASE_URL
const database = `tomoni_server_${process.pid}`
// On the PostgreSQL run the server gets an empty database of its own; otherwise an empty folder.
const dbEnv: Record<string, string> = serverUrl
  ? { DATA_DIR: dataDir, DATABASE_URL: withDatabase(serverUrl, database) }
  : { DATA_DIR: dataDir }

// A test that fails half-way must not leave its server running.
const started: ServerProcess[] = []
async function startServerProcess(env: Record<string, string>, timeoutMs?: number) {
  const server = await start(env, timeoutMs)
  started.push(server)
  return server
}

describe('the server process', () => {
  afterEach(() => {
    for (const server of started.splice(0)) {
      if (server.child.exitCode === null) server.child.kill('SIGKILL')
    }
  })
  beforeAll(async () => {
    if (serverUrl) await adminQuery(serverUrl, `create database ${database}`)
  })
  afterAll(async () => {
    if (serverUrl) await adminQuery(serverUrl, `drop database if exists ${database}`)
    fs.rmSync(dataDir, { recursive: true, force: true })
  })

  it('starts on an empty data folder, serves, and stops with exit 0 on SIGTERM', async () => {
    const server = await startServerProcess(dbEnv)
    const health = await fetch(new URL('/healthz', server.url))
    expect(health.status).toBe(200)
    const ready = await fetch(new URL('/readyz', server.url))
    expect(await ready.json()).toEqual({ status: 'ready' })
    const home = await fetch(server.url, { headers: { 'accept-language': 'en' } })
    expect(home.status).toBe(200)
    expect(await home.text()).toContain('<html lang="en"')

    server.child.kill('SIGTERM')
    expect(await server.exited).toBe(0)
    expect(server.logs.join('\n')).toContain('"msg":"stopped"')
  })

  it('finishes a request in flight before it exits', async () => {
    const server = await startServerProcess(dbEnv)
    // The request is sent, then the signal: the answer must still arrive in full.
    const pending = fetch(new URL('/api/v1/conditions?q=diabetes&limit=50', server.url))
    await new Promise((r) => setTimeout(r, 5))
    server.child.kill('SIGTERM')
    const res = await pending
    expect(res.status).toBe(200)
    expect(Array.isArray(((await res.json()) as { items: unknown[] }).items)).toBe(true)
    expect(await server.exited).toBe(0)
  })

  it('refuses to start with a bad setting and names it', async () => {
    await expect(startServerProcess({ ...dbEnv, PORT: 'eighty' }, 30_000)).rejects.toThrow(/PORT/)
  })
})
