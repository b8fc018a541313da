/**
 * The shared Gateway(s) as the output builds them: listeners -> routes per namespace -> backends. Read from the
 * emitted objects (Gateway listeners, route parentRefs and backendRefs), so it shows what will be applied.
 */
import type {KubeObject, TranslateResult} from '../../model/types.js'
import {compareStrings} from '../../util/hash.js'
import type {GatewayListener, GatewaySummary, ObjectRef} from './model.js'

const GATEWAY_GROUP = 'gateway.networking.k8s.io'
const ROUTE_KINDS = new Set(['HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute'])

function isRoute(o: KubeObject): boolean {
  return ROUTE_KINDS.has(o.kind) && o.apiVersion.startsWith(`${GATEWAY_GROUP}/`)
}

/** `namespace/name` of the Gateways a route's parentRefs name, with the listener (sectionName, '*' for all). */
function parentsOf(route: KubeObject): {gateway: string; listener: string}[] {
  const refs: any[] = Array.isArray(route.spec?.parentRefs) ? route.spec.parentRefs : []
  return refs
    .filter((p) => (p?.group ?? GATEWAY_GROUP) === GATEWAY_GROUP && (p?.kind ?? 'Gateway') === 'Gateway' && typeof p?.name === 'string')
    .map((p) => ({gateway: `${p.namespace ?? route.metadata.namespace ?? 'default'}/${p.name}`, listener: typeof p.sectionName === 'string' ? p.sectionName : '*'}))
}

function backendsOf(route: KubeObject): string[] {
  const out = new Set<string>()
  for (const rule of Array.isArray(route.spec?.rules) ? route.spec.rules : []) {
    for (const b of Array.isArray(rule?.backendRefs) ? rule.backendRefs : []) {
      if (typeof b?.name !== 'string') continue
      const kind = b.kind ?? 'Service'
      const ns = b.namespace && b.namespace !== route.metadata.namespace ? `${b.namespace}/` : ''
      out.add(`${kind}/${ns}${b.name}${b.port !== undefined ? `:${b.port}` : ''}`)
    }
  }
  return [...out].sort(compareStrings)
}

/** Namespaces of the Gateways: of the emitted ones and of those routes attach to. */
export function gatewayNamespaces(result: TranslateResult): Set<string> {
  const out = new Set<string>()
  for (const o of result.objects) {
    if (o.kind === 'Gateway' && o.metadata.namespace) out.add(o.metadata.namespace)
    if (isRoute(o)) for (const p of parentsOf(o)) out.add(p.gateway.slice(0, p.gateway.indexOf('/')))
  }
  return out
}

/**
 * Objects in a Gateway's namespace that several Ingresses produced (the https-redirect route, a certificate two
 * Ingresses name, the Gateway): they belong to the gateway owner, not to one Ingress. `keys` as objectRefKey.
 */
export function sharedGatewayObjects(result: TranslateResult, locate: (ref: string, namespace: string) => ObjectRef): {keys: Set<string>; objects: ObjectRef[]} {
  const namespaces = gatewayNamespaces(result)
  const count = new Map<string, {ref: ObjectRef; n: number}>()
  for (const r of result.ingresses) {
    const ns = r.ingress.slice(0, r.ingress.indexOf('/'))
    for (const ref of r.objects) {
      const o = locate(ref, ns)
      if (o.namespace === undefined || !namespaces.has(o.namespace)) continue
      const key = `${o.kind}/${o.namespace}/${o.name}`
      const c = count.get(key) ?? {ref: o, n: 0}
      c.n++
      count.set(key, c)
    }
  }
  const shared = [...count.entries()].filter(([, c]) => c.n > 1)
  return {keys: new Set(shared.map(([k]) => k)), objects: shared.map(([, c]) => c.ref)}
}

export function gatewaysOf(result: TranslateResult, shared: ObjectRef[]): GatewaySummary[] {
  const gateways = new Map<string, GatewaySummary>()
  const get = (key: string): GatewaySummary => {
    let g = gateways.get(key)
    if (!g) {
      const i = key.indexOf('/')
      g = {namespace: key.slice(0, i), name: key.slice(i + 1), emitted: false, listeners: [], namespaces: [], routes: [], shared: []}
      gateways.set(key, g)
    }
    return g
  }
  for (const o of result.objects) {
    if (o.kind !== 'Gateway' || !o.apiVersion.startsWith(`${GATEWAY_GROUP}/`)) continue
    const g = get(`${o.metadata.namespace ?? 'default'}/${o.metadata.name}`)
    g.emitted = true
    for (const l of Array.isArray(o.spec?.listeners) ? o.spec.listeners : []) {
      if (typeof l?.name !== 'string') continue
      const listener: GatewayListener = {name: l.name, protocol: l.protocol, port: l.port, routes: 0}
      if (typeof l.hostname === 'string') listener.hostname = l.hostname
      g.listeners.push(listener)
    }
  }
  for (const o of result.objects) {
    if (!isRoute(o)) continue
    const byGateway = new Map<string, string[]>()
    for (const p of parentsOf(o)) byGateway.set(p.gateway, [...(byGateway.get(p.gateway) ?? []), p.listener])
    for (const [key, listeners] of byGateway) {
      const g = get(key)
      const unique = [...new Set(listeners)].sort(compareStrings)
      g.routes.push({kind: o.kind, namespace: o.metadata.namespace ?? 'default', name: o.metadata.name, listeners: unique, backends: backendsOf(o)})
      for (const name of unique) {
        const attached = name === '*' ? g.listeners : [g.listeners.find((l) => l.name === name) ?? addListener(g, name)]
        for (const l of attached) l.routes++
      }
    }
  }
  for (const g of gateways.values()) {
    g.routes.sort((a, b) => compareStrings(a.namespace, b.namespace) || compareStrings(a.kind, b.kind) || compareStrings(a.name, b.name))
    if (!g.emitted) g.listeners.sort((a, b) => compareStrings(a.name, b.name))
    const byNs = new Map<string, {routes: number; backends: Set<string>}>()
    for (const r of g.routes) {
      const s = byNs.get(r.namespace) ?? {routes: 0, backends: new Set<string>()}
      s.routes++
      for (const b of r.backends) s.backends.add(b)
      byNs.set(r.namespace, s)
    }
    g.namespaces = [...byNs.entries()].sort(([a], [b]) => compareStrings(a, b)).map(([name, s]) => ({name, routes: s.routes, backends: s.backends.size}))
    g.shared = shared
      .filter((o) => o.namespace === g.namespace)
      .sort((a, b) => compareStrings(a.kind, b.kind) || compareStrings(a.name, b.name))
  }
  return [...gateways.entries()].sort(([a], [b]) => compareStrings(a, b)).map(([, g]) => g)
}

/** A listener a route names on a Gateway that is not part of the output (the gateway owner's). */
function addListener(g: GatewaySummary, name: string): GatewayListener {
  const l: GatewayListener = {name, routes: 0}
  g.listeners.push(l)
  return l
}
