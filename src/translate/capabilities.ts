/**
 * Adapts the output to what the target cluster serves (discovered by the cluster source): an object whose CRD
 * is missing would only fail at apply time, so it is left out and reported instead. It runs on the emitted records
 * before the per-Ingress report is built: the annotation keys a left-out object carried are not applied on that
 * cluster, so they become manual instead of staying exact.
 */
import {about} from '../model/diagnostics.js'
import {diagnostic} from '../model/catalogue/diagnostic.js'
import type {IngressModel} from '../model/ingress-model.js'
import type {Emitted} from './records.js'
import {isRoute} from '../model/emitted.js'
import type {Diagnostic, KubeObject, TargetCapabilities, TranslateOptions, TranslateResult} from '../model/types.js'

export interface Requirement {
  served: (c: TargetCapabilities) => boolean
  what: string
  consequence: string
  /** tcp-services/udp-services routes are emitted regardless with --tcp-routes. */
  forcedByTcpRoutes?: boolean
}

/** What the target must serve for an object of this apiVersion and kind (undefined: any Gateway API cluster). */
export function requirementFor(o: KubeObject): Requirement | undefined {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : ''
  if (group === 'gateway.envoyproxy.io') {
    return {
      served: (c) => c.envoyGateway,
      what: 'the Envoy Gateway CRDs (gateway.envoyproxy.io)',
      consequence: 'the routes still convert, without the policies and filters their annotations asked for (route rules that reference a missing HTTPRouteFilter or Backend will not be accepted)',
    }
  }
  if (group === 'cert-manager.io') {
    return {served: (c) => c.certManager, what: 'cert-manager', consequence: 'certificates must be issued another way before the https listener can use them'}
  }
  switch (o.kind) {
    case 'GRPCRoute':
      return {served: (c) => c.grpcRoute, what: 'GRPCRoute (Gateway API v1.1+)', consequence: 'the gRPC Ingresses are not routed'}
    case 'TLSRoute':
      return {served: (c) => c.tlsRoute, what: 'TLSRoute', consequence: 'the ssl-passthrough hosts are not routed'}
    case 'BackendTLSPolicy':
      return {served: (c) => c.backendTLSPolicy, what: 'BackendTLSPolicy v1 (Gateway API v1.4+)', consequence: 'connections to those backends are not verified'}
    case 'TCPRoute':
      return {served: (c) => c.tcpRoute, what: 'TCPRoute', consequence: 'the tcp-services ports are not exposed', forcedByTcpRoutes: true}
    case 'UDPRoute':
      return {served: (c) => c.udpRoute, what: 'UDPRoute', consequence: 'the udp-services ports are not exposed', forcedByTcpRoutes: true}
  }
  return undefined
}

/**
 * The records the target can take. Each left-out kind is one warning; each annotation key a left-out record carried
 * becomes manual on its Ingress, with one diagnostic per Ingress and key naming the objects that are missing.
 */
export function dropUnserved(
  list: Emitted[],
  capabilities: TargetCapabilities,
  discovered: boolean,
  options: TranslateOptions,
  ingresses: Map<string, IngressModel>,
  diagnostics: Diagnostic[],
  configMapKeys?: TranslateResult['configMapKeys'],
): Emitted[] {
  // Without discovery (file input) nothing is known about the target: keep everything.
  if (!discovered) return list
  const unserved = (r: Emitted) => r.requires !== undefined && !(r.requires.forcedByTcpRoutes && options.tcpRoutes) && !r.requires.served(capabilities)
  const dropped = list.filter(unserved)
  if (dropped.length === 0) return list
  const byKind = new Map<string, {req: {what: string; consequence: string}; names: string[]}>()
  for (const r of dropped) {
    const entry = byKind.get(r.object.kind) ?? {req: r.requires!, names: []}
    entry.names.push(nameOf(r.object))
    byKind.set(r.object.kind, entry)
  }
  for (const [kind, {req, names}] of [...byKind.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    diagnostics.push(diagnostic('target-lacks-crd', {kind, objects: names, requires: req.what, consequence: req.consequence}, {hint: `install ${req.what} and convert again`}))
  }
  downgradeKeys(dropped, ingresses, diagnostics)
  for (const table of configMapKeys ?? []) downgradeConfigMapKeys(dropped, table, diagnostics)
  const withheld = new Set(routesBehindLostClientChecks(list, dropped, diagnostics))
  return list.filter((r) => !unserved(r) && !withheld.has(r))
}

/**
 * A host listener's ClientTrafficPolicy is its client-certificate check (tls.clientValidation): left out, the listener
 * accepts any client, where nginx refused clients without a valid certificate. Fail closed: the routes attached to
 * that listener are withheld (their hosts answer nothing) rather than published without the check.
 */
function routesBehindLostClientChecks(list: Emitted[], dropped: Emitted[], diagnostics: Diagnostic[]): Emitted[] {
  const listeners = new Set<string>()
  for (const {object: o} of dropped) {
    if (o.kind !== 'ClientTrafficPolicy' || !o.spec?.tls?.clientValidation) continue
    for (const t of o.spec.targetRefs ?? []) if (t.kind === 'Gateway' && t.sectionName) listeners.add(`${o.metadata.namespace}/${t.name}/${t.sectionName}`)
  }
  if (listeners.size === 0) return []
  const attached = (r: Emitted) =>
    r.role === 'route' && isRoute(r.object) && (r.object.spec.parentRefs ?? []).some((p) => listeners.has(`${p.namespace ?? r.object.metadata.namespace}/${p.name}/${p.sectionName}`))
  const withheld = list.filter(attached)
  for (const r of withheld) {
    diagnostics.push(
      diagnostic('route-withheld-client-certificates', {kind: r.object.kind, name: nameOf(r.object)}, {
        ...about(r.object.kind, {namespace: r.object.metadata.namespace, name: r.object.metadata.name}),
        hint: 'install Envoy Gateway and convert again',
      }),
    )
  }
  return withheld
}

/** The keys the left-out records carried, per Ingress: not applied on this cluster, so a person must act (manual). */
function downgradeKeys(dropped: Emitted[], ingresses: Map<string, IngressModel>, diagnostics: Diagnostic[]): void {
  const lost = new Map<string, {ingress: IngressModel; key: string; objects: string[]; what: string[]}>()
  for (const r of dropped) {
    for (const id of r.ingresses) {
      const ingress = ingresses.get(id)
      if (!ingress) continue
      for (const key of r.keys) {
        const fidelity = ingress.fidelity.get(key)
        // Only keys the Ingress itself carries and that had an effect: an ignored key loses nothing.
        if (fidelity === undefined || fidelity === 'ignored') continue
        const entry = lost.get(`${id}|${key}`) ?? {ingress, key, objects: [], what: []}
        entry.objects.push(`${r.object.kind} ${nameOf(r.object)}`)
        if (!entry.what.includes(r.requires!.what)) entry.what.push(r.requires!.what)
        lost.set(`${id}|${key}`, entry)
      }
    }
  }
  for (const {ingress, key, objects, what} of [...lost.values()].sort((a, b) => (a.ingress.id === b.ingress.id ? (a.key < b.key ? -1 : 1) : a.ingress.id < b.ingress.id ? -1 : 1))) {
    ingress.fidelity.revise(key, 'manual', 'missing-crd')
    diagnostics.push(
      diagnostic('annotation-needs-crd', {key, objects, requires: what}, {
        ...about('Ingress', ingress.ref),
        annotation: key,
        hint: `install ${what.join(' and ')} and convert again, or apply the setting another way`,
        source: ingress.source,
      }),
    )
  }
}

/**
 * The controller ConfigMap's keys the left-out Gateway-level objects carried (the report's ConfigMap table): every
 * Ingress inherited them, and on this cluster nothing applies them, so they become manual like an Ingress's keys.
 */
function downgradeConfigMapKeys(dropped: Emitted[], table: NonNullable<TranslateResult['configMapKeys']>[number], diagnostics: Diagnostic[]): void {
  const lost = new Map<string, {objects: string[]; what: string[]}>()
  for (const r of dropped) {
    if (r.configMap?.ref !== table.configMap) continue
    for (const key of r.configMap.keys) {
      const fidelity = table.keys[key]
      if (fidelity === undefined || fidelity === 'ignored') continue
      const entry = lost.get(key) ?? {objects: [], what: []}
      entry.objects.push(`${r.object.kind} ${nameOf(r.object)}`)
      if (!entry.what.includes(r.requires!.what)) entry.what.push(r.requires!.what)
      lost.set(key, entry)
    }
  }
  for (const [key, {objects, what}] of [...lost.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    table.keys[key] = 'manual'
    diagnostics.push(
      diagnostic('annotation-needs-crd', {key, objects, requires: what}, {object: table.configMap, annotation: key, hint: `install ${what.join(' and ')} and convert again, or apply the setting another way`}),
    )
  }
}

function nameOf(o: KubeObject): string {
  return `${o.metadata.namespace ? o.metadata.namespace + '/' : ''}${o.metadata.name}`
}
