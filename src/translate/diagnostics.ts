import type {Diagnostic, NamespacedName} from './types.js'

/** "Ingress team-a/web" — how diagnostics name input objects. */
export function objectRef(kind: string, ref: NamespacedName | {namespace?: string; name: string}): string {
  return ref.namespace ? `${kind} ${ref.namespace}/${ref.name}` : `${kind} ${ref.name}`
}

const LEVEL_ORDER = {error: 0, warning: 1, info: 2} as const

/** Stable order: by object, then level, then code, then message. */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      (a.object ?? '').localeCompare(b.object ?? '') ||
      LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] ||
      a.code.localeCompare(b.code) ||
      (a.annotation ?? '').localeCompare(b.annotation ?? '') ||
      a.message.localeCompare(b.message),
  )
}
