/**
 * The intermediate model: what ingress-nginx would serve (hosts, ordered locations with their match kind) and,
 * per Ingress, the intents its annotations produced. Every intent carries `from` (the full annotation keys), so
 * an intent no emitter consumed is reported instead of lost. Rich enough for a later `verify` command.
 */
import type {Role, KubeObject, NamespacedName, SourceLocation} from './types.js'
import type {BackendRef, FragmentSpecs, HTTPRouteFilter, HTTPRouteMatch, OutputObject} from './emitted.js'
import type {HTTPRouteFilterSpec} from './generated/index.js'
import type {FieldAt, FieldPath, ListItemPath} from './field-paths.js'
import type {IngressSettings} from './settings.js'
import type {TlsVersion} from './envoy-tls.js'
import type {FidelityLedger} from './fidelity-ledger.js'

export interface AnnotationValue {
  /** Canonical short key (aliases resolved). */
  key: string
  /** The key as written on the Ingress (with prefix). */
  fullKey: string
  /** The value as the families read it: Flux placeholders replaced by sentinels (annotations/placeholders.ts). */
  raw: string
  valid: boolean
  value?: unknown
  /** The value as written, when it holds `${VAR}` placeholders (files only: a cluster's values are final). */
  template?: string
}

export interface Intent {
  /** Full annotation keys that produced this intent. */
  from: string[]
}

/** A Gateway API HTTPRoute filter applied to every rule of the Ingress's route(s). */
export interface FilterIntent extends Intent {
  filter: HTTPRouteFilter
  /**
   * Part of the location's auth: nginx.tmpl writes it inside `if not (isLocationInLocationList $location
   * $all.Cfg.NoAuthLocations)`, so the no-auth-locations routes go without it (emit-routes.ts isNoAuthLocation).
   */
  withAuth?: true
}

/** An Envoy Gateway HTTPRouteFilter referenced (ExtensionRef) from every rule of the Ingress's route(s). */
export interface ExtensionFilterIntent extends Intent {
  /** Suffix for the filter's name (`<route>-<suffix>`). */
  suffix: string
  spec: HTTPRouteFilterSpec
}

/** What every policy fragment carries besides its field. */
interface FragmentBase extends Intent {
  /**
   * Upstream keys (namespace/service/port) of the route rules this fragment is for; undefined: every rule. Upstream
   * settings (balancer, routingType) follow the Service:port, so rules of one Ingress can differ.
   */
  upstreams?: string[]
  /** Other Ingresses (`Ingress ns/name`) whose annotations decided this value (an upstream's creator, ...). */
  sources?: string[]
  /**
   * Applies only to the routes of the Ingress's no-auth-locations (emit-routes.ts isNoAuthLocation), where nginx
   * skipped its auth: satisfy "any"'s address lists, which Envoy cannot OR with the auth elsewhere but which nginx
   * checked alone there (emit-policies.ts).
   */
  noAuthOnly?: true
}

/**
 * A field of a BackendTrafficPolicy or SecurityPolicy spec targeting the Ingress's route(s): `path` is a dotted
 * path the CRD has (`timeout.http.streamIdleTimeout`) and `value` that field's type, both checked by tsc against the
 * generated spec types.
 */
type SetFragment<K extends PolicyKind> = {
  [P in FieldPath<FragmentSpecs[K]>]: FragmentBase & {kind: K; path: P; value: FieldAt<FragmentSpecs[K], P>; optOut?: false}
}[FieldPath<FragmentSpecs[K]>]

/**
 * The route must not inherit this field (or this entry of a typed list, `compression.Gzip`) from a Gateway-level
 * policy of the same kind (proxy-body-size "0", enable-global-auth "false"): the route policy then replaces the
 * Gateway one, carrying its other fields.
 */
type OptOutFragment<K extends PolicyKind> = FragmentBase & {
  kind: K
  path: FieldPath<FragmentSpecs[K]> | ListItemPath<FragmentSpecs[K]>
  value?: undefined
  optOut: true
}

export type PolicyKind = keyof FragmentSpecs

/** A fragment of a BackendTrafficPolicy or SecurityPolicy spec targeting the Ingress's route(s). */
export type PolicyFragment = {[K in PolicyKind]: SetFragment<K> | OptOutFragment<K>}[PolicyKind]

/** An extra object emitted beside the route (Backend, BackendTLSPolicy, ...). */
export interface ObjectIntent extends Intent {
  object: OutputObject
  /** What later passes need to know it as (default `ingress-object`; ssl-passthrough's TLSRoute needs listeners). */
  role?: Role
  /** Every Ingress (`Ingress ns/name`) the object comes from, when others than this one decided it too. */
  sources?: string[]
}

/** How one canary Ingress splits traffic off its primary. */
export interface CanaryIntent extends Intent {
  header?: {name: string; value?: string; pattern?: string}
  cookie?: string
  weight?: number
  weightTotal: number
}

/**
 * How the routes of an Ingress reach TLS backends (backend-protocol HTTPS/GRPCS with its proxy-ssl-* settings), as
 * data: backendOverrideFor (annotations/backend-protocol.ts) turns it into the backendRef and objects of a Service:port.
 */
export interface BackendTlsPlan {
  /** The backend certificate is verified (proxy-ssl-verify on with a Secret, or --backend-tls=verify): a BackendTLSPolicy. */
  verify: boolean
  /** Reached through an Envoy Gateway Backend (to skip verification or carry a client certificate). */
  viaBackend: boolean
  /** The Secret (Ingress namespace) of proxy-ssl-secret: the CA with verify, else the client certificate. */
  secret?: string
  /**
   * The Secret is referenced as the client certificate (Backend tls.clientCertificateRef): only with proxy-ssl-verify
   * off, where the Secret can have been given for nothing else. With verify on it is referenced as the CA only.
   */
  clientCertificate: boolean
  /** proxy-ssl-name: the name nginx verified and sent as SNI. */
  serverName?: string
  sni?: string
  minVersion?: TlsVersion
  maxVersion?: TlsVersion
  ciphers?: string[]
  /**
   * HTTPS (not GRPCS): nginx spoke HTTP/1.1 to the backend (proxy_http_version 1.1), while Envoy negotiates h2 by
   * ALPN with TLS backends (xds translator cluster.go: AutoHttpConfig); the Backend pins ALPN to http/1.1.
   */
  http1: boolean
  /** Full annotation keys behind the objects. */
  from: string[]
  /** The Ingress whose proxy-ssl-* the host's server block carried, when not this one: named in the objects. */
  inheritedFrom?: NamespacedName
  /** The ConfigMap (Ingress namespace) with the CA a verifying BackendTLSPolicy reads when no Secret of the namespace has it. */
  caConfigMap: string
}

/** Backend replacement for every rule of the Ingress (backend-protocol HTTPS -> Backend, ...). */
export interface BackendOverrideIntent extends Intent {
  /** The Ingress's own plan. */
  own: BackendTlsPlan
  /** Hosts whose server block carried another Ingress's proxy-ssl-* (controller.go getBackendServers): its plan. */
  byHost: ReadonlyMap<string, BackendTlsPlan>
  /** The refs are Envoy Gateway Backends reaching each Service by its cluster DNS name (`<svc>.<ns>.svc.cluster.local`). */
  viaBackend?: boolean
}

export interface IngressIntents {
  /** ssl-redirect (default from ConfigMap, true). */
  sslRedirect: boolean
  forceSslRedirect: boolean
  /** rewrite-target, and x-forwarded-prefix which nginx sends only where it rewrites. */
  rewriteTarget?: {target: string; from: string[]; forwardedPrefix?: string}
  filters: FilterIntent[]
  extensionFilters: ExtensionFilterIntent[]
  /** Replaces the backends of every rule with a RequestRedirect filter (permanent/temporal-redirect). */
  redirect?: FilterIntent
  policies: PolicyFragment[]
  objects: ObjectIntent[]
  /**
   * Extra rules added to every route of the Ingress (app-root's `Exact /` redirect, ...): the rule's matches,
   * filters and optional backendRefs as Gateway API HTTPRoute rule fields.
   */
  extraRules: (Intent & {
    rule: {matches: HTTPRouteMatch[]; filters?: HTTPRouteFilter[]; backendRefs?: BackendRef[]}
    /**
     * nginx answers it in the server's rewrite phase, before the location's HTTPS redirect (lua_ingress.lua, the
     * location's rewrite_by_lua): on a redirected host it is served on the http listener too (app-root).
     */
    beforeHttpsRedirect?: boolean
  })[]
  /**
   * from-to-www-redirect: the twin names this Ingress's redirect server answers. nginx.tmpl renders those servers
   * before the main ones, so a server-alias of the same name loses to the redirect.
   */
  wwwTwins?: string[]
  /** server-alias: extra hostnames for this Ingress's hosts. */
  hostAliases?: {names: string[]; from: string[]}
  canary?: CanaryIntent
  backendOverride?: BackendOverrideIntent
  /**
   * ssl-passthrough: nginx ignores the Ingress's HTTP configuration; no HTTPRoute is emitted (the family emits
   * a TLSRoute through `objects`).
   */
  suppressRoute?: Intent
  /** backend-protocol GRPC/GRPCS: emit a GRPCRoute instead of an HTTPRoute. */
  grpc?: Intent & {tls: boolean}
  /** What an auth server used by auth-url must change for the Gateway (`server`: "oauth2-proxy auth/oauth2-proxy:4180"). */
  authServerSteps?: (Intent & {server: string; step: string})[]
  /**
   * auth-tls-*: client certificates for every host of the Ingress. ingress-nginx applies them per server (host),
   * from the first Ingress of the host that names a CA (controller.go getBackendServers), so https-listeners.ts
   * decides per host which Ingress's settings hold.
   */
  clientAuth?: ClientAuthIntent
}

/** auth-tls-secret and its companions, as ingress-nginx's authtls parser reads them (authtls/main.go Parse). */
export interface ClientAuthIntent extends Intent {
  /** The CA Secret (key ca.crt, optional ca.crl). */
  secret: {namespace: string; name: string}
  verify: 'on' | 'off' | 'optional' | 'optional_no_ca'
  passCertificate: boolean
  /** auth-tls-match-cn without the `CN=` prefix: nginx answered 403 unless the subject DN matched it. */
  matchCn?: string
  /**
   * Why ingress-nginx could not load the CA (a reference without namespace, another namespace without
   * allow-cross-namespace-resources): it then answered 403 to every request for the host (AuthTLSError).
   */
  denied?: string
}

export interface IngressModel {
  /** `namespace/name` */
  id: string
  ref: NamespacedName
  object: KubeObject
  source: SourceLocation
  /** Position in ingress-nginx's order: creationTimestamp ascending, ties by namespace/name descending. */
  order: number
  className?: string
  /**
   * The ingress-nginx controller that served it (controllers.ts controllerOf): host-wide and first-Ingress-wins
   * rules never reach across controllers.
   */
  controller: string
  gateway: NamespacedName
  annotations: Map<string, AnnotationValue>
  /** False when ingress-nginx would not serve the Ingress at all (an invalid annotation value dropped it). */
  served: boolean
  /**
   * ingress-nginx denied the Ingress's locations (annotations.go Extract: a LocationDeniedError sets `Denied`):
   * every path of it answers `status` (nginx.tmpl `return 503`) and none of its location settings apply. The key
   * that caused it, and why.
   */
  denied?: {key: string; status: number; reason: string}
  isCanary: boolean
  intents: IngressIntents
  /**
   * The settings several families combine, resolved once before any family runs (annotation, else the controller
   * ConfigMap's default, else nginx's: settings.ts resolveSettings); frozen.
   */
  settings: IngressSettings
  /** Final fidelity per full annotation key, and who decided it (the annotation pass, or a pass revising it). */
  fidelity: FidelityLedger
}

/**
 * An Ingress as its input and resolve phase left it, without what the annotation families produce (intents,
 * fidelities): what a family may read of its own Ingress (annotations/types.ts FamilyContext).
 */
export type IngressInput = Readonly<Omit<IngressModel, 'intents' | 'fidelity'>>

export type MatchKind = 'Exact' | 'Prefix'

export interface ServiceBackend {
  name: string
  namespace: string
  port: number
}

/** One nginx location: a host/path owned by one Ingress. */
export interface Location {
  host: string
  path: string
  /** nginx's view: ImplementationSpecific and missing pathType are Prefix. */
  match: MatchKind
  /** As written in the Ingress (for diagnostics). */
  pathType: string
  ingress: IngressModel
  /**
   * The Service; undefined only for the fallback `location /` without spec.defaultBackend (nginx proxies it to its
   * default backend, a 404), kept in the model when its Ingress answers it with a redirect.
   */
  backend?: ServiceBackend
  /** True for the fallback `location /` (controller.go createServers), from spec.defaultBackend or a redirect. */
  fromDefaultBackend: boolean
  /** Canary Ingresses attached to this location (alternative backends), first one wins as in nginx. */
  canaries: {ingress: IngressModel; backend: ServiceBackend}[]
}

export interface HostModel {
  /** '' = the catch-all server `_`. */
  name: string
  gateway: NamespacedName
  locations: Location[]
  /** Ingresses (ids) that turned on regex mode for the whole host. */
  regexFrom: string[]
  /** The controllers of those Ingresses (a host shared by several controllers on one Gateway may differ). */
  regexControllers: string[]
  /**
   * nginx's own `location /` of a named host while no Prefix `/` path replaced it (controller.go createServers):
   * built from the annotations of the first Ingress with a rule for the host, so that Ingress's redirect answers
   * every unmatched path and its rewrite-target can turn on regex mode.
   */
  fallback?: {ingress: IngressModel}
  /**
   * How the host got its certificate: the winning Ingress, the tls entry listing the host (undefined: the host
   * is not listed and nginx picked by certificate coverage or fell back to the default certificate), its Secret.
   */
  tls?: {
    ingress: IngressModel
    entryIndex?: number
    secretName?: string
    /**
     * No Ingress of the host has TLS: nginx found the certificate of this one-label wildcard host for it
     * (wildcard-certificates.ts); the other fields are that host's.
     */
    fromWildcard?: string
  }
  /** server-alias names of the host (extra hostnames for every route of the host and its redirect). */
  aliases: string[]
  aliasFrom?: Intent
  /** server-alias intents of the host's Ingresses that nginx does not use (a later Ingress, or every name dropped). */
  aliasesIgnored?: Intent[]
  /**
   * HTTPS listeners of the host's own (https-listeners.ts), one per name (host first, then aliases): the host's
   * routes attach to them instead of the shared https listener, because it needs client certificates or a
   * certificate of its own. Undefined: the shared https listener.
   */
  httpsListeners?: string[]
  /**
   * A host without TLS whose HTTPS requests a TLS wildcard host's route would take: its routes attach to these HTTPS
   * listeners besides http (wildcard-certificates.ts attachCoveredPlainHosts).
   */
  httpsAlso?: string[]
  /** ingress-nginx answered 403 to every request for the host (ClientAuthIntent.denied): no listener may serve it. */
  closed?: boolean
  /**
   * The first served, non-canary Ingress (nginx order) with ssl-passthrough and a rule for the host, whether or not
   * it owns a location there: controller.go createServers makes the whole server passthrough for any such rule.
   */
  passthrough?: IngressModel
}
