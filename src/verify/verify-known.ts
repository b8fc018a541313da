/**
 * Which diagnostic of the conversion already names a difference verify found. A difference is `known` only when a
 * diagnostic about the Ingress (or the host) that decided the probe says the behaviour changes in this respect; the
 * label is that diagnostic's code. Pure.
 */
import type {HostModel} from '../model/ingress-model.js'
import type {Diagnostic, TranslateResult} from '../model/types.js'
import {examine} from './probe-work.js'
import type {ProbeResult} from './verify.js'

/**
 * What a difference is about, so that only a diagnostic about the same thing labels it:
 * - destination: nginx forwarded and the Gateway sends the request elsewhere (another Service, or none);
 * - https-redirect: nginx's HTTPS redirect (ssl-redirect, force-ssl-redirect) is missing on the Gateway: a host-wide
 *   matter (the https-redirect route), which no location choice or rewrite explains;
 * - redirect-presence: one side redirects, the other does not;
 * - redirect-code: both redirect, with other status codes;
 * - redirect-query: both redirect alike but for the Location's query string;
 * - redirect-location: both redirect with the same code to another Location (path, host or scheme);
 * - rewrite: both forward to the same backends with another path or Host;
 * - answer: anything else (nginx answered itself, or refused, and the Gateway did otherwise).
 */
type Aspect = 'destination' | 'https-redirect' | 'redirect-presence' | 'redirect-code' | 'redirect-query' | 'redirect-location' | 'rewrite' | 'answer'

function aspectOf(r: ProbeResult): Aspect {
  if (r.nginx.kind === 'forward' && r.differences.includes('backends')) return 'destination'
  if (r.nginx.kind === 'redirect' && r.envoy.kind === 'redirect') {
    if (r.nginx.status !== r.envoy.status) return 'redirect-code'
    const [n, e] = [absolute(r.nginx.location), absolute(r.envoy.location)]
    return n !== undefined && e !== undefined && n.split('?')[0] === e.split('?')[0] ? 'redirect-query' : 'redirect-location'
  }
  if (r.nginx.kind === 'redirect' && r.nginx.reason === 'ssl-redirect') return 'https-redirect'
  if (r.nginx.kind === 'redirect' || r.envoy.kind === 'redirect') return 'redirect-presence'
  if (r.nginx.kind === 'forward' && r.envoy.kind === 'forward') return 'rewrite'
  return 'answer'
}

const ANY: readonly Aspect[] = ['destination', 'redirect-presence', 'redirect-code', 'redirect-query', 'redirect-location', 'rewrite', 'answer']
const REDIRECT: readonly Aspect[] = ['redirect-presence', 'redirect-code', 'redirect-query', 'redirect-location']

/**
 * Diagnostics (whatever their annotation) that name a routing difference of their object, with the aspects they can
 * explain. Those about which location (or server, or canary) nginx chose explain every aspect: another location has
 * other redirects and rewrites too. A redirect setting dropped or changed explains redirects; client certificates
 * and oauth2-proxy's OIDC replacement explain the Gateway answering (or refusing) where nginx did otherwise.
 * prefix-trailing-slash and redirect-keeps-trailing-slash are not here: each names one precise pattern
 * (knownDifference); nor is www-redirect-skipped: neither side redirects there.
 */
const ROUTING_CODES = new Map<string, readonly Aspect[]>([
  ...['regex-order-differs', 'regex-not-re2', 'literal-path-as-regex', 'regex-location-shadowed', 'path-conflict', 'cross-controller-conflict',
    'alias-shadowed', 'server-alias-is-host', 'host-on-two-gateways', 'grpc-path-untranslatable', 'grpc-filter-dropped', 'acme-challenge-exempt',
    'canary-weight-total-ignored', 'canary-header-and-cookie', 'canary-header-value-emptied', 'default-backend-shadowed'].map((c) => [c, ANY] as const),
  ['redirect-config-dropped', REDIRECT],
  ['server-alias-is-www-redirect', ['redirect-presence', 'redirect-location']],
  ['force-ssl-redirect-without-tls', ['https-redirect']],
  // nginx redirected plain HTTP for a server-alias that took a wildcard's certificate, not for its host's name.
  ['alias-under-tls-wildcard', ['https-redirect']],
  // A code out of range or not a redirect (300, 304-306) becomes another code, or a direct response.
  ...['redirect-code-out-of-range', 'redirect-code-not-a-redirect'].map((c) => [c, ['redirect-code', 'redirect-presence']] as const),
  ...['mtls-host-closed', 'mtls-denied', 'mtls-listener', 'mtls-listener-not-generated', 'mtls-match-cn', 'oidc-oauth2-proxy', 'mtls-host-under-tls-wildcard'].map((c) => [c, ['destination', 'redirect-presence', 'answer']] as const),
])

/**
 * Annotations whose approximation (an approximate or manual fidelity, or a warning) changes where or how a request is
 * routed, redirected or rewritten, with the aspects it can explain. permanent-redirect, temporal-redirect and
 * app-root approximations are about the query string (Envoy keeps the request's, utility.cc Utility::newUri), or
 * for a relative URL about the path, which the message then says (redirects.ts parseRedirectTarget).
 */
const ROUTING_ANNOTATIONS: Array<[RegExp, (d: Diagnostic) => readonly Aspect[]]> = [
  [/(^|\/)(use-regex|server-alias|canary(-.*)?|default-backend|backend-protocol|ssl-passthrough)$/, () => ANY],
  [/(^|\/)(permanent-redirect|temporal-redirect|app-root)$/, (d) => (d.fidelity === 'manual' ? REDIRECT : relativeRedirect(d) ? ['redirect-query', 'redirect-location'] : ['redirect-query'])],
  [/(^|\/)(permanent-redirect-code|temporal-redirect-code)$/, () => ['redirect-code', 'redirect-presence']],
  [/(^|\/)(ssl-redirect|force-ssl-redirect)$/, () => ['https-redirect', 'redirect-code']],
  [/(^|\/)(use-port-in-redirects|relative-redirects)$/, () => ['redirect-location']],
  [/(^|\/)(rewrite-target|upstream-vhost|x-forwarded-prefix)$/, () => ['rewrite']],
]

/**
 * The annotation's URL, as written (the diagnostic's data.value), is a relative reference: neither a path from `/`
 * nor an http(s) URL. nginx sent it as the Location and the client resolved it against the request's directory
 * (redirects.ts redirectAnswer), so the Location's path differs too, not only its query.
 */
function relativeRedirect(d: Diagnostic): boolean {
  const url = d.data?.value
  return typeof url === 'string' && !url.startsWith('/') && !/^https?:\/\//i.test(url)
}

function concerns(d: Diagnostic, ingress: string | undefined): boolean {
  return ingress !== undefined && d.object === `Ingress ${ingress}`
}

/** The diagnostic names this aspect of a routing difference of its object. */
function explains(d: Diagnostic, aspect: Aspect): boolean {
  const byCode = ROUTING_CODES.get(d.code)
  if (byCode !== undefined) return byCode.includes(aspect)
  if (d.annotation === undefined || !(d.fidelity === 'approximate' || d.fidelity === 'manual' || d.level === 'warning')) return false
  return ROUTING_ANNOTATIONS.some(([key, aspects]) => key.test(d.annotation!) && aspects(d).includes(aspect))
}

const HTTPS_ONLY = new Set(['mtls-listener', 'mtls-listener-not-generated', 'mtls-match-cn'])

/**
 * force-ssl-redirect-without-tls is about one host of its Ingress, alias-under-tls-wildcard about plain HTTP of one
 * server-alias, mtls-host-under-tls-wildcard about HTTPS of the names of one server (their data name them).
 */
function aboutHost(d: Diagnostic, host: string, scheme: string): boolean {
  if (d.code === 'alias-under-tls-wildcard') return scheme === 'http' && d.data?.alias === host
  if (d.code === 'mtls-host-under-tls-wildcard') return scheme === 'https' && (d.data?.host === host || (Array.isArray(d.data?.names) && d.data.names.includes(host)))
  // Client certificates are asked on HTTPS only (nginx.tmpl ssl_verify_client; a listener's clientValidation).
  if (HTTPS_ONLY.has(d.code)) return scheme === 'https'
  return d.code !== 'force-ssl-redirect-without-tls' || d.data?.host === host
}

/** plain-hosts-https is one note per Gateway, which names it when there are several (gateway-owner.ts reportPlainHosts). */
function plainHostsOf(d: Diagnostic, gateway: string): boolean {
  return d.data?.gateway === undefined || d.data.gateway === gateway
}

/** Both redirect with the same code to Locations that differ only by one trailing slash of the path. */
function onlyTrailingSlash(r: ProbeResult): boolean {
  if (r.nginx.kind !== 'redirect' || r.envoy.kind !== 'redirect' || r.nginx.status !== r.envoy.status) return false
  const n = absolute(r.nginx.location)
  const e = absolute(r.envoy.location)
  return n !== undefined && e !== undefined && n !== e && e.replace(/\/(\?|$)/, '$1') === n.replace(/\/(\?|$)/, '$1')
}

/** An absolute Location as a client reads it (default port dropped, host lower-case), else undefined. */
function absolute(location: string | undefined): string | undefined {
  if (location === undefined || !/^https?:\/\//i.test(location)) return undefined
  try {
    return new URL(location).href
  } catch {
    return undefined
  }
}

/** The code of the diagnostic that names this difference, or undefined (an unlabelled difference: a finding). */
export function knownDifference(result: TranslateResult, r: ProbeResult): string | undefined {
  const host = r.probe.host.toLowerCase().replace(/:\d+$/, '')
  const hosts = result.hostsByGateway?.get(r.gateway) ?? new Map<string, HostModel>()
  const index = diagnosticIndex(result)
  const withCode = (code: string) => examined(index.byCode.get(code) ?? [])
  const about = (code: string) => withCode(code).find((d) => r.ingresses.some((i) => concerns(d, i)))
  // A Gateway API wildcard matches any depth, nginx's one label (wildcard-host-depth, on the wildcard's Ingress).
  const deepUnder = wildcardsAbove(hosts, host)
  const wildcardIngresses = new Set(deepUnder.flatMap((h) => h.locations.map((l) => l.ingress.id)))
  // Only where nginx had no server of that name (the catch-all or nothing answered): a deep name nginx serves from its
  // own server (exact or alias) that the Gateway's wildcard takes is a lost route, not the depth difference.
  const decidedBy = r.nginx.nginx.server
  const nginxOwnServer = decidedBy !== undefined && decidedBy !== '_' && !decidedBy.startsWith('*.')
  if (!nginxOwnServer && withCode('wildcard-host-depth').some((d) => [...wildcardIngresses].some((i) => concerns(d, i)))) return 'wildcard-host-depth'
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
  if (r.probe.scheme === 'https' && !gatewayServes && ((server && !server.tls) || unserved || noHttpsListener) && withCode('plain-hosts-https').some((d) => plainHostsOf(d, r.gateway))) return 'plain-hosts-https'
  // A TLS entry without secretName: nginx served the host (and the hosts one label under a wildcard host, which take
  // its certificate) with its default certificate, which the Gateway does not have (tls-without-secret).
  const tlsIngress = server?.tls && !server.tls.secretName ? server.tls.ingress.id : undefined
  if (r.probe.scheme === 'https' && !gatewayServes && tlsIngress && withCode('tls-without-secret').some((d) => concerns(d, tlsIngress))) return 'tls-without-secret'
  // nginx's catch-all server `_` answered HTTPS for names without a server; the Gateway's route without hostnames is
  // on http only (catch-all-https, on the Ingresses whose rules the catch-all serves).
  if (r.probe.scheme === 'https' && !gatewayServes && r.nginx.nginx.server === '_') {
    const catchAllIngresses = new Set(hosts.get('')?.locations.map((l) => l.ingress.id) ?? [])
    if (withCode('catch-all-https').some((d) => [...catchAllIngresses].some((i) => concerns(d, i)))) return 'catch-all-https'
  }
  // nginx's HTTPS redirect drops one trailing slash (lua_ingress.lua rewrite, unless preserve-trailing-slash) where
  // this Gateway's https-redirect route keeps it (redirect-keeps-trailing-slash, on that Gateway); the www redirect
  // (ngx_srv_redirect.lua) likewise, where a diagnostic of the Ingress names from-to-www-redirect.
  if (onlyTrailingSlash(r) && r.probe.scheme === 'http' && r.nginx.reason === 'ssl-redirect') {
    if (withCode('redirect-keeps-trailing-slash').some((d) => d.object === `Gateway ${r.gateway}`)) return 'redirect-keeps-trailing-slash'
  }
  if (onlyTrailingSlash(r) && r.nginx.reason === 'from-to-www-redirect server') {
    const www = aboutIngresses(index, r.ingresses).find((d) => /from-to-www-redirect|preserve-trailing-slash/.test(d.annotation ?? ''))
    if (www) return www.code
  }
  // `${VAR}` hosts are substituted at deploy time; the Gateway model cannot route the unsubstituted name.
  if (host.includes('${') && withCode('gitops-placeholders').length > 0) return 'gitops-placeholders'
  // Otherwise a diagnostic of an Ingress that decided the probe, about this aspect of a difference: a redirect or
  // rewrite approximation does not explain a request reaching another Service (an outage), nor a regex ordering
  // note a missing HTTPS redirect of another host.
  const aspect = aspectOf(r)
  return aboutIngresses(index, r.ingresses).find((d) => aboutHost(d, host, r.probe.scheme) && explains(d, aspect))?.code
}

interface DiagnosticIndex {
  length: number
  byCode: Map<string, Diagnostic[]>
  /** By object (`Ingress ns/name`), with each diagnostic's position in the result (to keep their order). */
  byObject: Map<string, Array<{diagnostic: Diagnostic; at: number}>>
}

const diagnosticIndexes = new WeakMap<Diagnostic[], DiagnosticIndex>()

/** The result's diagnostics by code and by object, built once: a difference looks at its own Ingresses' only. */
function diagnosticIndex(result: TranslateResult): DiagnosticIndex {
  const cached = diagnosticIndexes.get(result.diagnostics)
  if (cached !== undefined && cached.length === result.diagnostics.length) return cached
  const index: DiagnosticIndex = {length: result.diagnostics.length, byCode: new Map(), byObject: new Map()}
  result.diagnostics.forEach((diagnostic, at) => {
    const sameCode = index.byCode.get(diagnostic.code) ?? []
    sameCode.push(diagnostic)
    index.byCode.set(diagnostic.code, sameCode)
    if (diagnostic.object === undefined) return
    const sameObject = index.byObject.get(diagnostic.object) ?? []
    sameObject.push({diagnostic, at})
    index.byObject.set(diagnostic.object, sameObject)
  })
  diagnosticIndexes.set(result.diagnostics, index)
  return index
}

/** The diagnostics about any of these Ingresses, in the result's order (concerns). */
function aboutIngresses(index: DiagnosticIndex, ingresses: string[]): Diagnostic[] {
  const found = [...new Set(ingresses)].flatMap((i) => index.byObject.get(`Ingress ${i}`) ?? [])
  if (ingresses.length > 1) found.sort((a, b) => a.at - b.at)
  return examined(found.map((f) => f.diagnostic))
}

const wildcardIndexes = new WeakMap<Map<string, HostModel>, Map<string, HostModel>>()

/**
 * The `*.suffix` hosts `host` is under at least two labels deep (`a.b.example.com` under `*.example.com`). Every
 * wildcard's suffix starts at a dot, so the candidates are the name's suffixes from each of its dots but the first.
 */
function wildcardsAbove(hosts: Map<string, HostModel>, host: string): HostModel[] {
  let bySuffix = wildcardIndexes.get(hosts)
  if (bySuffix === undefined) {
    bySuffix = new Map()
    for (const h of hosts.values()) if (h.name.startsWith('*.')) bySuffix.set(h.name.slice(1), h)
    wildcardIndexes.set(hosts, bySuffix)
  }
  const out: HostModel[] = []
  for (let dot = host.indexOf('.', host.indexOf('.') + 1); dot !== -1; dot = host.indexOf('.', dot + 1)) {
    const h = bySuffix.get(host.slice(dot))
    if (h !== undefined) out.push(h)
  }
  return examined(out)
}

function examined<T extends unknown[]>(list: T): T {
  examine(list.length)
  return list
}
