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
  const pkg = JSON.parse(
    fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
  ) as { scripts: { start: string } }
  const words = pkg.scripts.start.split(/\s+/)
  const from = words.indexOf('node') + 1
  const to = words.indexOf('src/server.ts')
  if (from === 0 || to < from) throw new Error('the start script does not run node src/server.ts')
  return words.slice(from, to)
}
