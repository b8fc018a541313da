/**
 * `status --wait`: read again until everything is ready or the timeout passes, as `kubectl wait` does (by polling:
 * one read lists every kind, so a watch per kind would cost more than it saves).
 */
import {ClusterError} from '../sources/cluster.js'
import type {StatusReport} from './model.js'
import {allReady} from './report.js'

export interface WaitOptions {
  timeoutMs: number
  intervalMs: number
  /** After each read that is not yet all ready (and after a failed read, with its error). */
  onProgress: (report: StatusReport | undefined, elapsedMs: number, error?: Error) => void
  now?: () => number
  sleep?: (ms: number) => Promise<void>
}

export interface WaitResult {
  report: StatusReport
  timedOut: boolean
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** The first read must succeed (a bad kubeconfig fails at once); later failed reads are retried until the timeout. */
export async function waitForReady(read: () => Promise<StatusReport>, opts: WaitOptions): Promise<WaitResult> {
  const now = opts.now ?? Date.now
  const sleep = opts.sleep ?? defaultSleep
  const start = now()
  let report = await read()
  for (;;) {
    if (allReady(report)) return {report, timedOut: false}
    const elapsed = now() - start
    if (elapsed >= opts.timeoutMs) return {report, timedOut: true}
    opts.onProgress(report, elapsed)
    await sleep(Math.min(opts.intervalMs, opts.timeoutMs - elapsed))
    try {
      report = await read()
    } catch (err) {
      if (!(err instanceof ClusterError)) throw err
      opts.onProgress(undefined, now() - start, err)
    }
  }
}
