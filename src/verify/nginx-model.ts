/**
 * The ingress-nginx routing model: buildNginxModel(hostsByGateway) takes the hosts the compiler built
 * (src/translate/hosts.ts buildHosts: servers, locations, "oldest Ingress wins", canaries attached, aliases, TLS)
 * and routeNginxRequest(model, probe) says what ingress-nginx controller-v1.15.1 does with one request, as an
 * Outcome comparable with the Envoy Gateway model's. There is one nginx model: the locations, their order and
 * nginx's choice among them are src/translate/nginx-locations.ts (renderServer, selectNginxLocation,
 * applyNginxRewrite), which the route emitter follows and the real-nginx harness checks against nginx itself.
 *
 * The request path through nginx, phase by phase (each step names the source that decides it):
 * 0. ssl-passthrough, before any of it: the controller's TLS proxy owns port 443 and reads the SNI of the ClientHello
 *    (pkg/tcpproxy/tcp.go TCPProxy.Handle, parser.GetHostname); an SNI equal to a passthrough server's hostname
 *    (TCPProxy.Get compares the exact name: no alias, no wildcard; the servers are controller.go getBackendServers'
 *    passUpstreams, made from server.Hostname) has its TCP stream handed to that server's Service, whatever the Host
 *    header. Any other connection goes on to nginx's own HTTPS server (the proxy's Default), which routes by Host.
 * 1. server: from-to-www redirect servers first (nginx.tmpl renders RedirectServers before the others, and
 *    BuildRedirects skips a name that is a server already), then an exact server_name or alias, then the one-label
 *    wildcard regex `~^(?<subdomain>[\w-]+)\.example\.com$` (template.go buildServerName), then the catch-all `_`;
 * 2. server rewrite phase: app-root's `if ($uri = /) { return 302 $scheme://$http_host<app-root>; }` (nginx.tmpl);
 * 3. location: renderServer + selectNginxLocation (ngx_http_core_find_location, nginx's 301 auto-redirect);
 * 4. location rewrite phase: `return <code> <url>` of permanent/temporal-redirect (nginx.tmpl, rewrite module),
 *    before rewrite_by_lua's HTTPS redirect (lua_ingress.lua redirect_to_https: force-ssl-redirect, or ssl-redirect
 *    when a certificate is configured for the host; 308 to https://<host><request_uri minus one trailing slash>);
 * 5. `rewrite "(?i)<path>" <target> break;` (buildProxyPass), then the balancer: the canary of the upstream
 *    (balancer.lua route_to_alternative_balancer: header, then cookie, then weight), else the Service.
 *
 * Not modelled (the routing decision stands, the final answer may differ): authentication, allow/deny lists, rate
 * limits, CORS preflights, custom error pages, Services without endpoints (503), use-forwarded-headers.
 * Pure: no I/O.
 */
import {parseRedirectAnnotations} from '../annotations/redirects.js'
import {normalizeHost, withoutTrailingDot} from '../model/names.js'
import {upstreamKey} from '../translate/hosts.js'
import type {HostModel, IngressModel, ServiceBackend} from '../model/ingress-model.js'
import {applyNginxRewrite, renderServer, type NginxLocation, type NginxServer} from '../translate/nginx-locations.js'
import {findLocation, indexLocations, type LocationIndex} from './nginx-location-index.js'
import {canaryBackends, type CanaryRoute} from './nginx-canary.js'
import type {BackendShare, Outcome, Probe} from './outcome.js'
import {probeSni} from './gateway-match.js'
import {examine} from './probe-work.js'

/** Where nginx decided: the server, the location (`= /x`, `/x/`, `~* ^/x`) and the Ingress whose config it carries. */
export interface NginxDecision {
  gateway: string
  server?: string
  location?: string
  ingress?: string
  /** A canary Ingress took (part of) the request. */
  canary?: string
}

export interface NginxOutcome extends Outcome {
  nginx: NginxDecision
}

export interface NginxModelOptions {
  /** ConfigMap http-redirect-code (301, 302, 307, 308): the HTTPS and www redirects' code. */
  httpRedirectCode?: number
  /** ConfigMap no-tls-redirect-locations: locations whose path starts with one of these are not redirected. */
  noTlsRedirectLocations?: string[]
  /**
   * Model lua_ingress.lua's redirect to https (default true). The real-nginx test harness renders no Lua, so its
   * nginx never redirects; it turns this off to compare the rest.
   */
  httpsRedirect?: boolean
}

interface NginxPlane {
  gateway: string
  hosts: Map<string, HostModel>
  /** Server names and aliases -> host. */
  byName: Map<string, HostModel>
  /** `*.example.com` hosts by their suffix `.example.com`. */
  wildcards: Map<string, HostModel>
  /** from-to-www redirect servers: name -> the server it redirects to. */
  wwwRedirects: Map<string, string>
  /** The TLS proxy's passthrough servers: hostname (its SNI) -> host. */
  passthroughBySni: Map<string, HostModel>
  canaryByUpstream: Map<string, CanaryRoute>
  servers: Map<HostModel, RenderedServer>
  /**
   * What the balancer phase needs of a backend (its canary, its whole share), settled once per backend and Host
   * header: kept for the last header only, as the server choice is (a map of every backend of every name held tens
   * of thousands of entries until the last probe at 10,000 Ingresses, each copied by the collector).
   */
  backends: Map<ServiceBackend, BackendFacts>
  /**
   * The last Host header's choice and backend's facts: probes come host by host (fields, not a literal per probe).
   * Derived probes come name by name; a user's probe to a name seen before settles its choice again, to the same.
   */
  lastHostHeader?: string
  lastHostChoice?: ServerChoice
  lastBackend?: ServiceBackend
  lastBackendFacts?: BackendFacts
}

interface BackendFacts {
  /** The canary of the backend's upstream (canaryByUpstream under its upstreamKey). */
  canary: CanaryRoute | undefined
  /**
   * `[share(backend, 1, 1)]`, frozen, shared by the outcomes that end there (as the Envoy model's outcomes share their
   * rule's backends): every reader copies before it changes anything (verify.ts comparable).
   */
  whole: BackendShare[]
}

/** What the server phase settles for one Host header: the name and the www redirect or server that takes it. */
interface ServerChoice {
  name: string
  /** A from-to-www redirect server takes the name: the name it redirects to. */
  www?: string
  host?: HostModel
  /** The host's server as nginx renders it, once a request needed it (shared by the host's names). */
  rendered?: RenderedServer
}

/** A host's server as nginx renders it, the index of its locations (none in regex mode) and its app-root. */
interface RenderedServer {
  server: NginxServer
  index: LocationIndex | undefined
  appRoot: string | undefined
}

export interface NginxModel {
  planes: NginxPlane[]
  options: Required<NginxModelOptions>
  /** Per-model memos of what does not depend on the probe beyond its Host (verify sends tens of probes per name). */
  memo: NginxMemo
}

interface NginxMemo {
  /** The host's app-root (appRootOf), undefined when none. */
  appRoots: Map<HostModel, string | undefined>
  /** The Ingress's permanent/temporal-redirect as parsed (redirectOf), before the request's scheme and host fill it in. */
  redirects: Map<IngressModel, ReturnType<typeof parseRedirectAnnotations>>
}

/** One nginx (controller) per Gateway: `hostsByGateway` is TranslateResult.hostsByGateway. */
export function buildNginxModel(hostsByGateway: Map<string, Map<string, HostModel>>, options: NginxModelOptions = {}): NginxModel {
  const planes = [...hostsByGateway].map(([gateway, hosts]) => buildPlane(gateway, hosts))
  return {
    planes,
    options: {
      httpRedirectCode: options.httpRedirectCode ?? 308,
      noTlsRedirectLocations: options.noTlsRedirectLocations ?? ['/.well-known/acme-challenge'],
      httpsRedirect: options.httpsRedirect ?? true,
    },
    memo: {appRoots: new Map(), redirects: new Map()},
  }
}

function buildPlane(gateway: string, hosts: Map<string, HostModel>): NginxPlane {
  const byName = new Map<string, HostModel>()
  const wildcards: NginxPlane['wildcards'] = new Map()
  const canaryByUpstream = new Map<string, CanaryRoute>()
  const wwwRedirects = new Map<string, string>()
  for (const host of hosts.values()) {
    if (host.name === '') continue
    if (host.name.startsWith('*.')) {
      if (!wildcards.has(host.name.slice(1))) wildcards.set(host.name.slice(1), host)
    }
    else byName.set(host.name, host)
    for (const location of host.locations) {
      const first = location.canaries[0]
      if (first && location.backend && !canaryByUpstream.has(upstreamKey(location.backend))) {
        canaryByUpstream.set(upstreamKey(location.backend), {ingress: first.ingress, backend: first.backend})
      }
      for (const twin of location.ingress.intents.wwwTwins ?? []) {
        if (twin === wwwTwinOf(host.name) && !wwwRedirects.has(twin)) wwwRedirects.set(twin, host.name)
      }
    }
  }
  const passthroughBySni = new Map<string, HostModel>()
  for (const host of hosts.values()) {
    for (const alias of host.aliases) if (!byName.has(alias) && !wwwRedirects.has(alias)) byName.set(alias, host)
    if (host.name !== '' && host.passthrough !== undefined) passthroughBySni.set(host.name, host)
  }
  return {gateway, hosts, byName, wildcards, wwwRedirects, passthroughBySni, canaryByUpstream, servers: new Map(), backends: new Map()}
}

function wwwTwinOf(name: string): string {
  return name.startsWith('www.') ? name.slice(4) : `www.${name}`
}

/**
 * The host of a Host header as nginx validates it (ngx_http_request.c ngx_http_validate_host): lower case, without
 * port, and without one trailing dot (`a.example.com.` is `a.example.com` for the server choice and for $host).
 */
function hostName(host: string): string {
  const h = normalizeHost(host)
  return h.startsWith('[') ? h.slice(0, h.indexOf(']') + 1) : withoutTrailingDot(h.replace(/:\d+$/, ''))
}

/**
 * ngx_http_validate_host refuses two dots in a row anywhere in the header, and a name that is only the dot it strips
 * (`host_len == 0`); ngx_http_process_host then finalizes the request with 400.
 */
function invalidHostHeader(hostHeader: string): boolean {
  return hostHeader.includes('..') || hostName(hostHeader) === '.'
}

/** The server phase for a Host header, settled once per run of probes with that header. */
function serverChoice(plane: NginxPlane, hostHeader: string): ServerChoice {
  if (plane.lastHostHeader === hostHeader && plane.lastHostChoice !== undefined) return plane.lastHostChoice
  const name = hostName(hostHeader)
  const server = selectNginxServer(plane, name)
  const choice: ServerChoice = 'www' in server ? {name, www: server.www} : {name, host: server.host}
  plane.backends.clear()
  plane.lastBackend = undefined
  plane.lastBackendFacts = undefined
  plane.lastHostHeader = hostHeader
  plane.lastHostChoice = choice
  return choice
}

/** The server nginx picks for a Host: www redirect server, exact name or alias, one-label wildcard, catch-all. */
export function selectNginxServer(plane: NginxPlane, name: string): {www: string} | {host: HostModel | undefined} {
  const www = plane.wwwRedirects.get(name)
  if (www !== undefined && !plane.byName.has(name)) return {www}
  const exact = plane.byName.get(name)
  if (exact) return {host: exact}
  return {host: oneLabelWildcard(plane, name) ?? plane.hosts.get('')}
}

/**
 * template.go buildServerName: `*.example.com` -> `~^(?<subdomain>[\w-]+)\.example\.com$`, one label only. The
 * label has no dot, so the only wildcard that can take a name is the one for the name's suffix from its first dot.
 */
function oneLabelWildcard(plane: NginxPlane, name: string): HostModel | undefined {
  const dot = name.indexOf('.')
  if (dot <= 0 || !/^[\w-]+$/.test(name.slice(0, dot))) return undefined
  const host = plane.wildcards.get(name.slice(dot))
  if (host !== undefined) examine()
  return host
}

function pickPlane(model: NginxModel, gateway: string | undefined): NginxPlane | undefined {
  if (gateway !== undefined) {
    for (const plane of model.planes) if (plane.gateway === gateway) return plane
    return undefined
  }
  if (model.planes.length > 1) throw new Error(`the nginx model has ${model.planes.length} controllers (${model.planes.map((p) => p.gateway).join(', ')}); name the one the probe targets`)
  return model.planes[0]
}

/**
 * What ingress-nginx does with `probe`; `gateway` names the controller (its Gateway) when there are several.
 * Each answer is one literal with its decision last (`nginx`), the decision one literal of the fields known there:
 * properties added to a literal afterwards cost V8 an out-of-object store per probe.
 */
export function routeNginxRequest(model: NginxModel, probe: Probe, gateway?: string): NginxOutcome {
  const plane = pickPlane(model, gateway)
  const controller = plane?.gateway ?? gateway ?? ''
  if (!plane) return {kind: 'respond', status: 404, reason: 'no Ingress served by this controller (the default backend answers 404)', nginx: {gateway: controller}}
  if (probe.scheme === 'https' && plane.passthroughBySni.size > 0) {
    // The TLS proxy in front of nginx decides by the SNI alone (phase 0 above): not by the Host header's server.
    const sni = probeSni(probe)
    const through = sni === undefined ? undefined : plane.passthroughBySni.get(sni)
    if (through !== undefined) return passthrough(through, {gateway: controller, server: through.name})
  }
  if (plane.lastHostHeader !== probe.host && invalidHostHeader(probe.host)) {
    return {kind: 'respond', status: 400, reason: 'client sent invalid host header (nginx answers 400 before choosing a server)', nginx: {gateway: controller}}
  }
  const chosen = serverChoice(plane, probe.host)
  const {name, www, host} = chosen
  const queryAt = probe.path.indexOf('?')
  const uri = queryAt === -1 ? probe.path : probe.path.slice(0, queryAt)
  const query = queryAt === -1 ? '' : probe.path.slice(queryAt)
  if (www !== undefined) {
    // ngx_srv_redirect.lua: <scheme>://<to>:<server port><request_uri without one trailing slash>.
    const port = probe.port ?? (probe.scheme === 'https' ? 443 : 80)
    const target = `${uri.endsWith('/') ? uri.slice(0, -1) : uri}${query}`
    const location = `${probe.scheme}://${www}:${port}${target}`
    return {kind: 'redirect', status: model.options.httpRedirectCode, location, reason: 'from-to-www-redirect server', nginx: {gateway: controller, server: name}}
  }
  if (!host) return {kind: 'respond', status: 404, reason: 'no server for this host and no catch-all Ingress (the default backend answers 404)', nginx: {gateway: controller}}
  const server = host.name === '' ? '_' : host.name
  if (host.closed) return {kind: 'respond', status: 403, reason: 'the client-certificate CA of the host could not be loaded (nginx answers 403)', nginx: {gateway: controller, server}}
  chosen.rendered ??= renderedServer(model, plane, host)
  const {server: rendered, index, appRoot} = chosen.rendered
  if (appRoot !== undefined && uri === '/') {
    return {kind: 'redirect', status: 302, location: `${probe.scheme}://${probe.host}${appRoot}`, reason: 'app-root', nginx: {gateway: controller, server}}
  }
  const choice = findLocation(rendered, index, uri)
  if (!choice) return {kind: 'respond', status: 404, reason: 'no location matches (the default backend answers 404)', nginx: {gateway: controller, server}}
  if ('slashRedirect' in choice) {
    // Found in the find-config phase, before any rewrite-phase redirect (https, permanent-redirect) of the location.
    const ingress = rendered.locations.find((l) => l.modifier === '' && l.path === choice.slashRedirect)?.ingress?.id
    const location = `${probe.scheme}://${probe.host}${choice.slashRedirect}${query}`
    return {kind: 'redirect', status: 301, location, reason: 'nginx adds the trailing slash of a prefix location', nginx: {gateway: controller, server, ingress}}
  }
  return routeLocation(model, plane, host, choice.location, probe, uri, query, name, controller, server)
}

function routeLocation(
  model: NginxModel, plane: NginxPlane, host: HostModel, location: NginxLocation, probe: Probe,
  uri: string, query: string, name: string, controller: string, server: string,
): NginxOutcome {
  const decision: NginxDecision = {
    gateway: controller,
    server,
    location: location.modifier === '' ? location.path : `${location.modifier} ${location.path}`,
    ingress: location.ingress?.id,
  }
  // The catch-all server's `/` from a rule-less Ingress: controller.go createServers keeps its Redirect and Rewrite empty.
  const bare = host.name === '' && location.location?.fromDefaultBackend === true
  const ingress = bare ? undefined : location.ingress
  // A denied location (annotations.go Extract keeps a LocationDeniedError in `Denied`): nginx.tmpl renders `return 503`
  // in place of the location's body (403 for an auth-tls error), and the rewrite module's return runs before
  // rewrite_by_lua's https redirect.
  if (location.ingress?.denied) return {kind: 'respond', status: location.ingress.denied.status, reason: `location denied (${location.ingress.denied.key})`, nginx: decision}
  const redirect = ingress && redirectOf(model.memo, ingress, probe, name)
  if (redirect) return {kind: 'redirect', status: redirect.code, location: redirect.url, reason: 'permanent/temporal-redirect', nginx: decision}
  if (ingress && probe.scheme === 'http' && redirectsToHttps(plane, host, name, ingress, location, model.options)) {
    const preserve = ingress.annotations.get('preserve-trailing-slash')
    const target = `${uri}${query}`
    const kept = (preserve?.valid === true && preserve.value === true) || !target.endsWith('/') ? target : target.slice(0, -1)
    return {kind: 'redirect', status: model.options.httpRedirectCode, location: `https://${name}${kept}`, reason: 'ssl-redirect', nginx: decision}
  }
  const backend = location.location?.fromDefaultBackend && !location.location.backend ? undefined : location.location?.backend
  if (!backend) return {kind: 'respond', status: 404, reason: 'the location proxies to the default backend (404)', nginx: decision}
  const upstreamPath = `${applyNginxRewrite(location, uri)}${query}`
  const {canary, whole} = backendFacts(plane, backend)
  const backends = canary ? canaryBackends(backend, canary, probe) : whole
  if (canary && backends.some((b) => b.share > 0 && b.name === canary.backend.name && b.namespace === canary.backend.namespace)) decision.canary = canary.ingress.id
  return {kind: 'forward', backends, upstreamPath, upstreamHost: upstreamHostOf(ingress, probe), reason: 'proxied', nginx: decision}
}

function renderedServer(model: NginxModel, plane: NginxPlane, host: HostModel): RenderedServer {
  let rendered = plane.servers.get(host)
  if (rendered === undefined) {
    const server = renderServer(host)
    rendered = {server, index: server.regex ? undefined : indexLocations(server), appRoot: appRootOf(model.memo, host, server)}
    plane.servers.set(host, rendered)
  }
  return rendered
}

/** The canary of the backend's upstream (balancer.lua: the canary hangs off the primary Service:port) and its whole share. */
function backendFacts(plane: NginxPlane, backend: ServiceBackend): BackendFacts {
  if (plane.lastBackend === backend && plane.lastBackendFacts !== undefined) return plane.lastBackendFacts
  let facts = plane.backends.get(backend)
  if (facts === undefined) {
    facts = {canary: plane.canaryByUpstream.get(upstreamKey(backend)), whole: Object.freeze([Object.freeze(share(backend, 1, 1))]) as BackendShare[]}
    plane.backends.set(backend, facts)
  }
  plane.lastBackend = backend
  plane.lastBackendFacts = facts
  return facts
}

export function share(backend: ServiceBackend, weight: number, total: number): BackendShare {
  return {kind: 'Service', namespace: backend.namespace, name: backend.name, port: backend.port, weight, share: total === 0 ? 0 : weight / total}
}

/** upstream-vhost sets the Host sent upstream (proxy_set_header Host); otherwise nginx sends the request's Host. */
function upstreamHostOf(ingress: IngressModel | undefined, probe: Probe): string {
  const vhost = ingress?.annotations.get('upstream-vhost')
  return vhost?.valid === true && typeof vhost.value === 'string' && vhost.value !== '' ? vhost.value : probe.host
}

/**
 * The `return <code> <url>;` of permanent/temporal-redirect: redirect.go Parse as the compiler reads it
 * (src/annotations/redirects.ts parseRedirectAnnotations). nginx makes a relative URL absolute with the request's
 * scheme and host (absolute_redirect on, port_in_redirect off) unless relative-redirects.
 */
function redirectOf(memo: NginxMemo, ingress: IngressModel, probe: Probe, name: string): {url: string; code: number} | undefined {
  let parsed = memo.redirects.get(ingress)
  if (parsed === undefined) memo.redirects.set(ingress, (parsed = parseRedirectAnnotations((key) => ingress.annotations.get(key)?.raw)))
  if (parsed.outcome !== 'config' || parsed.config.kind === undefined) return undefined
  const {url, code, relative} = parsed.config
  return {url: url.startsWith('/') && !relative ? `${probe.scheme}://${name}${url}` : url, code}
}

/**
 * lua_ingress.lua redirect_to_https: force-ssl-redirect on plain http, else ssl-redirect when a certificate is
 * configured for the request's Host (certificate.configured_for_current_request looks up ngx.var.host, not the
 * server's name): the host's own tls, else the request name's one-label wildcard server's. An alias counts as its
 * host when the host has tls; nginx.go configureCertificates maps it only when the certificate covers it, which the
 * model cannot see (Secret contents are never read). An alias of a host without tls has emptyUID and so falls back
 * to its own one-label wildcard, of the same controller. Exempt: locations
 * whose path starts with a no-tls-redirect-locations entry (nginx.tmpl sets ssl_redirect false there).
 */
function redirectsToHttps(plane: NginxPlane, host: HostModel, requestHost: string, ingress: IngressModel, location: NginxLocation, options: Required<NginxModelOptions>): boolean {
  if (!options.httpsRedirect) return false
  for (const exempt of options.noTlsRedirectLocations) if (location.path.startsWith(exempt)) return false
  if (ingress.intents.forceSslRedirect) return true
  if (!ingress.intents.sslRedirect || host.name === '') return false
  if (host.tls) return true
  const name = host.aliases.includes(requestHost) ? requestHost : host.name
  // Each controller posts its own servers' certificates (nginx.go configureCertificates): another controller's
  // wildcard certificate is not there.
  const wildcard = oneLabelWildcard(plane, name)
  return wildcard?.tls !== undefined && wildcard.tls.ingress.controller === ingress.controller
}

/**
 * app-root: nginx.tmpl renders `if ($uri = /) { return 302 ...; }` at server level for every location carrying it,
 * in location order, so the first location (nginx's order) whose Ingress sets it decides for the whole host.
 */
function appRootOf(memo: NginxMemo, host: HostModel, server: NginxServer): string | undefined {
  if (memo.appRoots.has(host)) return memo.appRoots.get(host)
  const appRoot = firstAppRoot(host, server)
  memo.appRoots.set(host, appRoot)
  return appRoot
}

function firstAppRoot(host: HostModel, server: NginxServer): string | undefined {
  // The catch-all `/` of a rule-less Ingress: createServers keeps its Rewrite (app-root included) empty.
  for (const ingress of server.locations.filter((l) => !(host.name === '' && l.location?.fromDefaultBackend)).map((l) => l.ingress)) {
    const a = ingress?.annotations.get('app-root')
    if (a?.valid === true && typeof a.value === 'string' && a.value !== '' && a.value !== '/') return a.value
  }
  return undefined
}

/**
 * ssl-passthrough: the controller's TLS proxy hands the connection for the host's SNI to the Service of the server's
 * `location /` (tcp.go Handle), whichever Ingress that location came from: controller.go getConfiguration takes the
 * first location whose Path is `/`, which is the one createServers gives every server (PathType Prefix), taken over
 * only by a Prefix `/` path (getBackendServers replaces it on the same Path and PathType; k8s/main.go
 * SetDefaultNGINXPathType made ImplementationSpecific Prefix), not by the passthrough Ingress's first path. Left to
 * the default backend, or to spec.defaultBackend, that location keeps createServers' empty `Service:
 * &apiv1.Service{}`: nginx.go generateTemplate gives the proxy no address, and Handle's dial fails and closes the
 * connection.
 */
function passthrough(host: HostModel, decision: NginxDecision): NginxOutcome {
  decision.ingress = host.passthrough!.id
  const root = host.locations.find((l) => l.path === '/' && l.match === 'Prefix' && !l.fromDefaultBackend && l.backend !== undefined)
  if (root === undefined) {
    return {kind: 'refused', reason: 'ssl-passthrough without a Prefix `/` path: the TLS proxy has no Service to dial and closes the connection', nginx: decision}
  }
  return {kind: 'passthrough', backends: [share(root.backend!, 1, 1)], reason: 'ssl-passthrough', nginx: decision}
}
