import fs from 'node:fs'
import * as nodeModule from 'node:module'
import { fileURLToPath } from 'node:url'
import { Worker, type WorkerOptions } from 'node:worker_threads'

/**
 * A worker thread started on a TypeScript module, with that module and the ones it imports from
 * this repository already stripped of their types here. Otherwise each thread would load a
 * TypeScript parser of its own, which costs it about 20 MB of memory (measured 7 December: a
 * search thread at 41 MB resident, 20 MB this way). Packages, `node:` modules and any module
 * not found here load as usual; so does everything where Node lacks `stripTypeScriptTypes`.
 */

const root = new URL('../../', import.meta.url)
/** The package's `imports` field: "#src/*" → "./src/*". */
const aliases: [prefix: string, target: URL][] = [['#src/', new URL('src/', root)]]

const importPattern = /^\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/gm

const stripTypes = (nodeModule as { stripTypeScriptTypes?: (code: string) => string })
  .stripTypeScriptTypes

function strip(code: string, stripTypeScriptTypes: (code: string) => string): string {
  // Node 24 warns once that this function is experimental: nothing for a server's operator to act
  // on, so the warning is not passed on.
  const emit = Object.getOwnPropertyDescriptor(process, 'emitWarning')
  process.emitWarning = () => {}
  try {
    return stripTypeScriptTypes(code)
  } finally {
    if (emit) Object.defineProperty(process, 'emitWarning', emit)
  }
}

function resolve(specifier: string, from: URL): URL | null {
  for (const [prefix, target] of aliases) {
    if (specifier.startsWith(prefix)) return new URL(specifier.slice(prefix.length), target)
  }
  return specifier.startsWith('.') ? new URL(specifier, from) : null
}

/** Each module's JavaScript by URL, from `entry` along its static imports. */
export function strippedSources(entry: URL): Record<string, string> {
  const sources: Record<string, string> = {}
  if (!stripTypes) return sources
  const visit = (url: URL) => {
    if (url.href in sources || !url.pathname.endsWith('.ts')) return
    const code = strip(fs.readFileSync(fileURLToPath(url), 'utf8'), stripTypes)
    sources[url.href] = code
    for (const m of code.matchAll(importPattern)) {
      const next = resolve(m[1]!, url)
      if (next) visit(next)
    }
  }
  visit(entry)
  return sources
}

// Run as a CommonJS script: it registers the hook that serves the stripped modules, then imports
// the entry module.
const boot = `
const { registerHooks } = require('node:module')
const { workerData } = require('node:worker_threads')
const sources = workerData.sources
registerHooks({
  load(url, context, next) {
    const source = sources[url]
    return source === undefined ? next(url, context) : { format: 'module', source, shortCircuit: true }
  },
})
import(workerData.entry)
`

const cache = new Map<string, Record<string, string>>()

/** A worker running `entry`, its repository modules handed over as JavaScript. */
export function startThread(entry: URL, options: Omit<WorkerOptions, 'eval' | 'workerData'> = {}) {
  let sources = cache.get(entry.href)
  if (!sources) {
    sources = strippedSources(entry)
    cache.set(entry.href, sources)
  }
  if (!(entry.href in sources)) return new Worker(entry, options)
  return new Worker(boot, { ...options, eval: true, workerData: { sources, entry: entry.href } })
}
