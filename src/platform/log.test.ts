import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createLogger } from './log.ts'

function capture() {
  const lines: string[] = []
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString())
      done()
    },
  })
  return { log: createLogger({ level: 'info', destination }), lines }
}

describe('logger', () => {
  it('redacts credentials and health-related fields at any depth', () => {
    const { log, lines } = capture()
    log.info(
      {
        password: 'hunter22',
        user: { email: 'a@example.org', token: 't0k' },
        req: { headers: { cookie: 'sid=1', authorization: 'Bearer x' } },
        search: { q: 'ALS', conditions: ['NANDO:1200002'] },
        status: 200,
      },
      'request',
    )
    const text = lines.join('')
    for (const secret of [
      'hunter22',
      'a@example.org',
      't0k',
      'sid=1',
      'Bearer x',
      'ALS',
      'NANDO',
    ]) {
      expect(text).not.toContain(secret)
    }
    expect(JSON.parse(text)).toMatchObject({ status: 200, msg: 'request' })
  })
})
