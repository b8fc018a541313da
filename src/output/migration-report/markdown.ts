/**
 * The report as Markdown (REPORT.md of `convert --output-dir`, `report -o markdown`): readable as plain text and
 * rendered by Git hosts. Everything is in it: totals, namespaces, each Ingress with its annotations, objects and
 * every diagnostic with its hint, the histogram, conflicts, tcp/udp entries, the checklist and the notes.
 */
import {fidelityCounts, fidelityText, shortKey} from './build.js'
import {byWorkLeft, ingressesByNamespace, probeCountsText, STATUSES, type IngressEntry, type MigrationReport, type ReportDiagnostic} from './model.js'
import {pushAll} from '../../util/arrays.js'

/**
 * Text safe in Markdown: outside code spans (backquoted text, as messages write nginx and Envoy snippets, stays as
 * written) `\\`, `<` (an HTML tag), `*` and a `_` that could open or close emphasis (not one inside a word, as in
 * with_entries) are escaped; in a table cell `|` too. Newlines become spaces.
 */
export function mdText(s: string, inTable = false): string {
  const escapeText = (p: string) =>
    p
      .replace(/[\\<*[\]]/g, (c) => `\\${c}`)
      .replace(/(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, '\\_')
      .replace(/\|/g, inTable ? '\\|' : '|')
  const parts = s.replace(/\r?\n/g, ' ').split('`')
  // An odd number of backquotes leaves an unclosed span: escape everything.
  if (parts.length % 2 === 0) return parts.map(escapeText).join('\\`')
  return parts.map((p, i) => (i % 2 === 1 ? (inTable ? p.replace(/\|/g, '\\|') : p) : escapeText(p))).join('`')
}

const cell = (s: string) => mdText(s, true)
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`

const code = (s: string) => '`' + s.replace(/`/g, "'").replace(/\r?\n/g, ' ') + '`'
/** A code span in a table cell: GFM ends the cell at a pipe even inside the span, unless it is escaped. */
const codeCell = (s: string) => code(s).replace(/\|/g, '\\|')

export function renderMarkdown(report: MigrationReport): string {
  const s = report.summary
  const lines = [
    '# Ingress migration report',
    '',
    `${plural(s.ingresses, 'Ingress', 'Ingresses')} in ${plural(s.namespaces, 'namespace', 'namespaces')}: **${s.byStatus.exact} exact**, ${s.byStatus.approximate} approximate, ` +
      `${s.byStatus.manual} manual, ${s.byStatus.skipped} skipped. Annotations: ${fidelityText(s.annotations)}. ` +
      `${plural(s.objects, 'object', 'objects')} generated, ${plural(s.conflicts, 'conflict', 'conflicts')} between Ingresses, ${plural(s.streamEntries, 'tcp/udp entry', 'tcp/udp entries')}.` +
      (report.configMaps ?? []).map((cm) => ` Controller ConfigMap ${code(cm.name)}: ${plural(cm.keys.length, 'key', 'keys')}, ${fidelityText(fidelityCounts(cm.keys))}.`).join(''),
    '',
    ...(s.probes
      ? [`Verify (probe requests through a model of ingress-nginx and of the Gateway; \`kubectl ingress2gw verify\` lists the differences): ${probeCountsText(s.probes)}.`, '']
      : []),
    '- **exact**: the Gateway serves what ingress-nginx served.',
    '- **approximate**: it works, with a difference the notes name; review it.',
    '- **manual**: a person must act before cutover (the hint says what to do).',
    '- **skipped**: nothing is generated (ingress-nginx did not serve it either, or nothing could be routed).',
    '',
  ]
  if (report.namespaces.length > 0) {
    lines.push('## Namespaces', '', 'Sorted by work left (manual and skipped first, then approximate).', '')
    lines.push('| namespace | Ingresses | exact | approximate | manual | skipped | objects |', '|---|---:|---:|---:|---:|---:|---:|')
    for (const n of byWorkLeft(report.namespaces)) {
      const b = n.byStatus
      lines.push(`| [${cell(n.name)}](#namespace-${anchor(n.name)}) | ${n.ingresses} | ${b.exact} | ${b.approximate} | ${b.manual} | ${b.skipped} | ${n.objects} |`)
    }
    lines.push('')
  }
  for (const part of [histogram(report), conflicts(report), streamEntries(report), checklist(report), notes(report)]) pushAll(lines, part)
  const byNamespace = ingressesByNamespace(report)
  for (const n of report.namespaces) pushAll(lines, namespaceSection(n.name, byNamespace.get(n.name) ?? [], s.probes !== undefined))
  return lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n'
}

/** The id Git hosts give a heading `Namespace team-a` (lowercase, punctuation dropped, spaces to dashes). */
function anchor(namespace: string): string {
  return namespace.toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-')
}

function histogram(report: MigrationReport): string[] {
  if (report.annotations.length === 0) return []
  const lines = ['## Annotations', '', '| annotation | Ingresses | exact | approximate | manual | ignored |', '|---|---:|---:|---:|---:|---:|']
  for (const a of report.annotations) {
    const f = a.fidelity
    lines.push(`| ${codeCell(a.key)} | ${a.ingresses} | ${f.exact} | ${f.approximate} | ${f.manual} | ${f.ignored} |`)
  }
  return [...lines, '']
}

function conflicts(report: MigrationReport): string[] {
  if (report.conflicts.length === 0) return []
  const lines = ['## Conflicts between Ingresses', '', '| Ingress | conflict | what happens |', '|---|---|---|']
  for (const c of report.conflicts) {
    lines.push(`| ${cell(c.ingress)} | ${codeCell(c.code)} | ${cell(c.message)}${c.hint ? `<br>hint: ${cell(c.hint)}` : ''} |`)
  }
  return [...lines, '']
}

function streamEntries(report: MigrationReport): string[] {
  if (report.streamEntries.length === 0) return []
  const lines = ['## tcp-services / udp-services entries', '', '| protocol | port | target | status | notes |', '|---|---:|---|---|---|']
  for (const e of report.streamEntries) {
    const notes = e.diagnostics.map((d) => `${d.level}: ${cell(d.message)}${d.hint ? ` (hint: ${cell(d.hint)})` : ''}`).join('<br>')
    lines.push(`| ${e.protocol} | ${cell(e.port)} | ${e.target ? codeCell(e.target) : ''} | ${e.status} | ${notes} |`)
  }
  return [...lines, '']
}

function checklist(report: MigrationReport): string[] {
  if (report.checklist.length === 0) return []
  return ['## Gateway owner checklist', '', ...report.checklist.map((c) => `- [ ] ${mdText(c)}`), '']
}

function notes(report: MigrationReport): string[] {
  if (report.notes.length === 0) return []
  return ['## Notes', '', 'About the input, the controller ConfigMap and the Gateway rather than one Ingress.', '', ...report.notes.flatMap((d) => diagnosticItem(d)), '']
}

function diagnosticItem(d: ReportDiagnostic): string[] {
  const about = [d.object ? mdText(d.object) : '', d.annotation ? code(d.annotation) : ''].filter((x) => x !== '').join(', ')
  const lines = [`- **${d.level}** ${code(d.code)}${about ? ` (${about})` : ''}: ${mdText(d.message)}`]
  if (d.hint) lines.push(`  - hint: ${mdText(d.hint)}`)
  return lines
}

/** `verified`: a verify column with each Ingress's probe counts (absent with --no-verify). */
function namespaceSection(namespace: string, entries: IngressEntry[], verified: boolean): string[] {
  const byStatus = {exact: 0, approximate: 0, manual: 0, skipped: 0}
  for (const e of entries) byStatus[e.status]++
  const lines = [
    `## Namespace ${mdText(namespace)}`,
    '',
    `${plural(entries.length, 'Ingress', 'Ingresses')}: ${STATUSES.map((s) => `${byStatus[s]} ${s}`).join(', ')}.`,
    '',
    verified ? '| Ingress | status | annotations | objects | verify |' : '| Ingress | status | annotations | objects |',
    verified ? '|---|---|---|---|---|' : '|---|---|---|---|',
  ]
  for (const e of entries) {
    const annotations = e.annotations.map((a) => `${codeCell(shortKey(a.key))} ${a.fidelity}`).join('<br>')
    const objects = e.objects.map((o) => cell(`${o.kind}/${o.namespace && o.namespace !== e.namespace ? `${o.namespace}/` : ''}${o.name}`)).join('<br>')
    const outcome = e.outcome === 'canary' ? ' (canary, merged into its primary)' : ''
    const verify = verified ? ` ${e.probes ? probeCountsText(e.probes) : ''} |` : ''
    lines.push(`| ${cell(e.name)}${outcome} | ${e.status} | ${annotations} | ${objects} |${verify}`)
  }
  lines.push('')
  for (const e of entries.filter((x) => x.reason || x.diagnostics.length > 0)) {
    lines.push(`### ${mdText(e.ingress)}: ${e.status}`, '')
    if (e.source?.file) lines.push(`From ${code(`${e.source.file}${e.source.line ? `:${e.source.line}` : ''}`)}.${e.reason ? ` ${capitalise(mdText(e.reason))}.` : ''}`, '')
    else if (e.reason) lines.push(`${capitalise(mdText(e.reason))}.`, '')
    pushAll(lines, e.diagnostics.flatMap((d) => diagnosticItem(d)))
    lines.push('')
  }
  return lines
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
}
