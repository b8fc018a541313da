/** Diagnostics about the controller ConfigMap (src/configmap/, tcp/udp-services). */
import {renderNote, type AnnotationNote} from './annotations.js'
import {defineDiagnostic} from './define.js'

/**
 * A ConfigMap key that is absent, so nginx's own default applied: `default` is that value, `note` what the message
 * prints after "nginx's default " (it names the key and quotes the default as the sentence reads).
 */
export interface DefaultNote {
  key: string
  default: string
  note: string
}

/** A key's account ({key, value, note}: `<key>: <note>`) or, for an absent key, nginx's default (DefaultNote). */
const renderKeyNote = (d: AnnotationNote | DefaultNote): string => ('default' in d ? `nginx's default ${d.note}` : renderNote(d))

/** What happens to every route of the Gateway when Envoy Gateway has Lua off (lua-needs-enable-lua, and the checklist). */
export function luaOutage(gateway: {namespace: string; name: string}): string {
  return `Envoy Gateway v1.9 has Lua off unless the EnvoyGateway configuration (ConfigMap envoy-gateway-config) sets extensionApis.enableLua: true, and with Lua off it answers 500 on every route of ${gateway.namespace}/${gateway.name} once this policy exists (envoyextensionpolicy.go: a Lua error fails the routes, there is no fail-open)`
}

/** ssl-ciphers -> tls.ciphers: `kept` the suites Envoy (BoringSSL) has, `dropped` the ones it has not. */
export interface CiphersData {
  key: 'ssl-ciphers'
  value: string
  kept: string[]
  dropped: string[]
}

const renderCiphers = (d: CiphersData): string =>
  `${d.key} -> tls.ciphers [${d.kept.join(', ')}] (TLS 1.0-1.2 only: TLS 1.3 suites are not configurable)${d.dropped.length > 0 ? `; dropped, not supported by Envoy (BoringSSL has no DHE suites and no OpenSSL cipher-string keywords): ${d.dropped.join(', ')}` : ''}`

/** configmap-key-unused: why each key had no effect (the key it depends on is off), as the message says it. */
const UNUSED_BECAUSE = {
  'hsts-max-age': 'has no effect with hsts off',
  'hsts-include-subdomains': 'has no effect with hsts off',
  'hsts-preload': 'has no effect with hsts off',
  'forwarded-for-header': 'had no effect without use-forwarded-headers or enable-real-ip, and has none here',
  'proxy-real-ip-cidr': 'had no effect without use-forwarded-headers, enable-real-ip or use-proxy-protocol',
  'compute-full-forwarded-for': 'only applies with use-forwarded-headers (nginx.tmpl); nginx sent X-Forwarded-For with the client address alone (see forwarded-headers)',
} as const
type UnusedKey = keyof typeof UNUSED_BECAUSE

/**
 * configmap-value-invalid: the key, its value as written and what nginx (or Envoy) expected there; `default` is what
 * applies instead. `gatewayPolicy`: the Gateway-level BackendTrafficPolicy (--nginx-defaults) carries that default.
 */
export type ValueInvalidData = {key: string; value: string} & (
  | {expected: 'boolean'; default: boolean; scope: 'key' | 'route-default'}
  | {expected: 'integer'; default: number; min: number}
  | {expected: 'non-negative-integer'; default: number}
  | {expected: 'seconds'; default: number; gatewayPolicy: boolean}
  | {expected: 'max-age-seconds'; default: number}
  | {expected: 'nginx-size'; default: string; gatewayPolicy: boolean}
  | {expected: 'curve'; supported: string[]}
  | {expected: 'header-name'}
)

function renderValueInvalid(d: ValueInvalidData): string {
  const at = `${d.key}: "${d.value}"`
  const policy = (on: boolean): string => (on ? ', and so does the Gateway-level BackendTrafficPolicy' : '')
  switch (d.expected) {
    case 'boolean':
      return d.scope === 'key' ? `${at} is not a boolean; nginx kept its default (${d.default}), and so does the translation` : `${at} is not a boolean; nginx kept its default ${d.default}, and so does the conversion`
    case 'integer':
      return `${at} is not an integer${d.min > 0 ? ` >= ${d.min}` : ''} (nginx takes whole seconds/counts without units); nginx kept its default (${d.default}), and so does the translation`
    case 'non-negative-integer':
      return `${at} is not a non-negative integer; nginx kept ${d.default}`
    case 'seconds':
      return `${at} is not a number of seconds (nginx takes no units); nginx kept its default ${d.default}s${policy(d.gatewayPolicy)}`
    case 'max-age-seconds':
      return `${at} is not a number of seconds; the default ${d.default} is used`
    case 'nginx-size':
      return `${at} is not an nginx size (e.g. 8m); nginx kept its default ${d.default}${policy(d.gatewayPolicy)}`
    case 'curve':
      return `${at} names no curve Envoy supports (${d.supported.join(', ')}): Envoy's defaults apply`
    case 'header-name':
      return `${at} is not a valid header name for Envoy (letters, digits and '-' only): no client IP detection is configured`
  }
}

/** Which response types nginx and Envoy compress differently: nginx compressed every type ("*"), or the types only one side compresses. */
export type TypesDifference = {every: true; envoy: string[]} | {lost: string[]; gained: string[]}

/** The difference in words; '' when none. */
export function typesDifferenceText(d: TypesDifference): string {
  if ('every' in d) return `nginx compressed every type ("*"); Envoy compresses only ${d.envoy.join(', ')}`
  const parts: string[] = []
  if (d.lost.length > 0) parts.push(`no longer compressed: ${d.lost.join(', ')}`)
  if (d.gained.length > 0) parts.push(`now compressed too: ${d.gained.join(', ')}`)
  return parts.join('; ')
}

/**
 * configmap-compression: `value` as written, on one line and cut at 120 characters for the lists; `switch` is the
 * compressor's on/off key (use-gzip, enable-brotli); `field` the BackendTrafficPolicy field (compressor or compression).
 */
export type CompressionData = {key: string; value: string; compressor: 'gzip' | 'brotli'} & (
  | {case: 'off'}
  | {case: 'tuning-off'; switch: string}
  | {case: 'not-generated'}
  | {case: 'tuning-not-generated'; switch: string}
  | {case: 'generated'; field: 'compressor' | 'compression'; type: 'Gzip' | 'Brotli'; typesKey: string; typesValue?: string; types: TypesDifference}
  | {case: 'level'; nginxLevel: number; envoyLevel: string}
  | {case: 'min-length'; minLength: number; envoyMinimum: number; field: 'compressor' | 'compression'; type: 'Gzip' | 'Brotli'}
  | {case: 'types'; types: TypesDifference}
  | {case: 'gzip-disable'; gzipOn: boolean}
)

function renderCompression(d: CompressionData): string {
  const at = `${d.key}: "${d.value}"`
  switch (d.case) {
    case 'off':
      return `${at}: nginx did not compress with ${d.compressor}, nor does Envoy Gateway`
    case 'tuning-off':
      return `${at} tuned ${d.compressor}, which is off (${d.switch} is not true): nothing to translate`
    case 'not-generated':
      return `${at}: nginx compressed responses with ${d.compressor}; Envoy Gateway compresses nothing unless a BackendTrafficPolicy sets compression`
    case 'tuning-not-generated':
      return `${at} tuned nginx's ${d.compressor}; see ${d.switch}`
    case 'generated': {
      const source = d.typesValue !== undefined ? `${d.typesKey} "${d.typesValue}"` : `nginx's default ${d.typesKey}`
      return (
        `${at} -> Gateway-level BackendTrafficPolicy ${d.field} ${d.type}; ` +
        `content types (${source}): ${typesDifferenceText(d.types) || 'the same'}; nginx compressed only 200, 403 and 404 responses (ngx_http_${d.compressor}_filter_module header filter)${d.compressor === 'gzip' ? ' to HTTP/1.1 and later requests (gzip_http_version 1.1)' : ''}, Envoy every status; ` +
        'Envoy Gateway v1.7+ removes Accept-Encoding from the requests it forwards on these routes (xds/translator/compressor.go), so backends that compressed responses themselves now send them uncompressed and only the types above get compressed'
      )
    }
    case 'level':
      return `${at}: Envoy compresses ${d.compressor} at ${d.envoyLevel}, nginx at ${d.key} ${d.nginxLevel}; Envoy Gateway has no field to set it`
    case 'min-length':
      return d.minLength > d.envoyMinimum
        ? `${at} -> ${d.field} ${d.type} minContentLength: ${d.minLength} (responses whose Content-Length is smaller are not compressed, as nginx; needs Envoy Gateway v1.7+)`
        : d.minLength === d.envoyMinimum
          ? `${at} is Envoy's own minimum of ${d.envoyMinimum} bytes`
          : `${at}: Envoy compresses from ${d.envoyMinimum} bytes (its minimum), so responses of ${d.minLength}-${d.envoyMinimum - 1} bytes are no longer compressed`
    case 'types':
      return `${at}: ${typesDifferenceText(d.types) || 'the types Envoy compresses'}; Envoy Gateway has no content-type field`
    case 'gzip-disable':
      return d.gzipOn && d.value !== ''
        ? `${at}: nginx did not gzip responses to User-Agents matching it; Envoy gzips for every client that accepts gzip (its compressor has no User-Agent condition)`
        : `${at} has no effect${d.gzipOn ? '' : ' (gzip is off, or not generated without --nginx-defaults)'}`
  }
}

export const CONFIGMAP = [
  defineDiagnostic({
    code: 'client-ip-proxy-and-xff',
    level: ['info', 'warning'],
    fidelity: 'approximate',
    doc: 'use-proxy-protocol and use-forwarded-headers (or enable-real-ip) are both on. Since v1.13 ingress-nginx appends the PROXY protocol address to X-Forwarded-For and walks the chain from the right over proxy-real-ip-cidr; the ClientTrafficPolicy does the same with proxyProtocol plus clientIPDetection. A warning when nginx trusted every hop (0.0.0.0/0): Envoy trusts 1 hop instead of the forgeable leftmost entry. What to do: if more than one proxy appends to X-Forwarded-For in front of the load balancer, rerun with --client-ip xff:N or set proxy-real-ip-cidr.',
    /**
     * key: use-forwarded-headers or enable-real-ip; header: the header the address is read from; trust: a custom
     * header (taken as is), every hop (nginx's 0.0.0.0/0, Envoy trusts 1) or proxy-real-ip-cidr; realIpOnly:
     * enable-real-ip without use-forwarded-headers.
     */
    render: (d: {key: string; value: string; header: string; trust: 'custom-header' | 'every-hop' | 'cidrs'; realIpOnly: boolean}) =>
      `use-proxy-protocol and ${d.key} are both on: since v1.13 ingress-nginx appends the PROXY protocol address to ${d.header} and walks that chain from the right over proxy-real-ip-cidr. ` +
      'Envoy does the same with proxyProtocol: {} plus clientIPDetection (the PROXY address becomes the peer address, the header entries are walked from the right); ' +
      (d.trust === 'custom-header' ? `with the custom header ${d.header} Envoy takes the header's value as is.` : d.trust === 'every-hop' ? 'as nginx trusted every hop (0.0.0.0/0), Envoy trusts 1 hop (numTrustedHops: 1) instead of the forgeable leftmost entry.' : 'trustedCIDRs = proxy-real-ip-cidr.') +
      (d.realIpOnly ? '; unlike use-forwarded-headers, enable-real-ip did not trust X-Forwarded-Proto/-Host/-Port, which the listeners set themselves (see forwarded-headers)' : ''),
  }),
  defineDiagnostic({
    code: 'client-ip-xff-hops',
    level: 'warning',
    fidelity: 'approximate',
    doc: 'nginx trusted proxy-real-ip-cidr 0.0.0.0/0 (its default) with real_ip_recursive on: the client IP was the leftmost X-Forwarded-For entry, which any client can forge. The ClientTrafficPolicy trusts 1 hop (xForwardedFor.numTrustedHops: 1), the address the load balancer in front of Envoy appended. What to do: if several proxies append to X-Forwarded-For before Envoy, rerun with --client-ip xff:N or set proxy-real-ip-cidr to their ranges (-> trustedCIDRs).',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'acme-challenge-exempt',
    level: 'info',
    fidelity: 'exact',
    doc: 'The ConfigMap\'s Gateway-level access lists (whitelist-source-range, global auth) would block cert-manager\'s HTTP-01 challenges, which come from addresses the CA does not publish; nginx kept challenges out of global auth (no-auth-locations), and an allowlist let them through only when the solver Ingress opened it. The conversion emits a SecurityPolicy attached to the solver HTTPRoutes in the gateway namespace (label acme.cert-manager.io/http01-solver: "true") that replaces the Gateway-level policy there; deny lists still apply. What to do: the solver HTTPRoutes are created in the namespace of the Certificate, so Certificates in other namespaces need the same policy there.',
    /** lifted: what the exemption takes off the solver routes; denyRules: the deny rules that still apply there. */
    render: (d: {policy: string; namespace: string; replaces: string; lifted: ('global-auth' | 'allowlist')[]; denyRules: string[]}) => {
      const lifted = d.lifted.map((l) =>
        l === 'global-auth'
          ? 'global auth (nginx exempted /.well-known/acme-challenge through no-auth-locations)'
          : 'the whitelist-source-range allowlist (the CA validates from unpublished addresses: behind nginx, HTTP-01 only passed when the solver Ingress opened the allowlist, typically with the ingressTemplate annotation nginx.ingress.kubernetes.io/whitelist-source-range: 0.0.0.0/0)',
      )
      return (
        `SecurityPolicy ${d.policy} attaches to cert-manager's HTTP-01 solver HTTPRoutes in ${d.namespace} (label acme.cert-manager.io/http01-solver: "true") and replaces ${d.replaces} there, so challenges are not blocked by ${lifted.join(' or by ')}` +
        `; ${d.denyRules.length > 0 ? `the deny lists (${d.denyRules.join(', ')}) still apply` : 'no other access rule applies'}`
      )
    },
  }),
  defineDiagnostic({
    code: 'client-header-timeout',
    level: 'info',
    fidelity: 'approximate',
    doc: 'client-header-timeout -> ClientTrafficPolicy timeout.http.requestHeadersReceivedTimeout (time to receive the request headers; nginx answered 408). Approximate: Envoy starts the timer at the first header byte, nginx when it waits for the request. What to do: requestHeadersReceivedTimeout needs Envoy Gateway v1.9+; requestReceivedTimeout, which older releases accept, also counts the body and would cut slow uploads, so it is not used.',
    /** timeout: the requestHeadersReceivedTimeout emitted (a Gateway API duration). */
    render: (d: {key: 'client-header-timeout'; value: string; timeout: string}) =>
      `${d.key}: "${d.value}" -> timeout.http.requestHeadersReceivedTimeout: ${d.timeout} (time to receive the request headers, answered with 408 by nginx); Envoy starts the timer at the first header byte, nginx when it waits for the request`,
  }),
  defineDiagnostic({
    code: 'client-ip-custom-header',
    level: 'warning',
    fidelity: 'approximate',
    doc: 'forwarded-for-header names a header other than X-Forwarded-For -> ClientTrafficPolicy clientIPDetection.customHeader. nginx trusted the header only from proxy-real-ip-cidr peers and walked its list recursively; Envoy takes the header\'s address from any peer. What to do: make sure only the trusted proxy can reach Envoy (or that it overwrites the header), since clients can otherwise choose their IP.',
    render: (d: {key: 'forwarded-for-header'; value: string}) =>
      `${d.key}: "${d.value}" -> clientIPDetection.customHeader.name: ${d.value}; nginx trusted the header only from proxy-real-ip-cidr peers and walked its list recursively, Envoy takes the header's address from any peer`,
  }),
  defineDiagnostic({
    code: 'client-ip-mode',
    level: 'info',
    doc: 'How the Gateway listeners take the client address (--client-ip): from the PROXY protocol, from X-Forwarded-For (hops or trusted CIDRs), or the TCP peer. Set from the ConfigMap\'s use-proxy-protocol / use-forwarded-headers or from the flag; check it matches what sits in front of Envoy.',
    render: (d: {mode: 'proxy-protocol'} | {mode: 'none'} | {mode: 'xff'; hops: number}) =>
      d.mode === 'xff'
        ? `--client-ip xff:${d.hops}: the client IP is the address ${d.hops} hop(s) from the right of X-Forwarded-For`
        : d.mode === 'proxy-protocol'
          ? '--client-ip proxy-protocol: the Gateway listeners expect the PROXY protocol (proxyProtocol: {}) and take the client address from it'
          : '--client-ip none: Envoy uses the TCP peer address as the client IP',
  }),
  defineDiagnostic({
    code: 'client-ip-overridden',
    level: 'info',
    fidelity: 'exact',
    doc: '--client-ip overrides this ConfigMap client-address key (use-proxy-protocol, use-forwarded-headers, proxy-real-ip-cidr...): the flag decides the listeners\' clientIPDetection. Nothing to do if the flag is what you meant.',
    /** clientIp: the --client-ip value as given (proxy-protocol, none, xff:N). */
    render: (d: {key: string; value: string; clientIp: string}) => `${d.key}: "${d.value}" is overridden by --client-ip ${d.clientIp}`,
  }),
  defineDiagnostic({
    code: 'client-ip-proxy-protocol',
    level: 'info',
    fidelity: 'exact',
    doc: 'use-proxy-protocol -> proxyProtocol on the Gateway listeners\' ClientTrafficPolicy: the load balancer must send the PROXY protocol to Envoy as it did to nginx (the EnvoyProxy Service annotations carry it where the controller Service had them).',
    render: (d: {key: 'use-proxy-protocol'; value: string}) =>
      `${d.key}: "${d.value}" -> proxyProtocol: {} (required, as in nginx: connections without a PROXY header are rejected); the client address comes from the PROXY header`,
  }),
  defineDiagnostic({
    code: 'client-ip-trusted-cidrs',
    level: ['info', 'warning'],
    fidelity: ['approximate', 'exact'],
    doc: 'proxy-real-ip-cidr -> clientIPDetection.xForwardedFor.trustedCIDRs, as nginx\'s real_ip_recursive walked X-Forwarded-For from the right over those ranges (exact); approximate when Envoy cannot apply it (a custom header, invalid CIDRs skipped). Check the ranges cover every proxy in front of Envoy.',
    /** detection: how Envoy finds the client (a custom header, X-Forwarded-For with trustedCIDRs, the PROXY protocol alone); invalid: entries dropped. */
    render: (d: {key: 'proxy-real-ip-cidr'; value: string; invalid: string[]} & ({detection: 'custom-header' | 'proxy-protocol'} | {detection: 'xff'; cidrs: string[]})) => {
      const invalid = d.invalid.length > 0 ? ` (invalid entries dropped: ${d.invalid.join(', ')})` : ''
      const at = `${d.key}: "${d.value}"`
      if (d.detection === 'custom-header') return `${at} cannot restrict Envoy's customHeader detection: see forwarded-for-header${invalid}`
      if (d.detection === 'xff') return `${at} -> clientIPDetection.xForwardedFor.trustedCIDRs ${JSON.stringify(d.cidrs)}: as nginx's real_ip_recursive, addresses are walked from the right and the first untrusted one is the client${invalid}`
      return `${at} limited which peers' PROXY headers nginx believed; Envoy accepts the PROXY header from any peer that reaches it${invalid}`
    },
  }),
  defineDiagnostic({
    code: 'configmap-access-list',
    level: ['info', 'warning'],
    fidelity: ['approximate', 'exact', 'manual'],
    doc: 'whitelist-source-range / denylist-source-range / block-cidrs of the ConfigMap -> a Gateway-level SecurityPolicy authorization rule on the client address. block-cidrs is approximate (nginx refused at connection time, Envoy answers 403 per request); manual when the rule cannot be emitted. The client address depends on the ClientTrafficPolicy\'s clientIPDetection: check it.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'configmap-annotation-admission',
    level: 'info',
    fidelity: ['approximate', 'exact'],
    doc: 'A ConfigMap key that decided which annotations ingress-nginx accepted (allow-snippet-annotations, annotations-risk-level, allow-cross-namespace-resources, global-allowed-response-headers, annotation-value-word-blocklist...). The conversion applies the same rule when it reads the annotations. Nothing to do.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'configmap-compression',
    level: ['info', 'warning'],
    fidelity: ['approximate', 'exact', 'ignored', 'manual'],
    doc: 'use-gzip / enable-brotli and their tuning keys -> a Gateway-level BackendTrafficPolicy compression (--nginx-defaults). Exact where Envoy compresses the same responses, approximate where types or minimum length differ, ignored when compression is off. Without --nginx-defaults Envoy Gateway does not compress: rerun with it if clients relied on compressed responses.',
    render: renderCompression,
  }),
  defineDiagnostic({
    code: 'configmap-header-block',
    level: ['info', 'warning'],
    fidelity: ['approximate', 'exact', 'manual'],
    doc: 'proxy-set-headers / add-headers name a ConfigMap of headers that nginx set on every request or response: they become ClientTrafficPolicy/route header settings. Exact, approximate when values use nginx variables Envoy has no equivalent for, manual when the ConfigMap is not in the input or headers cannot be carried.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'configmap-key-mapped',
    level: ['info', 'warning'],
    fidelity: ['approximate', 'exact'],
    doc: 'The ConfigMap key maps to a field of the Gateway-level ClientTrafficPolicy or BackendTrafficPolicy. Exact, or approximate with the difference in the message (a warning when it changes what clients see). Nothing to do for exact ones.',
    render: (d: AnnotationNote | CiphersData) => ('kept' in d ? renderCiphers(d) : renderNote(d)),
  }),
  defineDiagnostic({
    code: 'configmap-key-not-read',
    level: 'warning',
    fidelity: 'ignored',
    doc: 'ingress-nginx did not read this ConfigMap key in this configuration (a companion whose main key is off or absent), so it had no effect, and the conversion leaves it out. A warning because its presence suggests the main key was meant to be set.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'configmap-key-unmapped',
    level: ['info', 'warning'],
    fidelity: ['approximate', 'ignored', 'manual'],
    doc: 'A ConfigMap key with no ClientTrafficPolicy/BackendTrafficPolicy field: the note says what nginx did with it and what Envoy does instead. Its fidelity is the key\'s registered one (docs/configmap.md): ignored when it only tuned nginx, approximate when Envoy\'s own behaviour is close, manual (warning) when a person must act.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'configmap-key-unused',
    level: 'info',
    fidelity: 'ignored',
    doc: 'A ConfigMap key that had no effect in this configuration, because the key it depends on is off (forwarded-for-header without use-forwarded-headers or enable-real-ip, proxy-real-ip-cidr without those or use-proxy-protocol, hsts-* with hsts off): the conversion leaves it out too. Nothing to do, unless the main key was meant to be on.',
    render: (d: {key: UnusedKey; value: string}) => `${d.key}: "${d.value}" ${UNUSED_BECAUSE[d.key]}`,
  }),
  defineDiagnostic({
    code: 'configmap-keys-ignored',
    level: 'info',
    fidelity: 'ignored',
    doc: 'One summary line of the ConfigMap keys with no effect under Envoy Gateway (nginx process, logging and buffer tuning) and of keys ingress-nginx does not recognise. Nothing to do; check the unrecognised ones for typos.',
    render: (d: {configMap: string; noEffect: string[]; unknown: string[]}) =>
      `${d.configMap}: ${[
        ...(d.noEffect.length > 0 ? [`keys with no effect under Envoy Gateway (nginx process, logging, admission settings): ${d.noEffect.join(', ')}`] : []),
        ...(d.unknown.length > 0 ? [`keys not recognised, not translated: ${d.unknown.join(', ')}`] : []),
      ].join('; ')}`,
  }),
  defineDiagnostic({
    code: 'configmap-route-default',
    level: ['info', 'warning'],
    fidelity: 'exact',
    doc: 'A ConfigMap key that was the default of every location (every Ingress without the matching annotation) is carried exactly: the generated routes, https-redirect routes or the Gateway-level policy (--nginx-defaults) apply the same value. A warning only when an address list held invalid entries that nginx skipped too. Nothing to do.',
    render: renderKeyNote,
  }),
  defineDiagnostic({
    code: 'configmap-route-default-approximate',
    level: 'info',
    fidelity: 'approximate',
    doc: 'A ConfigMap key that was the default of every location is carried with a difference, or not carried and Envoy Gateway\'s own default differs from the value (retries, timeouts, balancer, buffers). The message names the difference; most often rerunning with --nginx-defaults emits a Gateway-level BackendTrafficPolicy/ClientTrafficPolicy with the value. Trips `--fail-on approximate` through the ConfigMap key.',
    render: renderKeyNote,
  }),
  defineDiagnostic({
    code: 'configmap-route-default-manual',
    level: 'warning',
    fidelity: 'manual',
    doc: 'A ConfigMap key that was the default of every location is not carried, and the difference changes what clients see (HTTPS redirect code or exemptions, a balancer Envoy has not, the ModSecurity WAF, header defaults). The conversion assumes ingress-nginx\'s default: set the equivalent annotation on the Ingresses that relied on the key, or adjust the generated objects. Trips `--fail-on manual`.',
    render: renderKeyNote,
  }),
  defineDiagnostic({
    code: 'configmap-route-default-ignored',
    level: 'info',
    fidelity: 'ignored',
    doc: 'A ConfigMap key that was the default of every location only tuned nginx itself (buffers, temp files, proxy internals) and has no effect under Envoy Gateway. Nothing to do.',
    render: renderKeyNote,
  }),
  defineDiagnostic({
    code: 'configmap-snippet',
    level: 'warning',
    fidelity: 'manual',
    doc: 'main-snippet, http-snippet, server-snippet, location-snippet, stream-snippet, modsecurity-snippet: raw nginx configuration inserted into every server or location. There is no Gateway equivalent: a person must read the snippet and rebuild what it did (an EnvoyPatchPolicy, an extension, a filter) or drop it.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'configmap-stream-default',
    level: 'info',
    fidelity: ['approximate', 'ignored'],
    doc: 'A ConfigMap key for tcp/udp-services streams (proxy-stream-*): approximate when Envoy\'s own stream behaviour is close (idle timeout, connect retries), ignored when Envoy has no such setting. Set a ClientTrafficPolicy on the TCP listener if the timeout matters.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'configmap-value-invalid',
    level: 'warning',
    fidelity: 'ignored',
    doc: 'A ConfigMap value nginx could not parse (not a boolean, an integer, a number of seconds, an nginx size such as 8m) or Envoy cannot use (a header name with characters other than letters, digits and \'-\', a curve Envoy does not support): nginx kept its default, and so does the conversion, or the setting is left out as the message says. Fix the value in the ConfigMap.',
    render: renderValueInvalid,
  }),
  defineDiagnostic({
    code: 'gateway-policy-http-listeners',
    level: 'info',
    fidelity: 'exact',
    doc: 'The Gateway-level SecurityPolicy (ConfigMap access lists or global auth) targets the Gateway\'s HTTP listeners by name, not the whole Gateway: Envoy Gateway applies a Gateway-wide SecurityPolicy\'s authorization to TCP and TLS passthrough listeners too (securitypolicy.go translateSecurityPolicyForListeners), while nginx applied the access lists to HTTP only. A listener added later must be added to its targetRefs.',
    render: (d: {policy: string; gateway: {namespace: string; name: string}; listeners: string[]}) =>
      `SecurityPolicy ${d.policy} targets the HTTP listeners of ${d.gateway.namespace}/${d.gateway.name} by name (${d.listeners.join(', ')}), not the whole Gateway: ` +
      'Envoy Gateway applies the authorization of a Gateway-wide SecurityPolicy to TCP and TLS passthrough listeners too (securitypolicy.go translateSecurityPolicyForListeners), while nginx applied the access lists to HTTP locations only, never to tcp-services or ssl-passthrough',
  }),
  defineDiagnostic({
    code: 'global-auth',
    level: ['info', 'warning'],
    fidelity: ['approximate', 'exact', 'ignored', 'manual'],
    doc: 'enable-global-auth (annotation) and the global-auth-* companions: whether the ConfigMap\'s global external auth applies to this Ingress, and how. Exact when the Ingress opts out as nginx did, ignored when the Ingress has its own auth-url (nginx used that instead), approximate or manual (warning) for companions Envoy\'s extAuth carries differently or not at all.',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'global-auth-url',
    level: ['info', 'warning'],
    fidelity: ['approximate', 'exact', 'manual'],
    doc: 'global-auth-url -> a Gateway-level SecurityPolicy extAuth.http. nginx sent every request header to the auth service, Envoy only Host, Method, Path, Content-Length, Authorization and headersToExtAuth: approximate; manual for an oauth2-proxy that answers 202 or a target that cannot be reached. Check the auth service\'s answers before cutover.',
    /**
     * generated: the Gateway-level extAuth (summary: how it reaches the auth service, headersToExtAuth: the headers it
     * forwards, https: the URL is https). The cases without one: an URL outside the cluster, no --nginx-defaults, an
     * empty value.
     */
    render: (d: {key: 'global-auth-url'; value: string} & ({case: 'not-in-cluster' | 'not-generated' | 'empty'} | {case: 'generated'; summary: string; headersToExtAuth: string[]; https: boolean})) =>
      d.case === 'generated'
        ? `${d.key}: "${d.value}" -> Gateway-level SecurityPolicy extAuth.http (${d.summary}); ` +
          `nginx sent every request header to the auth service, Envoy only Host, Method, Path, Content-Length, Authorization and the headersToExtAuth listed (${d.headersToExtAuth.join(', ')}); only a 200 answer lets a request through; a route-level SecurityPolicy replaces this one, so routes with their own SecurityPolicy lose global auth` +
          (d.https ? '; the URL is https: the auth Service needs a BackendTLSPolicy (Envoy connects in plain HTTP otherwise)' : '')
        : d.case === 'empty'
          ? `${d.key}: "${d.value}" is empty: no global auth, as in nginx`
          : d.case === 'not-in-cluster'
            ? `${d.key}: "${d.value}" sent every request to this external auth URL; it is not an in-cluster Service URL (http://<service>.<namespace>.svc[.cluster.local][:port]/path, no query, no nginx variables), so no extAuth is generated`
            : `${d.key}: "${d.value}" authenticated every request (except no-auth-locations and Ingresses with their own auth-url) against this URL; Envoy Gateway authenticates nothing unless a SecurityPolicy sets extAuth`,
  }),
  defineDiagnostic({
    code: 'hsts',
    level: 'info',
    fidelity: 'exact',
    doc: 'hsts (on by default): nginx set Strict-Transport-Security on every HTTPS response, replacing the backend\'s value. Envoy Gateway has no HSTS field, so the ClientTrafficPolicy of the HTTPS listener(s) sets the header with headers.lateResponseHeaders. What to do: lateResponseHeaders is in the Envoy Gateway v1.9 CRD; on releases without it, add a ResponseHeaderModifier (set Strict-Transport-Security) to the https routes instead.',
    /**
     * value: the ConfigMap's hsts, absent when on by default; header: the Strict-Transport-Security value; policy and
     * listener: the ClientTrafficPolicy of the shared https listener, absent when only the hosts' own listeners serve
     * HTTPS; hostListeners: those listeners, whose policies set it too.
     */
    render: (d: {value?: string; header: string; policy?: string; listener?: string; hostListeners: string[]}) =>
      `HSTS (ConfigMap hsts${d.value !== undefined ? `: "${d.value}"` : ', on by default'}): nginx set "Strict-Transport-Security: ${d.header}" on every HTTPS response, replacing the backend's value. ` +
      `There is no HSTS field in Envoy Gateway: ${
        d.policy === undefined
          ? `the ClientTrafficPolicies of the hosts' HTTPS listeners (${d.hostListeners.join(', ')}) set it`
          : `ClientTrafficPolicy ${d.policy} targets the "${d.listener}" listener and sets it`
      } with headers.lateResponseHeaders${d.hostListeners.length > 0 && d.policy !== undefined ? ', as do the policies of the hosts\' HTTPS listeners' : ''}`,
  }),
  defineDiagnostic({
    code: 'hsts-no-https-listener',
    level: 'info',
    fidelity: 'ignored',
    doc: 'hsts / hsts-* keys, but this run has no HTTPS listener to set Strict-Transport-Security on: the header is not emitted. Nothing to do unless HTTPS hosts are expected here.',
    render: (d: {key: string; value: string; gateway: {namespace: string; name: string}}) =>
      `${d.key}: "${d.value}": Gateway ${d.gateway.namespace}/${d.gateway.name} has no https listener, so HSTS is not sent (nginx added Strict-Transport-Security only to HTTPS responses, and nothing is served over HTTPS here); no ClientTrafficPolicy for it is generated`,
  }),
  defineDiagnostic({
    code: 'lua-needs-enable-lua',
    level: 'warning',
    doc: 'The ConfigMap\'s block-user-agents / block-referers are converted to an EnvoyExtensionPolicy running a Lua script on every route of the Gateway. Envoy Gateway v1.9 has Lua off unless its configuration sets extensionApis.enableLua: true, and with Lua off every route of the Gateway answers 500 once the policy exists (no fail-open). What to do: set extensionApis.enableLua: true and restart Envoy Gateway before applying it (Lua runs by default on v1.3 to v1.8: always before v1.7, unless disableLua: true on v1.7 and v1.8; envoygateway_helpers.go LuaDisabled); or leave this policy out and block these clients elsewhere.',
    /** policy: the EnvoyExtensionPolicy running the Lua script; gateway: the Gateway whose routes it covers. */
    render: (d: {policy: string; gateway: {namespace: string; name: string}}) => `EnvoyExtensionPolicy ${d.policy} runs a Lua script: ${luaOutage(d.gateway)}`,
  }),
  defineDiagnostic({
    code: 'proxy-body-size',
    level: ['info', 'warning'],
    fidelity: 'approximate',
    doc: 'proxy-body-size of the ConfigMap: the default request body limit of every location (nginx 1m). Envoy Gateway sets no limit, so larger uploads that nginx refused with 413 now reach the backends; rerun with --nginx-defaults for a Gateway-level BackendTrafficPolicy requestBuffer.limit. 0 means no limit, as Envoy (info).',
    render: renderKeyNote,
  }),
  defineDiagnostic({
    code: 'proxy-body-size-default',
    level: 'info',
    fidelity: 'approximate',
    doc: 'Nginx limited request bodies to 1m by default (proxy-body-size); Envoy Gateway sets no limit, so larger uploads that nginx refused with 413 now reach the backends. What to do: rerun with --nginx-defaults for a Gateway-level BackendTrafficPolicy requestBuffer.limit of 1Mi.',
    /** default: nginx's default limit, which applies because the ConfigMap has no key (proxy-body-size). */
    render: (d: {key: 'proxy-body-size'; default: string}) =>
      `nginx limited request bodies to ${d.default} by default (${d.key}); Envoy Gateway sets no limit, so larger uploads that nginx refused with 413 now reach the backends`,
  }),
  defineDiagnostic({
    code: 'ssl-ciphers-approximate',
    level: ['info', 'warning'],
    fidelity: ['approximate', 'exact'],
    doc: 'ssl-ciphers -> tls.ciphers of the listeners\' ClientTrafficPolicy. Approximate (warning) when ciphers BoringSSL does not have are dropped; exact otherwise (info).',
    render: renderCiphers,
  }),
  defineDiagnostic({
    code: 'ssl-ciphers-tls13',
    level: 'info',
    fidelity: 'ignored',
    doc: 'ssl-ciphers with ssl-protocols TLSv1.3 only: TLS 1.3 cipher suites are not configurable through ssl_ciphers in nginx, nor in Envoy, so the list had no effect and the ClientTrafficPolicy sets no ciphers. Nothing to do.',
    render: (d: {value: string}) => `ssl-ciphers: "${d.value}" has no effect with TLS 1.3 only (TLS 1.3 cipher suites are not configurable in Envoy, nor in nginx through ssl_ciphers); not set`,
  }),
  defineDiagnostic({
    code: 'ssl-ciphers-unsupported',
    level: 'warning',
    fidelity: 'approximate',
    doc: 'ssl-ciphers names no cipher suite Envoy (BoringSSL) supports (nginx used OpenSSL\'s names and set): Envoy\'s default TLS 1.2 ciphers apply. What to do: if clients need a particular cipher, check it is in Envoy\'s supported list and set it in the ClientTrafficPolicy tls.ciphers.',
    render: (d: {value: string}) => `ssl-ciphers: "${d.value}" names no cipher suite Envoy (BoringSSL) supports: Envoy's default TLS 1.2 ciphers apply`,
  }),
  defineDiagnostic({
    code: 'ssl-protocols-approximate',
    level: ['info', 'warning'],
    fidelity: ['approximate', 'exact'],
    doc: 'ssl-protocols -> tls.minVersion / tls.maxVersion of the listeners\' ClientTrafficPolicy. Approximate (warning) when nginx allowed a set Envoy cannot express (a gap, SSLv3/TLSv1.0 below Envoy\'s floor); exact otherwise (info).',
    render: renderNote,
  }),
  defineDiagnostic({
    code: 'ssl-protocols-invalid',
    level: 'warning',
    fidelity: 'ignored',
    doc: 'ssl-protocols names no TLS version Envoy supports (TLSv1, TLSv1.1, TLSv1.2, TLSv1.3): Envoy\'s defaults (TLS 1.2 to 1.3) apply. Fix the value if older clients need TLS 1.0 or 1.1.',
    render: (d: {value: string}) => `ssl-protocols: "${d.value}" names no TLS version Envoy supports (TLSv1, TLSv1.1, TLSv1.2, TLSv1.3): Envoy's defaults (1.2 to 1.3) apply`,
  }),
  defineDiagnostic({
    code: 'stream-entry-invalid',
    level: 'warning',
    fidelity: 'ignored',
    doc: 'A tcp-services/udp-services entry that is not `<namespace>/<service>:<port>[:PROXY][:PROXY]` under a numeric port key: ingress-nginx skipped it, and so does the conversion. Fix the entry if the port should be served.',
    render: (d: {entry: string; problem: 'port-key' | 'format' | 'backend-port'; backendPort?: number}) =>
      d.problem === 'port-key'
        ? `${d.entry}: the key must be a port number (1-65535); ingress-nginx skipped the entry, and so does the translation`
        : d.problem === 'format'
          ? `${d.entry} is not "<namespace>/<service>:<port>[:PROXY][:PROXY]"; ingress-nginx skipped the entry, and so does the translation`
          : `${d.entry}: ${d.backendPort} is not a valid port`,
  }),
  defineDiagnostic({
    code: 'stream-field-ignored',
    level: 'warning',
    fidelity: 'ignored',
    doc: 'A tcp-services/udp-services entry has a 3rd or 4th field that is not PROXY: ingress-nginx ignored the field, and so does the conversion. Remove the field or correct its spelling if PROXY protocol was meant.',
    render: (d: {entry: string; field: number; value: string}) => `${d.entry}: field ${d.field} "${d.value}" is not PROXY; ingress-nginx ignored it, and so does the translation`,
  }),
  defineDiagnostic({
    code: 'stream-fields-extra',
    level: 'warning',
    fidelity: 'ignored',
    doc: 'A tcp/udp-services entry with more than 4 fields: ingress-nginx ignored the extra ones (and read the 4th, PROXY towards the backend, only when there were exactly 4). The conversion does the same; fix the entry.',
    render: (d: {entry: string; fields: number; extra: string[]; fourthProxy: boolean; decode: boolean}) =>
      `${d.entry} has ${d.fields} fields, at most 4 are defined ("<namespace>/<service>:<port>[:PROXY][:PROXY]"): ingress-nginx ignored ${d.extra.length === 1 ? 'field' : 'fields'} ${d.extra.map((f, i) => `${i + 5} "${f}"`).join(', ')}` +
      (d.fourthProxy ? ', and as it reads the 4th field only when there are exactly 4, it sent no PROXY protocol to the backend despite the 4th field PROXY' : '') +
      `; the translation does the same${d.decode ? ' (the 3rd field PROXY still applies)' : ''}`,
  }),
  defineDiagnostic({
    code: 'stream-port-name-unresolved',
    level: 'warning',
    fidelity: 'manual',
    doc: 'A tcp/udp-services entry names the Service port by name, and the Service is not in the input: the entry is skipped. Rerun with the Service in the input (or --lookup-cluster), or write the port number.',
    render: (d: {entry: string; service: string; portName: string}) =>
      `${d.entry}: the port name "${d.portName}" can only be resolved through Service ${d.service}, which is not in the input; the entry is skipped`,
  }),
  defineDiagnostic({
    code: 'stream-port-reserved',
    level: 'warning',
    fidelity: 'ignored',
    doc: 'A tcp/udp-services port the ingress-nginx controller reserves (80, 443, 442, 10254, 8181, 10245-10247): it skipped the entry, and so does the conversion. Use another port if it should be served.',
    render: (d: {entry: string; port: number}) =>
      `${d.entry}: port ${d.port} is reserved by the ingress-nginx controller (80, 443, 442, 10254, 8181, 10245-10247), which skipped the entry; it is skipped here too`,
  }),
  defineDiagnostic({
    code: 'stream-proxy-protocol-decode',
    level: 'info',
    fidelity: 'exact',
    doc: 'The 3rd field PROXY of a tcp-services entry made nginx expect PROXY protocol from clients on that port -> a ClientTrafficPolicy with proxyProtocol: {} on the port\'s TCP listener. What to do: proxyProtocol needs Envoy Gateway v1.5+; the load balancer in front must send PROXY protocol, as it did to nginx.',
    render: (d: {entry: string; port: number; policy: string; listener: string}) =>
      `${d.entry}: the 3rd field PROXY made nginx expect PROXY protocol on port ${d.port} -> ClientTrafficPolicy ${d.policy} with proxyProtocol: {} on listener ${d.listener}`,
  }),
  defineDiagnostic({
    code: 'stream-proxy-protocol-encode',
    level: 'info',
    fidelity: 'exact',
    doc: 'The 4th field PROXY of a tcp-services entry made nginx send PROXY protocol v1 to the backend -> a BackendTrafficPolicy on the TCPRoute with proxyProtocol.version: V1. Exact; nothing to do.',
    render: (d: {entry: string; service: string; namespace: string; route: string}) =>
      `${d.entry}: the 4th field PROXY made nginx send PROXY protocol v1 to ${d.service} -> BackendTrafficPolicy ${d.namespace}/${d.route} with proxyProtocol.version: V1`,
  }),
  defineDiagnostic({
    code: 'stream-route',
    level: 'info',
    fidelity: 'exact',
    doc: 'A tcp/udp-services entry -> a listener on the Gateway and a TCPRoute/UDPRoute to the Service port; the listener admits routes from the Service\'s namespace only. Check the Envoy Service exposes the port (the gateway owner checklist says so).',
    render: (d: {entry: string; listener: string; protocol: 'TCP' | 'UDP'; port: number; gateway: string; routeKind: 'TCPRoute' | 'UDPRoute'; namespace: string; route: string; service: string; backendPort: number}) =>
      `${d.entry} -> listener ${d.listener} (${d.protocol} ${d.port}) on Gateway ${d.gateway} and ${d.routeKind} ${d.namespace}/${d.route} to ${d.service}:${d.backendPort}; the listener admits routes from namespace ${d.namespace} only`,
  }),
  defineDiagnostic({
    code: 'stream-route-unavailable',
    level: 'warning',
    fidelity: 'manual',
    doc: 'A tcp/udp-services entry needs a TCP/UDP listener and a TCPRoute/UDPRoute, which the target was not declared to serve (standard channel only from Gateway API v1.6, experimental before): nothing is emitted for the port. Rerun with --tcp-routes when the cluster serves those routes, or expose the port another way.',
    render: (d: {entry: string; port: number; service: string; backendPort: number; protocol: 'TCP' | 'UDP'; routeKind: 'TCPRoute' | 'UDPRoute'}) =>
      `${d.entry}: ingress-nginx exposed port ${d.port} for Service ${d.service}:${d.backendPort}; on the Gateway that takes a ${d.protocol} listener and a ${d.routeKind}, which the target was not declared to serve (${d.routeKind} is in the Gateway API standard channel only from v1.6, in the experimental channel before): nothing is generated`,
  }),
  defineDiagnostic({
    code: 'stream-service-not-in-input',
    level: 'info',
    doc: 'The Service of a tcp/udp-services entry is not in the input, so the conversion could not check that the port exists and has the entry\'s protocol (nginx skipped entries without them). The route is still emitted. Add the Service to the input (-f) or use --lookup-cluster to have it checked.',
    render: (d: {entry: string; service: string; port: string}) => `${d.entry}: Service ${d.service} is not in the input, so port ${d.port} and its protocol could not be checked`,
  }),
  defineDiagnostic({
    code: 'stream-service-port-missing',
    level: 'warning',
    fidelity: 'manual',
    doc: 'The Service of a tcp/udp-services entry has no such port: ingress-nginx skipped the entry, and so does the conversion. Fix the port.',
    render: (d: {entry: string; service: string; port: string; named: boolean; ports: string[]}) =>
      `${d.entry}: Service ${d.service} has no port ${d.named ? `named "${d.port}"` : d.port} (ports: ${d.ports.join(', ') || 'none'}); ingress-nginx skipped the entry, and so does the translation`,
  }),
  defineDiagnostic({
    code: 'stream-service-port-protocol',
    level: 'warning',
    fidelity: 'manual',
    doc: 'The Service port of a tcp/udp-services entry has another protocol (TCP vs UDP): ingress-nginx found no endpoints for it and skipped it; so does the conversion.',
    render: (d: {entry: string; service: string; servicePort: string; portProtocol: string; protocol: 'TCP' | 'UDP'}) =>
      `${d.entry}: Service port ${d.servicePort} of ${d.service} is ${d.portProtocol}, not ${d.protocol}; ingress-nginx found no ${d.protocol} endpoints for it, and the entry is skipped`,
  }),
  defineDiagnostic({
    code: 'stream-udp-proxy-protocol',
    level: 'warning',
    fidelity: 'ignored',
    doc: 'PROXY protocol fields on a udp-services entry: PROXY has no meaning for UDP, ingress-nginx ignored them, and so does the conversion. Nothing to do.',
    render: (d: {entry: string}) => `${d.entry}: PROXY protocol has no meaning for UDP; ingress-nginx ignored the PROXY field(s), and so does the translation`,
  }),
] as const
