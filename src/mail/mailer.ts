import crypto from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import nodemailer from 'nodemailer'
import type { Env } from '#src/platform/env.ts'
import type { Logger } from '#src/platform/log.ts'

/** One plain-text message to one recipient: mail never names several people at once. */
export interface MailMessage {
  to: string
  subject: string
  text: string
}

export interface Mailer {
  /**
   * Hands the message over for delivery. It resolves once the message is queued (SMTP) or written
   * (outbox), never because the recipient exists, so callers' timing says nothing about either.
   */
  send(message: MailMessage): Promise<void>
  /**
   * Delivers now, for the notice ledger (src/jobs/notices.ts): resolves once the SMTP server has
   * accepted the message or its file is written, and fails otherwise. The key identifies the
   * notice: it becomes the Message-ID, and the outbox writes no second file for a key.
   */
  deliver(message: MailMessage, key: string): Promise<void>
  /**
   * Whether a message with this key was delivered, for a notice whose sender died before it could
   * record the answer: true or false when the transport can tell (the outbox), 'unknown' when it
   * cannot (SMTP keeps no record we can ask).
   */
  wasDelivered(key: string): Promise<boolean | 'unknown'>
  /** Waits for queued messages, then closes connections. */
  close(): Promise<void>
}

/** SMTP when SMTP_URL is set; otherwise `.eml` files in `$DATA_DIR/outbox/`. */
export function createMailer(env: Env, log: Logger): Mailer {
  if (env.SMTP_URL) return createSmtpMailer(env.SMTP_URL, env.MAIL_FROM, log)
  return createOutboxMailer(path.resolve(env.DATA_DIR, 'outbox'), env.MAIL_FROM)
}

export function createSmtpMailer(url: string, from: string, log: Logger): Mailer {
  const transport = nodemailer.createTransport(url)
  const pending = new Set<Promise<unknown>>()
  return {
    send(message) {
      // Sent in the background: an SMTP round trip in the request would make a known address
      // (one more mail) measurably slower than an unknown one, and a slow server slow pages.
      const delivery = transport
        .sendMail({ from, ...message })
        .catch((err: unknown) => log.error({ err }, 'mail delivery failed'))
        .finally(() => pending.delete(delivery))
      pending.add(delivery)
      return Promise.resolve()
    },
    async deliver(message, key) {
      await transport.sendMail({ from, ...message, messageId: messageIdOf(key, from) })
    },
    wasDelivered: () => Promise.resolve('unknown'),
    async close() {
      await Promise.allSettled([...pending])
      transport.close()
    },
  }
}

/** A short stable name for a notice key, for file names and Message-IDs. */
const keyDigest = (key: string) =>
  crypto.createHash('sha256').update(key).digest('base64url').slice(0, 32)

function messageIdOf(key: string, from: string) {
  const domain = /@([^>\s]+)/.exec(from)?.[1] ?? 'tomoni.invalid'
  return `<notice.${keyDigest(key)}@${domain}>`
}

export function createOutboxMailer(dir: string, from: string): Mailer {
  const builder = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'unix',
  })
  let sequence = 0
  const findKey = async (key: string) => {
    const suffix = `-k${keyDigest(key)}.eml`
    const names = await fs.readdir(dir).catch(() => [] as string[])
    return names.some((name) => name.endsWith(suffix))
  }
  const write = async (message: MailMessage, key: string | null) => {
    const info = await builder.sendMail({
      from,
      ...message,
      ...(key ? { messageId: messageIdOf(key, from) } : {}),
    })
    await fs.mkdir(dir, { recursive: true, mode: 0o700 })
    // Names sort in sending order; the random tail keeps two processes from colliding; a notice's
    // key digest ends the name, so that its delivery can be looked up.
    const tail = key ? `k${keyDigest(key)}` : crypto.randomBytes(4).toString('hex')
    const name = `${Date.now()}-${String(sequence++).padStart(6, '0')}-${tail}.eml`
    // Written under a temporary name and renamed: a file with the final name is a whole message.
    const temporary = path.join(dir, `.${name}.tmp`)
    await fs.writeFile(temporary, info.message as Buffer, { mode: 0o600 })
    await fs.rename(temporary, path.join(dir, name))
  }
  return {
    send: (message) => write(message, null),
    async deliver(message, key) {
      if (await findKey(key)) return
      await write(message, key)
    },
    wasDelivered: findKey,
    close: () => Promise.resolve(),
  }
}
