import fs from 'node:fs'

/**
 * The Node flags `npm start` gives the server (package.json's `start` script), for the tests and
 * benchmarks that start it themselves, so that they run the server as it is run.
 *
 * `--max-semi-space-size=4` caps V8's young generation at 4 MB a half, in the server's thread
 * and in each search thread (the flag is the process's; it overrides a worker's own limits). By
 * default it grows to 64 MB a half (134 MB committed) under the search load, which at a million
 * groups was a fifth of the server's memory. With three threads, 16 MB a half cost 34 MB each;
 * 4 MB was as fast as 8 and 30 MB smaller, 2 MB slower (decision 043, 7 December).
 * V8 reads this size only at start, so it cannot be set from the code as the heap's growth is.
 */
export function serverNodeFlags(): string[] {
  const words = startWords()
  const from = words.indexOf('node') + 1
  const to = words.indexOf('src/server.ts')
  if (from === 0 || to < from) throw new Error('the start script does not run node src/server.ts')
  return words.slice(from, to)
}

/**
 * The environment the start script sets before it runs Node (`NAME=value` words before it).
 *
 * `MALLOC_ARENA_MAX=2`: glibc gives each thread that allocates its own arena, up to eight per
 * core, and an arena keeps what was freed in it. The search threads' messages (a plan in, the
 * matches out, hundreds a second) grew the server by about 30 MB under load through their
 * arenas; two arenas gave the same throughput (decision 043, 7 December). Other C libraries
 * ignore it.
 */
export function serverEnv(): Record<string, string> {
  const env: Record<string, string> = {}
  for (const word of startWords()) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(word)
    if (!m) break
    env[m[1]!] = m[2]!
  }
  return env
}

function startWords(): string[] {
  const pkg = JSON.parse(
    fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
  ) as { scripts: { start: string } }
  return pkg.scripts.start.split(/\s+/)
}
