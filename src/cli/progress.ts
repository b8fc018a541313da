/**
 * Progress of long runs on stderr, one line rewritten in place, only when stderr is a terminal (never in a pipe, a
 * file or CI logs, where `\r` would garble the output) and not with -q. Updates are throttled so that reporting
 * costs nothing measurable.
 */
export interface ProgressStream {
  isTTY?: boolean
  columns?: number
  write(chunk: string): boolean
}

const INTERVAL_MS = 80

export class Progress {
  private shown = false
  /** When the last throttled update was shown (phase changes, which are forced, do not count). */
  private last = -Infinity

  constructor(
    private readonly stream: ProgressStream,
    readonly enabled: boolean,
  ) {}

  static for(flags: {quiet?: boolean}, stream: ProgressStream = process.stderr): Progress {
    return new Progress(stream, stream.isTTY === true && !flags.quiet)
  }

  /** Show `text` (forced: even right after the previous update, for phase changes). */
  update(text: string, force = false): void {
    if (!this.enabled) return
    if (!force) {
      const now = Date.now()
      if (now - this.last < INTERVAL_MS) return
      this.last = now
    }
    const width = Math.max(20, (this.stream.columns ?? 80) - 1)
    const line = text.length > width ? text.slice(0, width - 1) + '…' : text
    // \r back to the start, \x1b[K clears what a longer previous line left.
    this.stream.write(`\r${line}\u001b[K`)
    this.shown = true
  }

  /** Remove the progress line (before the command prints its own output on stderr). */
  clear(): void {
    if (!this.enabled || !this.shown) return
    this.stream.write('\r\u001b[K')
    this.shown = false
  }
}

/**
 * `1234` -> `1,234`: counts read at a glance. Grouped by hand as en-US groups integers: the first toLocaleString of a
 * process builds an ICU number formatter (20-40 ms), paid at every start of convert even when no progress is shown.
 */
export function count(n: number): string {
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return n.toLocaleString('en-US')
  return String(n).replace(/\B(?=(\d{3})+$)/g, ',')
}
