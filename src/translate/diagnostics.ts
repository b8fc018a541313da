import {compareStrings} from '../util/hash.js'
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
      compareStrings(a.object ?? '', b.object ?? '') ||
      LEVEL_ORDER[a.level] - LEVEL_ORDER[b.level] ||
      // Input problems (no object) read best in file order.
      (a.object === undefined && b.object === undefined
        ? compareStrings(a.source?.file ?? '', b.source?.file ?? '') || (a.source?.line ?? 0) - (b.source?.line ?? 0)
        : 0) ||
      compareStrings(a.code, b.code) ||
      compareStrings(a.annotation ?? '', b.annotation ?? '') ||
      compareStrings(a.message, b.message),
  )
}
