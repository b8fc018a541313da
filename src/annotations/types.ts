import type {Diagnostic, Fidelity, KubeObject, TranslateOptions} from '../model/types.js'
import type {ParseResult} from '../model/parsers.js'
import type {IngressInput, IngressIntents, IngressModel, ServiceBackend} from '../model/ingress-model.js'
import type {ControllerDefaults} from '../model/controller-defaults.js'
import type {SharedSettings} from '../model/upstream-decisions.js'
import type {NoteCode} from '../model/catalogue/diagnostic.js'

/** One registered annotation key (without the prefix). */
export interface AnnotationSpec<T = unknown> {
  key: string
  /** The canonical key this one is an alias of (e.g. whitelist-source-range -> allowlist-source-range). */
  aliasOf?: string
  summary: string
  /** The fidelity of the translation when the value is valid and nothing else interferes. */
  fidelity: Fidelity
  /** What it becomes ("BackendTrafficPolicy timeout.tcp.connectTimeout"). */
  target: string
  /** One sentence naming the behaviour difference (approximate), what to do (manual), or why nothing is needed (ignored). */
  note?: string
  default?: string
  /**
   * The converter's reading of a value nginx's validator accepted (what an empty, invalid or too risky value
   * does to the Ingress is the registry's `onInvalid`, from serving.ts).
   */
  parse(value: string): ParseResult<T>
}

/** Read-only view of the rest of the input that a family may need (Services, ConfigMaps). */
export interface Lookup {
  service(namespace: string, name: string): KubeObject | undefined
  configMap(namespace: string, name: string): KubeObject | undefined
  /**
   * The ingress-nginx controller ConfigMap when it is part of the input: `--controller-configmap` when given, else
   * the usual names, else any `<namespace>/ingress-nginx-controller` (the same one the gateway bundle reads).
   */
  controllerConfigMap(): KubeObject | undefined
  /**
   * The controller ConfigMap whose settings the Ingress's Gateway repeats Gateway-wide (its ClientTrafficPolicy,
   * the Gateway-level SecurityPolicy of global-auth-url): the same as controllerConfigMap() unless several
   * controllers share the Gateway (controller-workloads.ts), where it is the Gateway's, not the Ingress's own.
   */
  gatewayConfigMap(): KubeObject | undefined
  /**
   * The ConfigMap keys annotations fall back to (proxy timeouts, retries, rate-limit key and status, balancer), with
   * nginx's defaults for keys the ConfigMap does not set: translations that combine an annotation with such a
   * companion value take it from here.
   */
  controllerDefaults(): ControllerDefaults
  /**
   * Upstream (Service:port) and server (host) settings decided across the Ingresses of one controller, as
   * controller.go decides them: who sets an upstream's balancer and cookie, whose proxy-ssl-* a host inherits.
   */
  sharedSettings(): SharedSettings
  /**
   * True when some served, non-canary Ingress has a rule for this host (lower-case). Hosts and paths are those of
   * the Ingresses that share this Ingress's Gateway: one ingress-nginx controller never saw another's.
   */
  hostServed(host: string): boolean
  /**
   * The Service a request for `host` + `path` reaches, by nginx's location rules over the rules of every served,
   * non-canary Ingress of this Ingress's Gateway: an Exact path equal to `path` first, else the longest Prefix path
   * containing it (whole segments); the oldest Ingress wins a path defined twice. Undefined when no location
   * matches, when the matching location's port is a name no Service in the input resolves, or when its Ingress
   * answers with permanent/temporal-redirect (nginx.tmpl's `return` comes before proxy_pass).
   */
  serviceForPath(host: string, path: string): ServedPath | undefined
  /**
   * The served, non-canary Ingresses (`namespace/name`) of this Ingress's Gateway that own a location on this host
   * (the first in nginx order of each path and pathType, as getBackendServers adds them), and whether each has an
   * auth-url. `rulePaths` is false for an Ingress that reaches the host only through its spec.defaultBackend (the
   * `location /` createServers built), which getBackendServers never marks (RedirectFromToWWW, say).
   */
  ingressesOnHost(host: string): {ingress: string; authenticated: boolean; rulePaths: boolean}[]
  /**
   * A named host's server as the TLS proxy of `controller` (IngressModel.controller, the asking Ingress's) sees it
   * (see PassthroughServer): another controller sharing the Gateway had a server of its own for the host.
   */
  passthroughServer(host: string, controller: string): PassthroughServer
  /** The Deployments of the input in a namespace (an auth server's configuration: oauth2-proxy's flags). */
  workloads(namespace: string): KubeObject[]
}

/**
 * One server (host) of the Gateway's Ingresses, for ssl-passthrough. One controller merges every Ingress of a host it
 * serves into one server (controller.go createServers, getBackendServers; never another controller's): any of them with ssl-passthrough makes it a passthrough
 * server, and getConfiguration hands the TLS proxy the Service and port of the server's first location whose Path is
 * `/`. That is createServers' own `location /` (PathType Prefix, `Service: &apiv1.Service{}`, spec.defaultBackend
 * included), unless a Prefix `/` path of some Ingress (the oldest: getBackendServers replaces the location only
 * while it is still the default backend's) took it over; an Exact `/` is a second location after it, never chosen.
 */
export interface PassthroughServer {
  /**
   * The served, non-canary Ingresses (`namespace/name`) with ssl-passthrough and a rule for the host, in nginx order,
   * of every controller on the Gateway: the Gateway routes the host's TLS connections once.
   */
  passthrough: string[]
  /** The Ingress whose server-alias the controller's server took (createServers: the first of the host, nginx order, with one). */
  aliasOwner?: string
  /**
   * The Prefix `/` location a rule path of the controller's Ingresses made, whose Service its TLS proxy dials; undefined: none, the proxy has no
   * address (nginx.go generateTemplate reads the empty Service's ClusterIP) and closes the connection. `backend` is
   * undefined when the path's port is a name no Service of the input resolves.
   */
  root?: {ingress: string; backend?: ServiceBackend}
  /** The `root` of the controller of `passthrough[0]`, whose TLSRoute carries the host (another controller's maybe). */
  firstRoot?: {ingress: string; backend?: ServiceBackend}
}

/** The location a host + path reaches (see Lookup.serviceForPath). */
export interface ServedPath {
  namespace: string
  name: string
  port: number
  /** The Ingress (`namespace/name`) whose location it is. */
  ingress: string
  /** The location as written, e.g. `Prefix /oauth2`. */
  location: string
  /** That Ingress has a non-empty auth-url of its own (nginx would authenticate the subrequest too). */
  authenticated: boolean
  /** That Ingress's valid backend-protocol (upper-case), when set. */
  backendProtocol?: string
}

/** Intents fields that are lists: every family's entries are appended, in registration order. */
export type ListField = 'filters' | 'extensionFilters' | 'policies' | 'objects' | 'extraRules'
/** Intents fields one family owns (declared in its `owns`): only that family may set them. */
export type OwnedField = Exclude<keyof IngressIntents, ListField>

/**
 * What ingress-nginx would have the route deny outright (fail closed), combined after the merge by the runner
 * (annotation-pass.ts combineDenyAll): an authorization `defaultAction: Deny` with no rules, first among the
 * Ingress's authorization fragments.
 */
export interface DenyAllRequest {
  /** The full annotation key that asks for it. */
  from: string
  /**
   * auth-url failing closed: the other authorization fragments of the Ingress are left out (an Allow rule would let
   * clients in without authenticating), and the route opts out of a Gateway-level authorization.
   */
  replacesAuthorization: boolean
}

/**
 * One family's output for one Ingress. The runner gives each family an empty patch, and merges the patches after
 * every family ran (annotation-pass.ts mergePatches): list fields appended in registration order, owned fields
 * checked against the family's `owns`, then the declared combine steps (denial, deny-all).
 */
export type FamilyPatch = Partial<Pick<IngressIntents, OwnedField>> &
  Pick<IngressIntents, ListField> & {
    /** ingress-nginx denied the Ingress's locations for a reason only the family sees (combineDenials). */
    denied?: IngressModel['denied']
    denyAll: DenyAllRequest[]
  }

export interface FamilyContext {
  /**
   * The Ingress: its input, frozen settings and the serve table's denial, but neither the intents nor the fidelities
   * other families produce (a family that read them would depend on the order the families run in).
   */
  ingress: IngressInput
  /** This family's own patch of the Ingress's intents (never another family's). */
  readonly patch: FamilyPatch
  lookup: Lookup
  /** The translate options (listeners, backend TLS mode, ...). */
  options: TranslateOptions
  annotationPrefix: string
  /** True when the key (or one of its aliases) is present on the Ingress. */
  has(key: string): boolean
  /** Parsed value of a present, valid key; undefined otherwise. */
  value<T>(key: string): T | undefined
  raw(key: string): string | undefined
  fullKey(key: string): string
  /**
   * Record the final fidelity of a present key, with a message naming the difference. Keys a family does not
   * account for get their spec's fidelity and note.
   */
  account(key: string, fidelity: Fidelity, message?: string, extra?: {hint?: string; level?: Diagnostic['level']; code?: NoteCode}): void
  /** True when the key's fidelity is settled: by the serve table before the families ran, or by this family. */
  accounted(key: string): boolean
  diag(d: Omit<Diagnostic, 'object'> & {object?: string}): void
}

/** A family's own verdict on an empty or invalid value: the default is used (the family accounts it), or as named. */
export type InvalidEffect = 'default' | 'ingress-dropped' | 'location-denied'

/**
 * One file per annotation family; `apply` fills only its own patch (ctx.patch), reading the Ingress, its frozen
 * settings and the lookup, never another family's output: the families may run in any order.
 */
export interface AnnotationFamily {
  name: string
  specs: AnnotationSpec<any>[]
  /** The intents fields only this family sets (the registry refuses two owners; the runner a write without it). */
  owns?: readonly OwnedField[]
  /**
   * Where ingress-nginx's parser reads its keys conditionally (redirect.go Parse reads a code only beside its URL),
   * the effect of an empty or invalid value of `key` given the Ingress's raw values by short key; replaces the
   * serve table's outcome (the registry's onInvalid) for that value. Undefined for keys of other parsers.
   */
  invalidEffect?(key: string, raw: (key: string) => string | undefined): InvalidEffect | undefined
  /** Run for every Ingress, not only those with one of the family's keys (settings another Ingress decided). */
  always?: boolean
  apply?(ctx: FamilyContext): void
}
