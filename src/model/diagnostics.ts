import {compareStrings} from '../util/hash.js'
import type {Diagnostic, DiagnosticRef, KubeObject, NamespacedName} from './types.js'

/** "Ingress team-a/web" — how diagnostics name input objects. */
export function objectRef(kind: string, ref: NamespacedName | {namespace?: string; name: string}): string {
  return ref.namespace ? `${kind} ${ref.namespace}/${ref.name}` : `${kind} ${ref.name}`
}

/**
 * The object a diagnostic is about, as data (`ref`) and as its display text (`object`, objectRef): spread it into a
 * diagnostic. The report and JSON output group by `ref`, never by parsing the text.
 */
export function about(kind: string, ref: NamespacedName | {namespace?: string; name: string}): {object: string; ref: DiagnosticRef} {
  return {object: objectRef(kind, ref), ref: ref.namespace ? {kind, namespace: ref.namespace, name: ref.name} : {kind, name: ref.name}}
}

/** about() for a Gateway known by its key (`namespace/name`, emit-gateway.ts gatewayKey). */
export function aboutGatewayKey(key: string): {object: string; ref: DiagnosticRef} {
  const slash = key.indexOf('/')
  return about('Gateway', {namespace: key.slice(0, slash), name: key.slice(slash + 1)})
}

/** about() for an object as read (refOf gives the same display text). */
export function aboutObject(obj: {kind?: unknown; metadata?: {namespace?: unknown; name?: unknown}}): {object: string; ref: DiagnosticRef} {
  const kind = typeof obj.kind === 'string' ? obj.kind : 'Object'
  const name = typeof obj.metadata?.name === 'string' ? obj.metadata.name : ''
  const namespace = typeof obj.metadata?.namespace === 'string' && obj.metadata.namespace !== '' ? obj.metadata.namespace : undefined
  return about(kind, {namespace, name})
}

/** The Ingress (`namespace/name`) a diagnostic is about, from its ref (never from the display text). */
export function ingressIdOf(d: Pick<Diagnostic, 'ref'>): string | undefined {
  return d.ref?.kind === 'Ingress' ? `${d.ref.namespace ?? 'default'}/${d.ref.name}` : undefined
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

/** "Kind ns/name" (or "Kind name" for cluster-scoped objects), as diagnostics and provenance name inputs. */
export function refOf(obj: KubeObject | undefined): string {
  if (!obj || typeof obj !== 'object') return 'unknown'
  const kind = typeof obj.kind === 'string' ? obj.kind : 'Object'
  const name = typeof obj.metadata?.name === 'string' ? obj.metadata.name : ''
  const ns = typeof obj.metadata?.namespace === 'string' && obj.metadata.namespace !== '' ? obj.metadata.namespace : undefined
  return objectRef(kind, {namespace: ns, name})
}

/** A diagnostic without undefined fields, in Diagnostic's field order (stable JSON / deep-equal); callers add `source`. */
export function diag(d: Omit<Diagnostic, 'source'>): Diagnostic {
  const out: Diagnostic = {level: d.level, code: d.code, message: d.message}
  if (d.data !== undefined) out.data = d.data
  if (d.object !== undefined) out.object = d.object
  if (d.ref !== undefined) out.ref = d.ref
  if (d.annotation !== undefined) out.annotation = d.annotation
  if (d.fidelity !== undefined) out.fidelity = d.fidelity
  if (d.hint !== undefined) out.hint = d.hint
  return out
}
