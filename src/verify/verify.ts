/**
 * Offline verify: every probe through the ingress-nginx model (over the hosts the compiler built) and the Envoy
 * Gateway model (over the emitted Gateway API objects), outcome against outcome. A difference that a diagnostic
 * of the conversion already names is `known` and carries that diagnostic's code; any other is a finding. Pure.
 */
import {withoutTrailingDot} from '../model/names.js'
import type {KubeObject, TranslateResult} from '../model/types.js'
import {buildGatewayModel, routeRequest, type ModelOptions} from './gateway-model.js'
import type {GatewayOutcome} from './gateway-types.js'
import {buildNginxModel, routeNginxRequest, type NginxModelOptions, type NginxOutcome} from './nginx-model.js'
import {outcomeDifferences, type Outcome, type Probe} from './outcome.js'
import {deriveProbes, type TargetedProbe} from './probes.js'
import {knownDifference} from './verify-known.js'

export interface ProbeResult {
  gateway: string
  probe: Probe
  origin: TargetedProbe['origin']
  nginx: NginxOutcome
  envoy: GatewayOutcome
  /** Fields that differ (outcome.ts outcomeDifferences); empty: the same answer. */
  differences: string[]
  /** The diagnostic code that already names this difference. */
  known?: string
  /** The Ingresses (`namespace/name`) that decided the probe on either side (nginx location, canary, route). */
  ingresses: string[]
  /** The Ingress the difference is grouped under, else the host. */
  group: string
}

export interface VerifyReport {
  probes: number
  differ: number
  known: number
  /** Probes and differences per Ingress (`namespace/name`) that decided at least one probe on either side. */
  perIngress: Map<string, {probes: number; differ: number; known: number}>
  /** The differing probes, in probe order (none kept when VerifyOptions.countsOnly). */
  differences: ProbeResult[]
  /** What the Gateway model had to assume or could not model. */
  notes: string[]
  /** verify --against: where the Gateway side was read from (else the converted objects). */
  gatewaySide?: string
}

export interface VerifyOptions extends NginxModelOptions {
  /** Extra probes (the user's): sent to the Gateway whose nginx serves the host, else to `defaultGateway`. */
  probes?: Probe[]
  /** Skip the derived probes (only the user's). */
  onlyGiven?: boolean
  defaultGateway?: string
  /** Called for every probe, differing or not, in probe order (the live mode groups its answers by it). */
  onProbe?: (result: ProbeResult) => void
  /**
   * Count the probes without keeping the differing ones (`differences` stays empty): convert and report print only
   * the counts, and the kept probes were the largest part of verify's heap at 10,000 Ingresses (a kilobyte each).
   */
  countsOnly?: boolean
  /** How the Gateway model reads the objects (a live read holds every Service and Namespace: completeInventory). */
  gatewayModel?: ModelOptions
}

/**
 * Verify `result` (its hosts: the nginx side) against `objects` (the Gateway side: the converted objects with the
 * gateway-owner bundle, or manifests from elsewhere).
 */
export function verifyTranslation(result: TranslateResult, objects: KubeObject[], options: VerifyOptions = {}): VerifyReport {
  const hostsByGateway = result.hostsByGateway ?? new Map()
  const nginx = buildNginxModel(hostsByGateway, options)
  const envoy = buildGatewayModel(objects, options.gatewayModel)
  const planes = new Set(envoy.gateways.map((g) => g.gateway))
  const gatewayOfName = options.probes === undefined ? new Map<string, string>() : gatewaysByName(hostsByGateway)
  const report: VerifyReport = {probes: 0, differ: 0, known: 0, perIngress: new Map(), differences: [], notes: [...envoy.notes]}
  const ingressOf = routeSources(objects)
  // The Ingress of each route the Envoy model names, by the model's route reference (one object per route entry).
  const ingressOfRef = new Map<object, string | undefined>()
  const backendsByKey = backendIndex(objects)
  // Probes come host by host: the previous probe's route is often this one's.
  let lastRoute: object | undefined
  let lastRouteIngress: string | undefined
  const count = ingressCounter(report)
  const send = (gateway: string, probe: Probe, origin: TargetedProbe['origin']): void => {
    const n = routeNginxRequest(nginx, probe, hostsByGateway.has(gateway) ? gateway : undefined)
    const e: GatewayOutcome = planes.has(gateway)
      ? routeRequest(envoy, probe, gateway)
      : {kind: 'refused', reason: `Gateway ${gateway} is not in the objects`, gateway: {gateway, tiedWith: [], orderAssumed: false, uncertain: false, notes: []}}
    const differences = probeDifferences(n, e, backendsByKey)
    const route = e.gateway.route
    let envoyIngress: string | undefined
    if (route === lastRoute) envoyIngress = lastRouteIngress
    else if (route !== undefined) {
      if (ingressOfRef.has(route)) envoyIngress = ingressOfRef.get(route)
      else ingressOfRef.set(route, (envoyIngress = ingressOf.get(`${route.kind}/${route.namespace}/${route.name}`)))
      lastRoute = route
      lastRouteIngress = envoyIngress
    }
    const {ingress, canary} = n.nginx
    report.probes++
    // distinctDefined's ids, counted without the array (made below for the probes kept).
    if (ingress !== undefined) count(ingress, 'probes')
    if (canary !== undefined && canary !== ingress) count(canary, 'probes')
    if (envoyIngress !== undefined && envoyIngress !== ingress && envoyIngress !== canary) count(envoyIngress, 'probes')
    // Most probes agree: nothing more to build for them unless a caller (live mode) wants every one.
    if (differences.length === 0 && options.onProbe === undefined) return
    const ingresses = distinctDefined(ingress, canary, envoyIngress)
    const result_ = probeResult(gateway, probe, origin, {nginx: n, envoy: e, differences, ingresses, group: ingresses[0] ?? probe.host})
    const known = differences.length === 0 ? undefined : knownDifference(result, result_)
    if (known !== undefined) result_.known = known
    options.onProbe?.(result_)
    if (differences.length === 0) return
    report.differ++
    if (known !== undefined) report.known++
    for (const id of ingresses) {
      count(id, 'differ')
      if (known !== undefined) count(id, 'known')
    }
    if (!options.countsOnly) report.differences.push(result_)
  }
  // The derived probes (made as they are routed: deriveProbes), then the user's.
  if (!options.onlyGiven) for (const [gateway, hosts] of hostsByGateway) deriveProbes(gateway, hosts, objects, (probe) => send(gateway, probe, 'derived'))
  for (const probe of options.probes ?? []) send(gatewayForHost(hostsByGateway, gatewayOfName, probe.host, options.defaultGateway), probe, 'user')
  return report
}

/**
 * The probe's result with the target's fields first, in a TargetedProbe's key order (derived and user probes differ).
 * Written out, not spread: `{...target, ...}` took V8's slow path, about a fifth of verify at 1,000 Ingresses.
 */
function probeResult(gateway: string, probe: Probe, origin: TargetedProbe['origin'], rest: Omit<ProbeResult, keyof TargetedProbe>): ProbeResult {
  const {nginx, envoy, differences, ingresses, group} = rest
  return origin === 'user'
    ? {gateway, probe, origin, nginx, envoy, differences, ingresses, group}
    : {gateway, origin, probe, nginx, envoy, differences, ingresses, group}
}

type IngressCounts = {probes: number; differ: number; known: number}

/** count(id, field): one more for the Ingress in report.perIngress (the last one's entry at hand: probes come host by host). */
function ingressCounter(report: VerifyReport): (id: string, field: keyof IngressCounts) => void {
  let lastId: string | undefined
  let last: IngressCounts | undefined
  return (id, field) => {
    if (id !== lastId || last === undefined) {
      last = report.perIngress.get(id)
      if (last === undefined) report.perIngress.set(id, (last = {probes: 0, differ: 0, known: 0}))
      lastId = id
    }
    last[field]++
  }
}

/** The defined values among a, b, c, each once, in that order (`[...new Set([a, b, c])]` without undefined). */
function distinctDefined(a: string | undefined, b: string | undefined, c: string | undefined): string[] {
  const out: string[] = []
  if (a !== undefined) out.push(a)
  if (b !== undefined && b !== a) out.push(b)
  if (c !== undefined && c !== a && c !== b) out.push(c)
  return out
}

/** Server name or alias -> the first Gateway (in order) whose nginx serves it. */
function gatewaysByName(hostsByGateway: Map<string, Map<string, any>>): Map<string, string> {
  const out = new Map<string, string>()
  for (const [gateway, hosts] of hostsByGateway) {
    for (const h of hosts.values()) for (const name of [h.name, ...h.aliases]) if (!out.has(name)) out.set(name, gateway)
  }
  return out
}

function gatewayForHost(hostsByGateway: Map<string, Map<string, any>>, gatewayOfName: Map<string, string>, host: string, fallback: string | undefined): string {
  // The name nginx serves it under: without port and one trailing dot (nginx-model.ts hostName).
  const name = withoutTrailingDot(host.toLowerCase().replace(/:\d+$/, ''))
  return gatewayOfName.get(name) ?? fallback ?? [...hostsByGateway.keys()][0] ?? 'gateway/shared'
}

/** Envoy Gateway Backends by `namespace/name`, the first of a name (as a scan of the objects would find). */
function backendIndex(objects: KubeObject[]): Map<string, KubeObject> {
  const out = new Map<string, KubeObject>()
  for (const o of objects) {
    if (o.kind !== 'Backend') continue
    const at = `${o.metadata.namespace ?? 'default'}/${o.metadata.name}`
    if (!out.has(at)) out.set(at, o)
  }
  return out
}

/** The kinds of RouteRef (gateway-types.ts): the only objects whose source verify looks up. */
const ROUTE_KINDS = new Set(['HTTPRoute', 'GRPCRoute', 'TLSRoute'])

/** `HTTPRoute/ns/name` -> the Ingress its ingress2gw.io/source annotation names, when it names one. */
function routeSources(objects: KubeObject[]): Map<string, string> {
  const out = new Map<string, string>()
  for (const o of objects) {
    if (!ROUTE_KINDS.has(o.kind)) continue
    const source = o.metadata.annotations?.['ingress2gw.io/source']
    // A route made from several Ingresses (the shared https-redirect route) speaks for none of them.
    const sources = source?.split(', ') ?? []
    const first = sources.length === 1 ? sources[0]!.replace(/^Ingress /, '') : undefined
    if (first) out.set(`${o.kind}/${o.metadata.namespace ?? 'default'}/${o.metadata.name}`, first)
  }
  return out
}

/**
 * outcomeDifferences of both sides as comparable() makes them, without the copies where comparable() changes nothing
 * that is compared: no EG Backend on either side and the same Location (or none) on both, as most probes have (equal
 * Locations normalize alike).
 */
function probeDifferences(n: Outcome, e: Outcome, backendsByKey: Map<string, KubeObject>): string[] {
  if (n.location === e.location && !viaBackend(n) && !viaBackend(e)) return outcomeDifferences(n, e)
  return outcomeDifferences(comparable(n, backendsByKey), comparable(e, backendsByKey))
}

function viaBackend(outcome: Outcome): boolean {
  // Indexed: for-of over the nginx model's frozen whole-share arrays made an iterator per probe.
  const backends = outcome.backends
  if (backends !== undefined) for (let i = 0; i < backends.length; i++) if (backends[i]!.kind === 'Backend') return true
  return false
}

/**
 * Both sides in the terms a client sees: a Location's default port and empty path are dropped (`http://h:80` is
 * `http://h/`); an Envoy Gateway Backend whose endpoint is a Service's cluster DNS name is that Service
 * (backend-protocol HTTPS goes through such a Backend).
 */
function comparable(outcome: Outcome, backendsByKey: Map<string, KubeObject>): Outcome {
  // Read only by outcomeDifferences: most outcomes (no Location, no Backend) are compared as they are, uncopied; the
  // others as a copy of the fields it reads (a spread of the whole outcome took a tenth of verify at 10,000).
  if (outcome.location === undefined && !viaBackend(outcome)) return outcome
  const {kind, status, location, backends, upstreamPath, upstreamHost, reason} = outcome
  const out: Outcome = {kind, status, location, backends, upstreamPath, upstreamHost, reason}
  if (location !== undefined) out.location = normalizeLocation(location)
  if (backends) {
    out.backends = backends.map((b) => {
      if (b.kind !== 'Backend') return b
      const backend = backendsByKey.get(`${b.namespace}/${b.name}`)
      const fqdn = backend?.spec?.endpoints?.[0]?.fqdn
      const m = /^([^.]+)\.([^.]+)\.svc(\.|$)/.exec(String(fqdn?.hostname ?? ''))
      return m ? {...b, kind: 'Service', name: m[1]!, namespace: m[2]!, port: fqdn.port} : b
    })
  }
  return out
}

export function normalizeLocation(location: string): string {
  const m = /^(https?):\/\/([^/?#]*?)(:(\d+))?([/?#].*)?$/i.exec(location)
  if (!m) return location
  const scheme = m[1]!.toLowerCase()
  const port = m[4] === undefined || (scheme === 'http' && m[4] === '80') || (scheme === 'https' && m[4] === '443') ? '' : `:${m[4]}`
  const rest = m[5] === undefined ? '/' : m[5].startsWith('/') ? m[5] : `/${m[5]}`
  return `${scheme}://${m[2]!.toLowerCase()}${port}${rest}`
}


/** `verify: N probes, M differ (K known)`: the line convert adds to its summary. */
export function verifySummaryLine(report: VerifyReport): string {
  const side = report.gatewaySide === undefined ? '' : `; gateway side: ${report.gatewaySide}`
  return `verify: ${report.probes} probes, ${report.differ} differ (${report.known} known)${side}\n`
}
