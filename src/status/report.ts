/** The live objects -> one status per object, grouped per namespace (pure: no I/O). */
import {SOURCE_ANNOTATION} from '../model/provenance.js'
import type {KubeObject} from '../model/types.js'
import {CERT_KINDS, evaluateCertificate, evaluateIssuer} from './certificates.js'
import {evaluateGateway} from './gateway.js'
import {objectKey, refKey, type NamespaceStatus, type ObjectStatus, type StatusInput, type StatusReport} from './model.js'
import {evaluateBackend, evaluatePolicy, POLICY_KINDS} from './policies.js'
import {selectedListeners} from './route-reasons.js'
import {evaluateRoute, parentRefsOf, ROUTE_KINDS} from './routes.js'

const KIND_ORDER = ['Gateway', 'HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute', 'ClientTrafficPolicy', 'BackendTrafficPolicy', 'SecurityPolicy', 'EnvoyExtensionPolicy', 'BackendTLSPolicy', 'Backend', 'Certificate', 'Issuer', 'ClusterIssuer']

/** Gateway key -> the listeners the routes of the input attach to (all of them for a parentRef without sectionName). */
function usedListeners(input: StatusInput, gateways: Map<string, KubeObject>): Map<string, Set<string>> {
  const used = new Map<string, Set<string>>([...gateways.keys()].map((k) => [k, new Set<string>()]))
  for (const r of input.objects.filter((o) => ROUTE_KINDS.has(o.kind))) {
    for (const ref of parentRefsOf(r).filter((p) => (p.kind ?? 'Gateway') === 'Gateway')) {
      const key = refKey('Gateway', ref.namespace ?? r.metadata.namespace, ref.name)
      const gw = gateways.get(key)
      for (const l of selectedListeners(gw, ref)) used.get(key)?.add(l.name)
    }
  }
  return used
}

function evaluate(o: KubeObject, input: StatusInput, gateways: Map<string, KubeObject>, challenges: KubeObject[], used: Map<string, Set<string>>): ObjectStatus | undefined {
  if (o.kind === 'Gateway') return evaluateGateway(o, input, used.get(objectKey(o)))
  if (ROUTE_KINDS.has(o.kind)) return evaluateRoute(o, input, gateways)
  if (POLICY_KINDS.has(o.kind)) return evaluatePolicy(o, input)
  if (o.kind === 'Backend') return evaluateBackend(o, input)
  if (o.kind === 'Certificate') return evaluateCertificate(o, challenges)
  if (CERT_KINDS.has(o.kind)) return evaluateIssuer(o)
  // GatewayClasses and Challenges only inform the others; ReferenceGrants, HTTPRouteFilters and Namespaces have no status.
  return undefined
}

export function buildStatusReport(input: StatusInput): StatusReport {
  const gateways = new Map(input.objects.filter((o) => o.kind === 'Gateway').map((g) => [objectKey(g), g]))
  const challenges = input.objects.filter((o) => o.kind === 'Challenge')
  const used = usedListeners(input, gateways)
  const seen = new Set<string>()
  const byNs = new Map<string, ObjectStatus[]>()
  for (const o of input.objects) {
    const key = objectKey(o)
    if (seen.has(key)) continue
    seen.add(key)
    const st = evaluate(o, input, gateways, challenges, used)
    if (!st) continue
    const source = o.metadata.annotations?.[SOURCE_ANNOTATION]
    if (source) st.source = source
    const ns = o.metadata.namespace ?? ''
    byNs.set(ns, [...(byNs.get(ns) ?? []), st])
  }
  const rank = (k: string) => (KIND_ORDER.indexOf(k) < 0 ? KIND_ORDER.length : KIND_ORDER.indexOf(k))
  const namespaces: NamespaceStatus[] = [...byNs]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([namespace, objects]) => {
      objects.sort((a, b) => rank(a.kind) - rank(b.kind) || a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name))
      return {
        namespace,
        ready: objects.filter((s) => s.state === 'ready').length,
        notReady: objects.filter((s) => s.state === 'not-ready').length,
        unknown: objects.filter((s) => s.state === 'unknown').length,
        objects,
      }
    })
  return {
    apiVersion: 'ingress2gw.io/v1',
    kind: 'StatusReport',
    ready: namespaces.reduce((n, s) => n + s.ready, 0),
    notReady: namespaces.reduce((n, s) => n + s.notReady, 0),
    unknown: namespaces.reduce((n, s) => n + s.unknown, 0),
    namespaces,
    notChecked: [...input.notChecked],
  }
}

/** Everything checked and ready: the status command's exit 0. */
export function allReady(r: StatusReport): boolean {
  return r.notReady === 0 && r.unknown === 0 && r.notChecked.length === 0 && r.ready > 0
}
