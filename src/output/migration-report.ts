/**
 * The migration report: per-Ingress status (exact / approximate / manual / skipped) built from the translate
 * result, rendered as text, markdown, JSON or a self-contained HTML page.
 */
import type {Diagnostic, Fidelity, IngressReport, TranslateResult} from '../translate/types.js'

export type IngressStatus = 'exact' | 'approximate' | 'manual' | 'skipped'

export interface ReportEntry {
  ingress: string
  status: IngressStatus
  /** converted, canary, not-served, skipped (from translate). */
  outcome: IngressReport['status']
  annotations: Record<string, Fidelity>
  objects: string[]
  diagnostics: Diagnostic[]
}

export interface MigrationReport {
  summary: {ingresses: number; byStatus: Record<IngressStatus, number>; annotations: Record<Fidelity, number>; objects: number}
  ingresses: ReportEntry[]
  checklist: string[]
  general: Diagnostic[]
}

const RANK: Record<IngressStatus, number> = {exact: 0, approximate: 1, manual: 2, skipped: 3}

export function statusAtLeast(status: IngressStatus, threshold: IngressStatus): boolean {
  return RANK[status] >= RANK[threshold]
}

export function buildReport(result: TranslateResult, inputDiagnostics: Diagnostic[] = []): MigrationReport {
  const byObject = new Map<string, Diagnostic[]>()
  const general: Diagnostic[] = []
  for (const d of [...inputDiagnostics, ...result.diagnostics]) {
    if (d.object?.startsWith('Ingress ')) {
      const key = d.object.slice(8)
      byObject.set(key, [...(byObject.get(key) ?? []), d])
    } else general.push(d)
  }
  const annotations: Record<Fidelity, number> = {exact: 0, approximate: 0, manual: 0, ignored: 0}
  const byStatus: Record<IngressStatus, number> = {exact: 0, approximate: 0, manual: 0, skipped: 0}
  const ingresses = result.ingresses.map((r): ReportEntry => {
    const diagnostics = byObject.get(r.ingress) ?? []
    for (const f of Object.values(r.annotations)) annotations[f]++
    let status: IngressStatus = 'exact'
    const raise = (s: IngressStatus) => {
      if (RANK[s] > RANK[status]) status = s
    }
    if (r.status === 'not-served' || r.status === 'skipped') raise('skipped')
    for (const f of Object.values(r.annotations)) if (f === 'approximate' || f === 'manual') raise(f)
    for (const d of diagnostics) {
      if (d.fidelity === 'approximate' || d.fidelity === 'manual') raise(d.fidelity)
      if (d.level === 'error' || (d.level === 'warning' && !d.fidelity)) raise('approximate')
    }
    byStatus[status]++
    return {ingress: r.ingress, status, outcome: r.status, annotations: r.annotations, objects: r.objects, diagnostics}
  })
  return {
    summary: {ingresses: ingresses.length, byStatus, annotations, objects: result.objects.length},
    ingresses,
    checklist: result.checklist,
    general,
  }
}

export function renderText(report: MigrationReport): string {
  const s = report.summary
  const lines = [
    `${s.ingresses} Ingress(es): ${s.byStatus.exact} exact, ${s.byStatus.approximate} approximate, ${s.byStatus.manual} manual, ${s.byStatus.skipped} skipped`,
    `annotations: ${s.annotations.exact} exact, ${s.annotations.approximate} approximate, ${s.annotations.manual} manual, ${s.annotations.ignored} ignored; ${s.objects} object(s) generated`,
    '',
  ]
  for (const e of report.ingresses) {
    lines.push(`${e.status.padEnd(11)} ${e.ingress}${e.outcome === 'canary' ? ' (canary, merged into its primary)' : ''}`)
    for (const d of e.diagnostics) if (d.level !== 'info') lines.push(`            ${d.level} ${d.code}: ${d.message}`)
  }
  if (report.checklist.length > 0) {
    lines.push('', 'Gateway owner checklist:')
    for (const c of report.checklist) lines.push(`  [ ] ${c}`)
  }
  return lines.join('\n') + '\n'
}

const md = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ')

export function renderMarkdown(report: MigrationReport): string {
  const s = report.summary
  const lines = [
    '# Ingress migration report',
    '',
    `${s.ingresses} Ingresses: **${s.byStatus.exact} exact**, ${s.byStatus.approximate} approximate, ${s.byStatus.manual} manual, ${s.byStatus.skipped} skipped. ` +
      `Annotations: ${s.annotations.exact} exact, ${s.annotations.approximate} approximate, ${s.annotations.manual} manual, ${s.annotations.ignored} ignored.`,
    '',
    '| Ingress | status | annotations | notes |',
    '|---|---|---|---|',
  ]
  for (const e of report.ingresses) {
    const ann = Object.entries(e.annotations)
      .map(([k, f]) => `\`${k.split('/').pop()}\` ${f}`)
      .join('<br>')
    const notes = e.diagnostics
      .filter((d) => d.level !== 'info')
      .map((d) => `${d.level}: ${md(d.message)}`)
      .join('<br>')
    lines.push(`| ${e.ingress} | ${e.status} | ${ann} | ${notes} |`)
  }
  if (report.checklist.length > 0) {
    lines.push('', '## Gateway owner checklist', '')
    for (const c of report.checklist) lines.push(`- [ ] ${md(c)}`)
  }
  return lines.join('\n') + '\n'
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

export function renderHtml(report: MigrationReport): string {
  const s = report.summary
  const rows = report.ingresses
    .map((e) => {
      const ann = Object.entries(e.annotations)
        .map(([k, f]) => `<span class="f-${f}">${esc(k.split('/').pop()!)}</span>`)
        .join(' ')
      const notes = e.diagnostics
        .filter((d) => d.level !== 'info')
        .map((d) => `<li class="${d.level}">${esc(d.message)}${d.hint ? `<br><em>${esc(d.hint)}</em>` : ''}</li>`)
        .join('')
      return `<tr class="s-${e.status}"><td>${esc(e.ingress)}</td><td>${e.status}</td><td>${ann}</td><td><ul>${notes}</ul></td></tr>`
    })
    .join('\n')
  const checklist = report.checklist.map((c) => `<li>${esc(c)}</li>`).join('')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Ingress migration report</title>
<style>
body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:.4em;vertical-align:top;text-align:left}ul{margin:0;padding-left:1.2em}
.s-exact td:nth-child(2){color:#1a7f37}.s-approximate td:nth-child(2){color:#9a6700}.s-manual td:nth-child(2){color:#cf222e}
.s-skipped td:nth-child(2){color:#57606a}span{display:inline-block;margin:0 .3em .2em 0;padding:0 .3em;border-radius:3px}
.f-exact{background:#dafbe1}.f-approximate{background:#fff8c5}.f-manual{background:#ffebe9}.f-ignored{background:#eaeef2}
li.error{color:#cf222e}
</style></head><body>
<h1>Ingress migration report</h1>
<p>${s.ingresses} Ingresses: ${s.byStatus.exact} exact, ${s.byStatus.approximate} approximate, ${s.byStatus.manual} manual, ${s.byStatus.skipped} skipped.
Annotations: ${s.annotations.exact} exact, ${s.annotations.approximate} approximate, ${s.annotations.manual} manual, ${s.annotations.ignored} ignored.</p>
<table><thead><tr><th>Ingress</th><th>status</th><th>annotations</th><th>notes</th></tr></thead><tbody>
${rows}
</tbody></table>
${checklist ? `<h2>Gateway owner checklist</h2><ul>${checklist}</ul>` : ''}
</body></html>
`
}
