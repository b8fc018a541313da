/** The status report as a table per namespace (text) or JSON. */
import type {Painter} from '../output/report.js'
import type {Finding, ObjectStatus, State, StatusReport} from './model.js'
import {maxOf} from '../util/arrays.js'

const LABEL: Record<State, string> = {ready: 'ready', 'not-ready': 'NOT READY', unknown: 'unknown'}

function paintState(s: State, paint: Painter): string {
  const text = LABEL[s]
  return s === 'not-ready' ? paint.red(text) : s === 'unknown' ? paint.yellow(text) : text
}

function findingLines(f: Finding, paint: Painter): string[] {
  const head = [f.scope, f.condition].filter(Boolean).join(': ')
  const mark = f.level === 'warning' ? paint.yellow('warning') : f.level === 'unknown' ? paint.yellow('?') : paint.red('x')
  const lines: string[] = []
  if (f.loss) lines.push(`      ${paint.bold(paint.red(`!! ${f.loss}`))}`)
  lines.push(`      ${mark} ${head ? `${head}: ` : ''}${f.fix}`)
  if (f.message) lines.push(`        ${paint.dim(`controller: ${f.message.replace(/\s*\n\s*/g, ' ')}`)}`)
  return lines
}

function detail(o: ObjectStatus): string {
  if (o.summary) return o.summary
  const first = o.findings.find((f) => f.level !== 'warning')
  return first?.condition ?? first?.scope ?? ''
}

/** `NAMESPACE team-a: 3 ready, 1 not ready, 0 unknown` then one row per object, findings under it. */
export function renderStatusText(r: StatusReport, paint: Painter): string {
  const out: string[] = []
  for (const ns of r.namespaces) {
    out.push(paint.bold(`NAMESPACE ${ns.namespace || '(cluster)'}: ${ns.ready} ready, ${ns.notReady} not ready, ${ns.unknown} unknown`))
    const kindW = maxOf(ns.objects.map((o) => o.kind.length), 4)
    const nameW = maxOf(ns.objects.map((o) => o.name.length), 4)
    out.push(`  ${'KIND'.padEnd(kindW)}  ${'NAME'.padEnd(nameW)}  ${'STATUS'.padEnd(9)}  DETAIL`)
    for (const o of ns.objects) {
      out.push(`  ${o.kind.padEnd(kindW)}  ${o.name.padEnd(nameW)}  ${paintState(o.state, paint)}${' '.repeat(Math.max(0, 9 - LABEL[o.state].length))}  ${detail(o)}`)
      if (o.state !== 'ready' && o.source) out.push(`      ${paint.dim(`from ${o.source}`)}`)
      for (const f of o.findings) out.push(...findingLines(f, paint))
    }
    out.push('')
  }
  for (const n of r.notChecked) out.push(paint.yellow(`not checked: ${n}`))
  const total = `${r.ready} ready, ${r.notReady} not ready, ${r.unknown} unknown`
  out.push(r.notReady > 0 ? paint.red(total) : r.unknown > 0 || r.notChecked.length > 0 ? paint.yellow(total) : total)
  return out.join('\n') + '\n'
}

export function renderStatusJson(r: StatusReport): string {
  return JSON.stringify(r, null, 2) + '\n'
}

/** One line for --wait progress: `3 not ready, 1 unknown (42s of 5m0s)`. */
export function progressLine(r: StatusReport, elapsedMs: number, timeoutMs: number): string {
  const waiting = [r.notReady ? `${r.notReady} not ready` : '', r.unknown ? `${r.unknown} unknown` : ''].filter(Boolean).join(', ') || 'checking'
  return `waiting: ${waiting}, ${r.ready} ready (${formatDuration(elapsedMs)} of ${formatDuration(timeoutMs)})`
}

export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000)
  const m = Math.floor(s / 60)
  return m > 0 ? `${m}m${s % 60}s` : `${s}s`
}
