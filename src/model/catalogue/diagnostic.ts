/**
 * A diagnostic from data: the catalogue's render(data) writes its message, so tests and JSON consumers read `data`
 * (carried in the output) rather than the sentence. Level and fidelity default to the entry's when it declares one.
 */
import type {Diagnostic, DiagnosticRef, SourceLocation} from '../types.js'
import {fidelitiesOf, levelsOf, type DiagnosticDefinition} from './define.js'
import {CATALOGUE, type Code, type Definitions} from './index.js'
import type {AnnotationNote} from './annotations.js'
import {maskData, maskUrlCredentials} from '../credentials.js'

/** The codes whose entry renders its message from data. */
export type RenderedCode = Definitions extends infer X ? (X extends DiagnosticDefinition<infer C, infer D> ? ([D] extends [never] ? never : C) : never) : never

/** The data a rendered code's message is made from. */
export type DataOf<C extends RenderedCode> = Extract<Definitions, {code: C}> extends DiagnosticDefinition<C, infer D> ? D : never

/** The codes a key's account (FamilyContext.account) can carry: their data may be an AnnotationNote. */
export type NoteCode = {[C in RenderedCode]: AnnotationNote extends DataOf<C> ? C : never}[RenderedCode]

/** Where a diagnostic points, and what its entry leaves open (the level or fidelity when it allows several). */
export interface Where {
  level?: Diagnostic['level']
  fidelity?: Diagnostic['fidelity']
  object?: string
  ref?: DiagnosticRef
  annotation?: string
  hint?: string
  source?: SourceLocation
}

/**
 * The diagnostic of a catalogue code, its message rendered from data. URL userinfo in the data (a value, a reason
 * or note quoting one) is masked before the render, and in the hint, so message, hint and data never carry a URL's
 * credentials, wherever the diagnostic is built (translate's maskDiagnostic covers only what leaves translate).
 */
export function diagnostic<C extends RenderedCode>(code: C, given: DataOf<C>, where: Where = {}): Diagnostic {
  const data = maskData(given)
  const entry = CATALOGUE.get(code as Code) as DiagnosticDefinition<C, DataOf<C>>
  const levels = levelsOf(entry)
  const fidelities = fidelitiesOf(entry)
  const level = where.level ?? (levels.length === 1 ? levels[0] : undefined)
  if (level === undefined) throw new Error(`diagnostic ${code}: the catalogue allows ${levels.join(' | ')}, say which`)
  const fidelity = where.fidelity ?? (fidelities.length === 1 && fidelities[0] !== 'none' ? fidelities[0] : undefined)
  const out: Diagnostic = {level, code, message: entry.render!(data), data: data as Record<string, unknown>}
  if (where.object !== undefined) out.object = where.object
  if (where.ref !== undefined) out.ref = where.ref
  if (where.annotation !== undefined) out.annotation = where.annotation
  if (fidelity !== undefined) out.fidelity = fidelity
  if (where.hint !== undefined) out.hint = maskUrlCredentials(where.hint)
  if (where.source !== undefined) out.source = where.source
  return out
}
