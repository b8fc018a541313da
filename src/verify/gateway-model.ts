/**
 * The Envoy Gateway routing model: buildGatewayModel(objects) turns Gateway API and Envoy Gateway objects into the
 * listeners, filter chains, virtual hosts and ordered routes Envoy Gateway v1.9 would program, and
 * routeRequest(model, probe) says what that data plane does with one request, with the listener, route, rule and
 * match that decided it. Pure: no I/O.
 *
 * Modelled: listener readiness and conflicts, allowedRoutes, hostname intersection, EG route order (gateway-sort.ts),
 * path / header / query / cookie / method / gRPC method matches, RequestRedirect, URLRewrite, EG HTTPRouteFilter
 * (urlRewrite, directResponse, cookie matches), weights, invalid backends, TLS passthrough by SNI, path
 * normalization. Not modelled (the routing decision stands, the final answer may differ): policies that answer
 * before or after routing (SecurityPolicy auth and authorization, rate limits, BackendTrafficPolicy
 * responseOverride rewriting backend responses), backends without ready endpoints (503), ListenerSets, merged
 * Gateways, EnvoyProxy preserveRouteOrder, the EG `extensionApis.enableBackend` switch (Backends are taken as enabled).
 */
import type {KubeObject} from '../model/types.js'
import type {Probe} from './outcome.js'
import {actionOutcome} from './gateway-actions.js'
import {buildInventory, type Inventory, key, type ModelOptions, namespaceOf, parentRefs} from './gateway-inventory.js'
import {computeHosts, gatewayListeners, listenerAdmits, type ListenerState, referencedListeners} from './gateway-listeners.js'
import {entryMatches, type MatchRequest, NormalizedRequest, normalizeRequest, portOfHost, probeSni, selectChain, selectVirtualHost} from './gateway-match.js'
import {routeEntries, type RuleEntry, tlsBackends} from './gateway-rules.js'
import {comparePrecedence, keyOrderHolds, precedenceKey, samePrecedence} from './gateway-sort.js'
import type {
  FilterChain,
  GatewayDecision,
  GatewayModel,
  GatewayOutcome,
  GatewayPlane,
  ListenerRef,
  PortPlane,
  RouteEntry,
  RouteTable,
  TiedEntry,
  VirtualHost,
} from './gateway-types.js'
import {examine} from './probe-work.js'
import {Re2Unsupported} from './re2.js'

export type {ModelOptions} from './gateway-inventory.js'

interface Placed {
  host: string
  entry: RouteEntry
  /** precedenceKey(entry). */
  key: number | undefined
}

/** Build the data planes of every Gateway in `objects` (see ModelOptions for what is assumed when objects are missing). */
export function buildGatewayModel(objects: KubeObject[], options: ModelOptions = {}): GatewayModel {
  const inventory = buildInventory(objects, options)
  const notes: string[] = []
  const assumptions = new Set<string>()
  const gateways = inventory.gateways.map((gateway) => buildPlane(gateway, inventory, notes, assumptions))
  if (gateways.length === 0) notes.push('no Gateway in the input: every probe is refused')
  return {gateways, notes: [...notes, ...[...assumptions].sort()]}
}

function buildPlane(gateway: KubeObject, inventory: Inventory, notes: string[], assumptions: Set<string>): GatewayPlane {
  const name = key(namespaceOf(gateway), gateway.metadata.name)
  const listeners = gatewayListeners(gateway, inventory)
  for (const l of listeners) if (!l.ready) notes.push(`Gateway ${name} listener ${l.ref.name} is not programmed: ${l.problem}`)
  const placed = new Map<ListenerState, Placed[]>(listeners.map((l) => [l, []]))
  // translator.go Translate: all HTTPRoutes, then all GRPCRoutes (each list oldest first), then TLSRoutes.
  for (const [kind, routes] of [['HTTPRoute', inventory.httpRoutes], ['GRPCRoute', inventory.grpcRoutes]] as const) {
    for (const route of routes) attachRoute(route, kind, name, listeners, inventory, placed, notes, assumptions)
  }
  const passthrough = new Map<ListenerState, FilterChain[]>()
  for (const route of inventory.tlsRoutes) attachTlsRoute(route, name, listeners, inventory, passthrough, notes, assumptions)
  return {gateway: name, ports: assemblePorts(listeners, placed, passthrough, notes)}
}

/** processHTTPRouteParentRefs / processHTTPRouteParentRefListener for the parentRefs naming this Gateway. */
function attachRoute(
  route: KubeObject, kind: 'HTTPRoute' | 'GRPCRoute', gatewayName: string, listeners: ListenerState[], inventory: Inventory,
  placed: Map<ListenerState, Placed[]>, notes: string[], assumptions: Set<string>,
): void {
  const label = `${kind} ${key(namespaceOf(route), route.metadata.name)}`
  let entries: RuleEntry[] | undefined
  const routeAssumptions = new Set<string>()
  let resolved: ResolvedEntries | undefined
  for (const parent of parentRefs(route)) {
    if (parent.group !== 'gateway.networking.k8s.io' || parent.kind !== 'Gateway' || key(parent.namespace, parent.name) !== gatewayName) continue
    const where = `parentRef ${gatewayName}${parent.sectionName === undefined ? '' : `/${parent.sectionName}`}`
    const selected = referencedListeners(parent, gatewayName, listeners)
    if (selected.length === 0) {
      notes.push(`${label} ${where}: no listener matches this parent ref`)
      continue
    }
    const admitted = selected.filter((l) => listenerAdmits(l, kind, namespaceOf(route), inventory, routeAssumptions))
    if (admitted.length === 0) {
      notes.push(`${label} ${where}: not allowed by the listener(s) (allowedRoutes)`)
      continue
    }
    let intersects = false
    for (const listener of admitted) {
      const hosts = computeHosts(route.spec?.hostnames ?? [], listener, listeners)
      if (hosts.length === 0) continue
      intersects = true
      if (!listener.ready) continue
      entries ??= routeEntries(route, kind, inventory, notes, routeAssumptions)
      resolved = onListenerOnce(entries, listener, routeAssumptions, resolved)
      const onListenerPlaced = placed.get(listener)!
      for (const host of hosts) {
        for (let i = 0; i < resolved.entries.length; i++) onListenerPlaced.push({host, entry: resolved.entries[i]!, key: resolved.keys[i]})
      }
    }
    for (const a of routeAssumptions) assumptions.add(a)
    if (!intersects) notes.push(`${label} ${where}: no hostname intersection with the listener(s)`)
  }
}

/** A route's entries as onListener resolved them for a listener port, with the assumptions of the route then. */
interface ResolvedEntries {
  port: number
  assumptions: number
  /** Some entry redirects: onListener read the listener's port. */
  redirects: boolean
  entries: RouteEntry[]
  keys: Array<number | undefined>
}

/**
 * onListener of every entry, made once and shared by every hostname of the route and every listener (of the same
 * port, or of any port when no entry redirects: onListener reads the listener only for a redirect's port) while the
 * route's assumptions stay the same (a Set that only grows: same size, same notes). The route entries are read only
 * from here on, so the hostnames' virtual hosts, and the http and https listeners, may hold the same entry.
 */
function onListenerOnce(entries: RuleEntry[], listener: ListenerState, assumptions: Set<string>, previous: ResolvedEntries | undefined): ResolvedEntries {
  if (previous !== undefined && (previous.port === listener.ref.port || !previous.redirects) && previous.assumptions === assumptions.size) return previous
  // A rule's entries share one notes list: one frozen copy of it each.
  const frozen = new Map<string[], string[]>()
  const resolved = entries.map((entry) => onListener(entry, listener, frozenNotes(frozen, entry.notes, assumptions)))
  const redirects = entries.some((entry) => entry.action.type === 'redirect')
  return {port: listener.ref.port, assumptions: assumptions.size, redirects, entries: resolved, keys: resolved.map(precedenceKey)}
}

const NO_NOTES: readonly string[] = Object.freeze([])

/**
 * `[...notes, ...assumptions]`, frozen: the decision of every probe the entry wins holds this very list
 * (routeInTable), and an empty one is the shared frozen empty list.
 */
function frozenNotes(frozen: Map<string[], string[]>, notes: string[], assumptions: Set<string>): string[] {
  let out = frozen.get(notes)
  if (out === undefined) {
    out = notes.length === 0 && assumptions.size === 0 ? (NO_NOTES as string[]) : (Object.freeze([...notes, ...assumptions]) as string[])
    frozen.set(notes, out)
  }
  return out
}

/** Resolve what depends on the listener: a redirect without port takes 80/443 for its scheme, else the listener port. */
function onListener(entry: RuleEntry, listener: ListenerState, notes: string[]): RouteEntry {
  if (entry.action.type !== 'redirect') return {...entry, action: entry.action, notes}
  const scheme = entry.action.scheme?.toLowerCase()
  const port = entry.action.port ?? (scheme === 'http' ? 80 : scheme === 'https' ? 443 : listener.ref.port)
  return {...entry, action: {...entry.action, port}, notes}
}

/** processTLSRouteParentRefs: one filter chain per TLSRoute and listener, server_names from the hostnames. */
function attachTlsRoute(
  route: KubeObject, gatewayName: string, listeners: ListenerState[], inventory: Inventory,
  chains: Map<ListenerState, FilterChain[]>, notes: string[], assumptions: Set<string>,
): void {
  const ref = {kind: 'TLSRoute' as const, namespace: namespaceOf(route), name: route.metadata.name}
  for (const parent of parentRefs(route)) {
    for (const listener of referencedListeners(parent, gatewayName, listeners)) {
      if (!listenerAdmits(listener, 'TLSRoute', ref.namespace, inventory, assumptions) || !listener.ready) continue
      const hosts = computeHosts(route.spec?.hostnames ?? [], listener, listeners)
      if (hosts.length === 0) {
        notes.push(`TLSRoute ${key(ref.namespace, ref.name)}: no hostname intersection with listener ${listener.ref.name}`)
        continue
      }
      const chain: FilterChain = {
        serverNames: hosts[0] === '*' ? [] : hosts,
        listener: listener.ref,
        passthrough: {route: ref, backends: tlsBackends(route, inventory, assumptions), terminated: listener.tlsMode === 'Terminate'},
      }
      chains.set(listener, [...(chains.get(listener) ?? []), chain])
    }
  }
}

function assemblePorts(listeners: ListenerState[], placed: Map<ListenerState, Placed[]>, passthrough: Map<ListenerState, FilterChain[]>, notes: string[]): Map<number, PortPlane> {
  const ports = new Map<number, PortPlane>()
  // The domains each port's plain connection manager already has (a Set: one lookup per virtual host, not a scan).
  const plainDomains = new Map<number, Set<string>>()
  for (const listener of listeners.filter((l) => l.ready)) {
    const port = ports.get(listener.ref.port) ?? {port: listener.ref.port, plainListeners: [], chains: []}
    ports.set(listener.ref.port, port)
    if (listener.ref.protocol === 'HTTP') {
      // The first HTTP listener on a port creates the shared connection manager, with its path settings.
      port.plain ??= {virtualHosts: [], settings: listener.settings}
      port.plainListeners.push(listener.ref)
      const domains = plainDomains.get(port.port) ?? new Set(port.plain.virtualHosts.map((v) => v.domain))
      plainDomains.set(port.port, domains)
      for (const vhost of virtualHosts(listener, placed.get(listener) ?? [])) {
        if (domains.has(vhost.domain)) {
          notes.push(`port ${port.port}: virtual host ${vhost.domain} comes from two listeners; Envoy rejects the route configuration (duplicate domain)`)
          continue
        }
        port.plain.virtualHosts.push(vhost)
        domains.add(vhost.domain)
      }
    } else if (listener.ref.protocol === 'HTTPS') {
      const table: RouteTable = {virtualHosts: virtualHosts(listener, placed.get(listener) ?? []), settings: listener.settings}
      port.chains.push({serverNames: listener.ref.hostname === undefined ? [] : [listener.ref.hostname], listener: listener.ref, table})
    } else if (listener.ref.protocol === 'TLS') {
      for (const chain of passthrough.get(listener) ?? []) {
        const clash = port.chains.find((c) => c.serverNames.join() === chain.serverNames.join())
        if (clash !== undefined) notes.push(`port ${port.port}: two filter chains for SNI ${chain.serverNames.join(', ') || '*'}; Envoy rejects the listener`)
        else port.chains.push(chain)
      }
    }
  }
  return ports
}

/** Sort the listener's routes (sortXdsIRMap), then group them by hostname as addRouteToRouteConfig does. */
function virtualHosts(listener: ListenerState, placed: Placed[]): VirtualHost[] {
  const byHost = new Map<string, VirtualHost>()
  // Where every entry has a precedenceKey, its order is the comparator's, at a fraction of the cost (one number each).
  const sorted = keyOrderHolds(placed) ? [...placed].sort((a, b) => b.key! - a.key!) : [...placed].sort((a, b) => comparePrecedence(a.entry, b.entry))
  for (const {host, entry} of sorted) {
    const vhost = byHost.get(host) ?? {domain: host, listener: listener.ref, entries: []}
    byHost.set(host, vhost)
    vhost.entries.push(entry)
  }
  return [...byHost.values()]
}

/**
 * What the Gateway's data plane does with `probe`. `gateway` ("namespace/name") picks the Gateway when the
 * model has several (each is its own Envoy fleet with its own address).
 */
export function routeRequest(model: GatewayModel, probe: Probe, gateway?: string): GatewayOutcome {
  const plane = pickPlane(model, gateway)
  const name = plane?.gateway ?? ''
  if (plane === undefined) return refused('no Gateway', openDecision(name))
  const port = probe.port ?? portOfHost(probe.host) ?? (probe.scheme === 'https' ? 443 : 80)
  const portPlane = plane.ports.get(port)
  if (portPlane === undefined) return refused(`no listener on port ${port}`, openDecision(name))
  if (probe.scheme === 'http') {
    if (portPlane.plain === undefined) return refused(`port ${port} expects TLS; a plaintext request gets no HTTP answer`, openDecision(name))
    return routeInTable(portPlane.plain, probe, name, undefined)
  }
  if (portPlane.chains.length === 0) return refused(`port ${port} serves plaintext HTTP; the TLS handshake fails`, openDecision(name))
  const sni = probeSni(probe)
  const chain = selectChain(portPlane.chains, sni)
  if (chain === undefined) return refused(`no filter chain for SNI ${sni ?? '(none)'}; the TLS handshake fails`, openDecision(name))
  if (chain.passthrough !== undefined) {
    const {route, backends, terminated} = chain.passthrough
    const decision: GatewayDecision = {...openDecision(name), listener: chain.listener, route}
    if (backends.length === 0) return refused(`TLSRoute ${route.namespace}/${route.name} has no valid backend; the connection is closed`, decision)
    return {kind: 'passthrough', backends, reason: terminated ? 'TLS terminated, the TCP stream forwarded (TLSRoute)' : 'TLS passthrough (TLSRoute)', gateway: decision}
  }
  return routeInTable(chain.table!, probe, name, chain.listener)
}

/** The decision before any listener or route took the request. */
function openDecision(gateway: string): GatewayDecision {
  return {gateway, tiedWith: [], orderAssumed: false, uncertain: false, notes: []}
}

/** The decision once the filter chain (https: its listener) is known; the plain connection manager has none yet. */
function chainDecision(gateway: string, listener: ListenerRef | undefined): GatewayDecision {
  return listener === undefined ? openDecision(gateway) : {gateway, tiedWith: [], orderAssumed: false, uncertain: false, notes: [], listener}
}

function refused(reason: string, decision: GatewayDecision): GatewayOutcome {
  return {kind: 'refused', reason, gateway: decision}
}

function pickPlane(model: GatewayModel, gateway: string | undefined): GatewayPlane | undefined {
  if (gateway !== undefined) {
    let plane: GatewayPlane | undefined
    for (const g of model.gateways) {
      if (g.gateway !== gateway) continue
      plane = g
      break
    }
    if (plane === undefined) throw new Error(`Gateway ${gateway} is not in the model (have: ${model.gateways.map((g) => g.gateway).join(', ') || 'none'})`)
    return plane
  }
  if (model.gateways.length > 1) throw new Error(`the model has ${model.gateways.length} Gateways (${model.gateways.map((g) => g.gateway).join(', ')}); name the one the probe targets`)
  return model.gateways[0]
}

/**
 * Connection manager, virtual host, then the first route whose conditions hold. `listener` is the filter chain's
 * (https); the decision literal is made once the answer is known (one per probe), unless a condition could not be
 * evaluated on the way (`pending` then holds its note).
 */
function routeInTable(table: RouteTable, probe: Probe, gateway: string, listener: ListenerRef | undefined): GatewayOutcome {
  const normalized = normalizeRequest(probe, table.settings)
  if (!(normalized instanceof NormalizedRequest)) {
    const kind = normalized.location === undefined ? 'respond' : 'redirect'
    return {kind, status: normalized.status, location: normalized.location, reason: normalized.reason, gateway: chainDecision(gateway, listener)}
  }
  const request = normalized
  const vhost = selectVirtualHost(table, request.host)
  if (vhost === undefined) return {kind: 'respond', status: 404, reason: `no virtual host for ${request.host} (Envoy answers 404)`, gateway: chainDecision(gateway, listener)}
  const entries = vhost.entries
  let pending: GatewayDecision | undefined
  let index = 0
  for (; index < entries.length; index++) {
    const held = holds(entries[index]!, request)
    if (held === true) break
    if (held !== false) pending = notUnderstood(pending ?? chainDecision(gateway, listener), held)
  }
  if (index === entries.length) {
    const decision = pending ?? chainDecision(gateway, listener)
    decision.listener = vhost.listener
    decision.virtualHost = vhost.domain
    return {kind: 'respond', status: 404, reason: `no route matched in virtual host ${vhost.domain} (Envoy answers 404)`, gateway: decision}
  }
  const winner = entries[index]!
  // Entries of the same precedence (another route) whose conditions also hold: the winner is the older one.
  let tiedWith: TiedEntry[] | undefined
  let orderAssumed = pending?.orderAssumed ?? false
  let tieNotes: string[] | undefined
  for (let i = index + 1; i < entries.length; i++) {
    const other = entries[i]!
    if (!samePrecedence(winner, other) || sameRoute(winner, other)) continue
    const held = holds(other, request)
    if (held !== true) {
      if (held !== false) (tieNotes ??= []).push(held)
      continue
    }
    ;(tiedWith ??= []).push({route: other.route, ruleIndex: other.ruleIndex, matchIndex: other.matchIndex})
    if (!winner.timestamped || !other.timestamped) orderAssumed = true
  }
  // What the match settled, in one literal (the keys in the order they were learnt): adding them one by one to a
  // first literal cost V8 an out-of-object store per probe. Most probes have no tie and no note of their own: they
  // share the frozen empty list and the winner's (frozen) notes instead of copying them.
  const notes = pending === undefined && tieNotes === undefined ? winner.notes : [...(pending?.notes ?? []), ...winner.notes, ...(tieNotes ?? [])]
  const won: GatewayDecision = {
    gateway,
    tiedWith: tiedWith ?? pending?.tiedWith ?? (NO_TIES as TiedEntry[]),
    orderAssumed,
    uncertain: (pending?.uncertain ?? false) || tieNotes !== undefined,
    notes,
    listener: vhost.listener,
    virtualHost: vhost.domain,
    route: winner.route,
    ruleIndex: winner.ruleIndex,
    matchIndex: winner.matchIndex,
    ruleName: winner.ruleName,
  }
  return actionOutcome(winner, request, won)
}

const NO_TIES: readonly TiedEntry[] = Object.freeze([])

/**
 * Whether the entry's conditions hold; a pattern the emulation cannot evaluate counts as not matching: then the
 * note that says so (notUnderstood records it).
 */
function holds(entry: RouteEntry, request: MatchRequest): boolean | string {
  examine()
  try {
    return entryMatches(entry, request)
  } catch (error) {
    if (!(error instanceof Re2Unsupported)) throw error
    return `${entry.route.kind} ${entry.route.namespace}/${entry.route.name} rule ${entry.ruleIndex}: ${error.message}; taken as not matching`
  }
}

function notUnderstood(decision: GatewayDecision, note: string): GatewayDecision {
  decision.uncertain = true
  decision.notes.push(note)
  return decision
}

function sameRoute(a: RouteEntry, b: RouteEntry): boolean {
  return a.route.kind === b.route.kind && a.route.namespace === b.route.namespace && a.route.name === b.route.name
}
