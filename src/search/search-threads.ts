import type { Worker } from 'node:worker_threads'
import type { DirectoryIndex } from './directory-index.ts'
import type { Plan } from './engine.ts'
import {
  allocate,
  freeze,
  sharedFromBytes,
  type ArrayType,
  type TypedArray,
} from './index-transfer.ts'
import type { RunOptions, RunResult } from './run-plan.ts'
import { startThread } from './thread-sources.ts'

/**
 * Searches run on worker threads, so that a server uses every core for them (decision 043). The
 * threads read the server's own index: its large typed arrays (nearly all of it) are in shared
 * memory, and each thread holds a copy of the rest, sent as a new version whenever the index
 * changes. Before the index changes, `hold` waits for the searches in flight and keeps new ones
 * on the server's thread until the next `publish`, so a thread never reads arrays being written.
 */

export type ToThread =
  | { type: 'index'; version: number; value: unknown }
  | { type: 'run'; id: number; version: number; plan: Plan; options: RunOptions }

export type FromThread =
  | { type: 'ready'; version: number }
  | { type: 'result'; id: number; result: RunResult }
  | { type: 'stale'; id: number }
  /** The plan threw: it is run again on the server's thread, where the error is raised. */
  | { type: 'failed'; id: number }

/**
 * What a thread is not sent: caches the server's thread fills (a thread makes its own), and what
 * only the server's thread reads (the look-ups that make plans, meeting rules for the page).
 */
const notForThreads = new Set([
  'visible',
  'nextMeetings',
  'conceptKeys',
  'localityKeys',
  'localities',
  'scheduleSets',
  'scheduleSetKeys',
])

const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null

const unshared = (v: unknown): v is TypedArray =>
  ArrayBuffer.isView(v) &&
  !(v.buffer instanceof SharedArrayBuffer) &&
  v.byteLength >= sharedFromBytes

function sharedCopy(a: TypedArray): TypedArray {
  // Large enough (see `unshared`) to be given shared memory.
  const copy = allocate(a.constructor.name as ArrayType, a.length)
  copy.set(a)
  return copy
}

/**
 * Moves the index's large arrays that are not in shared memory yet (all of them after a build
 * in this process, the grown ones after changes) into it, in place. Returns the bytes moved.
 */
export function shareArrays(index: DirectoryIndex): number {
  let moved = 0
  const share = (a: TypedArray) => {
    moved += a.byteLength
    return sharedCopy(a)
  }
  const walk = (v: unknown) => {
    if (!isObject(v) || ArrayBuffer.isView(v)) return
    if (v instanceof Map) {
      for (const [k, x] of v) {
        if (unshared(x)) v.set(k, share(x))
        else walk(x)
      }
      return
    }
    const record = v as Record<string | number, unknown>
    for (const k of Object.keys(record)) {
      const x = record[k]
      if (unshared(x)) record[k] = share(x)
      else walk(x)
    }
  }
  walk(index)
  return moved
}

interface Thread {
  worker: Worker
  /** The version of the index it holds. */
  ready: number
  waiting: Map<number, (r: RunResult | null) => void>
}

export class SearchThreads {
  private readonly threads: Thread[] = []
  private version = 0
  private index: DirectoryIndex | null = null
  private held = false
  private inFlight = 0
  private drained: (() => void)[] = []
  private nextId = 1
  private readonly count: number
  private closed = false

  constructor(count: number) {
    this.count = count
  }

  /** How many searches the threads have answered: for tests. */
  answered = 0

  /**
   * Sends the index as it is now to every thread; searches go to a thread once it holds it. Never
   * while changes are being applied to it: that is what `hold` is for.
   */
  publish(index: DirectoryIndex) {
    if (this.closed) return
    shareArrays(index)
    const value = freeze(index, (a) => a, notForThreads)
    this.version++
    this.index = index
    this.held = false
    while (this.threads.length < this.count) this.threads.push(this.start())
    const message: ToThread = { type: 'index', version: this.version, value }
    for (const t of this.threads) t.worker.postMessage(message)
  }

  /** Keeps searches off the threads and waits for those in flight: the index may then change. */
  async hold(): Promise<void> {
    this.held = true
    if (this.inFlight === 0) return
    await new Promise<void>((resolve) => this.drained.push(resolve))
  }

  /** Whether searches on `index` would go to a thread now. */
  serves(index: DirectoryIndex): boolean {
    return !this.held && index === this.index && this.threads.some((t) => t.ready === this.version)
  }

  /**
   * The plan run on a thread; null when no thread can run it (its index is not the one
   * published, the index is about to change, or the thread failed), for the caller to run here.
   */
  async run(plan: Plan, index: DirectoryIndex, options: RunOptions): Promise<RunResult | null> {
    if (this.held || index !== this.index) return null
    let best: Thread | null = null
    for (const t of this.threads) {
      if (t.ready === this.version && (!best || t.waiting.size < best.waiting.size)) best = t
    }
    if (!best) return null
    const id = this.nextId++
    const thread = best
    this.inFlight++
    try {
      const result = await new Promise<RunResult | null>((resolve) => {
        thread.waiting.set(id, resolve)
        const message: ToThread = { type: 'run', id, version: this.version, plan, options }
        thread.worker.postMessage(message)
      })
      if (result) this.answered++
      return result
    } finally {
      if (--this.inFlight === 0) for (const resolve of this.drained.splice(0)) resolve()
    }
  }

  async close(): Promise<void> {
    this.closed = true
    this.index = null
    await Promise.all(this.threads.splice(0).map((t) => t.worker.terminate()))
  }

  private start(): Thread {
    const worker = startThread(new URL('./search-thread.ts', import.meta.url))
    // The threads never keep the server running, and end with it.
    worker.unref()
    const thread: Thread = { worker, ready: 0, waiting: new Map() }
    const settle = (id: number, result: RunResult | null) => {
      const resolve = thread.waiting.get(id)
      thread.waiting.delete(id)
      resolve?.(result)
    }
    worker.on('message', (m: FromThread) => {
      if (m.type === 'ready') thread.ready = m.version
      else settle(m.id, m.type === 'result' ? m.result : null)
    })
    const fail = () => {
      // Its searches are run again on the server's thread; the next publish starts another.
      const i = this.threads.indexOf(thread)
      if (i >= 0) this.threads.splice(i, 1)
      for (const id of [...thread.waiting.keys()]) settle(id, null)
    }
    worker.on('error', fail)
    worker.on('exit', fail)
    return thread
  }
}
