import { parentPort } from 'node:worker_threads'
import type { DirectoryIndex } from './directory-index.ts'
import { thaw } from './index-transfer.ts'
import { runPlan } from './run-plan.ts'
import type { ToThread, FromThread } from './search-threads.ts'

/**
 * A search thread (search-threads.ts): it holds the version of the index it was last sent, whose
 * large arrays are the server's own in shared memory, and runs plans against it.
 */

if (!parentPort) throw new Error('search-thread.ts runs as a worker thread')
const port = parentPort
let current: { version: number; index: DirectoryIndex } | null = null

port.on('message', (message: ToThread) => {
  if (message.type === 'index') {
    current = { version: message.version, index: thaw(message.value) }
    const reply: FromThread = { type: 'ready', version: message.version }
    port.postMessage(reply)
    return
  }
  let reply: FromThread
  if (!current || current.version !== message.version) {
    reply = { type: 'stale', id: message.id }
  } else {
    try {
      reply = {
        type: 'result',
        id: message.id,
        result: runPlan(message.plan, current.index, message.options),
      }
    } catch {
      reply = { type: 'failed', id: message.id }
    }
  }
  port.postMessage(reply)
})
