/**
 * The request headers ingress-nginx wrote for every proxied request -> ClientTrafficPolicy
 * headers.earlyRequestHeaders per listener, plus headers.requestID.
 *
 * nginx (rootfs/etc/nginx/template/nginx.tmpl, location block; lua_ingress.lua rewrite()) always sets upstream:
 * `X-Real-IP $remote_addr`; `X-Forwarded-For $remote_addr` (the client address alone; only with
 * use-forwarded-headers and compute-full-forwarded-for the received list plus the peer); `X-Forwarded-Host
 * $best_http_host`, `X-Forwarded-Port $pass_port`, `X-Forwarded-Proto`, `X-Forwarded-Scheme` and `X-Scheme
 * $pass_access_scheme`, which rewrite() takes from the Host, the server port and the scheme, or from the client's
 * X-Forwarded-* headers only with use-forwarded-headers; `X-Request-ID $req_id` (the client's value, generated when
 * absent); `Proxy ""`.
 *
 * Envoy Gateway (internal/xds/translator/listener.go addHCMToXDSListener) runs Envoy with use_remote_address unless
 * clientIPDetection is set: Envoy appends the peer to X-Forwarded-For and overwrites X-Forwarded-Proto, and leaves
 * X-Real-IP, X-Forwarded-Host/-Port/-Scheme and X-Scheme as the client sent them. earlyRequestHeaders run before
 * that ("before envoy performs routing, tracing and built-in header manipulation", api/v1alpha1/
 * clienttrafficpolicy_types.go HeaderSettings; translator/listener.go buildEarlyHeaderMutation: the HCM
 * early_header_mutation extension, adds then removes) and take Envoy format strings
 * (site/content/en/v1.9/tasks/traffic/http-request-headers.md). So:
 * - client address from the TCP peer (or PROXY protocol): X-Real-IP is set to %DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%
 *   (that address, before any detection), X-Forwarded-For is removed so that Envoy's append leaves the address alone;
 * - client address detected from X-Forwarded-For or a custom header: the detected address is only known after the
 *   early mutations, so X-Real-IP is removed (never passed as sent) and X-Forwarded-For is kept for the detection;
 * - X-Forwarded-Host/-Port/-Proto/-Scheme and X-Scheme are set per listener (literal port and scheme, Host from
 *   %REQ(:authority)%), or, with use-forwarded-headers, filled in only when absent (addIfAbsent, Envoy Gateway v1.7+)
 *   as nginx trusted the client's values; X-Forwarded-Scheme and X-Scheme are then removed (nginx copied the trusted
 *   X-Forwarded-Proto into them, which Envoy passes on).
 */
import type {Diagnostic, DiagnosticRef} from '../model/types.js'
import {diagnostic} from '../model/catalogue/diagnostic.js'
import {parseGoBool} from '../model/go-decode.js'

export interface HeaderFilter {
  set?: {name: string; value: string}[]
  addIfAbsent?: {name: string; value: string}[]
  remove?: string[]
}

export interface ForwardedHeaderMode {
  /** clientIPDetection is set: the client address comes from X-Forwarded-For or a custom header. */
  detected: boolean
  /** use-forwarded-headers: nginx trusted the client's X-Forwarded-Proto/-Host/-Port. */
  trustForwarded: boolean
  /** compute-full-forwarded-for (only read with use-forwarded-headers). */
  fullForwardedFor: boolean
  /** The listeners expect the PROXY protocol (use-proxy-protocol, --client-ip proxy-protocol). */
  proxyProtocol?: boolean
  /** clientIPDetection.customHeader (forwarded-for-header other than X-Forwarded-For). */
  customHeader?: boolean
}

const PEER = '%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%'
const HOST = '%REQ(:authority)%'
/**
 * With the PROXY protocol nginx forwarded the destination port of the PROXY header (nginx.tmpl `set $pass_server_port
 * $proxy_protocol_server_port`), the load balancer's port. Envoy's proxy_protocol listener filter restores the local
 * address from that header (proxy_protocol.cc restoreLocalAddress), so %DOWNSTREAM_LOCAL_PORT% is the same port.
 */
const PROXY_PORT = '%DOWNSTREAM_LOCAL_PORT%'

/** earlyRequestHeaders for a listener of this scheme and port. */
export function forwardedHeaderFilter(mode: ForwardedHeaderMode, scheme: 'http' | 'https', port: number): HeaderFilter {
  const set: {name: string; value: string}[] = []
  const addIfAbsent: {name: string; value: string}[] = []
  const remove: string[] = []
  if (mode.detected) remove.push('X-Real-IP')
  else {
    set.push({name: 'X-Real-IP', value: PEER})
    remove.push('X-Forwarded-For')
  }
  const forwardedPort = mode.proxyProtocol ? PROXY_PORT : String(port)
  if (mode.trustForwarded) {
    addIfAbsent.push({name: 'X-Forwarded-Host', value: HOST}, {name: 'X-Forwarded-Port', value: forwardedPort})
    remove.push('X-Forwarded-Scheme', 'X-Scheme')
  } else {
    set.push(
      {name: 'X-Forwarded-Host', value: HOST},
      {name: 'X-Forwarded-Port', value: forwardedPort},
      {name: 'X-Forwarded-Proto', value: scheme},
      {name: 'X-Forwarded-Scheme', value: scheme},
      {name: 'X-Scheme', value: scheme},
    )
  }
  // httpoxy: nginx sends `Proxy ""`, i.e. no Proxy header.
  remove.push('Proxy')
  const out: HeaderFilter = {}
  if (set.length > 0) out.set = set
  if (addIfAbsent.length > 0) out.addIfAbsent = addIfAbsent
  out.remove = remove
  return out
}

/** Adds another filter's entries (the mTLS headers of a host listener); names never clash with the forwarded ones. */
export function mergeHeaderFilters(a: HeaderFilter, b: HeaderFilter | undefined): HeaderFilter {
  if (!b) return a
  const out: HeaderFilter = {}
  for (const key of ['set', 'addIfAbsent'] as const) {
    const list = [...(a[key] ?? []), ...(b[key] ?? [])]
    if (list.length > 0) out[key] = list
  }
  const remove = [...(a.remove ?? []), ...(b.remove ?? [])]
  if (remove.length > 0) out.remove = remove
  return out
}

/** generate-request-id -> headers.requestID: nginx kept a client's X-Request-ID ($req_id), Envoy replaces it by default. */
export function requestIdAction(value: string | undefined): 'PreserveOrGenerate' | 'Preserve' {
  return value !== undefined && parseGoBool(value) === false ? 'Preserve' : 'PreserveOrGenerate'
}

/** The one diagnostic saying what the listeners do with each header, and what differs from nginx. */
export function forwardedHeadersDiagnostic(mode: ForwardedHeaderMode, subject: {object: string; ref: DiagnosticRef}, headerName: string): Diagnostic {
  const parts: string[] = []
  const differences: string[] = []
  if (mode.detected) {
    parts.push('X-Real-IP is removed')
    differences.push(
      `nginx set X-Real-IP to the client address it derived from ${headerName}; Envoy derives it only after the ClientTrafficPolicy's early header changes, so the backend gets no X-Real-IP (never the client's own)`,
    )
    if (mode.customHeader) {
      // Envoy Gateway listener.go: any originalIPDetectionExtensions turn use_remote_address off, and the
      // custom_header extension (unlike the xff one) appends nothing, so Envoy leaves X-Forwarded-For as received.
      differences.push(
        `nginx set X-Forwarded-For to ${mode.fullForwardedFor && mode.trustForwarded ? 'the received list plus the address of its TCP peer (compute-full-forwarded-for)' : 'the client address alone'}; with the custom header ${headerName} Envoy appends nothing and passes X-Forwarded-For exactly as received (Envoy Gateway turns use_remote_address off for header detection, and the custom_header detection adds no entry), so the backend gets whatever the client or the load balancer sent, and none when none was sent`,
      )
    } else if (!mode.fullForwardedFor || !mode.trustForwarded) {
      differences.push('nginx replaced X-Forwarded-For with that client address alone; Envoy passes the received list with the peer appended, whose leftmost entries the client chose')
    }
  } else {
    parts.push('X-Real-IP is set to the client address (%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%)', 'the client\'s X-Forwarded-For is removed, so it carries the client address alone (Envoy appends it)')
  }
  if (mode.trustForwarded) {
    parts.push('X-Forwarded-Host and X-Forwarded-Port are added when absent (the client\'s values are kept, as use-forwarded-headers trusted them)', 'X-Forwarded-Scheme and X-Scheme are removed')
    differences.push('nginx set X-Forwarded-Scheme and X-Scheme to the trusted X-Forwarded-Proto; backends reading them must read X-Forwarded-Proto')
    differences.push('nginx kept only the first X-Forwarded-Host entry; Envoy passes the header as received')
  } else {
    parts.push(
      mode.proxyProtocol
        ? 'X-Forwarded-Host, -Proto, -Scheme and X-Scheme are set from the request and the listener (http on the http listener, https on the HTTPS ones), X-Forwarded-Port to the destination port of the PROXY header (%DOWNSTREAM_LOCAL_PORT%), as nginx'
        : 'X-Forwarded-Host, -Port, -Proto, -Scheme and X-Scheme are set from the request and the listener (port 80/http, 443/https)',
    )
  }
  if (mode.proxyProtocol) {
    differences.push(
      'nginx took a PROXY header with destination port 443 for https even on a plain connection (lua_ingress.lua rewrite: a load balancer that terminates TLS and sends PROXY protocol to port 80), so such requests carried X-Forwarded-Proto https and were not redirected; on the http listener they carry http, and the https-redirect route sends them back to the load balancer (a redirect loop)',
    )
  }
  parts.push('Proxy is removed (httpoxy)', 'a client\'s X-Request-ID is kept (requestID)')
  differences.push('X-Original-Forwarded-For and X-Original-Forwarded-Host (the client\'s values, which nginx passed under these names) are not sent')
  const data = {
    clientIpDetection: mode.detected,
    trustForwarded: mode.trustForwarded,
    fullForwardedFor: mode.fullForwardedFor,
    proxyProtocol: mode.proxyProtocol === true,
    customHeader: mode.customHeader === true,
    header: headerName,
    headers: parts,
    differences,
  }
  const hint =
    (mode.detected
      ? 'routes whose backends read X-Real-IP can set it with a RequestHeaderModifier {set: [{name: X-Real-IP, value: "%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%"}]}: route-level headers are evaluated after client IP detection. '
      : '') + `earlyRequestHeaders needs Envoy Gateway v1.2+, requestID v1.4+${mode.trustForwarded ? ', addIfAbsent v1.7+' : ''}`
  return diagnostic('forwarded-headers', data, {level: mode.detected ? 'warning' : 'info', ...subject, hint})
}
