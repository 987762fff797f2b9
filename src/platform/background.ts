import type { Logger } from './log.ts'

/**
 * Work an answer must not wait for. Mostly so that its duration cannot say anything: a reset
 * request for a known address mails a link, one for an unknown address does nothing, and the
 * answer must come back just as fast for both.
 */
export interface Background {
  /**
   * Starts the task. Detached (the server), it resolves at once and the task's failure is only
   * logged; inline (tests), it resolves when the task is done and fails with it.
   */
  run(task: () => Promise<void>): Promise<void>
  /** Resolves when every task started so far has finished: for shutdown and timing tests. */
  idle(): Promise<void>
}

export function createBackground(
  log: Logger,
  mode: 'detached' | 'inline' = 'detached',
): Background {
  const pending = new Set<Promise<void>>()
  return {
    run(task) {
      if (mode === 'inline') return task()
      // Started on a later turn of the event loop, so the answer is on its way first: the
      // embedded database works on this same thread, and would otherwise hold the answer up.
      const running: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
        .then(task)
        .catch((err: unknown) => log.error({ err }, 'background task failed'))
        .finally(() => pending.delete(running))
      pending.add(running)
      return Promise.resolve()
    },
    async idle() {
      while (pending.size > 0) await Promise.allSettled([...pending])
    },
  }
}
