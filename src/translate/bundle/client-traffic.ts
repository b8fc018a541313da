/**
 * The ingress-nginx controller ConfigMap -> a ClientTrafficPolicy on the shared Gateway (client IP, TLS versions and
 * ciphers, header handling, downstream timeouts, HSTS) and, with `nginxDefaults`, a Gateway-level
 * BackendTrafficPolicy / SecurityPolicy carrying the route defaults every Ingress inherited.
 *
 * Every key present in the ConfigMap ends in exactly one diagnostic whose `annotation` is the key, or in the single
 * info listing keys without effect under Envoy Gateway / unknown keys: nothing is lost silently.
 *
 * Policy precedence on a Gateway: a policy targeting a listener (sectionName) replaces the Gateway-wide one as a
 * whole (no field merge). The HSTS header must only be added on the https listener, so when HSTS is on a second CTP
 * targets that listener and repeats every other setting.
 */
import {normalizeSourceRange} from '../../annotations/access-lists.js'
import type {AuthServer} from '../../annotations/external-auth/forms.js'
import {globalExtAuthShape} from '../../annotations/external-auth/global-auth.js'
import {mergeHeaders} from '../../annotations/external-auth/forms.js'
import {LONG_LIVED_SECONDS, NEXT_UPSTREAM_CONDITIONS, retryDifferences, retryOnFor} from '../../annotations/timeouts.js'
import {parseNginxSize, toGatewayDuration} from '../../annotations/units.js'
import {objectRef} from '../diagnostics.js'
import {dnsName} from '../names.js'
import {managedMetadata} from '../provenance.js'
import {ENVOY_CIPHERS, tlsVersionSpan} from '../tls.js'
import {forwardedHeaderFilter, forwardedHeadersDiagnostic, mergeHeaderFilters, requestIdAction, type ForwardedHeaderMode, type HeaderFilter} from './forwarded-headers.js'
import type {Diagnostic, KubeObject, NamespacedName, TranslateOptions} from '../types.js'
import {
  EG_API_VERSION,
  GATEWAY_GROUP,
  acmeExemptPolicyName,
  diag,
  gatewayTargetRef,
  isObject,
  parseGoBool,
  parseGoInt,
  refOf,
} from './common.js'

/** A listener of the Gateway that serves one host over HTTPS (https-listeners.ts) and the settings of its own. */
export interface HostListenerTraffic {
  name: string
  /** tls.clientValidation of the listener's ClientTrafficPolicy (client certificates). */
  clientValidation?: Record<string, any>
  /** Request headers the listener sets or removes besides the forwarded ones (ssl-client-*). */
  earlyRequestHeaders?: HeaderFilter
  xForwardedClientCert?: Record<string, any>
  /** Where the listener comes from ("Ingress team-a/web"). */
  sources: string[]
}

export interface ClientTrafficContext {
  gateway: NamespacedName
  clientIp: TranslateOptions['clientIp']
  nginxDefaults: boolean
  /** The plain-HTTP listener (default "http"): the Gateway-wide policy carries its port and scheme. */
  httpListener?: string
  httpsListener: string
  /** HTTPS listeners of single hosts: each gets a ClientTrafficPolicy of its own, like the https listener. */
  hostListeners?: HostListenerTraffic[]
  /**
   * The Gateway has an https listener (default true). Without one, HSTS has no https responses to go on: no
   * listener-level policy is generated and each hsts* key gets one diagnostic saying so.
   */
  hasHttpsListener?: boolean
  /**
   * Client request headers each listener removes before any filter ('' = the Gateway-wide policy): the identity
   * headers external auth copies to backends (auth-headers.ts authHeaderStrips).
   */
  stripRequestHeaders?: Map<string, string[]>
}

const USUAL_NAMES = ['ingress-nginx/ingress-nginx-controller', 'ingress-nginx/nginx-configuration', 'kube-system/ingress-nginx-controller']

/**
 * The controller ConfigMap: `explicit` ('ns/name') when given, else the usual names, else any
 * `*\/ingress-nginx-controller`, else any `*\/<release>-ingress-nginx-controller` (the Helm chart names it
 * `<release>-ingress-nginx-controller` unless the release is called ingress-nginx). Several matches of one rule
 * are taken in 'ns/name' order, so the choice is deterministic.
 */
export function findControllerConfigMap(configMaps: KubeObject[], explicit?: string): KubeObject | undefined {
  const byKey = new Map<string, KubeObject>()
  for (const cm of Array.isArray(configMaps) ? configMaps : []) {
    if (!isObject(cm) || !isObject(cm.metadata) || typeof cm.metadata.name !== 'string') continue
    const ns = typeof cm.metadata.namespace === 'string' && cm.metadata.namespace !== '' ? cm.metadata.namespace : 'default'
    byKey.set(`${ns}/${cm.metadata.name}`, cm)
  }
  if (explicit !== undefined && explicit !== '') {
    const key = explicit.includes('/') ? explicit : `default/${explicit}`
    return byKey.get(key)
  }
  for (const key of USUAL_NAMES) if (byKey.has(key)) return byKey.get(key)
  const keys = [...byKey.keys()].sort()
  const plain = keys.find((k) => k.endsWith('/ingress-nginx-controller'))
  if (plain !== undefined) return byKey.get(plain)
  const helm = keys.find((k) => k.slice(k.indexOf('/') + 1).endsWith('-ingress-nginx-controller'))
  return helm !== undefined ? byKey.get(helm) : undefined
}

const CURVES: Record<string, string> = {
  x25519: 'X25519', prime256v1: 'P-256', secp256r1: 'P-256', 'p-256': 'P-256', secp384r1: 'P-384', 'p-384': 'P-384',
  secp521r1: 'P-521', 'p-521': 'P-521',
}

function splitList(value: string, sep: RegExp = /[,\s]+/): string[] {
  return value.split(sep).map((s) => s.trim()).filter((s) => s !== '')
}

/**
 * Keys that only need a sentence: no ClientTrafficPolicy field and no Gateway-level policy. `note` completes
 * `<key>: "<value>" ...`.
 */
const NOTES: Record<string, {level: Diagnostic['level']; fidelity: Diagnostic['fidelity']; code: string; note: string}> = {
  'client-body-timeout': {level: 'info', fidelity: 'approximate', code: 'configmap-key-unmapped', note: 'limited the time between two reads of the request body; Envoy Gateway has no per-read body timeout (the stream idle timeout, 5m by default, covers a stalled upload)'},
  'large-client-header-buffers': {level: 'info', fidelity: 'approximate', code: 'configmap-key-unmapped', note: 'limited one request header line; Envoy accepts request headers up to 60 KiB in total and the ClientTrafficPolicy cannot change that'},
  'client-header-buffer-size': {level: 'info', fidelity: 'ignored', code: 'configmap-key-unmapped', note: 'is an nginx buffer size; Envoy has no equivalent and needs none'},
  'ssl-prefer-server-ciphers': {level: 'info', fidelity: 'ignored', code: 'configmap-key-unmapped', note: 'has no ClientTrafficPolicy field; Envoy (BoringSSL) uses its own cipher preference for TLS 1.2'},
  'ssl-session-cache': {level: 'info', fidelity: 'approximate', code: 'configmap-key-unmapped', note: 'controlled TLS session resumption; Envoy Gateway resumes no sessions unless tls.session.resumption is set on the ClientTrafficPolicy (a performance difference only)'},
  'ssl-session-cache-size': {level: 'info', fidelity: 'ignored', code: 'configmap-key-unmapped', note: 'sized the nginx session cache; Envoy Gateway has no such setting'},
  'ssl-session-timeout': {level: 'info', fidelity: 'ignored', code: 'configmap-key-unmapped', note: 'has no Envoy Gateway equivalent (session lifetime is fixed by Envoy)'},
  'ssl-session-tickets': {level: 'info', fidelity: 'approximate', code: 'configmap-key-unmapped', note: 'controlled session tickets; in Envoy Gateway that is tls.session.resumption.stateless on the ClientTrafficPolicy (off unless set)'},
  'ssl-session-ticket-key': {level: 'warning', fidelity: 'manual', code: 'configmap-key-unmapped', note: 'names a ticket key file; Envoy Gateway manages its own ticket keys: the key is not carried over'},
  'ssl-buffer-size': {level: 'info', fidelity: 'ignored', code: 'configmap-key-unmapped', note: 'is an nginx TLS record buffer size; Envoy has no equivalent setting'},
  'ssl-dh-param': {level: 'info', fidelity: 'ignored', code: 'configmap-key-unmapped', note: 'configured DHE key exchange; Envoy (BoringSSL) supports no DHE cipher suites, so the parameters are not needed'},
  'ssl-early-data': {level: 'info', fidelity: 'ignored', code: 'configmap-key-unmapped', note: 'enabled TLS 1.3 0-RTT in nginx; Envoy Gateway does not accept early data from clients'},
  'enable-ocsp': {level: 'warning', fidelity: 'manual', code: 'configmap-key-unmapped', note: 'stapled OCSP responses; Envoy Gateway staples nothing on its own (Envoy needs a pre-fetched OCSP response beside each certificate)'},
  'ssl-reject-handshake': {level: 'info', fidelity: 'approximate', code: 'configmap-key-unmapped', note: 'refused TLS handshakes for unknown SNI names; Envoy answers with the listener\'s first certificate unless the https listener is split per hostname'},
  'http2-max-field-size': {level: 'info', fidelity: 'ignored', code: 'configmap-key-unmapped', note: 'is deprecated in nginx; Envoy limits HTTP/2 headers to 60 KiB in total'},
  'http2-max-header-size': {level: 'info', fidelity: 'ignored', code: 'configmap-key-unmapped', note: 'is deprecated in nginx; Envoy limits HTTP/2 headers to 60 KiB in total'},
  'http2-max-requests': {level: 'info', fidelity: 'ignored', code: 'configmap-key-unmapped', note: 'is deprecated in nginx; Envoy sets no per-connection HTTP/2 request limit unless keep-alive-requests is mapped'},
  'proxy-protocol-header-timeout': {level: 'info', fidelity: 'ignored', code: 'configmap-key-unmapped', note: 'timed out slow PROXY headers; Envoy\'s PROXY protocol listener filter uses its own listener inspection timeout'},
  'forwarded-for-proxy-protocol-header': {level: 'info', fidelity: 'ignored', code: 'configmap-key-unmapped', note: 'names an internal header nginx used to combine PROXY protocol and X-Forwarded-For; nothing to translate'},
  'proxy-request-buffering': {level: 'info', fidelity: 'approximate', code: 'configmap-route-default', note: 'controlled buffering of request bodies; Envoy streams request bodies to the backend unless a BackendTrafficPolicy sets requestBuffer'},
  'proxy-buffering': {level: 'info', fidelity: 'ignored', code: 'configmap-route-default', note: 'controlled response buffering in nginx; Envoy streams responses, nothing to translate'},
  'proxy-buffer-size': {level: 'info', fidelity: 'ignored', code: 'configmap-route-default', note: 'is an nginx buffer size; Envoy needs no equivalent'},
  'proxy-buffers-number': {level: 'info', fidelity: 'ignored', code: 'configmap-route-default', note: 'is an nginx buffer setting; Envoy needs no equivalent'},
  'proxy-busy-buffers-size': {level: 'info', fidelity: 'ignored', code: 'configmap-route-default', note: 'is an nginx buffer setting; Envoy needs no equivalent'},
  'client-body-buffer-size': {level: 'info', fidelity: 'ignored', code: 'configmap-route-default', note: 'is an nginx buffer size (not a limit: see proxy-body-size); Envoy needs no equivalent'},
  'proxy-http-version': {level: 'info', fidelity: 'ignored', code: 'configmap-route-default', note: 'set the HTTP version towards backends; Envoy uses HTTP/1.1 to Services unless their appProtocol says otherwise'},
  'custom-http-errors': {level: 'warning', fidelity: 'manual', code: 'configmap-route-default', note: 'intercepted these upstream status codes on every location and served the default backend\'s error pages; add a BackendTrafficPolicy responseOverride (source: Backend) where that matters'},
  'load-balance': {level: 'info', fidelity: 'approximate', code: 'configmap-route-default', note: 'was the balancing algorithm of every upstream (nginx default round_robin); Envoy Gateway balances with LeastRequest unless a BackendTrafficPolicy sets loadBalancer'},
  'service-upstream': {level: 'info', fidelity: 'exact', code: 'configmap-route-default', note: 'is the service-upstream of every upstream whose creating Ingress does not set the annotation; those routes get routingType: Service (each Ingress says so)'},
  'upstream-hash-by': {level: 'info', fidelity: 'ignored', code: 'configmap-route-default', note: 'is read into the controller\'s defaults but applied nowhere in v1.15 (upstreams take upstream-hash-by only from the annotation of the Ingress that creates them, controller.go createUpstreams), so it had no effect'},
  'retry-non-idempotent': {level: 'info', fidelity: 'approximate', code: 'configmap-route-default', note: 'let nginx retry POST/PATCH/LOCK after an error; Envoy retries every method on the configured triggers'},
  'limit-req-status-code': {level: 'info', fidelity: 'approximate', code: 'configmap-route-default', note: 'was the status of rate-limited requests (nginx default 503); Envoy Gateway answers 429'},
  'limit-conn-status-code': {level: 'info', fidelity: 'ignored', code: 'configmap-route-default', note: 'was the status of connection-limited requests; limit-connections has no Envoy Gateway equivalent'},
  'limit-conn-zone-variable': {level: 'info', fidelity: 'exact', code: 'configmap-route-default', note: 'is the key of every limit-rps / limit-rpm / limit-connections count (nginx.tmpl maps $limit_<id> to it); the rate limits of the Ingresses that set them count per this key (client IP, request header or query parameter), and each says so'},
  'limit-rate': {level: 'warning', fidelity: 'manual', code: 'configmap-route-default', note: 'throttled every response to this rate; Envoy Gateway has a bandwidthLimit (BackendTrafficPolicy, v1.8+) to add by hand if needed'},
  'limit-rate-after': {level: 'info', fidelity: 'ignored', code: 'configmap-route-default', note: 'started limit-rate after this many bytes; no Envoy Gateway equivalent'},
  'use-gzip': {level: 'info', fidelity: 'approximate', code: 'configmap-route-default', note: 'compressed responses with gzip; Envoy Gateway compresses only where a BackendTrafficPolicy sets compression/compressor'},
  'gzip-level': {level: 'info', fidelity: 'ignored', code: 'configmap-route-default', note: 'tuned nginx gzip; see use-gzip'},
  'gzip-min-length': {level: 'info', fidelity: 'ignored', code: 'configmap-route-default', note: 'tuned nginx gzip; see use-gzip'},
  'gzip-types': {level: 'info', fidelity: 'ignored', code: 'configmap-route-default', note: 'tuned nginx gzip; see use-gzip'},
  'enable-brotli': {level: 'info', fidelity: 'approximate', code: 'configmap-route-default', note: 'compressed responses with brotli; Envoy Gateway compresses only where a BackendTrafficPolicy sets compression/compressor (type Brotli)'},
  'brotli-level': {level: 'info', fidelity: 'ignored', code: 'configmap-route-default', note: 'tuned nginx brotli; see enable-brotli'},
  'brotli-min-length': {level: 'info', fidelity: 'ignored', code: 'configmap-route-default', note: 'tuned nginx brotli; see enable-brotli'},
  'brotli-types': {level: 'info', fidelity: 'ignored', code: 'configmap-route-default', note: 'tuned nginx brotli; see enable-brotli'},
  'proxy-add-original-uri-header': {level: 'info', fidelity: 'approximate', code: 'configmap-route-default', note: 'sent X-Original-Uri upstream; Envoy sends X-Envoy-Original-Path only when a route rewrites the path'},
  'proxy-set-headers': {level: 'warning', fidelity: 'manual', code: 'configmap-route-default', note: 'names a ConfigMap of request headers added to every upstream request; add them as ClientTrafficPolicy headers.earlyRequestHeaders (values with nginx variables have no equivalent)'},
  'add-headers': {level: 'warning', fidelity: 'manual', code: 'configmap-route-default', note: 'names a ConfigMap of response headers added to every response; add them as ClientTrafficPolicy headers.lateResponseHeaders'},
  'hide-headers': {level: 'warning', fidelity: 'manual', code: 'configmap-route-default', note: 'removed these upstream response headers everywhere; add them to headers.lateResponseHeaders.remove of the ClientTrafficPolicy'},
  'allow-backend-server-header': {level: 'info', fidelity: 'approximate', code: 'configmap-route-default', note: 'controlled whether the backend Server header passed; Envoy replaces it with "envoy" by default'},
  'block-user-agents': {level: 'warning', fidelity: 'manual', code: 'configmap-route-default', note: 'answered 403 to these User-Agents everywhere; a Gateway-level SecurityPolicy authorization rule on the User-Agent header can do it (exact values only, no regex)'},
  'block-referers': {level: 'warning', fidelity: 'manual', code: 'configmap-route-default', note: 'answered 403 to these Referers everywhere; a Gateway-level SecurityPolicy authorization rule on the Referer header can do it (exact values only)'},
  'enable-modsecurity': {level: 'warning', fidelity: 'manual', code: 'configmap-route-default', note: 'ran the ModSecurity WAF; Envoy Gateway has no built-in WAF (consider an ext_proc/Wasm WAF such as Coraza)'},
  'enable-owasp-modsecurity-crs': {level: 'warning', fidelity: 'manual', code: 'configmap-route-default', note: 'loaded the OWASP core rule set; see enable-modsecurity'},
  'modsecurity-snippet': {level: 'warning', fidelity: 'manual', code: 'configmap-snippet', note: 'is raw ModSecurity configuration; it has no Envoy Gateway equivalent'},
  'main-snippet': {level: 'warning', fidelity: 'manual', code: 'configmap-snippet', note: 'is raw nginx configuration (main context); review what it did: it has no declarative equivalent'},
  'http-snippet': {level: 'warning', fidelity: 'manual', code: 'configmap-snippet', note: 'is raw nginx configuration (http context); review what it did: it has no declarative equivalent'},
  'server-snippet': {level: 'warning', fidelity: 'manual', code: 'configmap-snippet', note: 'is raw nginx configuration added to every server; review what it did: it has no declarative equivalent'},
  'location-snippet': {level: 'warning', fidelity: 'manual', code: 'configmap-snippet', note: 'is raw nginx configuration added to every location; review what it did: it has no declarative equivalent'},
  'stream-snippet': {level: 'warning', fidelity: 'manual', code: 'configmap-snippet', note: 'is raw nginx stream configuration; review what it did: it has no declarative equivalent'},
  'proxy-stream-timeout': {level: 'info', fidelity: 'approximate', code: 'configmap-stream-default', note: 'was the idle timeout of tcp-/udp-services connections (nginx default 600s); Envoy closes idle TCP connections after 1h unless a ClientTrafficPolicy on the TCP listener sets timeout.tcp.idleTimeout'},
  'proxy-stream-next-upstream': {level: 'info', fidelity: 'approximate', code: 'configmap-stream-default', note: 'retried another endpoint when a tcp-services connection failed; Envoy retries TCP connects to another endpoint by default too'},
  'proxy-stream-next-upstream-timeout': {level: 'info', fidelity: 'ignored', code: 'configmap-stream-default', note: 'limited stream connection retries; no Envoy Gateway equivalent'},
  'proxy-stream-next-upstream-tries': {level: 'info', fidelity: 'ignored', code: 'configmap-stream-default', note: 'limited stream connection retries; no Envoy Gateway equivalent'},
  'proxy-stream-responses': {level: 'info', fidelity: 'ignored', code: 'configmap-stream-default', note: 'set how many UDP datagrams nginx expected back; Envoy\'s UDP proxy has no such setting'},
}

/** Keys about nginx itself (logging, workers, hashes, metrics, admission): no effect under Envoy Gateway. */
const IRRELEVANT = new Set([
  'access-log-path', 'access-log-params', 'error-log-path', 'error-log-level', 'log-format-upstream', 'log-format-stream',
  'log-format-escape-json', 'log-format-escape-none', 'disable-access-log', 'disable-http-access-log', 'disable-stream-access-log',
  'http-access-log-path', 'stream-access-log-path', 'enable-access-log-for-default-backend', 'enable-auth-access-log', 'skip-access-log-urls',
  'worker-processes', 'worker-cpu-affinity', 'worker-shutdown-timeout', 'max-worker-connections', 'max-worker-open-files',
  'enable-multi-accept', 'reuse-port', 'variables-hash-bucket-size', 'variables-hash-max-size', 'map-hash-bucket-size',
  'server-name-hash-bucket-size', 'server-name-hash-max-size', 'proxy-headers-hash-bucket-size', 'proxy-headers-hash-max-size',
  'bind-address', 'disable-ipv6', 'disable-ipv6-dns', 'resolver', 'upstream-keepalive-connections', 'upstream-keepalive-time',
  'upstream-keepalive-timeout', 'upstream-keepalive-requests', 'lua-shared-dicts', 'enable-opentelemetry', 'opentelemetry-config',
  'opentelemetry-operation-name', 'opentelemetry-trust-incoming-span', 'otlp-collector-host', 'otlp-collector-port', 'otel-service-name',
  'otel-sampler', 'otel-sampler-ratio', 'otel-sampler-parent-based', 'otel-max-queuesize', 'otel-schedule-delay-millis',
  'otel-max-export-batch-size', 'enable-syslog', 'syslog-host', 'syslog-port', 'nginx-status-ipv4-whitelist', 'nginx-status-ipv6-whitelist',
  'use-geoip', 'use-geoip2', 'geoip2-autoreload-in-minutes', 'debug-connections', 'proxy-max-temp-file-size', 'server-tokens',
  'allow-snippet-annotations', 'annotations-risk-level', 'allow-cross-namespace-resources', 'annotation-value-word-blocklist',
  'strict-validate-path-type', 'enable-annotation-validation', 'default-type', 'enable-real-ip-recursive', 'proxy-ssl-location-only',
  'ssl-redirect-code', 'enable-vts-status', 'vts-status-zone-size', 'vts-default-filter-key', 'vts-sum-key', 'plugins',
  'worker-serial-reloads', 'limit-req-status', 'proxy-cookie-domain', 'proxy-cookie-path',
])

interface Ledger {
  entries: Map<string, Diagnostic>
  account(key: string, d: Omit<Parameters<typeof diag>[0], 'annotation' | 'object'>): void
}

export function clientTrafficFromConfigMap(
  cm: KubeObject | undefined,
  ctx: ClientTrafficContext,
): {objects: KubeObject[]; diagnostics: Diagnostic[]; checklist: string[]} {
  const objects: KubeObject[] = []
  const general: Diagnostic[] = []
  const checklist: string[] = []
  const gw = ctx.gateway
  const cmRef = cm && isObject(cm) ? refOf(cm) : objectRef('Gateway', gw)
  const data: Record<string, string> = {}
  if (cm && isObject(cm) && isObject(cm.data)) {
    for (const [k, v] of Object.entries(cm.data)) {
      if (typeof v === 'string') data[k] = v
      else if (typeof v === 'number' || typeof v === 'boolean') data[k] = String(v)
    }
  }
  const has = (k: string): boolean => Object.prototype.hasOwnProperty.call(data, k)
  const ledger: Ledger = {
    entries: new Map(),
    account(key, d) {
      if (!has(key) || this.entries.has(key)) return
      this.entries.set(key, diag({...d, object: cmRef, annotation: key}))
    },
  }
  const v = (k: string): string => (has(k) ? data[k] : '')
  /** Boolean key with its nginx default; invalid values are reported once and read as the default. */
  const bool = (key: string, dflt: boolean): boolean => {
    if (!has(key)) return dflt
    const b = parseGoBool(data[key])
    if (b === undefined) {
      ledger.account(key, {level: 'warning', code: 'configmap-value-invalid', fidelity: 'ignored', message: `${key}: "${data[key]}" is not a boolean; nginx kept its default (${dflt}), and so does the translation`})
      return dflt
    }
    return b
  }
  const int = (key: string, dflt: number, min = 0): number => {
    if (!has(key)) return dflt
    const n = parseGoInt(data[key])
    if (n === undefined || n < min) {
      ledger.account(key, {level: 'warning', code: 'configmap-value-invalid', fidelity: 'ignored', message: `${key}: "${data[key]}" is not an integer${min > 0 ? ` >= ${min}` : ''} (nginx takes whole seconds/counts without units); nginx kept its default (${dflt}), and so does the translation`})
      return dflt
    }
    return n
  }
  const exact = (key: string, message: string): void => ledger.account(key, {level: 'info', code: 'configmap-key-mapped', fidelity: 'exact', message})
  const consumed: string[] = []
  const use = (key: string): void => {
    if (has(key)) consumed.push(key)
  }

  const spec: Record<string, any> = {}

  // ---------------------------------------------------------------------------------------------------------------
  // Client IP.
  const clientIpKeys = ['use-proxy-protocol', 'use-forwarded-headers', 'enable-real-ip', 'forwarded-for-header', 'proxy-real-ip-cidr']
  const pp = bool('use-proxy-protocol', false)
  const forwarded = bool('use-forwarded-headers', false)
  const realIp = bool('enable-real-ip', false)
  const xff = forwarded || realIp
  const header = v('forwarded-for-header').trim() || 'X-Forwarded-For'
  const customHeader = header.toLowerCase() !== 'x-forwarded-for'
  const cidrEntries = has('proxy-real-ip-cidr') ? splitList(data['proxy-real-ip-cidr'], /,/) : ['0.0.0.0/0']
  const cidrs = cidrEntries.map(normalizeSourceRange).filter((c): c is string => c !== undefined)
  const badCidrs = cidrEntries.filter((c) => normalizeSourceRange(c) === undefined)
  const trustAll = cidrs.length === 0 || cidrs.some((c) => c === '0.0.0.0/0' || c === '::/0')

  if (ctx.clientIp !== 'auto') {
    const mode = ctx.clientIp
    const described = mode === 'proxy-protocol' ? 'proxy-protocol' : mode === 'none' ? 'none' : `xff:${mode.xffHops}`
    if (mode === 'proxy-protocol') spec.proxyProtocol = {}
    else if (mode !== 'none' && Number.isInteger(mode.xffHops) && mode.xffHops > 0) spec.clientIPDetection = {xForwardedFor: {numTrustedHops: mode.xffHops}}
    for (const key of clientIpKeys) {
      ledger.account(key, {level: 'info', code: 'client-ip-overridden', fidelity: 'exact', message: `${key}: "${v(key)}" is overridden by --client-ip ${described}`})
    }
    general.push(
      diag({
        level: 'info',
        code: 'client-ip-mode',
        object: cmRef,
        message:
          mode === 'proxy-protocol'
            ? `--client-ip proxy-protocol: the Gateway listeners expect the PROXY protocol (proxyProtocol: {}) and take the client address from it`
            : mode === 'none'
              ? '--client-ip none: Envoy uses the TCP peer address as the client IP'
              : `--client-ip xff:${mode.xffHops}: the client IP is the address ${mode.xffHops} hop(s) from the right of X-Forwarded-For`,
      }),
    )
  } else {
    if (pp) spec.proxyProtocol = {}
    if (xff) {
      if (customHeader) {
        if (/^[A-Za-z0-9-]+$/.test(header) && header.length <= 255) spec.clientIPDetection = {customHeader: {name: header}}
      } else if (!trustAll) {
        spec.clientIPDetection = {xForwardedFor: {trustedCIDRs: cidrs}}
      } else {
        spec.clientIPDetection = {xForwardedFor: {numTrustedHops: 1}}
      }
    }
    for (const k of clientIpKeys) use(k)

    // use-proxy-protocol
    if (has('use-proxy-protocol') && parseGoBool(data['use-proxy-protocol']) !== undefined) {
      if (pp) {
        ledger.account('use-proxy-protocol', {
          level: 'info',
          code: 'client-ip-proxy-protocol',
          fidelity: 'exact',
          message: `use-proxy-protocol: "${data['use-proxy-protocol']}" -> proxyProtocol: {} (required, as in nginx: connections without a PROXY header are rejected); the client address comes from the PROXY header`,
          hint: 'proxyProtocol needs Envoy Gateway v1.5+; older releases take enableProxyProtocol: true',
        })
      } else exact('use-proxy-protocol', `use-proxy-protocol: "${data['use-proxy-protocol']}" matches Envoy's default (no PROXY protocol)`)
    }
    // use-forwarded-headers / enable-real-ip
    const xffKey = forwarded ? 'use-forwarded-headers' : 'enable-real-ip'
    const hopsNote =
      'nginx trusted proxy-real-ip-cidr 0.0.0.0/0 (its default) with real_ip_recursive on, i.e. every hop: the client IP was the leftmost X-Forwarded-For entry, which any client can forge. ' +
      'Envoy would do the same with trustedCIDRs [0.0.0.0/0]; the translation instead trusts 1 hop (numTrustedHops: 1), the address the load balancer in front of Envoy appended, which only differs when several proxies append to the header'
    if (xff) {
      let code = 'configmap-key-mapped'
      let level: Diagnostic['level'] = 'info'
      let fidelity: Diagnostic['fidelity'] = 'exact'
      let message = `${xffKey}: "${data[xffKey]}" -> clientIPDetection from ${header}`
      let hint: string | undefined
      if (pp) {
        code = 'client-ip-proxy-and-xff'
        level = 'info'
        fidelity = 'approximate'
        message =
          `use-proxy-protocol and ${xffKey} are both on: since v1.13 ingress-nginx appends the PROXY protocol address to ${header} and walks that chain from the right over proxy-real-ip-cidr. ` +
          'Envoy does the same with proxyProtocol: {} plus clientIPDetection (the PROXY address becomes the peer address, the header entries are walked from the right); ' +
          (customHeader ? `with the custom header ${header} Envoy takes the header's value as is.` : trustAll ? `as nginx trusted every hop (0.0.0.0/0), Envoy trusts 1 hop (numTrustedHops: 1) instead of the forgeable leftmost entry.` : `trustedCIDRs = proxy-real-ip-cidr.`)
        if (!customHeader && trustAll) {
          level = 'warning'
          hint = 'if more than one proxy appends to X-Forwarded-For in front of the load balancer, set --client-ip xff:N (or proxy-real-ip-cidr) to the right count'
        }
      } else if (customHeader) {
        code = 'configmap-key-mapped'
        message = `${xffKey}: "${data[xffKey]}" -> clientIPDetection.customHeader (${header}; see forwarded-for-header)`
      } else if (trustAll) {
        code = 'client-ip-xff-hops'
        level = 'warning'
        fidelity = 'approximate'
        message = `${xffKey}: "${data[xffKey]}" -> clientIPDetection.xForwardedFor.numTrustedHops: 1. ${hopsNote}`
        hint = 'if several proxies append to X-Forwarded-For before Envoy, rerun with --client-ip xff:N or set proxy-real-ip-cidr to the proxies\' ranges (-> trustedCIDRs)'
      } else {
        message = `${xffKey}: "${data[xffKey]}" -> clientIPDetection.xForwardedFor.trustedCIDRs (proxy-real-ip-cidr)`
      }
      if (!forwarded && realIp) {
        message += '; unlike use-forwarded-headers, enable-real-ip did not trust X-Forwarded-Proto/-Host/-Port, which the listeners set themselves (see forwarded-headers)'
      }
      ledger.account(xffKey, {level, code, fidelity, message, hint})
      if (forwarded && parseGoBool(data['enable-real-ip']) === true) exact('enable-real-ip', `enable-real-ip: "${data['enable-real-ip']}" is implied by use-forwarded-headers`)
      checklist.push(
        `use-forwarded-headers/enable-real-ip: with TLS terminated by a load balancer that forwards plain HTTP to port 80, nginx skipped the HTTPS redirect for X-Forwarded-Proto: https; the https-redirect HTTPRoute on the "http" listener redirects regardless, which loops: send such traffic to the https listener, or restrict the redirect route with a header match on X-Forwarded-Proto`,
      )
    }
    for (const key of ['use-forwarded-headers', 'enable-real-ip']) {
      if (has(key) && parseGoBool(data[key]) === false) {
        exact(key, xff ? `${key}: "${data[key]}" (off; client IP detection comes from ${xffKey})` : `${key}: "${data[key]}" matches Envoy's default (X-Forwarded-For is not trusted for the client IP)`)
      }
    }
    // forwarded-for-header
    if (has('forwarded-for-header')) {
      if (!xff) ledger.account('forwarded-for-header', {level: 'info', code: 'configmap-key-unused', fidelity: 'ignored', message: `forwarded-for-header: "${data['forwarded-for-header']}" had no effect without use-forwarded-headers or enable-real-ip, and has none here`})
      else if (!customHeader) exact('forwarded-for-header', `forwarded-for-header: "${data['forwarded-for-header']}" is the X-Forwarded-For header Envoy reads`)
      else if (spec.clientIPDetection?.customHeader) {
        ledger.account('forwarded-for-header', {
          level: 'warning',
          code: 'client-ip-custom-header',
          fidelity: 'approximate',
          message: `forwarded-for-header: "${header}" -> clientIPDetection.customHeader.name: ${header}; nginx trusted the header only from proxy-real-ip-cidr peers and walked its list recursively, Envoy takes the header's address from any peer`,
          hint: 'make sure only the trusted proxy can reach Envoy (or that it overwrites the header), since clients can otherwise choose their IP',
        })
      } else {
        ledger.account('forwarded-for-header', {level: 'warning', code: 'configmap-value-invalid', fidelity: 'ignored', message: `forwarded-for-header: "${header}" is not a valid header name for Envoy (letters, digits and '-' only): no client IP detection is configured`})
      }
    }
    // proxy-real-ip-cidr
    if (has('proxy-real-ip-cidr')) {
      const invalid = badCidrs.length > 0 ? ` (invalid entries dropped: ${badCidrs.join(', ')})` : ''
      if (!xff && !pp) ledger.account('proxy-real-ip-cidr', {level: 'info', code: 'configmap-key-unused', fidelity: 'ignored', message: `proxy-real-ip-cidr: "${data['proxy-real-ip-cidr']}" had no effect without use-forwarded-headers, enable-real-ip or use-proxy-protocol`})
      else if (xff && customHeader) ledger.account('proxy-real-ip-cidr', {level: 'info', code: 'client-ip-trusted-cidrs', fidelity: 'approximate', message: `proxy-real-ip-cidr: "${data['proxy-real-ip-cidr']}" cannot restrict Envoy's customHeader detection: see forwarded-for-header${invalid}`})
      else if (xff && !trustAll) ledger.account('proxy-real-ip-cidr', {level: badCidrs.length > 0 ? 'warning' : 'info', code: 'client-ip-trusted-cidrs', fidelity: 'exact', message: `proxy-real-ip-cidr: "${data['proxy-real-ip-cidr']}" -> clientIPDetection.xForwardedFor.trustedCIDRs ${JSON.stringify(cidrs)}: as nginx's real_ip_recursive, addresses are walked from the right and the first untrusted one is the client${invalid}`})
      else if (xff) exact('proxy-real-ip-cidr', `proxy-real-ip-cidr: "${data['proxy-real-ip-cidr']}" trusts every peer; see ${xffKey} for how that is translated${invalid}`)
      else ledger.account('proxy-real-ip-cidr', {level: 'info', code: 'client-ip-trusted-cidrs', fidelity: 'approximate', message: `proxy-real-ip-cidr: "${data['proxy-real-ip-cidr']}" limited which peers' PROXY headers nginx believed; Envoy accepts the PROXY header from any peer that reaches it${invalid}`, hint: 'keep the Envoy Service reachable only through the load balancer'})
    }
    if (pp) {
      checklist.push(
        'PROXY protocol: configure the load balancer in front of the Envoy Service to send PROXY protocol headers (as it did for ingress-nginx), e.g. with Service annotations in the EnvoyProxy resource (spec.provider.kubernetes.envoyService.annotations); Envoy rejects connections without them',
      )
    }
    if (!pp && !xff) {
      checklist.push(
        'Client IP: Envoy sees the TCP peer as the client; if the ingress-nginx Service used externalTrafficPolicy: Local to keep client addresses, set the same on the Envoy Service (EnvoyProxy spec.provider.kubernetes.envoyService.externalTrafficPolicy: Local)',
      )
    }
  }

  // Forwarded request headers (X-Real-IP, X-Forwarded-*, X-Request-ID): forwarded-headers.ts.
  const fullForwardedFor = bool('compute-full-forwarded-for', false)
  const headerMode: ForwardedHeaderMode = {detected: spec.clientIPDetection !== undefined, trustForwarded: forwarded, fullForwardedFor, proxyProtocol: spec.proxyProtocol !== undefined, customHeader: spec.clientIPDetection?.customHeader !== undefined}
  general.push(forwardedHeadersDiagnostic(headerMode, cmRef, header))
  if (headerMode.proxyProtocol) {
    checklist.push(
      'PROXY protocol and TLS: if the load balancer terminates TLS and sends PROXY protocol to port 80, ingress-nginx treated those requests as https (destination port 443 in the PROXY header); the Gateway treats them as http and its https-redirect route loops: let the load balancer pass TLS through to port 443 instead',
    )
  }
  if (has('compute-full-forwarded-for') && parseGoBool(data['compute-full-forwarded-for']) !== undefined) {
    use('compute-full-forwarded-for')
    if (fullForwardedFor && !forwarded) {
      ledger.account('compute-full-forwarded-for', {level: 'info', code: 'configmap-key-unused', fidelity: 'ignored', message: `compute-full-forwarded-for: "${data['compute-full-forwarded-for']}" only applies with use-forwarded-headers (nginx.tmpl); nginx sent X-Forwarded-For with the client address alone (see forwarded-headers)`})
    } else if (fullForwardedFor) {
      exact('compute-full-forwarded-for', `compute-full-forwarded-for: "${data['compute-full-forwarded-for']}": nginx passed the received X-Forwarded-For with the peer appended, as Envoy does with clientIPDetection`)
    } else {
      ledger.account('compute-full-forwarded-for', {
        level: 'info',
        code: 'configmap-key-mapped',
        fidelity: headerMode.detected ? 'approximate' : 'exact',
        message: `compute-full-forwarded-for: "${data['compute-full-forwarded-for']}": nginx replaced X-Forwarded-For with the client address alone${headerMode.detected ? '; with client IP detection from a header Envoy keeps the received list (see forwarded-headers)' : ', as the listeners do (the received header is removed before Envoy appends the client address)'}`,
      })
    }
  }
  const requestID = requestIdAction(has('generate-request-id') ? data['generate-request-id'] : undefined)
  if (has('generate-request-id')) {
    use('generate-request-id')
    exact('generate-request-id', `generate-request-id: "${data['generate-request-id']}" -> headers.requestID: ${requestID} (nginx passed a client's X-Request-ID on${requestID === 'Preserve' ? ' and generated none' : ' and generated one when absent'}; Envoy replaces it unless told otherwise)`)
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Headers with underscores.
  const underscores = bool('enable-underscores-in-headers', false)
  const ignoreInvalid = bool('ignore-invalid-headers', true)
  const underscoreAction = underscores || !ignoreInvalid ? 'Allow' : 'DropHeader'
  spec.headers = {withUnderscoresAction: underscoreAction, requestID}
  use('enable-underscores-in-headers')
  use('ignore-invalid-headers')
  if (has('enable-underscores-in-headers')) {
    exact(
      'enable-underscores-in-headers',
      underscoreAction === 'Allow'
        ? `enable-underscores-in-headers: "${data['enable-underscores-in-headers']}" -> headers.withUnderscoresAction: Allow (nginx passed headers with underscores)`
        : `enable-underscores-in-headers: "${data['enable-underscores-in-headers']}" -> headers.withUnderscoresAction: DropHeader (nginx silently dropped request headers with underscores; Envoy's default would reject the request)`,
    )
  }
  if (has('ignore-invalid-headers')) {
    if (ignoreInvalid) exact('ignore-invalid-headers', `ignore-invalid-headers: "${data['ignore-invalid-headers']}": headers with underscores are dropped (headers.withUnderscoresAction: ${underscoreAction})`)
    else ledger.account('ignore-invalid-headers', {level: 'info', code: 'configmap-key-mapped', fidelity: 'approximate', message: `ignore-invalid-headers: "${data['ignore-invalid-headers']}": nginx passed invalid header names on (headers with underscores -> Allow); Envoy still rejects names that are not valid HTTP tokens`})
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Downstream timeouts and connection limits.
  const timeout: Record<string, any> = {}
  const connection: Record<string, any> = {}
  if (has('client-header-timeout')) {
    const n = int('client-header-timeout', 60, 1)
    if (parseGoInt(data['client-header-timeout']) !== undefined && n >= 1) {
      timeout.requestHeadersReceivedTimeout = toGatewayDuration(n)
      use('client-header-timeout')
      ledger.account('client-header-timeout', {
        level: 'info',
        code: 'client-header-timeout',
        fidelity: 'approximate',
        message: `client-header-timeout: "${data['client-header-timeout']}" -> timeout.http.requestHeadersReceivedTimeout: ${timeout.requestHeadersReceivedTimeout} (time to receive the request headers, answered with 408 by nginx); Envoy starts the timer at the first header byte, nginx when it waits for the request`,
        hint: 'requestHeadersReceivedTimeout needs Envoy Gateway v1.9+; requestReceivedTimeout, which older releases accept, also counts the body and would cut slow uploads, so it is not used',
      })
      checklist.push('client-header-timeout is mapped to ClientTrafficPolicy timeout.http.requestHeadersReceivedTimeout, which needs Envoy Gateway v1.9 or later')
    }
  }
  const keepAliveRaw = has('keep-alive') ? parseGoInt(data['keep-alive']) : undefined
  if (has('keep-alive')) {
    const n = int('keep-alive', 75)
    if (keepAliveRaw !== undefined && keepAliveRaw >= 0) {
      use('keep-alive')
      if (n === 0) {
        connection.connectionLimit = {maxRequestsPerConnection: 1}
        exact('keep-alive', 'keep-alive: "0" disabled client keep-alive -> connection.connectionLimit.maxRequestsPerConnection: 1 (idleTimeout 0 would mean "never time out" in Envoy)')
      } else {
        timeout.idleTimeout = toGatewayDuration(n)
        exact('keep-alive', `keep-alive: "${data['keep-alive']}" -> timeout.http.idleTimeout: ${timeout.idleTimeout} (idle client connections are closed after it; Envoy's default is 1h)`)
      }
    }
  }
  if (has('keep-alive-requests')) {
    const n = int('keep-alive-requests', 1000, 1)
    const raw = parseGoInt(data['keep-alive-requests'])
    if (raw !== undefined && raw >= 1) {
      use('keep-alive-requests')
      if (connection.connectionLimit) exact('keep-alive-requests', `keep-alive-requests: "${data['keep-alive-requests']}" is moot: keep-alive is off`)
      else {
        connection.connectionLimit = {maxRequestsPerConnection: n}
        ledger.account('keep-alive-requests', {level: 'info', code: 'configmap-key-mapped', fidelity: 'exact', message: `keep-alive-requests: "${data['keep-alive-requests']}" -> connection.connectionLimit.maxRequestsPerConnection: ${n}`, hint: 'maxRequestsPerConnection needs Envoy Gateway v1.6+'})
      }
    }
  }
  if (Object.keys(timeout).length > 0) spec.timeout = {http: timeout}
  if (Object.keys(connection).length > 0) spec.connection = connection

  // HTTP/2.
  if (has('use-http2')) {
    const h2 = bool('use-http2', true)
    if (parseGoBool(data['use-http2']) !== undefined) {
      use('use-http2')
      if (h2) exact('use-http2', 'use-http2: "true": HTTP/2 over TLS, as Envoy offers by default (ALPN h2, http/1.1)')
      else exact('use-http2', 'use-http2: "false" -> tls.alpnProtocols: [http/1.1] (no HTTP/2 on the https listener)')
    }
  }
  const alpn = has('use-http2') && parseGoBool(data['use-http2']) === false ? ['http/1.1'] : undefined
  if (has('http2-max-concurrent-streams')) {
    const n = int('http2-max-concurrent-streams', 128, 1)
    const raw = parseGoInt(data['http2-max-concurrent-streams'])
    if (raw !== undefined && raw >= 1 && raw <= 2147483647) {
      spec.http2 = {maxConcurrentStreams: n}
      use('http2-max-concurrent-streams')
      exact('http2-max-concurrent-streams', `http2-max-concurrent-streams: "${data['http2-max-concurrent-streams']}" -> http2.maxConcurrentStreams: ${n}`)
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // TLS.
  const tls: Record<string, any> = {}
  if (has('ssl-protocols')) {
    const {min, max, unknown, missing: gaps} = tlsVersionSpan(splitList(data['ssl-protocols']))
    if (min === undefined || max === undefined) {
      ledger.account('ssl-protocols', {level: 'warning', code: 'ssl-protocols-invalid', fidelity: 'ignored', message: `ssl-protocols: "${data['ssl-protocols']}" names no TLS version Envoy supports (TLSv1, TLSv1.1, TLSv1.2, TLSv1.3): Envoy's defaults (1.2 to 1.3) apply`})
    } else {
      tls.minVersion = min
      tls.maxVersion = max
      use('ssl-protocols')
      const notes: string[] = []
      if (unknown.length > 0) notes.push(`${unknown.join(', ')} not supported by Envoy and dropped`)
      if (gaps.length > 0) notes.push(`Envoy cannot leave out ${gaps.map((g) => `TLS ${g}`).join(', ')} inside the range`)
      ledger.account('ssl-protocols', {
        level: notes.length > 0 ? 'warning' : 'info',
        code: notes.length > 0 ? 'ssl-protocols-approximate' : 'configmap-key-mapped',
        fidelity: notes.length > 0 ? 'approximate' : 'exact',
        message: `ssl-protocols: "${data['ssl-protocols']}" -> tls.minVersion: "${tls.minVersion}", tls.maxVersion: "${tls.maxVersion}"${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`,
      })
    }
  }
  if (has('ssl-ciphers')) {
    const list = splitList(data['ssl-ciphers'], /:/)
    const kept = list.filter((c) => ENVOY_CIPHERS.has(c))
    const dropped = list.filter((c) => !ENVOY_CIPHERS.has(c))
    if (tls.minVersion === '1.3') {
      ledger.account('ssl-ciphers', {level: 'info', code: 'ssl-ciphers-tls13', fidelity: 'ignored', message: `ssl-ciphers: "${data['ssl-ciphers']}" has no effect with TLS 1.3 only (TLS 1.3 cipher suites are not configurable in Envoy, nor in nginx through ssl_ciphers); not set`})
    } else if (kept.length === 0) {
      ledger.account('ssl-ciphers', {level: 'warning', code: 'ssl-ciphers-unsupported', fidelity: 'approximate', message: `ssl-ciphers: "${data['ssl-ciphers']}" names no cipher suite Envoy (BoringSSL) supports: Envoy's default TLS 1.2 ciphers apply`})
    } else {
      tls.ciphers = kept
      use('ssl-ciphers')
      ledger.account('ssl-ciphers', {
        level: dropped.length > 0 ? 'warning' : 'info',
        code: dropped.length > 0 ? 'ssl-ciphers-approximate' : 'configmap-key-mapped',
        fidelity: dropped.length > 0 ? 'approximate' : 'exact',
        message: `ssl-ciphers -> tls.ciphers [${kept.join(', ')}] (TLS 1.0-1.2 only: TLS 1.3 suites are not configurable)${dropped.length > 0 ? `; dropped, not supported by Envoy (BoringSSL has no DHE suites and no OpenSSL cipher-string keywords): ${dropped.join(', ')}` : ''}`,
      })
    }
  }
  if (has('ssl-ecdh-curve')) {
    const raw = data['ssl-ecdh-curve'].trim()
    if (raw === '' || raw.toLowerCase() === 'auto') exact('ssl-ecdh-curve', `ssl-ecdh-curve: "${raw}": library default curves, as Envoy (X25519, P-256)`)
    else {
      const names = splitList(raw, /:/)
      const mapped = [...new Set(names.map((n) => CURVES[n.toLowerCase()]).filter((x): x is string => x !== undefined))]
      const unknown = names.filter((n) => CURVES[n.toLowerCase()] === undefined)
      if (mapped.length === 0) ledger.account('ssl-ecdh-curve', {level: 'warning', code: 'configmap-value-invalid', fidelity: 'ignored', message: `ssl-ecdh-curve: "${raw}" names no curve Envoy supports (X25519, P-256, P-384, P-521): Envoy's defaults apply`})
      else {
        tls.ecdhCurves = mapped
        use('ssl-ecdh-curve')
        ledger.account('ssl-ecdh-curve', {level: unknown.length > 0 ? 'warning' : 'info', code: 'configmap-key-mapped', fidelity: unknown.length > 0 ? 'approximate' : 'exact', message: `ssl-ecdh-curve: "${raw}" -> tls.ecdhCurves [${mapped.join(', ')}]${unknown.length > 0 ? `; dropped (unknown to Envoy): ${unknown.join(', ')}` : ''}`})
      }
    }
  }
  if (alpn) tls.alpnProtocols = alpn
  if (Object.keys(tls).length > 0) spec.tls = tls

  // ---------------------------------------------------------------------------------------------------------------
  // HSTS (nginx default on): only on https responses -> lateResponseHeaders on a CTP for the https listener.
  const hsts = bool('hsts', true)
  const maxAgeRaw = has('hsts-max-age') ? data['hsts-max-age'].trim() : '31536000'
  const maxAgeOk = /^\d+$/.test(maxAgeRaw)
  const maxAge = maxAgeOk ? maxAgeRaw : '31536000'
  if (has('hsts-max-age') && !maxAgeOk) ledger.account('hsts-max-age', {level: 'warning', code: 'configmap-value-invalid', fidelity: 'ignored', message: `hsts-max-age: "${data['hsts-max-age']}" is not a number of seconds; the default 31536000 is used`})
  const includeSub = bool('hsts-include-subdomains', true)
  const preload = bool('hsts-preload', false)
  const hstsValue = `max-age=${maxAge}${includeSub ? '; includeSubDomains' : ''}${preload ? '; preload' : ''}`
  let hstsHeader: {name: string; value: string} | undefined
  const hstsKeys = ['hsts', 'hsts-max-age', 'hsts-include-subdomains', 'hsts-preload']
  const anyHttps = ctx.hasHttpsListener !== false || (ctx.hostListeners?.length ?? 0) > 0
  if (hsts && !anyHttps) {
    // No https listener on this Gateway: there is no https response to add the header to. Each hsts* key that is set
    // gets one diagnostic saying so.
    const note = (what: string) =>
      `${what}: Gateway ${gw.namespace}/${gw.name} has no https listener, so HSTS is not sent (nginx added Strict-Transport-Security only to HTTPS responses, and nothing is served over HTTPS here); no ClientTrafficPolicy for it is generated`
    for (const key of hstsKeys) {
      if (!has(key)) continue
      ledger.account(key, {level: 'info', code: 'hsts-no-https-listener', fidelity: 'ignored', message: note(`${key}: "${data[key]}"`)})
    }
    // hsts unset (on by default): nothing to report, the Gateway serves no HTTPS the header could protect.
  } else if (hsts) {
    hstsHeader = {name: 'Strict-Transport-Security', value: hstsValue}
    const d = {
      level: 'info' as const,
      code: 'hsts',
      fidelity: 'exact' as const,
      message:
        `HSTS (ConfigMap hsts${has('hsts') ? `: "${data.hsts}"` : ', on by default'}): nginx set "Strict-Transport-Security: ${hstsValue}" on every HTTPS response, replacing the backend's value. ` +
        `There is no HSTS field in Envoy Gateway: ${
          ctx.hasHttpsListener === false
            ? `the ClientTrafficPolicies of the hosts' HTTPS listeners (${(ctx.hostListeners ?? []).map((l) => l.name).join(', ')}) set it`
            : `ClientTrafficPolicy ${dnsName(gw.name, 'client', ctx.httpsListener)} targets the "${ctx.httpsListener}" listener and sets it`
        } with headers.lateResponseHeaders${(ctx.hostListeners ?? []).length > 0 && ctx.hasHttpsListener !== false ? ', as do the policies of the hosts\' HTTPS listeners' : ''}`,
      hint: 'lateResponseHeaders is in the Envoy Gateway v1.9 CRD; on releases without it, add a ResponseHeaderModifier (set Strict-Transport-Security) to the https routes instead',
    }
    if (has('hsts')) ledger.account('hsts', d)
    else general.push(diag({...d, object: cmRef}))
    for (const key of ['hsts-max-age', 'hsts-include-subdomains', 'hsts-preload']) {
      use(key)
      exact(key, `${key}: "${v(key)}" is part of the Strict-Transport-Security value "${hstsValue}"`)
    }
    use('hsts')
    checklist.push(`HSTS: "Strict-Transport-Security: ${hstsValue}" is added on the "${ctx.httpsListener}" listener by a ClientTrafficPolicy (headers.lateResponseHeaders, Envoy Gateway v1.9 CRD)`)
  } else {
    exact('hsts', `hsts: "${data.hsts}": no Strict-Transport-Security header, as Envoy`)
    for (const key of ['hsts-max-age', 'hsts-include-subdomains', 'hsts-preload']) {
      ledger.account(key, {level: 'info', code: 'configmap-key-unused', fidelity: 'ignored', message: `${key}: "${v(key)}" has no effect with hsts off`})
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Keys the route compiler deals with (defaults of per-Ingress annotations).
  const routeKeys: Record<string, {dflt: string; note: string}> = {
    'ssl-redirect': {dflt: 'true', note: 'is the default of every Ingress\'s ssl-redirect annotation, which shapes the https-redirect routes'},
    'force-ssl-redirect': {dflt: 'false', note: 'is the default of every Ingress\'s force-ssl-redirect annotation, which shapes the https-redirect routes'},
    'http-redirect-code': {dflt: '308', note: 'is the status of nginx\'s HTTP->HTTPS redirects; the generated https-redirect routes answer 308'},
    'no-tls-redirect-locations': {dflt: '/.well-known/acme-challenge', note: 'lists path prefixes exempt from the HTTPS redirect; the generated redirect routes only exempt ACME challenges (their Exact HTTPRoutes win over the redirect\'s prefix match)'},
    'preserve-trailing-slash': {dflt: 'false', note: 'kept the trailing slash in HTTPS redirects; Gateway API redirects always keep the path as is'},
    'use-port-in-redirects': {dflt: 'false', note: 'added the port to nginx redirects; Gateway API redirects choose the port from the scheme'},
    'relative-redirects': {dflt: 'false', note: 'made nginx-generated redirects relative; Gateway API redirects are absolute'},
  }
  for (const [key, {dflt, note}] of Object.entries(routeKeys)) {
    if (!has(key)) continue
    const same = data[key].trim() === dflt
    ledger.account(key, {
      level: same ? 'info' : 'warning',
      code: 'configmap-route-default',
      fidelity: same ? 'exact' : 'manual',
      message: `${key}: "${data[key]}" ${note}${same ? ' (the ingress-nginx default, which the translation assumes)' : `; the translation assumes the ingress-nginx default "${dflt}"`}`,
      hint: same ? undefined : `set the equivalent annotation on the Ingresses that relied on ${key}, or adjust the generated routes`,
    })
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Route defaults: Gateway-level BackendTrafficPolicy / SecurityPolicy with nginxDefaults, otherwise one diagnostic each.
  const defaults = routeDefaults(data, has, ledger, ctx, cmRef, Boolean(cm && isObject(cm)))
  // Not the headers the check reads from the client (Authorization, those of headersToExtAuth): auth-headers.ts CHECK_HEADERS.
  const globalExtAuth = defaults.objects.find((o) => o.kind === 'SecurityPolicy' && o.spec?.extAuth)?.spec?.extAuth
  const checkReads = new Set(['authorization', 'proxy-authorization', 'cookie', 'host', ...(globalExtAuth?.headersToExtAuth ?? []).map((h: string) => h.toLowerCase())])
  const globalAuthHeaders: string[] = (globalExtAuth?.http?.headersToBackend ?? []).filter((h: string) => !checkReads.has(h.toLowerCase()))
  objects.push(...defaults.objects)
  general.push(...defaults.general)
  checklist.push(...defaults.checklist)

  // Notes-only keys.
  for (const [key, n] of Object.entries(NOTES)) {
    if (!has(key)) continue
    ledger.account(key, {level: n.level, code: n.code, fidelity: n.fidelity, message: `${key}: "${truncate(data[key])}" ${n.note}`})
  }

  // Everything else: one info.
  const irrelevant: string[] = []
  const unknown: string[] = []
  for (const key of Object.keys(data).sort()) {
    if (ledger.entries.has(key)) continue
    if (IRRELEVANT.has(key)) irrelevant.push(key)
    else unknown.push(key)
  }
  if (irrelevant.length > 0 || unknown.length > 0) {
    const parts: string[] = []
    if (irrelevant.length > 0) parts.push(`keys with no effect under Envoy Gateway (nginx process, logging, admission settings): ${irrelevant.join(', ')}`)
    if (unknown.length > 0) parts.push(`keys not recognised, not translated: ${unknown.join(', ')}`)
    general.push(diag({level: 'info', code: 'configmap-keys-ignored', object: cmRef, fidelity: 'ignored', message: `${cmRef}: ${parts.join('; ')}`}))
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The ClientTrafficPolicy (Gateway-wide: the http listener, and passthrough listeners, where headers do not apply),
  // and one per HTTPS listener: a listener-level policy replaces the Gateway-wide one as a whole, and the https
  // listeners differ in the forwarded port and scheme, HSTS and client certificates.
  const sources = cm && isObject(cm) ? [cmRef] : ['ingress2gw']
  const httpsHeaders = hstsHeader ? {lateResponseHeaders: {set: [hstsHeader]}} : {}
  const policy = (name: string, sectionName: string | undefined, scheme: 'http' | 'https', extra: {headers?: Record<string, any>; early?: HeaderFilter; clientValidation?: Record<string, any>}, from: string[]): KubeObject => {
    const out: Record<string, any> = {targetRefs: [gatewayTargetRef(gw, sectionName)]}
    for (const key of ['proxyProtocol', 'clientIPDetection', 'headers', 'timeout', 'connection', 'http2', 'tls']) {
      let val = spec[key]
      if (key === 'headers') {
        const early = mergeHeaderFilters(mergeHeaderFilters(forwardedHeaderFilter(headerMode, scheme, scheme === 'https' ? 443 : 80), extra.early), strippedHeaders(ctx, sectionName, globalAuthHeaders))
        val = {...spec.headers, earlyRequestHeaders: early, ...(extra.headers ?? {})}
      }
      if (key === 'tls' && extra.clientValidation) val = {...(spec.tls ?? {}), clientValidation: extra.clientValidation}
      if (val !== undefined) out[key] = val
    }
    return {apiVersion: EG_API_VERSION, kind: 'ClientTrafficPolicy', metadata: managedMetadata(name, gw.namespace, from, consumed), spec: out}
  }
  objects.push(policy(dnsName(gw.name, 'client'), undefined, 'http', {}, sources))
  const listenerPolicies: string[] = []
  if (ctx.hasHttpsListener !== false) {
    listenerPolicies.push(dnsName(gw.name, 'client', ctx.httpsListener))
    objects.push(policy(dnsName(gw.name, 'client', ctx.httpsListener), ctx.httpsListener, 'https', {headers: httpsHeaders}, sources))
  }
  for (const l of ctx.hostListeners ?? []) {
    const headers: Record<string, any> = {...httpsHeaders}
    if (l.xForwardedClientCert) headers.xForwardedClientCert = l.xForwardedClientCert
    listenerPolicies.push(dnsName(gw.name, 'client', l.name))
    objects.push(policy(dnsName(gw.name, 'client', l.name), l.name, 'https', {headers, early: l.earlyRequestHeaders, clientValidation: l.clientValidation}, [...sources, ...l.sources]))
  }
  if (listenerPolicies.length > 0) {
    checklist.push(
      `ClientTrafficPolicies ${listenerPolicies.join(', ')} target single listeners and repeat every setting of ${dnsName(gw.name, 'client')} (a listener-level policy replaces the Gateway-wide one there): keep them in step when editing`,
    )
  }

  const diagnostics = [...ledger.entries.values(), ...general]
  return {objects, diagnostics, checklist}
}

/**
 * The client headers a listener's policy removes for external auth: those of its protected hosts, and the
 * global-auth-response-headers of the Gateway-level extAuth on every listener (auth-headers.ts says why).
 */
function strippedHeaders(ctx: ClientTrafficContext, sectionName: string | undefined, globalAuthHeaders: string[]): HeaderFilter | undefined {
  const remove = mergeHeaders(globalAuthHeaders, ctx.stripRequestHeaders?.get(sectionName ?? '') ?? [])
  return remove.length > 0 ? {remove} : undefined
}

function truncate(value: string, max = 120): string {
  const oneLine = value.replace(/\s+/g, ' ').trim()
  return oneLine.length > max ? `${oneLine.slice(0, max)}...` : oneLine
}

function routeDefaults(
  data: Record<string, string>,
  has: (k: string) => boolean,
  ledger: Ledger,
  ctx: ClientTrafficContext,
  cmRef: string,
  fromConfigMap: boolean,
): {objects: KubeObject[]; general: Diagnostic[]; checklist: string[]} {
  const objects: KubeObject[] = []
  const general: Diagnostic[] = []
  const checklist: string[] = []
  const gw = ctx.gateway
  const sources = fromConfigMap ? [cmRef] : ['ingress2gw']
  const on = ctx.nginxDefaults

  // --- proxy-body-size
  const btp: Record<string, any> = {}
  const btpKeys: string[] = []
  const bodyRaw = has('proxy-body-size') ? data['proxy-body-size'] : '1m'
  const body = parseNginxSize(bodyRaw)
  if (!body.ok) {
    ledger.account('proxy-body-size', {level: 'warning', code: 'configmap-value-invalid', fidelity: 'ignored', message: `proxy-body-size: "${bodyRaw}" is not an nginx size (e.g. 8m); nginx kept its default 1m${on ? ', and so does the Gateway-level BackendTrafficPolicy' : ''}`})
  }
  const limit: {quantity?: string; unlimited?: boolean} = body.ok ? body.value : {quantity: '1Mi'}
  if (on) {
    if (!limit.unlimited) {
      btp.requestBuffer = {limit: limit.quantity}
      btpKeys.push('proxy-body-size')
    }
    const msg = limit.unlimited
      ? `proxy-body-size: "${bodyRaw}" means no limit, as Envoy: no requestBuffer`
      : `proxy-body-size: "${bodyRaw}" -> Gateway-level BackendTrafficPolicy requestBuffer.limit: ${limit.quantity} (413 above it, as nginx); requestBuffer also buffers each whole request before forwarding it, and Envoy Gateway refuses WebSocket upgrades on every route that inherits it (xds route.go buildUpgradeConfig)`
    const hint =
      `Ingresses with proxy-read-timeout or proxy-send-timeout of ${LONG_LIVED_SECONDS}s or more, or proxy-request-buffering "off", get a route-level BackendTrafficPolicy that replaces this one without requestBuffer; ` +
      'for another WebSocket or streaming Ingress, set nginx.ingress.kubernetes.io/proxy-body-size: "0" on it and convert again'
    const d = {level: limit.unlimited ? ('info' as const) : ('warning' as const), code: 'proxy-body-size', fidelity: 'approximate' as const, message: msg, hint: limit.unlimited ? undefined : hint}
    if (has('proxy-body-size') && body.ok) ledger.account('proxy-body-size', d)
    else if (!has('proxy-body-size')) general.push(diag({...d, object: cmRef, message: `nginx's default ${msg.replace(/^proxy-body-size: "1m"/, 'proxy-body-size 1m')}`}))
  } else if (has('proxy-body-size') && body.ok) {
    ledger.account('proxy-body-size', {
      level: 'info',
      code: 'proxy-body-size',
      fidelity: 'approximate',
      message: limit.unlimited
        ? `proxy-body-size: "${bodyRaw}" means no limit, as Envoy Gateway`
        : `proxy-body-size: "${bodyRaw}": nginx limited request bodies to ${bodyRaw} by default; Envoy Gateway sets no limit`,
      hint: limit.unlimited ? undefined : 'rerun with --nginx-defaults for a Gateway-level BackendTrafficPolicy requestBuffer.limit, or rely on the per-Ingress proxy-body-size annotations',
    })
  } else if (!has('proxy-body-size')) {
    general.push(
      diag({
        level: 'info',
        code: 'proxy-body-size-default',
        object: cmRef,
        fidelity: 'approximate',
        message: 'nginx limited request bodies to 1m by default (proxy-body-size); Envoy Gateway sets no limit, so larger uploads that nginx refused with 413 now reach the backends',
        hint: 'rerun with --nginx-defaults for a Gateway-level BackendTrafficPolicy requestBuffer.limit of 1Mi',
      }),
    )
  }

  // --- timeouts
  const secs = (key: string, dflt: number): number | undefined => {
    if (!has(key)) return dflt
    const n = parseGoInt(data[key])
    if (n === undefined || n < 0) {
      ledger.account(key, {level: 'warning', code: 'configmap-value-invalid', fidelity: 'ignored', message: `${key}: "${data[key]}" is not a number of seconds (nginx takes no units); nginx kept its default ${dflt}s${on ? ', and so does the Gateway-level BackendTrafficPolicy' : ''}`})
      return dflt
    }
    return n
  }
  const connect = secs('proxy-connect-timeout', 5)!
  const read = secs('proxy-read-timeout', 60)!
  const send = secs('proxy-send-timeout', 60)!
  if (on) {
    btp.timeout = {tcp: {connectTimeout: toGatewayDuration(connect)}, http: {streamIdleTimeout: toGatewayDuration(Math.max(read, send))}}
    btpKeys.push('proxy-connect-timeout', 'proxy-read-timeout', 'proxy-send-timeout')
    ledger.account('proxy-connect-timeout', {level: 'info', code: 'configmap-route-default', fidelity: 'exact', message: `proxy-connect-timeout: "${data['proxy-connect-timeout']}" -> Gateway-level BackendTrafficPolicy timeout.tcp.connectTimeout: ${toGatewayDuration(connect)}`})
    for (const key of ['proxy-read-timeout', 'proxy-send-timeout']) {
      ledger.account(key, {level: 'info', code: 'configmap-route-default', fidelity: 'approximate', message: `${key}: "${data[key]}" -> Gateway-level BackendTrafficPolicy timeout.http.streamIdleTimeout: ${toGatewayDuration(Math.max(read, send))} (the larger of read and send: nginx timed reads and writes separately, Envoy times inactivity in both directions)`, hint: 'streamIdleTimeout in a BackendTrafficPolicy needs Envoy Gateway v1.8+'})
    }
  } else {
    ledger.account('proxy-connect-timeout', {level: 'info', code: 'configmap-route-default', fidelity: 'approximate', message: `proxy-connect-timeout: "${data['proxy-connect-timeout']}" was nginx's default backend connect timeout; Envoy Gateway's is 10s`, hint: 'rerun with --nginx-defaults for a Gateway-level BackendTrafficPolicy'})
    for (const key of ['proxy-read-timeout', 'proxy-send-timeout']) {
      ledger.account(key, {level: 'info', code: 'configmap-route-default', fidelity: 'approximate', message: `${key}: "${data[key]}" was nginx's default inactivity timeout towards backends; Envoy Gateway's stream idle timeout is 5m`, hint: 'rerun with --nginx-defaults for a Gateway-level BackendTrafficPolicy'})
    }
  }

  // --- proxy-next-upstream*
  const nextRaw = has('proxy-next-upstream') ? data['proxy-next-upstream'] : 'error timeout'
  const conditions = splitList(nextRaw)
  const tries = has('proxy-next-upstream-tries') ? parseGoInt(data['proxy-next-upstream-tries']) : 3
  if (has('proxy-next-upstream-tries') && (tries === undefined || tries < 0)) {
    ledger.account('proxy-next-upstream-tries', {level: 'warning', code: 'configmap-value-invalid', fidelity: 'ignored', message: `proxy-next-upstream-tries: "${data['proxy-next-upstream-tries']}" is not a non-negative integer; nginx kept 3`})
  }
  const triesN = tries !== undefined && tries >= 0 ? tries : 3
  if (on) {
    if (conditions.includes('off') || triesN === 1) {
      const why = conditions.includes('off') ? 'proxy-next-upstream off' : 'proxy-next-upstream-tries 1'
      ledger.account('proxy-next-upstream', {level: 'info', code: 'configmap-route-default', fidelity: 'exact', message: `proxy-next-upstream: "${nextRaw}": no retries (${why}), as Envoy Gateway without retry`})
    } else {
      // The same mapping as the proxy-next-upstream annotation (timeouts family).
      const retryOn = retryOnFor(conditions)
      const {triggers, codes} = retryOn
      const unknown = conditions.filter((c) => !NEXT_UPSTREAM_CONDITIONS.includes(c))
      const retry: Record<string, any> = {}
      if (triesN > 1) retry.numRetries = triesN - 1
      if (triggers.length > 0) {
        retry.retryOn = {triggers}
        if (codes.length > 0) retry.retryOn.httpStatusCodes = codes
        btp.retry = retry
        btpKeys.push('proxy-next-upstream', 'proxy-next-upstream-tries')
      }
      const differences = retryDifferences(conditions, retryOn)
      if (unknown.length > 0) differences.push(`${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not a proxy_next_upstream condition and ${unknown.length === 1 ? 'is' : 'are'} ignored`)
      ledger.account('proxy-next-upstream', {
        level: 'info',
        code: 'configmap-route-default',
        fidelity: 'approximate',
        message:
          `proxy-next-upstream: "${nextRaw}" -> Gateway-level BackendTrafficPolicy retry${triggers.length > 0 ? ` on ${triggers.join(', ')}${codes.length > 0 ? ` (${codes.join(', ')})` : ''}` : ' (none: no condition maps)'}` +
          `${differences.length > 0 ? `; ${differences.join('; ')}` : ''}`,
      })
    }
    ledger.account('proxy-next-upstream-tries', {level: 'info', code: 'configmap-route-default', fidelity: 'exact', message: `proxy-next-upstream-tries: "${data['proxy-next-upstream-tries']}": nginx counted tries including the first attempt -> retry.numRetries: ${Math.max(triesN - 1, 0)}${triesN === 0 ? ' (0 = unlimited in nginx; Envoy Gateway\'s default of 2 retries applies)' : ''}`})
    ledger.account('proxy-next-upstream-timeout', {level: 'info', code: 'configmap-route-default', fidelity: 'approximate', message: `proxy-next-upstream-timeout: "${data['proxy-next-upstream-timeout']}" bounded the time spent retrying; Envoy Gateway has no overall retry deadline (only retry.perRetry.timeout)`})
  } else {
    for (const key of ['proxy-next-upstream', 'proxy-next-upstream-tries', 'proxy-next-upstream-timeout']) {
      ledger.account(key, {level: 'info', code: 'configmap-route-default', fidelity: 'approximate', message: `${key}: "${data[key]}" set how nginx retried failed requests on another endpoint by default (nginx: error timeout, 3 tries); Envoy Gateway retries nothing unless a BackendTrafficPolicy sets retry`, hint: 'rerun with --nginx-defaults for a Gateway-level BackendTrafficPolicy retry'})
    }
  }

  if (on && Object.keys(btp).length > 0) {
    objects.push({
      apiVersion: EG_API_VERSION,
      kind: 'BackendTrafficPolicy',
      metadata: managedMetadata(dnsName(gw.name, 'defaults'), gw.namespace, sources, btpKeys.filter(has)),
      spec: {targetRefs: httpListenerTargets(ctx), ...btp},
    })
  }

  // --- access lists and global auth -> SecurityPolicy
  const sp: Record<string, any> = {}
  const spKeys: string[] = []
  const cidrList = (key: string): {valid: string[]; invalid: string[]} => {
    const entries = has(key) ? splitList(data[key], /,/) : []
    const valid: string[] = []
    const invalid: string[] = []
    for (const e of entries) {
      const n = normalizeSourceRange(e)
      if (n) valid.push(n)
      else invalid.push(e)
    }
    return {valid, invalid}
  }
  const allowKey = has('whitelist-source-range') ? 'whitelist-source-range' : 'allowlist-source-range'
  const allow = cidrList(allowKey)
  const deny = cidrList('denylist-source-range')
  const block = cidrList('block-cidrs')
  const rules: any[] = []
  if (block.valid.length > 0) rules.push({name: 'block-cidrs', action: 'Deny', principal: {clientCIDRs: block.valid}})
  if (deny.valid.length > 0) rules.push({name: 'denylist-source-range', action: 'Deny', principal: {clientCIDRs: deny.valid}})
  if (allow.valid.length > 0) rules.push({name: 'allowlist-source-range', action: 'Allow', principal: {clientCIDRs: allow.valid}})
  const accessKeys: [string, {valid: string[]; invalid: string[]}, string][] = [
    [allowKey, allow, 'allowed only these client addresses on every location without its own allowlist annotation (403 otherwise)'],
    ['denylist-source-range', deny, 'refused these client addresses on every location without its own denylist annotation (403)'],
    ['block-cidrs', block, 'refused these client addresses everywhere (403), whatever the annotations'],
  ]
  for (const [key, list, what] of accessKeys) {
    if (!has(key)) continue
    const invalid = list.invalid.length > 0 ? ` (invalid entries dropped: ${list.invalid.join(', ')})` : ''
    if (list.valid.length === 0) {
      ledger.account(key, {level: list.invalid.length > 0 ? 'warning' : 'info', code: 'configmap-route-default', fidelity: 'exact', message: `${key}: "${data[key]}" lists no valid address: nothing to translate${invalid}`})
    } else if (on) {
      spKeys.push(key)
      ledger.account(key, {
        level: list.invalid.length > 0 ? 'warning' : 'info',
        code: 'configmap-access-list',
        fidelity: key === 'block-cidrs' ? 'approximate' : 'exact',
        message: `${key}: "${data[key]}" ${what} -> Gateway-level SecurityPolicy authorization rule ${key === allowKey ? 'Allow (defaultAction Deny)' : 'Deny'}${key === 'block-cidrs' ? '; a route-level SecurityPolicy replaces the Gateway-level one, so on such routes the block list no longer applies' : ''}${invalid}`,
        hint: 'the client address depends on the ClientTrafficPolicy client IP detection',
      })
    } else {
      ledger.account(key, {level: 'warning', code: 'configmap-access-list', fidelity: 'manual', message: `${key}: "${data[key]}" ${what}; Envoy Gateway lets every client through unless a SecurityPolicy authorizes by address${invalid}`, hint: 'rerun with --nginx-defaults for a Gateway-level SecurityPolicy authorization'})
    }
  }
  if (on && rules.length > 0) {
    sp.authorization = {defaultAction: allow.valid.length > 0 ? 'Deny' : 'Allow', rules}
  }

  // global auth
  const globalAuthEnabled = has('enable-global-auth') ? parseGoBool(data['enable-global-auth']) !== false : true
  let extAuthMapped = false
  let globalAuthServer: AuthServer | undefined
  if (has('global-auth-url') && data['global-auth-url'].trim() !== '') {
    const url = data['global-auth-url'].trim()
    const target = clusterServiceUrl(url)
    if (!globalAuthEnabled) {
      ledger.account('global-auth-url', {level: 'info', code: 'configmap-key-unused', fidelity: 'ignored', message: `global-auth-url: "${url}" is disabled by enable-global-auth: "false"`})
    } else if (on && target) {
      const shape = globalExtAuthShape(target, has('global-auth-response-headers') ? splitList(data['global-auth-response-headers'], /,/) : [])
      globalAuthServer = shape.server
      const http = {backendRefs: [{group: '', kind: 'Service', name: target.name, namespace: target.namespace, port: target.port}], ...shape.http}
      // statusOnError 500: nginx turns an unreachable or failing auth service into 500 (Envoy's default is 403).
      sp.extAuth = {http, headersToExtAuth: shape.headersToExtAuth, statusOnError: 500}
      extAuthMapped = true
      spKeys.push('global-auth-url', 'global-auth-response-headers')
      if (shape.ownerStep) checklist.push(`global-auth-url ${url}: ${shape.ownerStep}`)
      ledger.account('global-auth-url', {
        level: 'warning',
        code: 'global-auth-url',
        fidelity: shape.server === 'oauth2-proxy' ? 'manual' : 'approximate',
        message:
          `global-auth-url: "${url}" -> Gateway-level SecurityPolicy extAuth.http (${shape.summary}); ` +
          `nginx sent every request header to the auth service, Envoy only Host, Method, Path, Content-Length, Authorization and the headersToExtAuth listed (${shape.headersToExtAuth.join(', ')}); only a 200 answer lets a request through; a route-level SecurityPolicy replaces this one, so routes with their own SecurityPolicy lose global auth` +
          (target.scheme === 'https' ? '; the URL is https: the auth Service needs a BackendTLSPolicy (Envoy connects in plain HTTP otherwise)' : ''),
        hint:
          `${shape.ownerStep ? `before cutover: ${shape.ownerStep}; ` : 'check that the auth service answers 200 (not 202 or 204) to an allowed request; '}${'pathOverride' in shape.http ? 'pathOverride needs Envoy Gateway v1.8+ (path would append the request path); ' : ''}${target.namespace !== gw.namespace ? `a ReferenceGrant in ${target.namespace} (from SecurityPolicy in ${gw.namespace} to Service ${target.name}) is generated; ` : ''}list other headers the auth service reads in extAuth.headersToExtAuth`,
      })
      if (target.namespace !== gw.namespace) {
        objects.push({
          apiVersion: `${GATEWAY_GROUP}/v1beta1`,
          kind: 'ReferenceGrant',
          metadata: managedMetadata(dnsName('ingress2gw', gw.namespace, 'global-auth'), target.namespace, sources, ['global-auth-url']),
          spec: {from: [{group: 'gateway.envoyproxy.io', kind: 'SecurityPolicy', namespace: gw.namespace}], to: [{group: '', kind: 'Service', name: target.name}]},
        })
      }
    } else if (on) {
      ledger.account('global-auth-url', {level: 'warning', code: 'global-auth-url', fidelity: 'manual', message: `global-auth-url: "${url}" sent every request to this external auth URL; it is not an in-cluster Service URL (http://<service>.<namespace>.svc[.cluster.local][:port]/path, no query, no nginx variables), so no extAuth is generated`, hint: 'create a Backend (FQDN) for the auth endpoint and add extAuth.http.backendRefs to a Gateway-level SecurityPolicy'})
    } else {
      ledger.account('global-auth-url', {level: 'warning', code: 'global-auth-url', fidelity: 'manual', message: `global-auth-url: "${url}" authenticated every request (except no-auth-locations and Ingresses with their own auth-url) against this URL; Envoy Gateway authenticates nothing unless a SecurityPolicy sets extAuth`, hint: 'rerun with --nginx-defaults for a Gateway-level SecurityPolicy extAuth'})
    }
  }
  const authCompanions: Record<string, string> = {
    'global-auth-method': 'set the method of the auth subrequest; Envoy sends the original request\'s method',
    'global-auth-signin': 'redirected unauthenticated users to a sign-in page; extAuth returns the auth service\'s 401 as is (an oidc SecurityPolicy is the Envoy Gateway way to log users in)',
    'global-auth-signin-redirect-param': 'named the return-URL parameter of the sign-in redirect; see global-auth-signin',
    'global-auth-request-redirect': 'set X-Auth-Request-Redirect on the auth subrequest; Envoy does not send it',
    'global-auth-snippet': 'is raw nginx configuration for the auth location; it has no equivalent',
    'global-auth-cache-key': 'cached auth results; Envoy Gateway calls the auth service for every request',
    'global-auth-cache-duration': 'cached auth results; Envoy Gateway calls the auth service for every request',
    'global-auth-always-set-cookie': 'passed Set-Cookie from the auth service on every response; Envoy passes auth response headers only on denied requests',
    'enable-global-auth': 'switched global-auth-url on or off',
    'no-auth-locations': 'exempted these paths from global auth; only the ACME challenge routes are exempted here (SecurityPolicy on HTTPRoutes labelled acme.cert-manager.io/http01-solver)',
  }
  for (const [key, note] of Object.entries(authCompanions)) {
    if (!has(key)) continue
    if (key === 'global-auth-signin' && globalAuthServer !== undefined && globalAuthServer !== 'unknown') {
      // A recognised server answers the Envoy check of a signed-out browser with its own sign-in redirect.
      ledger.account(key, {level: 'info', code: 'global-auth', fidelity: 'approximate', message: `${key}: "${truncate(data[key])}" redirected unauthenticated users to a sign-in page; the ${globalAuthServer} check now answers a signed-out browser with its own sign-in redirect (see global-auth-url)`})
      continue
    }
    const manual = key === 'global-auth-signin' || key === 'global-auth-snippet'
    ledger.account(key, {level: manual ? 'warning' : 'info', code: 'global-auth', fidelity: manual ? 'manual' : key === 'enable-global-auth' ? 'exact' : 'approximate', message: `${key}: "${truncate(data[key])}" ${note}`})
  }
  if (has('global-auth-response-headers')) {
    ledger.account('global-auth-response-headers', {level: 'info', code: 'global-auth', fidelity: extAuthMapped ? 'exact' : 'manual', message: `global-auth-response-headers: "${data['global-auth-response-headers']}" ${extAuthMapped ? "-> extAuth.http.headersToBackend, and removed from client requests by every listener's ClientTrafficPolicy (earlyRequestHeaders, before extAuth runs): nginx set them from the auth answer only, none it lacked, while Envoy copies only the headers the answer has and would pass a client-sent one on" : 'copied auth response headers upstream; see global-auth-url'}`})
  }

  if (on && Object.keys(sp).length > 0) {
    objects.push({
      apiVersion: EG_API_VERSION,
      kind: 'SecurityPolicy',
      metadata: managedMetadata(dnsName(gw.name, 'defaults'), gw.namespace, sources, spKeys.filter(has)),
      spec: {targetRefs: httpListenerTargets(ctx), ...sp},
    })
    checklist.push(
      `SecurityPolicy ${dnsName(gw.name, 'defaults')} applies the ConfigMap access lists / global auth to every route of the Gateway's HTTP listeners; a route with its own SecurityPolicy (cors, basic auth, allowlist annotations) loses them, because the more specific policy replaces it`,
    )
    if (sp.authorization) {
      general.push(
        diag({
          level: 'info',
          code: 'gateway-policy-http-listeners',
          object: cmRef,
          fidelity: 'exact',
          message:
            `SecurityPolicy ${dnsName(gw.name, 'defaults')} targets the HTTP listeners of ${gw.namespace}/${gw.name} by name (${httpListenerTargets(ctx).map((t) => t.sectionName).join(', ')}), not the whole Gateway: ` +
            'Envoy Gateway applies the authorization of a Gateway-wide SecurityPolicy to TCP and TLS passthrough listeners too (securitypolicy.go translateSecurityPolicyForListeners), while nginx applied the access lists to HTTP locations only, never to tcp-services or ssl-passthrough',
          hint: 'listeners added to the Gateway later are not covered: add them to its targetRefs if nginx served them',
        }),
      )
    }
    // cert-manager's HTTP-01 solver routes (Exact /.well-known/acme-challenge/<token>, labelled
    // acme.cert-manager.io/http01-solver) inherit this policy. nginx kept challenges out of auth (no-auth-locations),
    // and the CA validates from addresses it does not publish, so HTTP-01 behind a ConfigMap allowlist only worked
    // when the solver Ingress opened it (ingressTemplate annotation whitelist-source-range: 0.0.0.0/0): the solver
    // routes get their own policy with the deny lists only.
    const allowRule = sp.authorization?.rules?.some((r: any) => r.action === 'Allow') === true
    if (extAuthMapped || allowRule) {
      const denyRules = (sp.authorization?.rules ?? []).filter((r: any) => r.action === 'Deny')
      const exemptName = acmeExemptPolicyName(gw)
      objects.push({
        apiVersion: EG_API_VERSION,
        kind: 'SecurityPolicy',
        // Derived from the deny lists it keeps and the allowlist / global auth it lifts.
        metadata: managedMetadata(exemptName, gw.namespace, sources, ['no-auth-locations', ...spKeys.filter((k) => k !== 'global-auth-response-headers' && has(k))]),
        spec: {
          targetSelectors: [{group: GATEWAY_GROUP, kind: 'HTTPRoute', matchLabels: {'acme.cert-manager.io/http01-solver': 'true'}}],
          authorization: denyRules.length > 0 ? {defaultAction: 'Allow', rules: denyRules} : {defaultAction: 'Allow'},
        },
      })
      const lifted: string[] = []
      if (extAuthMapped) lifted.push('global auth (nginx exempted /.well-known/acme-challenge through no-auth-locations)')
      if (allowRule) lifted.push(`the ${allowKey} allowlist (the CA validates from unpublished addresses: behind nginx, HTTP-01 only passed when the solver Ingress opened the allowlist, typically with the ingressTemplate annotation nginx.ingress.kubernetes.io/whitelist-source-range: 0.0.0.0/0)`)
      general.push(
        diag({
          level: 'info',
          code: 'acme-challenge-exempt',
          object: cmRef,
          fidelity: 'exact',
          message:
            `SecurityPolicy ${exemptName} attaches to cert-manager's HTTP-01 solver HTTPRoutes in ${gw.namespace} (label acme.cert-manager.io/http01-solver: "true") and replaces ${dnsName(gw.name, 'defaults')} there, so challenges are not blocked by ${lifted.join(' or by ')}` +
            `; ${denyRules.length > 0 ? `the deny lists (${denyRules.map((r: any) => r.name).join(', ')}) still apply` : 'no other access rule applies'}`,
          hint: 'the solver HTTPRoutes are created in the namespace of the Certificate: Certificates in other namespaces than the gateway namespace need the same policy there',
        }),
      )
    }
  }
  if (on && Object.keys(btp).length > 0) {
    checklist.push(
      `BackendTrafficPolicy ${dnsName(gw.name, 'defaults')} carries nginx's route defaults for the whole Gateway; a route-level BackendTrafficPolicy (from per-Ingress annotations) replaces it unless it sets mergeType: StrategicMerge`,
    )
  }
  return {objects, general, checklist}
}

/**
 * The Gateway's HTTP listeners by name (http, https, the hosts' own): Gateway-level route defaults must not reach
 * TCP or TLS passthrough listeners,
 * which a Gateway-wide SecurityPolicy's authorization does (securitypolicy.go translateSecurityPolicyForListeners).
 */
function httpListenerTargets(ctx: ClientTrafficContext): Record<string, string>[] {
  const names = [ctx.httpListener ?? 'http', ...(ctx.hasHttpsListener !== false ? [ctx.httpsListener] : []), ...(ctx.hostListeners ?? []).map((l) => l.name)]
  return names.map((n) => gatewayTargetRef(ctx.gateway, n))
}

/** http(s)://<svc>.<ns>.svc[.cluster.local][:port]/path -> the Service it names (`svc.ns` alone could be a public domain). */
function clusterServiceUrl(raw: string): {name: string; namespace: string; port: number; path: string; scheme: string} | undefined {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return undefined
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined
  if (url.search !== '' || /\$/.test(raw)) return undefined
  const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc(\.cluster\.local)?$/.exec(url.hostname)
  if (!m) return undefined
  const scheme = url.protocol.slice(0, -1)
  const port = url.port !== '' ? Number.parseInt(url.port, 10) : scheme === 'https' ? 443 : 80
  return {name: m[1], namespace: m[3], port, path: url.pathname || '/', scheme}
}
