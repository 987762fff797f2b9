/**
 * A one-line progress bar for long command-line jobs. It draws only on a terminal: piped into a
 * file or a CI log, the bar's carriage returns would be noise, so there it stays silent and the
 * command prints its summary alone.
 */
export function progressBar(
  label: string,
  stream: NodeJS.WriteStream = process.stdout,
): { update(done: number, total: number): void; done(): void } {
  if (!stream.isTTY) return { update: () => {}, done: () => {} }
  let last = ''
  return {
    update(done, total) {
      const width = Math.max(10, Math.min(40, (stream.columns || 80) - label.length - 20))
      const share = total === 0 ? 1 : done / total
      const filled = Math.round(share * width)
      const line = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`
      if (line === last) return
      last = line
      stream.write(`\r${line}`)
    },
    done() {
      if (last) stream.write('\n')
    },
  }
}
