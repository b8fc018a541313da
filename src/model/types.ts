/**
 * Shared types of the pure compiler core. Nothing here does I/O.
 */
import type {HostModel} from './ingress-model.js'
import type {Code} from './catalogue/index.js'

/** A Kubernetes object as read from a file or the API server (only the fields we read are typed). */
export interface KubeObject {
  apiVersion: string
  kind: string
  metadata: ObjectMeta
  spec?: any
  data?: Record<string, string>
  status?: any
  [key: string]: unknown
}

export interface ObjectMeta {
  name: string
  namespace?: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
  creationTimestamp?: string
  uid?: string
  [key: string]: unknown
}

/** Where an input object came from: a file and the line its document starts on, or the cluster. */
export interface SourceLocation {
  file?: string
  line?: number
  cluster?: boolean
}

export interface InputObject {
  object: KubeObject
  source: SourceLocation
}

/** Everything the compiler reads. Sources (files, cluster) build it; translate() only reads it. */
export interface Snapshot {
  objects: InputObject[]
  /** Target capabilities discovered from a cluster (undefined: assume the defaults in TargetCapabilities). */
  capabilities?: Partial<TargetCapabilities>
  /** True when the input is the whole cluster (-A) or was read from files spanning several namespaces. */
  spansCluster?: boolean
}

export type Level = 'info' | 'warning' | 'error'
export type Fidelity = 'exact' | 'approximate' | 'manual' | 'ignored'

/**
 * A diagnostic is data. `code` is stable (reports and CI gates key on it); `object` names the input object
 * ("Ingress team-a/web"); `annotation` the full annotation key when one is concerned.
 */
export interface Diagnostic {
  level: Level
  /** A catalogued code (src/model/catalogue/): tsc refuses any other. */
  code: Code
  message: string
  /** The values the message is rendered from (the catalogue's render), for codes built with catalogue diagnostic(). */
  data?: Record<string, unknown>
  /** The object it is about, as display text ("Ingress team-a/web"); `ref` carries the same as data (diagnostics.ts about). */
  object?: string
  ref?: DiagnosticRef
  annotation?: string
  /** The fidelity this diagnostic implies for the annotation (or field) it is about. */
  fidelity?: Fidelity
  hint?: string
  source?: SourceLocation
}

/** The object a diagnostic is about, as data. */
export interface DiagnosticRef {
  kind: string
  namespace?: string
  name: string
}

export interface NamespacedName {
  namespace: string
  name: string
}

/** What the target cluster serves. Defaults describe Envoy Gateway v1.9 on Gateway API v1.6 standard channel. */
export interface TargetCapabilities {
  /** ReferenceGrant API version to emit (v1beta1 is served by every Gateway API release; v1 from v1.5). */
  referenceGrantVersion: 'v1' | 'v1beta1'
  tcpRoute: boolean
  udpRoute: boolean
  tlsRoute: boolean
  grpcRoute: boolean
  backendTLSPolicy: boolean
  envoyGateway: boolean
  certManager: boolean
}

export const DEFAULT_CAPABILITIES: TargetCapabilities = {
  referenceGrantVersion: 'v1beta1',
  tcpRoute: false,
  udpRoute: false,
  tlsRoute: true,
  grpcRoute: true,
  backendTLSPolicy: true,
  envoyGateway: true,
  certManager: true,
}

/** What translate() is told; each option is declared once, with its flag and default, in options.ts. */
export interface TranslateOptions {
  /** Default shared Gateway. */
  gateway: NamespacedName
  /** Per ingress class Gateway (`--gateway-for CLASS=NS/NAME`). */
  gatewayFor: Record<string, NamespacedName>
  gatewayClass: string
  httpListener: string
  httpsListener: string
  /** Label that admits a namespace to the shared Gateway's listeners. */
  namespaceLabel: {key: string; value: string}
  /** Ingress classes to convert; empty = IngressClasses whose controller is k8s.io/ingress-nginx, and `nginx`. */
  ingressClasses: string[]
  includeClassless: boolean
  /** --all-classes: every class the (file) input's Ingresses name is an ingress-nginx class, each its own controller. */
  allClasses: boolean
  annotationPrefix: string
  /** Emit the gateway-owner bundle: true, false, or 'auto' (when the snapshot spans the cluster). */
  emitGateway: boolean | 'auto'
  backendTls: 'insecure' | 'verify'
  /** Client IP mode for the ClientTrafficPolicy; 'auto' reads the controller ConfigMap. */
  clientIp: 'auto' | 'proxy-protocol' | 'none' | {xffHops: number}
  /** Emit TCPRoute/UDPRoute for tcp-services/udp-services entries even if the capabilities do not say so. */
  tcpRoutes: boolean
  /** Translate ConfigMap route defaults into Gateway-level policies. */
  nginxDefaults: boolean
  /** namespace/name of the controller ConfigMap; undefined = look for the usual names. */
  controllerConfigMap?: string
  /** `--controller-configmap CLASS=NS/NAME`: the ConfigMap of the controller of one ingress class. */
  controllerConfigMapFor?: Record<string, string>
  /** `--controller-service NS/NAME`: the load-balancer Service of the only or default controller. */
  controllerService?: string
  /** `--controller-service CLASS=NS/NAME`: the load-balancer Service of the controller of one ingress class. */
  controllerServiceFor?: Record<string, string>
  /**
   * `--public-load-balancer NS/NAME`: Gateways whose controller Service is unknown and for which Envoy Gateway's
   * default public LoadBalancer is accepted (otherwise a new Gateway gets a ClusterIP Envoy Service).
   */
  publicLoadBalancer?: string[]
  tcpServicesConfigMap?: string
  udpServicesConfigMap?: string
  /**
   * auth-url pointing at oauth2-proxy: keep oauth2-proxy behind extAuth (its proxy handler answers 200), or
   * replace it by Envoy Gateway's native OIDC filled from its configuration.
   */
  oauth2Proxy: 'ext-auth' | 'oidc'
  /** Version stamped into generated objects. */
  generatorVersion: string
}

/** Per-Ingress outcome, the raw material of `report`. */
export interface IngressReport {
  /** `namespace/name` */
  ingress: string
  source: SourceLocation
  /**
   * converted, canary (merged into its primary), not-served (nginx dropped it), denied (nginx answers 503 on its
   * paths, and so does its route), skipped (no route emitted)
   */
  status: 'converted' | 'canary' | 'not-served' | 'denied' | 'skipped'
  /** Final fidelity of every ingress-nginx annotation on it, by full key. */
  annotations: Record<string, Fidelity>
  /** Generated objects (`Kind/name`) that came from it. */
  objects: string[]
}

/**
 * An Ingress left out before translation: invalid, without a class, of a class no flag or IngressClass selected, or
 * of a class whose IngressClass names another controller.
 */
export interface UnselectedIngress {
  /** `namespace/name` */
  ingress: string
  className?: string
  reason: 'invalid' | 'no-class' | 'class-not-selected' | 'other-controller'
}

export interface TranslateResult {
  objects: KubeObject[]
  diagnostics: Diagnostic[]
  ingresses: IngressReport[]
  /** The Ingresses class selection and validation left out (selectIngresses), for the end summary's counts. */
  unselected?: UnselectedIngress[]
  /** What the gateway owner must do by hand (listeners, certificates, labels, entries that need a person). */
  checklist: string[]
  /**
   * nginx's view of the served hosts (the model `verify` and the real-nginx harness run requests against): those
   * of the default Gateway, or of the only Gateway the run uses. One controller's view per Gateway is in
   * hostsByGateway.
   */
  hosts?: Map<string, HostModel>
  /** nginx's view of the served hosts per Gateway (`namespace/name`): each Gateway's Ingresses alone. */
  hostsByGateway?: Map<string, Map<string, HostModel>>
  /**
   * Each controller ConfigMap (`ConfigMap ns/name`) of the converted Gateways and the fidelity each of its keys ended
   * in, in Gateway order (one per ConfigMap: Gateways of controllers sharing one list it once); absent when none.
   */
  configMapKeys?: {configMap: string; keys: Record<string, Fidelity>}[]
}

/** What an emitted object is for (the emitters' records, src/translate/records.ts; an ObjectIntent's role). */
export type Role =
  /** An Ingress's HTTPRoute or GRPCRoute. */
  | 'route'
  /** An HTTPRouteFilter a route rule references (rewrite with captures, extension filters). */
  | 'route-filter'
  /** A BackendTrafficPolicy or SecurityPolicy targeting an Ingress's routes (or some of their rules). */
  | 'route-policy'
  /** An object an annotation family asked for (Backend, BackendTLSPolicy, ReferenceGrant, HTTPRouteFilter...). */
  | 'ingress-object'
  /** An ssl-passthrough TLSRoute: its hostnames need TLS listeners of their own on the Gateway. */
  | 'passthrough-route'
  /** A ReferenceGrant (the target's served version is set when the record becomes an object). */
  | 'reference-grant'
  /** The https-redirect HTTPRoute(s) of a Gateway. */
  | 'https-redirect-route'
  /** The SecurityPolicy that lets every request through to the https-redirect routes. */
  | 'redirect-open-policy'
  /** A Gateway-level policy (ConfigMap defaults): BackendTrafficPolicy, SecurityPolicy, ClientTrafficPolicy. */
  | 'gateway-policy'
  /** The rest of the gateway owner's bundle (Gateway, EnvoyProxy, Certificates, Issuers, Namespaces, streams). */
  | 'gateway'
  | 'envoy-proxy'
  | 'certificate'
  | 'issuer'
  | 'namespace'
  | 'stream'
  | 'bundle'
