import fs from 'node:fs'
import path from 'node:path'

/** A message read back from the outbox folder. */
export interface OutboxMessage {
  file: string
  to: string
  from: string
  subject: string
  text: string
  /** Every header, names in lower case, values decoded. */
  headers: Record<string, string>
}

/**
 * Reads the `.eml` files the outbox mailer wrote, oldest first. It understands what that mailer
 * writes (one text/plain part, quoted-printable or base64), not every message in the world.
 */
export function readOutbox(dir: string): OutboxMessage[] {
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.eml'))
    .sort()
    .map((name) => parseMessage(fs.readFileSync(path.join(dir, name), 'utf8'), name))
}

export function parseMessage(raw: string, file = ''): OutboxMessage {
  const normalized = raw.replace(/\r\n/g, '\n')
  const split = normalized.indexOf('\n\n')
  const head = split === -1 ? normalized : normalized.slice(0, split)
  const body = split === -1 ? '' : normalized.slice(split + 2)
  const headers: Record<string, string> = {}
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':')
    if (colon > 0) {
      headers[line.slice(0, colon).trim().toLowerCase()] = decodeWords(line.slice(colon + 1).trim())
    }
  }
  const encoding = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase()
  const text =
    encoding === 'base64'
      ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
      : encoding === 'quoted-printable'
        ? decodeQuotedPrintable(body)
        : body
  return {
    file,
    to: headers.to ?? '',
    from: headers.from ?? '',
    subject: headers.subject ?? '',
    text: text.replace(/\n$/, ''),
    headers,
  }
}

// RFC 2047 encoded words, e.g. =?UTF-8?B?...?= ; whitespace between two of them is dropped.
function decodeWords(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_all, _charset, kind: string, data: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : decodeQuotedPrintable(data.replace(/_/g, ' ')),
    )
}

function decodeQuotedPrintable(value: string): string {
  const bytes: number[] = []
  const source = value.replace(/=\n/g, '')
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!
    if (ch === '=' && /^[0-9A-Fa-f]{2}$/.test(source.slice(i + 1, i + 3))) {
      bytes.push(parseInt(source.slice(i + 1, i + 3), 16))
      i += 2
    } else {
      bytes.push(...Buffer.from(ch, 'utf8'))
    }
  }
  return Buffer.from(bytes).toString('utf8')
}
