import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { serverEnv, serverNodeFlags } from './node-flags.ts'

/** The young generation a Node process with these flags has committed after making garbage. */
function newSpaceAfterGarbage(flags: string[]): number {
  const script = `let a = []; for (let i = 0; i < 3e6; i++) { a.push({ i }); if (a.length > 1e5) a = [] }
    console.log(require('v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size)`
  return Number(execFileSync(process.execPath, [...flags, '-e', script], { encoding: 'utf8' }))
}

describe('serverNodeFlags', () => {
  it('reads the start script flags, which Node accepts and applies', () => {
    const flags = serverNodeFlags()
    expect(flags).toContain('--max-semi-space-size=4')
    const mb = 1024 * 1024
    expect(newSpaceAfterGarbage(flags)).toBeLessThanOrEqual(3 * 4 * mb)
  })
})

describe('serverEnv', () => {
  it('reads the variables the start script sets before it runs Node', () => {
    expect(serverEnv()).toEqual({ MALLOC_ARENA_MAX: '2' })
  })
})
