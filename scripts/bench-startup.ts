// Measures what the issue asks of start-up: time from `node src/server.ts` to ready on an empty data
// folder (migrations and reference data), on a later start, and the server's memory once ready.
// Run: npm run bench:startup
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { startServerProcess } from '../tests/server-process.ts'

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
  return Math.round(kb / 1024)
}

async function once(dataDir: string) {
  const server = await startServerProcess({ DATA_DIR: dataDir, LOG_LEVEL: 'info' })
  // Touch the main routes so the memory figure includes a warmed-up server.
  for (const p of ['/', '/api/v1/conditions?q=als', '/api/v1/conditions?q=小児がん']) {
    await (await fetch(new URL(p, server.url))).arrayBuffer()
  }
  const rss = rssMb(server.child.pid!)
  server.child.kill('SIGTERM')
  const code = await server.exited
  return { readyMs: Math.round(server.readyMs), rssMb: rss, exitCode: code }
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomoni-bench-startup-'))
try {
  const first = await once(dataDir)
  const later = []
  for (let i = 0; i < 3; i++) later.push(await once(dataDir))
  const median = later.map((r) => r.readyMs).sort((a, b) => a - b)[1]
  console.log(
    JSON.stringify(
      {
        machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
        node: process.version,
        firstStartMs: first.readyMs,
        laterStartMs: later.map((r) => r.readyMs),
        laterStartMedianMs: median,
        rssMbAfterFirstStart: first.rssMb,
        rssMbLaterStart: later.map((r) => r.rssMb),
        exitCodes: [first, ...later].map((r) => r.exitCode),
      },
      null,
      2,
    ),
  )
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true })
}
