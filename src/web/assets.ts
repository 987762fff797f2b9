import { createHash } from 'node:crypto'
import { readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { serveStatic } from '@hono/node-server/serve-static'
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '#src/platform/http.ts'

/** `public/` at the project root, found from this file so the server can start from any cwd. */
export const publicDir = path.resolve(import.meta.dirname, '../../public')

const assetPrefix = '/assets/'
const immutable = 'public, max-age=31536000, immutable'

const hashes = new Map<string, { mtimeMs: number; hash: string }>()

// Keyed by modification time, so an edited stylesheet gets a new URL without a restart.
function contentHash(file: string): string | undefined {
  let mtimeMs: number
  try {
    mtimeMs = statSync(file).mtimeMs
  } catch {
    return undefined
  }
  const cached = hashes.get(file)
  if (cached?.mtimeMs === mtimeMs) return cached.hash
  const hash = createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 12)
  hashes.set(file, { mtimeMs, hash })
  return hash
}

/**
 * The URL of a file in `public/`, carrying a hash of its content: browsers may keep it for a year
 * because a changed file gets a new URL.
 */
export function assetUrl(name: string): string {
  const hash = contentHash(path.join(publicDir, name))
  return `${assetPrefix}${name}${hash ? `?v=${hash}` : ''}`
}

/**
 * Only the URL assetUrl() hands out is safe to keep for a year; any other may be stale tomorrow.
 * Decided before the file is served, since the response is built as it is found.
 */
function cacheControl(requestPath: string, version: string | undefined): string {
  const file = path.join(publicDir, requestPath.slice(assetPrefix.length))
  const inside = file.startsWith(publicDir + path.sep)
  return version && inside && version === contentHash(file) ? immutable : 'no-cache'
}

/** Serves `public/` under `/assets/`. */
export function serveAssets(): MiddlewareHandler<AppEnv> {
  const serve = serveStatic<AppEnv>({
    root: publicDir,
    rewriteRequestPath: (requestPath) => requestPath.slice(assetPrefix.length - 1),
  })
  return async (c, next) => {
    c.header('Cache-Control', cacheControl(c.req.path, c.req.query('v')))
    return serve(c, next)
  }
}
