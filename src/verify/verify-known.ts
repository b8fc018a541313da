/**
 * Which diagnostic of the conversion already names a difference verify found. A difference is `known` only when a
 * diagnostic about the Ingress (or the host) that decided the probe says the behaviour changes in this respect; the
 * label is that diagnostic's code. Pure.
 */
import type {HostModel} from '../translate/model.js'
import type {Diagnostic, TranslateResult} from '../translate/types.js'
import type {ProbeResult} from './verify.js'

/** Annotations whose approximation changes where or how a request is routed, redirected or rewritten. */
const ROUTING_ANNOTATION = /(^|\/)(rewrite-target|use-regex|app-root|permanent-redirect(-code)?|temporal-redirect(-code)?|from-to-www-redirect|ssl-redirect|force-ssl-redirect|preserve-trailing-slash|use-port-in-redirects|relative-redirects|server-alias|canary(-.*)?|upstream-vhost|backend-protocol|ssl-passthrough|default-backend|x-forwarded-prefix)$/

/** Diagnostics (whatever their annotation) that name a routing difference of their object. */
const ROUTING_CODES = new Set([
  'regex-order-differs', 'regex-not-re2', 'literal-path-as-regex', 'regex-location-shadowed',
  'prefix-trailing-slash', 'path-conflict', 'cross-controller-conflict', 'redirect-keeps-trailing-slash', 'alias-shadowed',
  'www-redirect-skipped', 'server-alias-is-www-redirect', 'server-alias-is-host', 'host-on-two-gateways',
  'force-ssl-redirect-without-tls', 'grpc-path-untranslatable', 'grpc-filter-dropped', 'acme-challenge-exempt',
  'canary-weight-total-ignored', 'canary-header-and-cookie', 'canary-header-value-emptied', 'redirect-config-dropped',
  'redirect-code-out-of-range', 'redirect-code-not-a-redirect', 'default-backend-shadowed', 'mtls-host-closed', 'mtls-denied',
  'mtls-listener', 'mtls-listener-not-generated', 'mtls-match-cn', 'oidc-oauth2-proxy', 'mtls-host-under-tls-wildcard',
])

/**
 * Diagnostics that can change which backend (if any) a request nginx forwarded reaches: location choice (regex
 * ordering, use-regex's RE2 and tie-breaking, overlaps, aliases, canaries, default backends), or the route not being
 * emitted or answered otherwise (passthrough, gRPC, mTLS listeners, oauth2-proxy). A redirect or rewrite
 * approximation (app-root's query string, a redirect code, a Prefix path's trailing slash; rewrite-target is exact
 * and its diagnostics concern the path sent) does not explain a request reaching another Service or none.
 */
const DESTINATION_ANNOTATION = /(^|\/)(use-regex|server-alias|canary(-.*)?|backend-protocol|ssl-passthrough|default-backend)$/
const DESTINATION_CODES = new Set([
  'regex-order-differs', 'regex-not-re2', 'literal-path-as-regex', 'regex-location-shadowed', 'path-conflict',
  'cross-controller-conflict', 'alias-shadowed', 'server-alias-is-www-redirect', 'server-alias-is-host', 'host-on-two-gateways',
  'grpc-path-untranslatable', 'grpc-filter-dropped', 'acme-challenge-exempt', 'canary-weight-total-ignored',
  'canary-header-and-cookie', 'canary-header-value-emptied', 'default-backend-shadowed', 'mtls-host-closed', 'mtls-denied',
  'mtls-listener', 'mtls-listener-not-generated', 'mtls-match-cn', 'oidc-oauth2-proxy', 'mtls-host-under-tls-wildcard',
])

function changesDestination(d: Diagnostic): boolean {
  return DESTINATION_CODES.has(d.code) || (d.annotation !== undefined && DESTINATION_ANNOTATION.test(d.annotation) && names(d))
}

function concerns(d: Diagnostic, ingress: string | undefined): boolean {
  return ingress !== undefined && d.object === `Ingress ${ingress}`
}

function names(d: Diagnostic): boolean {
  if (ROUTING_CODES.has(d.code)) return true
  return d.annotation !== undefined && ROUTING_ANNOTATION.test(d.annotation) && (d.fidelity === 'approximate' || d.fidelity === 'manual' || d.level === 'warning')
}

/** The code of the diagnostic that names this difference, or undefined (an unlabelled difference: a finding). */
export function knownDifference(result: TranslateResult, r: ProbeResult): string | undefined {
  const host = r.probe.host.toLowerCase().replace(/:\d+$/, '')
  const hosts = result.hostsByGateway?.get(r.gateway) ?? new Map<string, HostModel>()
  const about = (code: string) => result.diagnostics.find((d) => d.code === code && r.ingresses.some((i) => concerns(d, i)))
  // A Gateway API wildcard matches any depth, nginx's one label (wildcard-host-depth, on the wildcard's Ingress).
  const deepUnder = [...hosts.values()].filter((h) => h.name.startsWith('*.') && host.endsWith(h.name.slice(1)) && host.slice(0, -h.name.length + 1).includes('.'))
  const wildcardIngresses = new Set(deepUnder.flatMap((h) => h.locations.map((l) => l.ingress.id)))
  // Only where nginx had no server of that name (the catch-all or nothing answered): a deep name nginx serves from its
  // own server (exact or alias) that the Gateway's wildcard takes is a lost route, not the depth difference.
  const decidedBy = r.nginx.nginx.server
  const nginxOwnServer = decidedBy !== undefined && decidedBy !== '_' && !decidedBy.startsWith('*.')
  if (!nginxOwnServer && result.diagnostics.some((d) => d.code === 'wildcard-host-depth' && [...wildcardIngresses].some((i) => concerns(d, i)))) return 'wildcard-host-depth'
  // nginx answers `/foo` of a Prefix `/foo/` with a 301 to `/foo/`; the Gateway matches it (prefix-trailing-slash).
  if (r.nginx.kind === 'redirect' && r.nginx.status === 301 && r.nginx.reason.includes('trailing slash') && about('prefix-trailing-slash')) return 'prefix-trailing-slash'
  // nginx serves every host on 443 with its default certificate; hosts without TLS stay on the http listener.
  const server = r.nginx.nginx.server === undefined ? undefined : hosts.get(r.nginx.nginx.server)
  // A name no server has answers 404 over https in nginx and gets no TLS handshake when the Gateway has no https
  // listener (no Ingress named a certificate): not served either way, which plain-hosts-https explains as well.
  const unserved = r.nginx.kind === 'respond' && r.nginx.status === 404 && (server === undefined || server.name === '') && r.envoy.kind === 'refused'
  const noHttpsListener = r.envoy.kind === 'refused' && r.envoy.reason === 'no listener on port 443'
  // It explains the Gateway not serving such a host over https, not serving it from another route (a TLS wildcard
  // Ingress's route takes https://b.example.com when b's own Ingress has no tls: another Service, an outage).
  const gatewayServes = r.envoy.kind === 'forward' || r.envoy.kind === 'passthrough'
  if (r.probe.scheme === 'https' && !gatewayServes && ((server && !server.tls) || unserved || noHttpsListener) && result.diagnostics.some((d) => d.code === 'plain-hosts-https')) return 'plain-hosts-https'
  // A TLS entry without secretName: nginx served the host (and the hosts one label under a wildcard host, which take
  // its certificate) with its default certificate, which the Gateway does not have (tls-without-secret).
  const tlsIngress = server?.tls && !server.tls.secretName ? server.tls.ingress.id : undefined
  if (r.probe.scheme === 'https' && !gatewayServes && tlsIngress && result.diagnostics.some((d) => d.code === 'tls-without-secret' && concerns(d, tlsIngress))) return 'tls-without-secret'
  // nginx's catch-all server `_` answered HTTPS for names without a server; the Gateway's route without hostnames is
  // on http only (catch-all-https, on the Ingresses whose rules the catch-all serves).
  const catchAll = hosts.get('')
  const catchAllIngresses = new Set(catchAll?.locations.map((l) => l.ingress.id) ?? [])
  if (r.probe.scheme === 'https' && !gatewayServes && r.nginx.nginx.server === '_' && result.diagnostics.some((d) => d.code === 'catch-all-https' && [...catchAllIngresses].some((i) => concerns(d, i)))) return 'catch-all-https'
  // nginx's HTTPS and www redirects drop one trailing slash (lua_ingress.lua, ngx_srv_redirect.lua); the Gateway's keep it.
  if (r.nginx.kind === 'redirect' && r.envoy.kind === 'redirect' && r.envoy.location?.replace(/\/(\?|$)/, '$1') === r.nginx.location?.replace(/\/(\?|$)/, '$1')) {
    const slash = result.diagnostics.find((d) => d.code === 'redirect-keeps-trailing-slash') ?? result.diagnostics.find((d) => r.ingresses.some((i) => concerns(d, i)) && /from-to-www-redirect|preserve-trailing-slash/.test(d.annotation ?? ''))
    if (slash) return slash.code
  }
  // `${VAR}` hosts are substituted at deploy time; the Gateway model cannot route the unsubstituted name.
  if (host.includes('${') && result.diagnostics.some((d) => d.code === 'gitops-placeholders')) return 'gitops-placeholders'
  const own = result.diagnostics.filter((d) => r.ingresses.some((i) => concerns(d, i)))
  // nginx forwarded and the Gateway sends the request elsewhere (another Service, or none): only a diagnostic that
  // can change the destination explains it; any routing diagnostic of the Ingress would hide a wrong-Service outage.
  const destinationDiffers = r.nginx.kind === 'forward' && r.differences.includes('backends')
  const explains = (d: Diagnostic) => !destinationDiffers || changesDestination(d)
  return (own.find((d) => ROUTING_CODES.has(d.code) && explains(d)) ?? own.find((d) => names(d) && explains(d)))?.code
}
