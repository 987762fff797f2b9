import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import readline from 'node:readline'
import { serverEnv, serverNodeFlags } from '#src/platform/node-flags.ts'

const root = path.resolve(import.meta.dirname, '..')

export interface ServerProcess {
  child: ChildProcess
  url: string
  /** Milliseconds from spawn until the server logged that it is ready. */
  readyMs: number
  logs: string[]
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>
}

/**
 * Starts `src/server.ts` as `npm start` would, on a free port, and resolves once it logs that it is
 * ready. Used by the lifecycle test and the start-up benchmark.
 */
export function startServerProcess(env: Record<string, string>, timeoutMs = 90_000) {
  const started = performance.now()
  const child = spawn(process.execPath, [...serverNodeFlags(), 'src/server.ts'], {
    cwd: root,
    env: { ...process.env, ...serverEnv(), PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const logs: string[] = []
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  )
  return new Promise<ServerProcess>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`server not ready after ${timeoutMs} ms:\n${logs.join('\n')}`))
    }, timeoutMs)
    child.stderr?.on('data', (chunk: Buffer) => logs.push(chunk.toString()))
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      logs.push(line)
      if (!line.includes('Tomoni is ready')) return
      clearTimeout(timer)
      const { url } = JSON.parse(line) as { url: string }
      resolve({ child, url, readyMs: performance.now() - started, logs, exited })
    })
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`server exited with ${code} before it was ready:\n${logs.join('\n')}`))
    })
  })
}
