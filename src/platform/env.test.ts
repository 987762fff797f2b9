import os from 'node:os'
import { describe, expect, it } from 'vitest'
import { EnvError, parseEnv } from './env.ts'

describe('parseEnv', () => {
  it('runs with zero configuration', () => {
    const env = parseEnv({})
    expect(env).toMatchObject({ PORT: 3000, HOST: '127.0.0.1', DATA_DIR: './data' })
    expect(env.DATABASE_URL).toBeUndefined()
  })

  it('treats empty strings as unset', () => {
    expect(parseEnv({ PORT: '', DATABASE_URL: '' })).toMatchObject({
      PORT: 3000,
      DATABASE_URL: undefined,
    })
  })

  it('fails naming every bad key', () => {
    try {
      parseEnv({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' })
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(EnvError)
      expect((error as EnvError).keys.sort()).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'PORT'])
    }
  })

  it('takes a count of search threads from 0 to 16, one per core (at most 4) when unset', () => {
    expect(parseEnv({ SEARCH_THREADS: '0' }).SEARCH_THREADS).toBe(0)
    expect(parseEnv({ SEARCH_THREADS: '3' }).SEARCH_THREADS).toBe(3)
    const auto = parseEnv({}).SEARCH_THREADS
    expect(auto).toBe(Math.min(4, os.availableParallelism()))
    for (const bad of ['-1', '17', '1.5', 'many']) {
      expect(() => parseEnv({ SEARCH_THREADS: bad }), bad).toThrow(EnvError)
    }
  })
})
