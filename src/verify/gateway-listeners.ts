/**
 * Gateway listeners as Envoy Gateway programs them: which are ready (EG internal/gatewayapi/listener.go
 * ProcessListeners, validate.go validateListenerSpec / validateConflictedProtocolsListeners /
 * validateConflictedHostnameListeners; any negative condition leaves a listener unprogrammed), which routes they
 * admit (route.go processAllowedListenersForParentRefs, contexts.go AllowsKind / AllowsNamespace) and the hostnames
 * a route gets on them (helpers.go computeHosts).
 */
import type {KubeObject} from '../model/types.js'
import {GATEWAY_API_GROUP, type Inventory, key, namespaceOf, type ParentRef, referencePermitted} from './gateway-inventory.js'
import type {ListenerRef, PathSettings} from './gateway-types.js'

export interface ListenerState {
  ref: ListenerRef
  gatewayNamespace: string
  tlsMode?: string
  /** Route kinds the listener admits (allowedRoutes.kinds, else the protocol's kinds: listener.go allowedRouteKindsForProtocol). */
  kinds: string[]
  allowedNamespaces: {from: string; selector?: any}
  ready: boolean
  problem?: string
  settings: PathSettings
}

const SUPPORTED_PROTOCOLS = new Set(['HTTP', 'HTTPS', 'TLS', 'TCP', 'UDP'])

/** listener.go allowedRouteKindsForProtocol. */
function kindsForProtocol(protocol: string, tlsMode: string | undefined): string[] {
  switch (protocol) {
    case 'HTTP':
    case 'HTTPS':
      return ['HTTPRoute', 'GRPCRoute']
    case 'TLS':
      return tlsMode === 'Passthrough' ? ['TLSRoute'] : ['TCPRoute', 'TLSRoute']
    case 'TCP':
      return ['TCPRoute']
    case 'UDP':
      return ['UDPRoute']
    default:
      return []
  }
}

/** The listeners of one Gateway with their readiness, in spec order. */
export function gatewayListeners(gateway: KubeObject, inventory: Inventory): ListenerState[] {
  const gatewayName = key(namespaceOf(gateway), gateway.metadata.name)
  const specs: any[] = gateway.spec?.listeners ?? []
  const httpPorts = specs.filter((l) => l.protocol === 'HTTP').map((l) => l.port)
  const sharesPort = (spec: any) => spec.protocol === 'HTTP' && httpPorts.filter((p) => p === spec.port).length > 1
  const listeners = specs.map((spec) => listenerState(gateway, gatewayName, spec, inventory, sharesPort(spec)))
  markProtocolConflicts(listeners)
  markHostnameConflicts(listeners)
  return listeners
}

function listenerState(gateway: KubeObject, gatewayName: string, spec: any, inventory: Inventory, sharedHttpPort: boolean): ListenerState {
  const protocol = String(spec.protocol)
  const tlsMode = spec.tls === undefined ? undefined : spec.tls.mode ?? 'Terminate'
  const state: ListenerState = {
    ref: {gateway: gatewayName, name: spec.name, port: spec.port, protocol, hostname: spec.hostname},
    gatewayNamespace: namespaceOf(gateway),
    tlsMode,
    kinds: kindsForProtocol(protocol, tlsMode),
    allowedNamespaces: spec.allowedRoutes?.namespaces ?? {from: 'Same'},
    ready: true,
    settings: pathSettings(gateway, sharedHttpPort ? undefined : spec.name, inventory),
  }
  const problem = listenerProblem(gateway, spec, state, inventory)
  if (problem !== undefined) {
    state.ready = false
    state.problem = problem
  }
  return state
}

/** The first reason Envoy Gateway would not program the listener (validateListenerSpec), or undefined. */
function listenerProblem(gateway: KubeObject, spec: any, state: ListenerState, inventory: Inventory): string | undefined {
  const protocol = state.ref.protocol
  if (!SUPPORTED_PROTOCOLS.has(protocol)) return `protocol ${protocol} is unsupported`
  const namespaces = state.allowedNamespaces
  if ((namespaces.from ?? 'Same') === 'Selector' && namespaces.selector === undefined) return 'allowedRoutes.namespaces.selector is missing'
  const requestedKinds: any[] = spec.allowedRoutes?.kinds ?? []
  if (requestedKinds.length > 0) {
    const bad = requestedKinds.filter((k) => (k.group ?? GATEWAY_API_GROUP) !== GATEWAY_API_GROUP || !state.kinds.includes(k.kind))
    if (bad.length > 0) return `allowedRoutes.kinds ${bad.map((k) => k.kind).join(', ')} not supported on ${protocol}`
    state.kinds = requestedKinds.map((k) => k.kind)
  }
  if ((protocol === 'HTTP' || protocol === 'TCP' || protocol === 'UDP') && spec.tls !== undefined) return `TLS must not be set on a ${protocol} listener`
  if ((protocol === 'HTTPS' || protocol === 'TLS') && spec.tls === undefined) return `TLS must be set on a ${protocol} listener`
  if (protocol === 'HTTPS' && state.tlsMode !== 'Terminate') return `TLS mode ${state.tlsMode} is not supported on HTTPS`
  if ((protocol === 'TCP' || protocol === 'UDP') && spec.hostname !== undefined) return `hostname must not be set on ${protocol}`
  if (state.tlsMode === 'Passthrough' && (spec.tls.certificateRefs ?? []).length > 0) return 'certificateRefs must not be set for Passthrough'
  if (state.tlsMode === 'Terminate') return certificateProblem(gateway, spec.tls.certificateRefs ?? [], inventory)
  return undefined
}

/**
 * validateTerminateModeAndGetTLSSecrets: no certificate, or none usable, leaves the listener unprogrammed; some
 * usable is enough (PartiallyInvalidCertificateRef). Secrets are never read here: a Secret in the Gateway's
 * namespace, or in another namespace with a ReferenceGrant in the input, is taken as usable.
 */
function certificateProblem(gateway: KubeObject, refs: any[], inventory: Inventory): string | undefined {
  if (refs.length === 0) return 'no TLS certificateRefs'
  const usable = refs.filter((ref) => {
    const namespace = ref.namespace ?? namespaceOf(gateway)
    if (namespace === namespaceOf(gateway)) return true
    return referencePermitted(
      inventory,
      {group: GATEWAY_API_GROUP, kind: 'Gateway', namespace: namespaceOf(gateway)},
      {group: ref.group ?? '', kind: ref.kind ?? 'Secret', namespace, name: ref.name},
    )
  })
  return usable.length === 0 ? 'no certificateRef is permitted (cross-namespace Secret without ReferenceGrant)' : undefined
}

/** validateConflictedProtocolsListeners: HTTPS and TLS may share a port; any other mix conflicts them all. */
function markProtocolConflicts(listeners: ListenerState[]): void {
  const byPort = new Map<number, ListenerState[]>()
  for (const l of listeners) {
    if (!l.ready || l.ref.protocol === 'UDP') continue
    byPort.set(l.ref.port, [...(byPort.get(l.ref.port) ?? []), l])
  }
  for (const onPort of byPort.values()) {
    const protocols = new Set(onPort.map((l) => (l.ref.protocol === 'HTTPS' || l.ref.protocol === 'TLS' ? 'https/tls' : l.ref.protocol)))
    if (protocols.size <= 1) continue
    for (const l of onPort) conflict(l, `protocol conflict on port ${l.ref.port}`)
  }
}

/** validateConflictedHostnameListeners: two Gateway listeners with one port and one hostname conflict (no winner). */
function markHostnameConflicts(listeners: ListenerState[]): void {
  const counts = new Map<string, number>()
  const eligible = listeners.filter((l) => l.ready && l.ref.protocol !== 'TCP' && l.ref.protocol !== 'UDP')
  for (const l of eligible) counts.set(`${l.ref.port} ${l.ref.hostname ?? ''}`, (counts.get(`${l.ref.port} ${l.ref.hostname ?? ''}`) ?? 0) + 1)
  for (const l of eligible) {
    if ((counts.get(`${l.ref.port} ${l.ref.hostname ?? ''}`) ?? 0) > 1) conflict(l, `hostname conflict on port ${l.ref.port}`)
  }
}

function conflict(listener: ListenerState, problem: string): void {
  listener.ready = false
  listener.problem = problem
}

/**
 * ClientTrafficPolicy `path` for a listener: a policy naming the listener (sectionName) wins over one naming the
 * whole Gateway; among equals the oldest wins (policies arrive sorted). A policy naming one of several HTTP
 * listeners that share a port is refused (clienttrafficpolicy.go: they share one connection manager), so only
 * Gateway-wide policies count there (`listenerName` undefined). Defaults from listener.go ProcessListeners.
 */
function pathSettings(gateway: KubeObject, listenerName: string | undefined, inventory: Inventory): PathSettings {
  const targets = (policy: KubeObject, section: string | undefined): boolean =>
    namespaceOf(policy) === namespaceOf(gateway) &&
    [...(policy.spec?.targetRefs ?? []), ...(policy.spec?.targetRef ? [policy.spec.targetRef] : [])].some(
      (t: any) => t.kind === 'Gateway' && t.name === gateway.metadata.name && t.sectionName === section,
    )
  const policy =
    (listenerName === undefined ? undefined : inventory.clientTrafficPolicies.find((p) => targets(p, listenerName))) ??
    inventory.clientTrafficPolicies.find((p) => targets(p, undefined))
  const path = policy?.spec?.path ?? {}
  return {
    mergeSlashes: path.disableMergeSlashes !== true,
    escapedSlashesAction: path.escapedSlashesAction ?? 'UnescapeAndRedirect',
  }
}

/** GetReferencedListeners: the listeners of `gateway` a parentRef names (all, or by sectionName and port). */
export function referencedListeners(parent: ParentRef, gatewayName: string, listeners: ListenerState[]): ListenerState[] {
  if (parent.group !== GATEWAY_API_GROUP || parent.kind !== 'Gateway' || key(parent.namespace, parent.name) !== gatewayName) return []
  return listeners.filter((l) => (parent.sectionName === undefined || parent.sectionName === l.ref.name) && (parent.port === undefined || parent.port === l.ref.port))
}

/**
 * AllowsKind && AllowsNamespace. A namespace absent from the input is assumed to exist with the labels the listener
 * selects, unless the inventory is complete (then, as in EG, an unknown namespace admits nothing).
 */
export function listenerAdmits(listener: ListenerState, routeKind: string, routeNamespace: string, inventory: Inventory, assumptions: Set<string>): boolean {
  if (!listener.kinds.includes(routeKind)) return false
  const from = listener.allowedNamespaces.from ?? 'Same'
  if (from === 'All') return true
  if (from === 'Same') return routeNamespace === listener.gatewayNamespace
  if (from !== 'Selector') return false
  const labels = inventory.namespaceLabels.get(routeNamespace)
  if (labels === undefined) {
    if (inventory.complete) return false
    assumptions.add(`Namespace ${routeNamespace} is not in the input; assumed to carry the labels listener ${listener.ref.gateway}/${listener.ref.name} selects`)
    return true
  }
  return selectorMatches(listener.allowedNamespaces.selector, labels)
}

/** metav1.LabelSelector semantics: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist) all hold. */
export function selectorMatches(selector: any, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(selector?.matchLabels ?? {})) if (labels[k] !== v) return false
  for (const e of selector?.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key)
    const values: string[] = e.values ?? []
    if (e.operator === 'In' && !(has && values.includes(labels[e.key]))) return false
    if (e.operator === 'NotIn' && has && values.includes(labels[e.key])) return false
    if (e.operator === 'Exists' && !has) return false
    if (e.operator === 'DoesNotExist' && has) return false
  }
  return true
}

/**
 * helpers.go computeHosts: the virtual host domains a route gets on a listener. No route hostnames: the listener
 * hostname, else `*`. Otherwise the intersection (a wildcard matches any depth: `*.example.com` takes
 * `a.b.example.com`), minus hostnames another listener on the same port names exactly. Sorted (sets.List).
 */
export function computeHosts(routeHostnames: string[], listener: ListenerState, siblings: ListenerState[]): string[] {
  const listenerHost = listener.ref.hostname ?? ''
  if (routeHostnames.length === 0) return [listenerHost === '' ? '*' : listenerHost]
  const hosts = new Set<string>()
  for (const routeHost of routeHostnames) {
    if (listenerHost === '' || listenerHost === routeHost) {
      hosts.add(routeHost)
    } else if (listenerHost.startsWith('*') && routeHost.startsWith('*')) {
      if (wildcardMatches(routeHost, listenerHost)) hosts.add(listenerHost)
      if (wildcardMatches(listenerHost, routeHost)) hosts.add(routeHost)
    } else if (listenerHost.startsWith('*')) {
      if (wildcardMatches(listenerHost, routeHost)) hosts.add(routeHost)
    } else if (routeHost.startsWith('*')) {
      if (wildcardMatches(routeHost, listenerHost)) hosts.add(listenerHost)
    }
  }
  for (const other of siblings) {
    if (other === listener || other.ref.port !== listener.ref.port || other.ref.hostname === undefined) continue
    hosts.delete(other.ref.hostname)
  }
  return [...hosts].sort()
}

/** helpers.go wildcardHostnameMatchesHostname: `*.example.com` matches `a.example.com` and `a.b.example.com`. */
export function wildcardMatches(wildcard: string, hostname: string): boolean {
  const suffix = wildcard.slice(1)
  if (!hostname.startsWith('*')) return hostname.endsWith(suffix) && hostname.length > suffix.length
  const hostSuffix = hostname.slice(1)
  if (!hostSuffix.endsWith(suffix)) return false
  const remaining = hostSuffix.slice(0, hostSuffix.length - suffix.length)
  return remaining.length > 0 && remaining.startsWith('.')
}
