import type {Diagnostic, DiagnosticRef, Fidelity, NamespacedName, TranslateOptions} from '../model/types.js'
import type {ForwardedHeaderMode, HeaderFilter} from './forwarded-headers.js'
import type {OutputObject} from '../model/emitted.js'
import type {BackendTrafficPolicySpec, ClientTrafficPolicySpec, ClientTrafficPolicySpecHeadersXForwardedClientCert, ClientTrafficPolicySpecTlsClientValidation} from '../model/generated/index.js'
import type {NoteCode, Where} from '../model/catalogue/diagnostic.js'

/**
 * What ingress-nginx does with a value it cannot use (template/configmap.go ReadConfig):
 * - `default`: the value does not decode into the field's Go type (mapstructure v1.5.0, WeaklyTypedInput, over
 *   config.go NewDefault): ReadConfig logs "unexpected error merging defaults" and the field keeps its default;
 *   the other keys still apply (mapstructure decodes field by field and collects the errors).
 * - `entries-dropped`: a list ReadConfig splits on commas and checks entry by entry: bad entries are logged and
 *   skipped, the rest applies.
 * - `unset`: ReadConfig checks the value (a URL, a method) and leaves the setting off when it fails.
 * - `as-written`: copied as text into nginx.conf without a check: a value nginx cannot parse fails the
 *   controller's `nginx -t` before the reload (it keeps serving its previous configuration); one it parses is used
 *   as written.
 */
export type ConfigMapInvalidEffect = 'default' | 'entries-dropped' | 'unset' | 'as-written'

/** One key of the ingress-nginx controller ConfigMap. */
export interface ConfigMapSpec {
  key: string
  summary: string
  /** The fidelity of the translation when the value is valid and nothing else interferes. */
  fidelity: Fidelity
  /** What it becomes ("ClientTrafficPolicy tls.minVersion / maxVersion"). */
  target: string
  /** config.go NewDefault (v1.15.1); '' when the default is empty. */
  default: string
  onInvalid: ConfigMapInvalidEffect
  /** Why it is approximate (the difference), manual (what to do) or ignored (why nothing is needed). */
  note?: string
  /**
   * Keys translated by a sentence only: each present key gets one diagnostic with this level and code, the spec's
   * fidelity, and the message `<key>: "<value>" <note>`.
   */
  notice?: {level: Diagnostic['level']; code: NoteCode}
  /** No effect under Envoy Gateway: listed in the one configmap-keys-ignored info with the other such keys. */
  noEffect?: boolean
}

/** One file per concern; `specs` is what the registry and docs/configmap.md show. */
export interface ConfigMapFamily {
  name: string
  specs: ConfigMapSpec[]
}

/** A listener of the Gateway that serves one host over HTTPS (https-listeners.ts) and the settings of its own. */
export interface HostListenerTraffic {
  name: string
  /** tls.clientValidation of the listener's ClientTrafficPolicy (client certificates). */
  clientValidation?: ClientTrafficPolicySpecTlsClientValidation
  /** Request headers the listener sets or removes besides the forwarded ones (ssl-client-*). */
  earlyRequestHeaders?: HeaderFilter
  xForwardedClientCert?: ClientTrafficPolicySpecHeadersXForwardedClientCert
  /** Offer HTTP/2 explicitly (tls.alpnProtocols) where Envoy Gateway would force HTTP/1.1 (https-listeners.ts reportHttp2Downgrade). */
  keepHttp2?: boolean
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
  /** The https listener offers HTTP/2 explicitly, like HostListenerTraffic.keepHttp2. */
  httpsListenerKeepsHttp2?: boolean
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

/** A diagnostic about one ConfigMap key (its object and annotation are filled in by the ledger). */
export type KeyDiagnostic = Omit<Diagnostic, 'annotation' | 'object' | 'source'>

/** The ConfigMap as the families read it; every helper reports through the one ledger. */
export interface ConfigMapContext {
  data: Record<string, string>
  traffic: ClientTrafficContext
  /** `ConfigMap ns/name`, or the Gateway when there is no ConfigMap. */
  cmRef: string
  /** The ConfigMap (or, without one, the Gateway) as diagnostics name it: spread into a diagnostic. */
  cmSubject: {object: string; ref: DiagnosticRef}
  /** The provenance of Gateway-level objects: the ConfigMap, or `ingress2gw` without one. */
  sources: string[]
  has(key: string): boolean
  /** The raw value, '' when absent. */
  value(key: string): string
  /** The one diagnostic of a present key; the first account of a key wins. */
  account(key: string, d: KeyDiagnostic): void
  accounted(key: string): boolean
  /**
   * The account of a present key as data {key, value, note}: `value` as written, `note` what the message prints after
   * `<key>: ` (it quotes the value where the sentence does), so the message is `<key>: <note>`.
   */
  note(key: string, code: NoteCode, note: string, where?: Pick<Where, 'level' | 'fidelity' | 'hint'>): void
  /** A key translated by a sentence only (ConfigMapSpec.notice): `<key>: "<value>" <note>`, the value on one line and cut at 120 characters, in the message as in data.value. */
  notice(key: string, notice: NonNullable<ConfigMapSpec['notice']>, fidelity: Fidelity, note: string): void
  /** note() with code configmap-key-mapped, info, exact. */
  exact(key: string, note: string): void
  /** Boolean key with its nginx default; an invalid value is reported once and read as the default. */
  bool(key: string, dflt: boolean): boolean
  /** Integer key (>= min) with its nginx default; an invalid value is reported once and read as the default. */
  int(key: string, dflt: number, min?: number): number
  /** The key shaped a generated ClientTrafficPolicy (its ingress2gw consumed annotation). */
  use(key: string): void
}

/**
 * What the ConfigMap families produce. Each family fills only its own part: client IP the proxyProtocol /
 * clientIPDetection fields and the header mode, TLS the tls and http2 fields, headers the headers field and HSTS,
 * timeouts the timeout and connection fields and the backend timeouts, body the request buffer, route defaults
 * the retries, access and global auth the SecurityPolicy; the pipeline (translate/bundle/client-traffic.ts) turns
 * them into objects.
 */
export interface ConfigMapModel {
  /** The Gateway-wide ClientTrafficPolicy spec fields, repeated on every listener-level policy. */
  clientTraffic: Pick<ClientTrafficPolicySpec, 'proxyProtocol' | 'clientIPDetection' | 'headers' | 'timeout' | 'connection' | 'http2' | 'tls'>
  /** How the listeners rewrite X-Forwarded-* / X-Real-IP (set by the client IP family). */
  headerMode: ForwardedHeaderMode
  /** The header nginx read the client address from (forwarded-for-header). */
  forwardedForHeader: string
  /** The https listeners' Strict-Transport-Security header, when HSTS is on. */
  hstsHeader?: {name: string; value: string}
  /** The Gateway-level BackendTrafficPolicy fields (with --nginx-defaults) and the keys that shaped them. */
  backendTraffic: Omit<BackendTrafficPolicySpec, 'targetRef' | 'targetRefs' | 'targetSelectors'>
  backendTrafficKeys: string[]
  /** Keys that shaped the ClientTrafficPolicies. */
  consumed: string[]
  objects: OutputObject[]
  /**
   * The ConfigMap keys each object carries (emitObject): the record says so, and a target that cannot take the
   * object downgrades exactly these keys (capabilities.ts), without reading the object's metadata back.
   */
  carried: Map<OutputObject, string[]>
  /** Diagnostics not about one key (the HSTS default, the forwarded headers, the ACME exemption). */
  general: Diagnostic[]
  checklist: ChecklistLine[]
}

/**
 * A checklist step about the load balancer in front of the Envoy Service. It carries an id because the data
 * plane (translate/data-plane.ts) withdraws it, by id, for a Gateway whose generated EnvoyProxy already does it.
 */
export interface LoadBalancerStep {
  /** proxy-protocol: make the load balancer send PROXY headers; client-address: keep externalTrafficPolicy. */
  id: LoadBalancerStepId
  line: string
}

export type LoadBalancerStepId = 'proxy-protocol' | 'client-address'

export type ChecklistLine = string | LoadBalancerStep
