/**
 * auth-response-headers -> ClientTrafficPolicy headers.earlyRequestHeaders.remove on the listeners that serve
 * protected hosts, so that a client cannot hand the backend its own identity headers.
 *
 * nginx set every listed header on the proxied request from the auth answer (rootfs/etc/nginx/template/nginx.tmpl,
 * the "this location requires authentication" block; internal/ingress/controller/template/template.go
 * buildAuthResponseHeaders: `auth_request_set $authHeaderN $upstream_http_<name>` + `proxy_set_header '<name>'
 * $authHeaderN`): when the answer lacks one, the value is empty and nginx sends no such header, whatever the client
 * sent. Envoy's ext_authz copies onto the request only the headersToBackend the answer has, and passes a client-sent
 * one on. Removing them first is the fix:
 * - earlyRequestHeaders is the HCM's early_header_mutation_extensions (Envoy Gateway internal/xds/translator/
 *   listener.go buildEarlyHeaderMutation; api/v1alpha1/clienttrafficpolicy_types.go: "before envoy performs routing"),
 *   run by Envoy before the route is chosen and before any HTTP filter, ext_authz included;
 * - a route's RequestHeaderModifier would not do: Envoy Gateway makes it the route's request_headers_to_remove
 *   (internal/xds/translator/route.go buildXdsRoute, RemoveRequestHeaders), which the router applies when it
 *   forwards, after ext_authz added the auth service's values, so it would remove those too.
 * A listener-level header removal reaches every host on the listener: hosts without external auth lose the
 * client's copies too, which is reported.
 */
import {about, objectRef} from '../../model/diagnostics.js'
import {diagnostic} from '../../model/catalogue/diagnostic.js'
import {isAcmeChallengePath} from '../emit-routes.js'
import type {HostIndex} from '../hosts.js'
import type {HostModel, IngressModel, Location} from '../../model/ingress-model.js'
import type {Diagnostic, NamespacedName} from '../../model/types.js'

/** Per listener name ('' = the Gateway-wide policy, i.e. the http listener): the headers to remove. */
export type HeaderStrips = Map<string, string[]>

/**
 * Client headers the check itself needs, never removed early: Envoy sends Authorization to every HTTP check
 * (ext_authz_http_impl.cc ClientConfig::toRequestMatchers), and the forms list Cookie and others in
 * headersToExtAuth. nginx's subrequest carried the client's copies too (only the proxied request got the answer's).
 */
const CHECK_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'host'])

/** Headers an Ingress's external auth copies to its backend, less those its check reads (CHECK_HEADERS, headersToExtAuth). */
export function protectedHeaders(ingress: IngressModel): {strip: string[]; kept: string[]} {
  const out: string[] = []
  // Made at the first SecurityPolicy: most Ingresses have none, and authHeaderStrips asks for every Ingress.
  let read: Set<string> | undefined
  for (const p of ingress.intents.policies) {
    if (p.kind !== 'SecurityPolicy' || p.value === undefined) continue
    read ??= new Set(CHECK_HEADERS)
    for (const h of (p.value as any)?.headersToExtAuth ?? []) read.add(String(h).toLowerCase())
    if (p.path === 'extAuth') out.push(...((p.value as any)?.http?.headersToBackend ?? []))
    // Envoy Gateway's OIDC produces none of oauth2-proxy's X-Auth-Request-* headers: a client could forge them.
    if (p.path === 'oidc') {
      const listed = ingress.annotations.get('auth-response-headers')
      if (listed?.valid && Array.isArray(listed.value)) out.push(...listed.value)
    }
  }
  if (read === undefined) return {strip: [], kept: []}
  const checked = read
  return {strip: out.filter((h) => !checked.has(h.toLowerCase())), kept: out.filter((h) => checked.has(h.toLowerCase()))}
}

/**
 * The listeners an Ingress's routes of a host attach to, as emit-routes.ts sectionsFor decides them ('' = the plain
 * http listener, whose policy is the Gateway-wide one): a TLS host's https listener(s), plus http unless the Ingress
 * redirects to https or nginx closed the host; a host without TLS http, and the https listener a TLS wildcard's
 * route holds for its name (wildcard-certificates.ts attachCoveredPlainHosts).
 */
function servingListeners(ingress: IngressModel, host: HostModel, path: string, listeners: {http: string; https: string}): string[] {
  if (host.tls === undefined && !host.closed) return ['', ...(host.httpsAlso ?? [])]
  const https = host.httpsListeners ?? [listeners.https]
  if (host.closed) return https
  // emit-routes.ts: ACME challenge paths of a redirected host keep a route on http too (no-tls-redirect-locations).
  if ((ingress.intents.sslRedirect || ingress.intents.forceSslRedirect) && !isAcmeChallengePath(path)) return https
  return ['', ...https]
}

function addAll(map: Map<string, Map<string, string>>, listener: string, headers: string[]): void {
  const set = map.get(listener) ?? new Map<string, string>()
  for (const h of headers) if (!set.has(h.toLowerCase())) set.set(h.toLowerCase(), h)
  map.set(listener, set)
}

/**
 * The header removals one Gateway needs for the external auth of its Ingresses, and one diagnostic saying where
 * they apply and which unprotected hosts share those listeners. `listeners` names the plain http listener (its
 * policy is the Gateway-wide one) and the shared https one; hosts with listeners of their own get those.
 */
export function authHeaderStrips(
  gateway: NamespacedName,
  index: HostIndex,
  listeners: {http: string; https: string; hostListeners: string[]},
  emitBundle: boolean,
): {strips: HeaderStrips; diagnostics: Diagnostic[]; checklist: string[]} {
  // A host listener that is not generated serves nothing until a person adds it (https-listeners.ts): no policy to fill.
  const exists = new Set(['', listeners.https, ...listeners.hostListeners])
  const byListener = new Map<string, Map<string, string>>()
  const protectedHosts = new Set<string>()
  const sources = new Set<string>()
  const headersOf = new Map<string, string[]>()
  const kept = new Map<string, string>()
  const headers = (i: IngressModel) => {
    if (!headersOf.has(i.id)) {
      const own = i.served && !i.isCanary ? protectedHeaders(i) : {strip: [], kept: []}
      headersOf.set(i.id, own.strip)
      for (const h of own.kept) kept.set(h.toLowerCase(), h)
    }
    return headersOf.get(i.id)!
  }
  for (const host of index.hosts.values()) {
    for (const loc of host.locations) {
      const list = headers(loc.ingress)
      if (list.length === 0) continue
      protectedHosts.add(host.name)
      sources.add(objectRef('Ingress', loc.ingress.ref))
      for (const l of servingListeners(loc.ingress, host, loc.path, listeners)) if (exists.has(l)) addAll(byListener, l, list)
    }
  }
  const strips: HeaderStrips = new Map([...byListener].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([l, set]) => [l, [...set.values()]]))
  if (strips.size === 0) return {strips, diagnostics: [], checklist: []}
  const listenerNames = [...strips.keys()].map((l) => (l === '' ? listeners.http : l))
  const removed = [...new Map([...strips.values()].flat().map((h) => [h.toLowerCase(), h])).values()]
  // Hosts (or some of their paths) served without external auth on a listener that now removes the headers.
  const exposed: string[] = []
  for (const host of [...index.hosts.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const open: string[] = []
    for (const l of host.locations) if (headers(l.ingress).length === 0 && servingListeners(l.ingress, host, l.path, listeners).some((x) => strips.has(x))) open.push(l.path)
    if (open.length === 0) continue
    exposed.push(`${host.name || '*'}${protectedHosts.has(host.name) ? ` (paths ${open.join(', ')})` : ''}`)
  }
  // Headers the check reads from the client cannot be removed before it (CHECK_HEADERS): the message says they stay.
  const facts = {headers: removed, sources: [...sources].sort(), listeners: listenerNames, exposed, kept: [...kept.values()]}
  const subject = about('Gateway', gateway)
  if (!emitBundle) {
    const perListener = [...strips].map(([l, list]) => `${l === '' ? listeners.http : l}: [${list.join(', ')}]`)
    const step = `remove client-sent auth response headers before external auth on ${gateway.namespace}/${gateway.name}: ClientTrafficPolicy headers.earlyRequestHeaders.remove per listener, ${perListener.join('; ')}`
    return {
      strips,
      checklist: [step],
      diagnostics: [
        diagnostic('auth-headers-client-copies', {case: 'not-generated', ...facts}, {
          level: 'warning',
          fidelity: 'manual',
          ...subject,
          hint: `${step} (the gateway owner's run with --emit-gateway generates them); a route's RequestHeaderModifier runs after extAuth and would remove the auth service's values too`,
        }),
      ],
    }
  }
  return {
    strips,
    checklist: [],
    diagnostics: [
      diagnostic('auth-headers-client-copies', {case: 'removed', ...facts}, {
        level: exposed.length > 0 ? 'warning' : 'info',
        fidelity: exposed.length > 0 ? 'approximate' : 'exact',
        ...subject,
        ...(exposed.length > 0 ? {hint: 'a backend without external auth that reads these headers from its clients must get them under other names, or be moved to a Gateway of its own'} : {}),
      }),
    ],
  }
}

/**
 * ConfigMap no-auth-locations as ReadConfig leaves it (config.go NewDefault: "/.well-known/acme-challenge"; a plain
 * string, so "" exempts nothing), split as template.go isLocationInLocationList does.
 */
export function noAuthLocations(configMap: {data?: Record<string, unknown>} | undefined): string[] {
  const raw = configMap?.data?.['no-auth-locations']
  const value = typeof raw === 'string' ? raw : '/.well-known/acme-challenge'
  return value.split(',').map((s) => s.trim()).filter((s) => s !== '')
}

/**
 * Locations of Ingresses with their own external auth (auth-url) under no-auth-locations: nginx.tmpl puts the
 * auth_request line and the buildAuthResponseHeaders proxy_set_header lines inside `if not (isLocationInLocationList
 * $location $all.Cfg.NoAuthLocations)` (template.go: strings.HasPrefix of the location's path), so nginx asked the
 * auth service nothing there and passed the client's own copies of the auth-response-headers to the backend.
 * emit-routes.ts leaves them open (`leftOpen`: routes the SecurityPolicy's auth does not cover), but the listener
 * still removes the copies (authHeaderStrips), which is said where there are any; a location still under the auth
 * (none is expected) is a warning. One diagnostic per Ingress and case.
 */
export function exemptAuthLocations(index: HostIndex, exempt: string[], leftOpen: ReadonlySet<Location> = new Set()): Diagnostic[] {
  if (exempt.length === 0) return []
  const byIngress = new Map<IngressModel, {open: string[]; closed: string[]}>()
  for (const host of index.hosts.values()) {
    for (const loc of host.locations) {
      const i = loc.ingress
      if (!i.served || i.isCanary || !exempt.some((e) => loc.path.startsWith(e))) continue
      if (!i.intents.policies.some((p) => p.kind === 'SecurityPolicy' && (p.path === 'extAuth' || p.path === 'oidc') && p.value !== undefined)) continue
      const where = byIngress.get(i) ?? {open: [], closed: []}
      ;(leftOpen.has(loc) ? where.open : where.closed).push(`${host.name || '*'}${loc.path}`)
      byIngress.set(i, where)
    }
  }
  return [...byIngress]
    .sort(([a], [b]) => a.order - b.order || (a.id < b.id ? -1 : 1))
    .flatMap(([ingress, where]) => {
      const headers = protectedHeaders(ingress).strip
      const subject = {...about('Ingress', ingress.ref), source: ingress.source}
      const out: Diagnostic[] = []
      if (where.closed.length > 0) {
        out.push(diagnostic('auth-exempt-location', {paths: [...new Set(where.closed)].sort(), exempt, headers}, {
          ...subject,
          level: 'warning',
          hint: 'to keep these paths open, move them to an Ingress of their own without auth-url (its route gets no SecurityPolicy)',
        }))
      }
      // Open as nginx left them: only the header removal differs.
      if (where.open.length > 0 && headers.length > 0) {
        out.push(diagnostic('auth-exempt-location', {paths: [...new Set(where.open)].sort(), exempt, headers, open: true}, {...subject, level: 'info'}))
      }
      return out
    })
}
