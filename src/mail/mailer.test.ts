import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createOutboxMailer } from './mailer.ts'
import { readOutbox } from './outbox.ts'

describe('the outbox mailer', () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
  })

  it('writes one RFC 822 file per message that reads back the same, in Japanese too', async () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tomoni-mail-')), 'outbox')
    dirs.push(path.dirname(dir))
    const mailer = createOutboxMailer(dir, 'Tomoni <no-reply@example.test>')
    const long = 'とても長い本文の行です。'.repeat(20)
    await mailer.send({
      to: 'a@example.test',
      subject: 'メールアドレスの確認',
      text: `一行目\n${long}`,
    })
    await mailer.send({ to: 'b@example.test', subject: 'Second = two', text: 'plain ascii' })

    const files = fs.readdirSync(dir)
    expect(files).toHaveLength(2)
    expect(files.every((f) => f.endsWith('.eml'))).toBe(true)
    const raw = fs.readFileSync(path.join(dir, files.sort()[0]!), 'utf8')
    expect(raw).toMatch(/^Message-ID: /im)
    expect(raw).toMatch(/^Date: /im)

    const [first, second] = readOutbox(dir)
    expect(first).toMatchObject({
      to: 'a@example.test',
      from: 'Tomoni <no-reply@example.test>',
      subject: 'メールアドレスの確認',
      text: `一行目\n${long}`,
    })
    expect(second).toMatchObject({
      to: 'b@example.test',
      subject: 'Second = two',
      text: 'plain ascii',
    })
  })

  it('reads an empty outbox as no messages', () => {
    expect(readOutbox(path.join(os.tmpdir(), 'tomoni-no-such-outbox'))).toEqual([])
  })
})
