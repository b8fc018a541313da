/**
 * ingress-nginx tcp-services / udp-services ConfigMaps (`"<port>": "<ns>/<svc>:<port>[:PROXY][:PROXY]"`) -> Gateway
 * listeners `tcp-<port>` / `udp-<port>` plus TCPRoute / UDPRoute in the Service's namespace.
 *
 * Route apiVersion: Gateway API v1.6.1 serves TCPRoute/UDPRoute `v1` in both the standard and the experimental
 * channel; `v1alpha2` is still served by the experimental channel but NOT by the standard one (served: false), so
 * `v1` is the only version both channels serve. Older releases (< v1.6) served only `v1alpha2` in the experimental
 * channel: clusters on those need the Gateway API CRDs upgraded first (Envoy Gateway v1.9 requires v1.6 anyway).
 */
import {dnsName} from '../../model/names.js'
import {managedMetadata} from '../../model/provenance.js'
import type {Diagnostic, KubeObject, NamespacedName} from '../../model/types.js'
import {EG_API_VERSION, GATEWAY_GROUP, GATEWAY_V1, gatewayParentRef, gatewayTargetRef} from '../../model/gateway-refs.js'
import {aboutObject} from '../../model/diagnostics.js'
import {isObject} from '../../util/json.js'
import type {GatewayListener, OutputObject} from '../../model/emitted.js'
import type {ClientTrafficPolicySpec} from '../../model/generated/index.js'
import {diagnostic, type Where} from '../../model/catalogue/diagnostic.js'

export interface StreamContext {
  gateway: NamespacedName
  /** Emit TCPRoute/UDPRoute and listeners (the target serves them). */
  emitRoutes: boolean
  /** 'ns/name' -> Service. */
  services: Map<string, KubeObject>
}

/** Ports the ingress-nginx controller keeps for itself (getStreamServices skips them). */
const RESERVED = new Set([80, 443, 442, 10254, 8181, 10245, 10246, 10247])

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/

/**
 * The tcp-services / udp-services ConfigMap: `explicit` ('ns/name', or a name in `default`) when given (the
 * controller's --tcp-services-configmap / --udp-services-configmap), else the usual names in this order:
 * `ingress-nginx/tcp-services` (the documented manifest), `ingress-nginx/ingress-nginx-tcp` (Helm release
 * "ingress-nginx"), any `tcp-services`, any `ingress-nginx-tcp` / `<release>-ingress-nginx-tcp` (Helm: the chart
 * fullname + `-tcp`); several matches of one rule are taken in 'ns/name' order, so the choice is deterministic.
 */
export function findStreamConfigMap(configMaps: KubeObject[], explicit: string | undefined, protocol: 'TCP' | 'UDP'): KubeObject | undefined {
  const byKey = new Map<string, KubeObject>()
  for (const cm of Array.isArray(configMaps) ? configMaps : []) {
    if (!isObject(cm) || !isObject(cm.metadata) || typeof cm.metadata.name !== 'string' || cm.metadata.name === '') continue
    const ns = typeof cm.metadata.namespace === 'string' && cm.metadata.namespace !== '' ? cm.metadata.namespace : 'default'
    const key = `${ns}/${cm.metadata.name}`
    if (!byKey.has(key)) byKey.set(key, cm)
  }
  if (explicit !== undefined && explicit.trim() !== '') {
    const e = explicit.trim()
    return byKey.get(e.includes('/') ? e : `default/${e}`)
  }
  const lower = protocol === 'UDP' ? 'udp' : 'tcp'
  const keys = [...byKey.keys()].sort()
  const nameOf = (k: string): string => k.slice(k.indexOf('/') + 1)
  const rules: ((k: string) => boolean)[] = [
    (k) => k === `ingress-nginx/${lower}-services`,
    (k) => k === `ingress-nginx/ingress-nginx-${lower}`,
    (k) => nameOf(k) === `${lower}-services`,
    (k) => nameOf(k) === `ingress-nginx-${lower}` || nameOf(k).endsWith(`-ingress-nginx-${lower}`),
  ]
  for (const rule of rules) {
    const hit = keys.find(rule)
    if (hit !== undefined) return byKey.get(hit)
  }
  return undefined
}

/** One ConfigMap being translated: what every step of an entry needs, and the output they fill. */
interface StreamRun {
  ctx: StreamContext
  protocol: 'TCP' | 'UDP'
  cmRef: string
  cmLabel: string
  lower: string
  routeKind: 'TCPRoute' | 'UDPRoute'
  services: Map<string, KubeObject>
  out: {objects: OutputObject[]; listeners: GatewayListener[]; diagnostics: Diagnostic[]; checklist: string[]}
  /** Where an entry's diagnostics point: the ConfigMap (text and ref) and the entry's key. */
  at(key: string, hint?: string): Where
}

/** A valid `<ns>/<svc>:<port>[:PROXY][:PROXY]` entry. */
interface StreamEntry {
  key: string
  /** `<cmLabel> "<key>": "<value>"`, how diagnostics name the entry. */
  entry: string
  port: number
  svcNs: string
  svcName: string
  svcPort: string
  decode: boolean
  encode: boolean
}

export function streamServices(
  cm: KubeObject | undefined,
  protocol: 'TCP' | 'UDP',
  ctx: StreamContext,
): {objects: OutputObject[]; listeners: GatewayListener[]; diagnostics: Diagnostic[]; checklist: string[]} {
  const out = {objects: [] as OutputObject[], listeners: [] as GatewayListener[], diagnostics: [] as Diagnostic[], checklist: [] as string[]}
  if (!cm || !isObject(cm) || !isObject(cm.data)) return out
  const cmSubject = aboutObject(cm)
  const cmRef = cmSubject.object
  const lower = protocol.toLowerCase()
  const run: StreamRun = {
    ctx,
    protocol,
    cmRef,
    cmLabel: `${lower}-services`,
    lower,
    routeKind: protocol === 'TCP' ? 'TCPRoute' : 'UDPRoute',
    services: ctx.services instanceof Map ? ctx.services : new Map<string, KubeObject>(),
    out,
    at: (key, hint) => ({...cmSubject, annotation: key, ...(hint !== undefined ? {hint} : {})}),
  }
  const entries = Object.entries(cm.data as Record<string, unknown>).sort(([a], [b]) => {
    const na = Number(a)
    const nb = Number(b)
    return Number.isFinite(na) && Number.isFinite(nb) ? na - nb : a.localeCompare(b)
  })
  for (const [key, rawValue] of entries) {
    const parsed = parseStreamEntry(run, key, rawValue)
    if (!parsed) continue
    const backendPort = resolveBackendPort(run, parsed)
    if (backendPort === undefined) continue
    emitStreamEntry(run, parsed, backendPort)
  }
  if (out.listeners.length > 0) {
    out.checklist.push(`${run.routeKind}s use ${GATEWAY_V1}: the cluster needs Gateway API v1.6+ CRDs (standard or experimental channel)`)
  }
  return out
}

/** getStreamServices' reading of one entry: the port, `<ns>/<svc>:<port>` and the PROXY fields; undefined when skipped. */
function parseStreamEntry(run: StreamRun, key: string, rawValue: unknown): StreamEntry | undefined {
  const {cmLabel, protocol} = run
  const diagnostics = run.out.diagnostics
  const value = typeof rawValue === 'string' ? rawValue.trim() : String(rawValue)
  const entry = `${cmLabel} "${key}": "${value}"`
  // External port.
  if (!/^\d+$/.test(key.trim()) || Number(key) < 1 || Number(key) > 65535) {
    diagnostics.push(diagnostic('stream-entry-invalid', {entry, problem: 'port-key'}, run.at(key)))
    return undefined
  }
  const port = Number(key)
  if (RESERVED.has(port)) {
    diagnostics.push(diagnostic('stream-port-reserved', {entry, port}, run.at(key)))
    return undefined
  }
  // <ns>/<svc>:<port>[:PROXY][:PROXY]
  const fields = value.split(':')
  const [nsName, svcPort] = fields
  const nsParts = (nsName ?? '').split('/')
  if (fields.length < 2 || nsParts.length !== 2 || !DNS_LABEL.test(nsParts[0]) || !DNS_LABEL.test(nsParts[1]) || !svcPort) {
    diagnostics.push(diagnostic('stream-entry-invalid', {entry, problem: 'format'}, run.at(key)))
    return undefined
  }
  const [svcNs, svcName] = nsParts
  // getStreamServices: the 3rd field PROXY (any case) decodes with 3 fields or more; the 4th field PROXY encodes only
  // when there are exactly 4 fields (`len(nsSvcPort) == 4`). Extra fields do not invalidate the entry.
  let decode = fields.length >= 3 && fields[2].toUpperCase() === 'PROXY'
  let encode = fields.length === 4 && fields[3].toUpperCase() === 'PROXY'
  for (const [i, f] of fields.slice(2, 4).entries()) {
    if (f.toUpperCase() === 'PROXY') continue
    diagnostics.push(diagnostic('stream-field-ignored', {entry, field: i + 3, value: f}, run.at(key)))
  }
  if (fields.length > 4) {
    const extra = fields.slice(4)
    const fourthProxy = fields[3].toUpperCase() === 'PROXY'
    const hint = `remove the extra field${extra.length === 1 ? '' : 's'} from ${cmLabel} "${key}"${fourthProxy ? ' (and keep :PROXY as the 4th field if the backend expects PROXY protocol: that changes behaviour)' : ''}`
    diagnostics.push(diagnostic('stream-fields-extra', {entry, fields: fields.length, extra, fourthProxy, decode}, run.at(key, hint)))
  }
  if (protocol === 'UDP' && (decode || encode)) {
    diagnostics.push(diagnostic('stream-udp-proxy-protocol', {entry}, run.at(key)))
    decode = false
    encode = false
  }
  return {key, entry, port, svcNs, svcName, svcPort, decode, encode}
}

/** The Service port an entry reaches (number = spec.ports[].port, or a port name); undefined when skipped. */
function resolveBackendPort(run: StreamRun, parsed: StreamEntry): number | undefined {
  const {cmLabel, protocol, services} = run
  const diagnostics = run.out.diagnostics
  const {key, entry, svcNs, svcName, svcPort} = parsed
  const svc = services.get(`${svcNs}/${svcName}`)
  const svcPorts: any[] = svc && Array.isArray(svc.spec?.ports) ? svc.spec.ports : []
  const numeric = /^\d+$/.test(svcPort)
  let backendPort: number | undefined
  if (svc) {
    // As getStreamServices: every Service port with that number (spec.ports[].port) or name is considered, and only
    // one of the entry's protocol counts (a DNS Service has port 53 twice, UDP and TCP).
    const protocolOf = (p: any): string => (typeof p.protocol === 'string' && p.protocol !== '' ? p.protocol : 'TCP')
    const candidates = svcPorts.filter((p) => isObject(p) && (numeric ? p.port === Number(svcPort) : p.name === svcPort))
    if (candidates.length === 0) {
      const ports = svcPorts.map((p) => (p?.name ? `${p.name}=${p.port}` : p?.port === undefined || p?.port === null ? '' : String(p.port)))
      diagnostics.push(diagnostic('stream-service-port-missing', {entry, service: `${svcNs}/${svcName}`, port: svcPort, named: !numeric, ports}, run.at(key)))
      return undefined
    }
    const sp = candidates.find((p) => protocolOf(p) === protocol)
    if (!sp) {
      const other = candidates[0]
      diagnostics.push(diagnostic('stream-service-port-protocol', {entry, service: `${svcNs}/${svcName}`, servicePort: String(other.name ?? other.port), portProtocol: protocolOf(other), protocol}, run.at(key)))
      return undefined
    }
    backendPort = Number(sp.port)
  } else if (numeric) {
    backendPort = Number(svcPort)
    diagnostics.push(diagnostic('stream-service-not-in-input', {entry, service: `${svcNs}/${svcName}`, port: svcPort}, run.at(key)))
  } else {
    diagnostics.push(diagnostic('stream-port-name-unresolved', {entry, service: `${svcNs}/${svcName}`, portName: svcPort}, run.at(key, `rerun with the Service in the input (or write the port number in ${cmLabel})`)))
    return undefined
  }
  if (!Number.isInteger(backendPort) || backendPort < 1 || backendPort > 65535) {
    diagnostics.push(diagnostic('stream-entry-invalid', {entry, problem: 'backend-port', backendPort}, run.at(key)))
    return undefined
  }
  return backendPort
}

/** A valid entry -> listener, route, the TCP listener's ClientTrafficPolicy, PROXY protocol towards the backend. */
function emitStreamEntry(run: StreamRun, parsed: StreamEntry, backendPort: number): void {
  const {ctx, cmRef, cmLabel, lower, protocol, routeKind} = run
  const {objects, listeners, diagnostics, checklist} = run.out
  const {key, entry, port, svcNs, svcName, decode, encode} = parsed
  const listenerName = `${lower}-${port}`
  if (!ctx.emitRoutes) {
    diagnostics.push(
      diagnostic(
        'stream-route-unavailable',
        {entry, port, service: `${svcNs}/${svcName}`, backendPort, protocol, routeKind},
        run.at(key, `install Gateway API v1.6+ (or the experimental channel) and rerun with --tcp-routes, or expose Service ${svcNs}/${svcName} directly as type LoadBalancer on port ${port}`),
      ),
    )
    return
  }

  listeners.push({
    name: listenerName,
    port,
    protocol,
    allowedRoutes: {
      namespaces: {from: 'Selector', selector: {matchLabels: {'kubernetes.io/metadata.name': svcNs}}},
      kinds: [{group: GATEWAY_GROUP, kind: routeKind}],
    },
  })
  const routeName = dnsName(svcName, String(port))
  objects.push({
    apiVersion: GATEWAY_V1,
    kind: routeKind,
    metadata: managedMetadata(routeName, svcNs, [cmRef]),
    spec: {
      parentRefs: [gatewayParentRef(ctx.gateway, listenerName)],
      rules: [{backendRefs: [{name: svcName, port: backendPort}]}],
    },
  })
  diagnostics.push(
    diagnostic(
      'stream-route',
      {entry, listener: listenerName, protocol, port, gateway: `${ctx.gateway.namespace}/${ctx.gateway.name}`, routeKind, namespace: svcNs, route: routeName, service: svcName, backendPort},
      run.at(key),
    ),
  )

  if (protocol === 'TCP') {
    // A listener-level CTP replaces the Gateway-wide one, which may enable PROXY protocol for the HTTP listeners
    // (use-proxy-protocol): nginx never applied that to stream ports, so every TCP listener gets its own CTP.
    const ctpSpec: ClientTrafficPolicySpec = {targetRefs: [gatewayTargetRef(ctx.gateway, listenerName)]}
    if (decode) ctpSpec.proxyProtocol = {}
    objects.push({
      apiVersion: EG_API_VERSION,
      kind: 'ClientTrafficPolicy',
      metadata: managedMetadata(dnsName(ctx.gateway.name, listenerName), ctx.gateway.namespace, [cmRef]),
      spec: ctpSpec,
    })
    if (decode) {
      diagnostics.push(
        diagnostic('stream-proxy-protocol-decode', {entry, port, policy: dnsName(ctx.gateway.name, listenerName), listener: listenerName}, {...run.at(key), hint: 'proxyProtocol needs Envoy Gateway v1.5+'}),
      )
    }
    if (encode) {
      objects.push({
        apiVersion: EG_API_VERSION,
        kind: 'BackendTrafficPolicy',
        metadata: managedMetadata(routeName, svcNs, [cmRef]),
        spec: {targetRefs: [{group: GATEWAY_GROUP, kind: routeKind, name: routeName}], proxyProtocol: {version: 'V1'}},
      })
      diagnostics.push(
        diagnostic('stream-proxy-protocol-encode', {entry, service: svcName, namespace: svcNs, route: routeName}, run.at(key)),
      )
    }
  }
  checklist.push(
    `${protocol} port ${port} (${cmLabel}, to ${svcNs}/${svcName}:${backendPort}): the Envoy Service gets this port from listener ${listenerName}; open it on the load balancer / firewall as it was for ingress-nginx`,
  )
}
