import type {Diagnostic, Fidelity} from '../model/types.js'
import {maskUrlCredentials} from '../model/credentials.js'
import {printable} from './printable.js'

export interface Painter {
  red(s: string): string
  yellow(s: string): string
  dim(s: string): string
  bold(s: string): string
  cyan(s: string): string
}

export const plainPainter: Painter = {red: (s) => s, yellow: (s) => s, dim: (s) => s, bold: (s) => s, cyan: (s) => s}

function where(d: Diagnostic): string {
  if (!d.source?.file) return ''
  return d.source.line ? ` (${d.source.file}:${d.source.line})` : ` (${d.source.file})`
}

/** Diagnostics grouped per object (general ones first), one line each, with hints indented below. */
export function renderDiagnostics(diagnostics: Diagnostic[], paint: Painter = plainPainter): string {
  return renderDiagnosticChunks(diagnostics, paint).join('')
}

/** Lines per chunk of renderDiagnosticChunks (a few hundred kilobytes). */
const CHUNK_LINES = 2048

/**
 * renderDiagnostics' text in pieces of whole lines, to write tens of thousands of diagnostics without one string (and
 * one buffer) of them all.
 */
export function renderDiagnosticChunks(diagnostics: Diagnostic[], paint: Painter = plainPainter): string[] {
  const groups = new Map<string, Diagnostic[]>()
  for (const d of diagnostics) {
    const key = d.object ?? ''
    const list = groups.get(key) ?? []
    list.push(d)
    groups.set(key, list)
  }
  const chunks: string[] = []
  let lines: string[] = []
  for (const [object, list] of groups) {
    // Messages quote annotation values and names as written: printable() keeps their escapes off the terminal.
    if (object !== '') lines.push(paint.bold(printable(object)) + paint.dim(printable(where(list[0]))))
    const indent = object === '' ? '' : '  '
    for (const d of list) {
      const level = d.level === 'error' ? paint.red('error') : d.level === 'warning' ? paint.yellow('warning') : paint.cyan('info')
      const loc = object === '' ? paint.dim(printable(where(d))) : ''
      // Masked here too, the one place every printed diagnostic passes: the sources, the commands and verify build
      // theirs outside translate's maskDiagnostic, and a message written inline quotes what it was given.
      lines.push(`${indent}${level} ${paint.dim(d.code)}: ${printable(maskUrlCredentials(d.message))}${loc}`)
      if (d.hint) lines.push(`${indent}  ${paint.dim('hint:')} ${printable(maskUrlCredentials(d.hint))}`)
    }
    if (lines.length >= CHUNK_LINES) {
      chunks.push(lines.join('\n') + '\n')
      lines = []
    }
  }
  if (lines.length > 0) chunks.push(lines.join('\n') + '\n')
  return chunks
}

export interface Summary {
  ingresses: number
  objects: number
  fidelity: Record<Fidelity, number>
  errors: number
  warnings: number
}

/**
 * One line counting the emitted objects that keep Flux `${VAR}` placeholders (needs-substitution diagnostics on
 * objects other than the Ingresses), or nothing.
 */
export function renderSubstitutionLine(diagnostics: Diagnostic[]): string {
  const objects = new Set(diagnostics.filter((d) => d.code === 'needs-substitution' && d.object !== undefined && d.ref?.kind !== 'Ingress').map((d) => d.object))
  if (objects.size === 0) return ''
  return `${objects.size} object(s) keep \${VAR} placeholders: apply them through Flux's post-build substitution, or substitute them first (needs-substitution)\n`
}

export function renderSummary(s: Summary): string {
  const f = s.fidelity
  return (
    `${s.ingresses} Ingress(es) -> ${s.objects} object(s); annotations: ${f.exact} exact, ${f.approximate} approximate, ` +
    `${f.manual} manual, ${f.ignored} ignored; ${s.errors} error(s), ${s.warnings} warning(s)\n`
  )
}
