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
    async close() {
      await Promise.allSettled([...pending])
      transport.close()
    },
  }
}

export function createOutboxMailer(dir: string, from: string): Mailer {
  const builder = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'unix',
  })
  let sequence = 0
  return {
    async send(message) {
      const info = await builder.sendMail({ from, ...message })
      await fs.mkdir(dir, { recursive: true, mode: 0o700 })
      // Names sort in sending order; the random tail keeps two processes from colliding.
      const name = `${Date.now()}-${String(sequence++).padStart(6, '0')}-${crypto.randomBytes(4).toString('hex')}.eml`
      await fs.writeFile(path.join(dir, name), info.message as Buffer, { mode: 0o600 })
    },
    close: () => Promise.resolve(),
  }
}
