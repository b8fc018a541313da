/** The status command's run: read, judge, print, and the exit status (loaded lazily with the cluster client). */
import type {Painter} from '../output/report.js'
import {ClusterError} from '../sources/cluster.js'
import type {KubeconfigSelection} from '../sources/kubeconfig.js'
import {readStatus} from './read.js'
import {allReady, buildStatusReport} from './report.js'
import {formatDuration, progressLine, renderStatusJson, renderStatusText} from './render.js'
import type {StatusReport} from './model.js'
import {waitForReady} from './wait.js'

export interface StatusRun {
  selection: KubeconfigSelection
  allNamespaces: boolean
  selector?: string
  output: 'text' | 'json'
  wait?: {timeoutMs: number; intervalMs: number}
  paintOut: Painter
  paintErr: Painter
  env?: NodeJS.ProcessEnv
}

/** Progress on stderr: one line rewritten in place on a terminal, a new line only when the counts change otherwise. */
function progressReporter(paint: Painter, timeoutMs: number): {update: (r: StatusReport | undefined, elapsed: number, err?: Error) => void; done: () => void} {
  const tty = process.stderr.isTTY === true
  let last = ''
  let drawn = false
  return {
    update(r, elapsed, err) {
      const line = err ? `waiting: the last read failed (${err.message}); retrying (${formatDuration(elapsed)} of ${formatDuration(timeoutMs)})` : progressLine(r!, elapsed, timeoutMs)
      if (tty) {
        process.stderr.write(`\r\x1b[K${paint.dim(line)}`)
        drawn = true
        return
      }
      const counts = line.replace(/ \(.*\)$/, '')
      if (counts !== last) process.stderr.write(`${line}\n`)
      last = counts
    },
    done() {
      if (tty && drawn) process.stderr.write('\r\x1b[K')
    },
  }
}

export async function runStatus(run: StatusRun): Promise<number> {
  let namespace: string | undefined
  const read = async () => {
    const input = await readStatus({selection: run.selection, allNamespaces: run.allNamespaces, selector: run.selector, env: run.env})
    namespace = input.namespace
    return buildStatusReport(input)
  }
  let report: StatusReport
  let timedOut = false
  try {
    if (run.wait) {
      const progress = progressReporter(run.paintErr, run.wait.timeoutMs)
      try {
        ;({report, timedOut} = await waitForReady(read, {...run.wait, onProgress: progress.update}))
      } finally {
        progress.done()
      }
    } else report = await read()
  } catch (error) {
    if (error instanceof ClusterError) {
      process.stderr.write(`error: ${error.message}\n`)
      return 2
    }
    throw error
  }
  const empty = report.namespaces.length === 0
  process.stdout.write(run.output === 'json' ? renderStatusJson(report) : empty ? '' : renderStatusText(report, run.paintOut))
  if (empty) {
    const where = namespace === undefined ? 'in any namespace' : `in namespace ${namespace}`
    process.stderr.write(`No objects labelled app.kubernetes.io/managed-by=ingress2gw found ${where}${run.selector ? ` converted from Ingresses matching ${run.selector}` : ''}: nothing was applied there yet (kubectl ingress2gw apply)\n`)
  }
  if (timedOut) process.stderr.write(run.paintErr.red(`timed out after ${formatDuration(run.wait!.timeoutMs)} waiting for every object to be ready\n`))
  return allReady(report) ? 0 : 1
}
