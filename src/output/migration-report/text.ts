/**
 * The report as text: totals, then one table per namespace (one row per Ingress, its warnings and hints below),
 * the annotation histogram, conflicts, tcp/udp entries, the checklist and the notes. On a terminal the tables are
 * fitted to its width (long cells wrap inside their column) and coloured; piped, lines are never cut or wrapped and
 * carry no escape codes, so grep and diff see whole messages.
 */
import {Chalk, type ChalkInstance} from 'chalk'
import type {Fidelity} from '../../model/types.js'
import {printableDeep} from '../printable.js'
import {fidelityCounts, fidelityText, shortKey} from './build.js'
import {ingressesByNamespace, probeCountsText, STATUSES, type IngressEntry, type IngressStatus, type MigrationReport, type ProbeCounts, type ReportDiagnostic} from './model.js'
import {maxOf, pushAll} from '../../util/arrays.js'

export interface TextOptions {
  /** Terminal width; undefined: no limit (piped). */
  width?: number
  colour?: boolean
}

interface Style {
  chalk: ChalkInstance
  width: number
}

/** Marks after an annotation's short key: what it became, readable without colour. */
const MARK: Record<Fidelity, string> = {exact: '', approximate: '~', manual: '!', ignored: '-'}
const MIN_WIDTH = 40

export function renderText(input: MigrationReport, options: TextOptions = {}): string {
  // Names, messages and values come from the input: no escape sequence or line break of theirs reaches the terminal.
  const report = printableDeep(input)
  const style: Style = {chalk: new Chalk({level: options.colour ? 1 : 0}), width: options.width ? Math.max(options.width, MIN_WIDTH) : Infinity}
  const out: string[] = [...header(report, style)]
  const byNamespace = ingressesByNamespace(report)
  const verified = report.summary.probes !== undefined
  for (const ns of report.namespaces) pushAll(out, ['', ...namespaceTable(ns.name, byNamespace.get(ns.name) ?? [], style, verified)])
  for (const part of [histogram(report, style), conflicts(report, style), streamEntries(report, style), checklist(report, style), notes(report, style)]) pushAll(out, part)
  return out.join('\n') + '\n'
}

export function statusColour(chalk: ChalkInstance, status: IngressStatus | Fidelity, text: string = status): string {
  switch (status) {
    case 'exact':
      return chalk.green(text)
    case 'approximate':
      return chalk.yellow(text)
    case 'manual':
      return chalk.red(text)
    default:
      return chalk.dim(text)
  }
}

function counts(report: MigrationReport['summary']['byStatus'], chalk: ChalkInstance): string {
  return STATUSES.map((s) => (report[s] > 0 ? statusColour(chalk, s, `${report[s]} ${s}`) : `${report[s]} ${s}`)).join(', ')
}

function header(report: MigrationReport, {chalk, width}: Style): string[] {
  const s = report.summary
  const lines = [
    chalk.bold(`Ingress migration report: ${s.ingresses} Ingress(es) in ${s.namespaces} namespace(s)`),
    `  status: ${counts(s.byStatus, chalk)}`,
    `  annotations: ${fidelityText(s.annotations)}; ${s.objects} object(s) generated; ${s.conflicts} conflict(s); ${s.streamEntries} tcp/udp entr${s.streamEntries === 1 ? 'y' : 'ies'}`,
  ]
  if (s.probes) lines.push(`  verify: ${probesCell(s.probes, chalk)}`)
  for (const cm of report.configMaps ?? []) lines.push(`  controller ConfigMap ${cm.name}: ${cm.keys.length} key(s): ${fidelityText(fidelityCounts(cm.keys))}`)
  if (s.ingresses > 0) lines.push(chalk.dim('  annotation marks: ~ approximate, ! manual, - ignored (no effect under Envoy)'))
  return lines.flatMap((l) => wrap(l, width, '    '))
}

/** verify's counts, red when a difference is not labelled known (a finding), yellow when all are known. */
function probesCell(p: ProbeCounts | undefined, chalk: ChalkInstance): string {
  if (p === undefined) return '-'
  const text = probeCountsText(p)
  return p.different > (p.known ?? 0) ? chalk.red(text) : p.different > 0 ? chalk.yellow(text) : text
}

/** The table of one namespace; `verified`: a VERIFY column with each Ingress's probe counts (report without --no-verify). */
function namespaceTable(namespace: string, entries: IngressEntry[], style: Style, verified: boolean): string[] {
  const {chalk, width} = style
  const byStatus = {exact: 0, approximate: 0, manual: 0, skipped: 0}
  for (const e of entries) byStatus[e.status]++
  const title = `${chalk.bold(namespace)}: ${entries.length} Ingress(es) (${STATUSES.filter((s) => byStatus[s] > 0).map((s) => `${byStatus[s]} ${s}`).join(', ')})`
  const nameWidth = Math.min(maxOf(entries.map((e) => e.name.length), 7), Number.isFinite(width) ? Math.max(12, Math.floor(width / 4)) : Infinity)
  const columns = [
    {title: 'STATUS', width: 11},
    {title: 'INGRESS', width: nameWidth},
    {title: 'OBJECTS', width: 7, right: true},
  ]
  if (verified) {
    // Its counts wrap (at spaces) rather than push the annotations past a narrow terminal's edge.
    const widest = maxOf(entries.map((e) => visibleLength(probesCell(e.probes, chalk))), 6)
    const room = Number.isFinite(width) ? width - 2 - columns.reduce((sum, c) => sum + c.width + 2, 0) - 2 - 'ANNOTATIONS'.length : Infinity
    columns.push({title: 'VERIFY', width: Math.max(6, Math.min(widest, room))})
  }
  const used = columns.reduce((sum, c) => sum + c.width + 2, 0)
  columns.push({title: 'ANNOTATIONS', width: Number.isFinite(width) ? Math.max(10, width - 2 - used) : Infinity})
  const lines = [...wrap(title, width, '  '), '  ' + chalk.dim(columns.map((c) => pad(c.title, c.width, c.right)).join('  ').trimEnd())]
  for (const e of entries) {
    const annotations = e.annotations.map((a) => statusColour(chalk, a.fidelity, shortKey(a.key) + MARK[a.fidelity]))
    const extra = e.outcome === 'canary' ? ['(canary, merged into its primary)'] : []
    const cells = [statusColour(chalk, e.status), e.name, String(e.objects.length), ...(verified ? [probesCell(e.probes, chalk)] : []), [...annotations, ...extra].join(' ') || '-']
    lines.push(...row(columns, cells, '  '))
    if (e.reason && e.status !== 'approximate') lines.push(...wrap(`      ${chalk.dim(e.reason)}`, width, '        '))
    for (const d of e.diagnostics) if (d.level !== 'info') lines.push(...diagnosticLines(d, '      ', style))
  }
  return lines
}

export function diagnosticLines(d: ReportDiagnostic, indent: string, {chalk, width}: Style): string[] {
  const level = d.level === 'error' ? chalk.red('error') : d.level === 'warning' ? chalk.yellow('warning') : chalk.cyan('info')
  const about = d.object ? ` ${d.object}` : ''
  const lines = wrap(`${indent}${level} ${chalk.dim(d.code)}${about}: ${d.message}`, width, indent + '  ')
  if (d.hint) lines.push(...wrap(`${indent}  ${chalk.dim('hint:')} ${d.hint}`, width, indent + '    '))
  return lines
}

function histogram(report: MigrationReport, style: Style): string[] {
  if (report.annotations.length === 0) return []
  const {chalk} = style
  const keyWidth = Math.min(Math.max(10, ...report.annotations.map((a) => shortKey(a.key).length)), Number.isFinite(style.width) ? style.width - 50 : Infinity)
  const columns = [
    {title: 'ANNOTATION', width: keyWidth},
    {title: 'INGRESSES', width: 9, right: true},
    {title: 'EXACT', width: 5, right: true},
    {title: 'APPROXIMATE', width: 11, right: true},
    {title: 'MANUAL', width: 6, right: true},
    {title: 'IGNORED', width: 7, right: true},
  ]
  const lines = ['', chalk.bold('Annotations'), '  ' + chalk.dim(columns.map((c) => pad(c.title, c.width, c.right)).join('  ').trimEnd())]
  for (const a of report.annotations) {
    const f = a.fidelity
    lines.push(...row(columns, [shortKey(a.key), String(a.ingresses), String(f.exact), String(f.approximate), String(f.manual), String(f.ignored)], '  '))
  }
  return lines
}

function conflicts(report: MigrationReport, style: Style): string[] {
  if (report.conflicts.length === 0) return []
  const lines = ['', style.chalk.bold('Conflicts between Ingresses')]
  for (const c of report.conflicts) {
    lines.push(...diagnosticLines({level: c.level, code: c.code, object: `Ingress ${c.ingress}`, message: c.message, hint: c.hint}, '  ', style))
  }
  return lines
}

function streamEntries(report: MigrationReport, style: Style): string[] {
  if (report.streamEntries.length === 0) return []
  const {chalk, width} = style
  const lines = ['', chalk.bold('tcp-services / udp-services entries')]
  for (const e of report.streamEntries) {
    lines.push(...wrap(`  ${statusColour(chalk, e.status, pad(e.status, 11))}  ${e.protocol} ${e.port}  ${e.target ?? ''}  (${e.configMap})`, width, '      '))
    for (const d of e.diagnostics) if (d.level !== 'info') lines.push(...diagnosticLines(d, '      ', style))
  }
  return lines
}

function checklist(report: MigrationReport, {chalk, width}: Style): string[] {
  if (report.checklist.length === 0) return []
  return ['', chalk.bold('Gateway owner checklist'), ...report.checklist.flatMap((c) => wrap(`  [ ] ${c}`, width, '      '))]
}

function notes(report: MigrationReport, style: Style): string[] {
  const shown = report.notes.filter((d) => d.level !== 'info')
  const info = report.notes.length - shown.length
  if (report.notes.length === 0) return []
  const lines = ['', style.chalk.bold('Notes')]
  for (const d of shown) lines.push(...diagnosticLines(d, '  ', style))
  if (info > 0) lines.push(...wrap(style.chalk.dim(`  ${info} informational note(s): -o markdown, html or json show them`), style.width, '    '))
  return lines
}

// ---- layout ----------------------------------------------------------------------------------------------------

const ANSI = /\u001b\[[0-9;]*m/g

export function visibleLength(s: string): number {
  return s.replace(ANSI, '').length
}

function pad(s: string, width: number, right = false): string {
  if (!Number.isFinite(width)) return s
  const fill = ' '.repeat(Math.max(0, width - visibleLength(s)))
  return right ? fill + s : s + fill
}

/** Words of a cell broken into lines of at most `width` visible columns (a longer word is cut). */
function fitCell(text: string, width: number): string[] {
  if (!Number.isFinite(width) || visibleLength(text) <= width) return [text]
  return wrap(text, width, '')
}

function row(columns: {width: number; right?: boolean}[], cells: string[], indent: string): string[] {
  const fitted = cells.map((c, i) => fitCell(c, columns[i].width))
  const height = Math.max(...fitted.map((f) => f.length))
  const lines: string[] = []
  for (let i = 0; i < height; i++) {
    lines.push((indent + fitted.map((f, c) => pad(f[i] ?? '', columns[c].width, columns[c].right)).join('  ')).trimEnd())
  }
  return lines
}

/**
 * Breaks a line at spaces so that no line exceeds `width` visible columns; continuation lines start with `indent`.
 * Escape codes are kept and take no width. Piped (width Infinity), the line is returned whole.
 */
export function wrap(line: string, width: number, indent: string): string[] {
  if (!Number.isFinite(width) || visibleLength(line) <= width) return [line]
  const words = line.split(/(?<=\S)(?= )/)
  const lines: string[] = []
  let current = ''
  for (const word of words) {
    const candidate = current + word
    if (visibleLength(candidate) <= width || visibleLength(current.trim()) === 0) {
      current = candidate
      continue
    }
    lines.push(current.trimEnd())
    current = indent + word.trimStart()
  }
  if (current.trim() !== '') lines.push(current.trimEnd())
  return lines.flatMap((l) => cut(l, width, indent))
}

/** A single word longer than the width (a URL, a jq command) is cut into pieces. */
function cut(line: string, width: number, indent: string): string[] {
  if (visibleLength(line) <= width) return [line]
  const plain = line.replace(ANSI, '')
  const out = [plain.slice(0, width)]
  let rest = plain.slice(width)
  const room = Math.max(1, width - indent.length)
  while (rest.length > 0) {
    out.push(indent + rest.slice(0, room))
    rest = rest.slice(room)
  }
  return out
}
