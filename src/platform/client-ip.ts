import net from 'node:net'
import { getConnInfo } from '@hono/node-server/conninfo'
import type { AppContext } from './http.ts'

/**
 * The address a request came from, for rate limits. X-Forwarded-For is read only when
 * TRUST_PROXY says our own proxy sets it (and then only its last entry, the one that proxy
 * added): otherwise anyone could send a new address with every guess.
 */
let warnedAboutProxy = false

export function clientIp(c: AppContext): string {
  if (c.get('deps').env.TRUST_PROXY) {
    const forwarded = c.req
      .header('x-forwarded-for')
      ?.split(',')
      .map((part) => part.trim())
      .filter(Boolean)
      .at(-1)
    if (forwarded && net.isIP(forwarded)) return addressBucket(forwarded)
  }
  if (!warnedAboutProxy && c.req.header('x-forwarded-for')) {
    warnedAboutProxy = true
    c.get('log').warn(
      'X-Forwarded-For is ignored: every client behind the proxy shares its rate limits. ' +
        'Set TRUST_PROXY=true if a proxy of ours sets the header.',
    )
  }
  try {
    const address = getConnInfo(c).remote.address
    if (address) return addressBucket(address)
  } catch {
    // No socket (a request built in tests): all such requests share one bucket.
  }
  return 'unknown'
}

/**
 * IPv6 hosts usually get a whole /64, so one of them counts as one client; an IPv4 address
 * written as IPv6 (::ffff:1.2.3.4) counts as the IPv4 one.
 */
export function addressBucket(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  if (mapped) return mapped[1]!
  if (!net.isIPv6(address)) return address
  const [head = '', tail = ''] = address.split('::')
  const left = head ? head.split(':') : []
  const right = address.includes('::') && tail ? tail.split(':') : []
  const groups = address.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`
}
