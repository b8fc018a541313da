/**
 * Conflicts between Ingresses: ingress-nginx merges every Ingress of a host into one server, so one Ingress can
 * take a path from another, turn on regex mode or client certificates for its neighbours, or shadow a default
 * backend. The compiler reports each as a diagnostic on the Ingress affected; the report gathers them.
 */
import {normalizeHost} from '../../model/names.js'
import type {Diagnostic, KubeObject, Snapshot, TranslateResult} from '../../model/types.js'
import {compareStrings} from '../../util/hash.js'
import type {Conflict} from './model.js'

/**
 * Diagnostic codes that name a cross-Ingress effect (hosts.ts, shared-gateways.ts, emit-routes.ts, https-listeners.ts,
 * wildcard-certificates.ts).
 * Add a code here (and to docs/report-schema.json's conflict enum) when the compiler gains one.
 */
export const CONFLICT_CODES = new Set([
  'path-conflict',
  'cross-controller-conflict',
  'default-backend-shadowed',
  'host-on-two-gateways',
  'regex-mode-from-other-ingress',
  'regex-location-shadowed',
  'mtls-host-from-other-ingress',
  'mtls-host-settings-from-other-ingress',
  'server-alias-is-host',
  'server-alias-shadowed',
  'server-alias-duplicate',
  'server-alias-is-www-redirect',
  'canary-shadowed',
  'tls-sni-shadowed',
  'tls-from-wildcard',
  'plain-host-under-tls-wildcard',
  'mtls-host-under-tls-wildcard',
  'alias-under-tls-wildcard',
])

export function conflictsOf(diagnostics: Diagnostic[], result: TranslateResult, snapshot: Snapshot | undefined): Conflict[] {
  const relevant = diagnostics.filter((d) => CONFLICT_CODES.has(d.code) && d.object?.startsWith('Ingress '))
  const pathConflicts = new Map<string, number>()
  for (const d of relevant) if (d.code === 'path-conflict') pathConflicts.set(d.object!, (pathConflicts.get(d.object!) ?? 0) + 1)
  const ingresses = new Map<string, KubeObject>()
  for (const {object} of snapshot?.objects ?? []) {
    if (object?.kind === 'Ingress' && object.metadata?.name) ingresses.set(`${object.metadata.namespace ?? 'default'}/${object.metadata.name}`, object)
  }
  const out = relevant.map((d): Conflict => {
    const ingress = d.object!.slice('Ingress '.length)
    const conflict: Conflict = {code: d.code, level: d.level, ingress, message: d.message}
    if (d.hint) conflict.hint = d.hint
    // One contested path on this Ingress: name it and the Ingress that keeps it (with several, the messages say which is which).
    if (d.code === 'path-conflict' && pathConflicts.get(d.object!) === 1) {
      const found = contestedPaths(ingress, ingresses.get(ingress), result)
      if (found.length === 1) Object.assign(conflict, found[0])
    }
    return conflict
  })
  return out.sort((a, b) => compareStrings(a.ingress, b.ingress) || compareStrings(a.code, b.code) || compareStrings(a.message, b.message))
}

/** The host/path/pathType of an Ingress that nginx serves from another Ingress (the owner in translate's host model). */
function contestedPaths(id: string, ingress: KubeObject | undefined, result: TranslateResult): Pick<Conflict, 'host' | 'path' | 'pathType' | 'keptBy'>[] {
  const found: Pick<Conflict, 'host' | 'path' | 'pathType' | 'keptBy'>[] = []
  const rules: any[] = Array.isArray(ingress?.spec?.rules) ? ingress!.spec.rules : []
  // Each Gateway has its own host model (shared-gateways.ts): the owner is in the one the Ingress's class goes to.
  const indexes = result.hostsByGateway ? [...result.hostsByGateway.values()] : result.hosts ? [result.hosts] : []
  for (const rule of rules) {
    const host = normalizeHost(rule?.host)
    const locations = indexes.flatMap((index) => index.get(host)?.locations ?? [])
    for (const p of Array.isArray(rule?.http?.paths) ? rule.http.paths : []) {
      const path = typeof p?.path === 'string' && p.path !== '' ? p.path : '/'
      // nginx's view (hosts.ts matchOf): Exact stays Exact, ImplementationSpecific and missing pathType are Prefix.
      const match = p?.pathType === 'Exact' ? 'Exact' : 'Prefix'
      const owner = locations.find((l) => l.path === path && l.match === match && l.ingress.id !== id)
      if (owner) found.push({host, path, pathType: p?.pathType ?? 'ImplementationSpecific', keptBy: owner.ingress.id})
    }
  }
  return found
}
