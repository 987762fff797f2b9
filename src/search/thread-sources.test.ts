import { describe, expect, it } from 'vitest'
import { strippedSources, startThread } from './thread-sources.ts'

describe('a thread’s modules handed over as JavaScript', () => {
  it('follows the search thread’s imports through the repository, and no further', () => {
    const entry = new URL('./search-thread.ts', import.meta.url)
    const sources = strippedSources(entry)
    const files = Object.keys(sources).map((url) => url.slice(url.indexOf('/src/') + 1))
    expect(files).toEqual(
      expect.arrayContaining([
        'src/search/search-thread.ts',
        'src/search/run-plan.ts',
        'src/search/directory-index.ts',
        'src/directory/vocabularies.ts',
      ]),
    )
    // The validation library and the database layer are not a search thread's to load.
    expect(files).not.toContain('src/directory/groups.schema.ts')
    expect(files).not.toContain('src/search/lexicon.ts')
    // Types are gone: what is left parses as JavaScript.
    const code = sources[entry.href]!
    expect(code).not.toMatch(/: DirectoryIndex/)
    expect(code).toMatch(/from '\.\/run-plan\.ts'/)
  })

  it('runs the module in a worker', async () => {
    const worker = startThread(new URL('./search-thread.ts', import.meta.url))
    try {
      const reply = await new Promise<unknown>((resolve, reject) => {
        worker.once('message', resolve)
        worker.once('error', reject)
        // A search for an index it does not hold: it answers that it is stale.
        worker.postMessage({ type: 'run', id: 7, version: 1, plan: {}, options: {} })
      })
      expect(reply).toEqual({ type: 'stale', id: 7 })
    } finally {
      await worker.terminate()
    }
  })
})
