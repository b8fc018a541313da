/**
 * Settings ingress-nginx keeps per upstream (Service:port) or per server (host) rather than per Ingress, decided
 * once all Ingresses are read, as controller.go decides them:
 *
 * - createUpstreams: the first Ingress (nginx order) whose rule uses a Service:port creates its upstream and sets
 *   upstream-hash-by(-subset, -subset-size), load-balance (else the ConfigMap's) and service-upstream for every
 *   path that uses it; a later Ingress whose spec.defaultBackend names it recreates it (no existence check there).
 * - getBackendServers, backend affinity merge: over every rule path in nginx order, the first non-empty affinity
 *   sets the upstream's balancer to sticky, the first non-empty affinity-mode its mode, and every Ingress with
 *   affinity cookie overwrites the cookie settings, so the last one processed sets name, Path, Domain, SameSite,
 *   Secure, Expires/Max-Age and change-on-failure for all; the cookie is set only on the locations of Ingresses with
 *   affinity cookie (CookieSessionAffinity.Locations, balancer/sticky.lua should_set_cookie).
 * - getBackendServers, server ProxySSL: unless the ConfigMap's proxy-ssl-location-only, the proxy-ssl-* settings of
 *   the first Ingress of a host with a proxy-ssl-secret (whose Secret has ca.crt) are copied to the server block,
 *   so every location of the host inherits them unless its own Ingress sets proxy-ssl-secret.
 *
 * nginx names an upstream by the port as written (util.go upstreamName: a port name and the number it resolves to are
 * two upstreams, decided separately); decisions are keyed the same way, while `key` is the resolved Service:port the
 * routes reference.
 *
 * Decisions are kept per controller: one ingress-nginx never sees another's Ingresses. Until the controller identity
 * of an Ingress is modelled (issue 13), the Gateway its class maps to stands for its controller: `scopeOf`.
 */
import {proxySslSecretOf} from '../annotations/backend-protocol.js'
import {gatewayKey} from './emit-gateway.js'
import {normalizeHost} from '../model/names.js'
import {resolveBackend, upstreamKey} from './hosts.js'
import type {IngressInput, IngressModel} from '../model/ingress-model.js'
import type {KubeObject} from '../model/types.js'
import type {IngressBackend, SharedSettings, UpstreamDecision} from '../model/upstream-decisions.js'

/** The controller an Ingress belongs to (see the module comment). */
export function scopeOf(ingress: IngressInput): string {
  return gatewayKey(ingress.gateway)
}

/**
 * nginx's upstream for a backend (controller util.go upstreamName: `<ns>-<service>-<port number or name>`): the port as
 * written, so `port: {name: http}` and `port: {number: 80}` are two upstreams, each created and balanced on its own.
 */
export function nginxUpstream(namespace: string, service: any): string {
  if (typeof service !== 'object' || service === null) return upstreamName(namespace, service)
  // Every pass over the paths (upstream creators, host index, lookups, decisions) names the upstreams again.
  const known = upstreamNames.get(service)
  if (known !== undefined && known.namespace === namespace) return known.name
  const name = upstreamName(namespace, service)
  upstreamNames.set(service, {namespace, name})
  return name
}

/** nginxUpstream per backend.service as read, with the namespace it was named in (a YAML alias can share the object). */
const upstreamNames = new WeakMap<object, {namespace: string; name: string}>()

function upstreamName(namespace: string, service: any): string {
  const port = service?.port ?? {}
  const number = Number(port.number)
  return `${namespace}/${service?.name}/${Number.isInteger(number) && number > 0 ? number : String(port.name ?? '')}`
}

/** Every path of an Ingress with its Service:port, without diagnostics (the host index reports unresolved ones). */
function resolveBackends(ingress: IngressModel, services: Map<string, KubeObject>): IngressBackend[] {
  const quiet: never[] = []
  const out: IngressBackend[] = []
  const spec = ingress.object.spec ?? {}
  const rules: any[] = Array.isArray(spec.rules) ? spec.rules : []
  for (const rule of rules) {
    const host = normalizeHost(rule?.host)
    for (const p of Array.isArray(rule?.http?.paths) ? rule.http.paths : []) {
      const backend = resolveBackend(ingress, p?.backend, services, '', quiet)
      if (backend) out.push({host, path: typeof p?.path === 'string' && p.path !== '' ? p.path : '/', backend, upstream: nginxUpstream(ingress.ref.namespace, p.backend.service), fromDefaultBackend: false})
    }
  }
  if (spec.defaultBackend) {
    const backend = resolveBackend(ingress, spec.defaultBackend, services, '', quiet)
    if (backend) out.push({host: '', path: '/', backend, upstream: nginxUpstream(ingress.ref.namespace, spec.defaultBackend.service), fromDefaultBackend: true})
  }
  return out
}

const present = (ingress: IngressModel, key: string): boolean => ingress.annotations.get(key)?.valid === true

/**
 * Decides upstream and server settings for the served, non-canary Ingresses (in nginx order). Canary Ingresses are
 * left out: their upstreams are NoServer in nginx and their balancing merges into the primary's route.
 */
export function decideSharedSettings(ingresses: IngressModel[], services: Map<string, KubeObject>, proxySslLocationOnly: boolean, allowCrossNamespace = false): SharedSettings {
  const backends = new Map<string, IngressBackend[]>()
  // Scope, then nginx upstream: no key text to build per path and per lookup.
  const upstreams = new Map<string, Map<string, UpstreamDecision>>()
  const upstreamsOf = (ingress: IngressInput): Map<string, UpstreamDecision> => {
    const scope = scopeOf(ingress)
    let scoped = upstreams.get(scope)
    if (!scoped) upstreams.set(scope, (scoped = new Map()))
    return scoped
  }
  const servers = new Map<string, IngressModel>()
  const primaries = ingresses.filter((i) => i.served && !i.isCanary)
  for (const ingress of primaries) backends.set(ingress.id, resolveBackends(ingress, services))
  // Each decision's users as a set too: a Service every Ingress routes a path to (an oauth2-proxy) made the check quadratic.
  const usersOf = new Map<UpstreamDecision, Set<string>>()

  for (const ingress of primaries) {
    const scoped = upstreamsOf(ingress)
    for (const b of backends.get(ingress.id)!) {
      const existing = scoped.get(b.upstream)
      if (!existing) {
        const decision: UpstreamDecision = {key: upstreamKey(b.backend), creator: ingress, creatorVia: b.fromDefaultBackend ? 'defaultBackend' : 'rule', users: [ingress.id]}
        scoped.set(b.upstream, decision)
        continue
      }
      // Made at an upstream's second path: most upstreams have one Ingress.
      let users = usersOf.get(existing)
      if (!users) usersOf.set(existing, (users = new Set(existing.users)))
      if (!users.has(ingress.id)) {
        users.add(ingress.id)
        existing.users.push(ingress.id)
      }
      // createUpstreams sets spec.defaultBackend's upstream anew for every Ingress that names it.
      if (b.fromDefaultBackend) {
        existing.creator = ingress
        existing.creatorVia = 'defaultBackend'
      }
    }
  }
  // The affinity merge walks rule paths only (getBackendServers), in nginx order.
  for (const ingress of primaries) {
    const scoped = upstreamsOf(ingress)
    const cookie = ingress.annotations.get('affinity')?.value === 'cookie'
    for (const b of backends.get(ingress.id)!) {
      if (b.fromDefaultBackend) continue
      const decision = scoped.get(b.upstream)!
      if (!decision.affinityFrom && cookie) decision.affinityFrom = ingress
      if (!decision.modeFrom && present(ingress, 'affinity-mode')) decision.modeFrom = ingress
      if (cookie) {
        decision.cookieFrom = ingress
        decision.cookieIngresses ??= new Set()
        decision.cookieIngresses.add(ingress.id)
      }
    }
  }
  if (!proxySslLocationOnly) {
    // Every Ingress (canaries included: getBackendServers walks them all) with a rule for the host, in nginx order.
    for (const ingress of ingresses.filter((i) => i.served)) {
      const secret = proxySslSecretOf(ingress, allowCrossNamespace)
      if (secret === undefined || 'problem' in secret) continue
      const scope = scopeOf(ingress)
      const rules: any[] = Array.isArray(ingress.object.spec?.rules) ? ingress.object.spec.rules : []
      for (const host of new Set(rules.map((r) => normalizeHost(r?.host)))) {
        if (!servers.has(`${scope}|${host}`)) servers.set(`${scope}|${host}`, ingress)
      }
    }
  }
  return {
    upstream: (ingress, backend) => upstreams.get(scopeOf(ingress))?.get(backend.upstream),
    serverProxySsl: (ingress, host) => servers.get(`${scopeOf(ingress)}|${host}`),
    // A canary's paths (not resolved above): resolveBackend reads the intents only for a diagnostic resolveBackends drops.
    backendsOf: (ingress) => backends.get(ingress.id) ?? resolveBackends(ingress as IngressModel, services),
  }
}

/**
 * The Ingress that last shaped each upstream in createUpstreams (controller.go), which walks every Ingress, canaries
 * included, oldest first: a rule creates an upstream only when no Ingress did, while every spec.defaultBackend
 * recreates its upstream. The creator decides NoServer and the canary traffic shaping (`if anns.Canary.Enabled`):
 * - created by a canary, the upstream is NoServer and getBackendServers skips every path routed to it
 *   (`if ups.NoServer { continue }`), the primary's paths included;
 * - created by another Ingress, a canary using it has no TrafficShapingPolicy, so balancer.lua
 *   route_to_alternative_balancer never routes to it.
 * Keyed `<nginx upstream>` (util.go upstreamName); the Ingresses are one controller's, in nginx order.
 */
export function upstreamCreators(ingresses: IngressModel[]): Map<string, IngressModel> {
  const creator = new Map<string, IngressModel>()
  for (const ingress of ingresses.filter((i) => i.served)) {
    const spec = ingress.object.spec ?? {}
    if (spec.defaultBackend?.service) creator.set(nginxUpstream(ingress.ref.namespace, spec.defaultBackend.service), ingress)
    for (const rule of Array.isArray(spec.rules) ? spec.rules : []) {
      for (const p of Array.isArray(rule?.http?.paths) ? rule.http.paths : []) {
        if (!p?.backend?.service) continue
        const upstream = nginxUpstream(ingress.ref.namespace, p.backend.service)
        if (!creator.has(upstream)) creator.set(upstream, ingress)
      }
    }
  }
  return creator
}
