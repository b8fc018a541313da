/**
 * The settings ingress-nginx keeps per upstream (Service:port) or per server rather than per Ingress: what
 * translate/upstreams.ts decides once all Ingresses are read (createUpstreams, getBackendServers), and what the
 * annotation families read through FamilyContext.sharedSettings(). Types only.
 */
import type {IngressInput, ServiceBackend} from './ingress-model.js'

export interface UpstreamDecision {
  /** namespace/service/port */
  key: string
  /** Sets upstream-hash-by*, load-balance and service-upstream for every path to the upstream. */
  creator: IngressInput
  /** How the creator came to decide: its rule created the upstream, or its spec.defaultBackend recreated it. */
  creatorVia: 'rule' | 'defaultBackend'
  /** The first Ingress with affinity on a path to it: the upstream uses the sticky balancer. */
  affinityFrom?: IngressInput
  /** The first Ingress with affinity-mode on a path to it. */
  modeFrom?: IngressInput
  /** The last Ingress with affinity cookie on a path to it: its cookie settings apply to every path. */
  cookieFrom?: IngressInput
  /**
   * Ingresses (ids) with affinity cookie on a path to it: only their locations set the cookie. Undefined while none
   * has: most upstreams never see one, and a set per upstream outlived the decisions' stage.
   */
  cookieIngresses?: Set<string>
  /** Every Ingress (id) with a path to it, in nginx order. */
  users: string[]
}

/** One path (or the spec.defaultBackend fallback) of an Ingress with its resolved Service:port. */
export interface IngressBackend {
  host: string
  path: string
  backend: ServiceBackend
  /** nginx's upstream: namespace/service/port as written (a port name and its number are two upstreams). */
  upstream: string
  fromDefaultBackend: boolean
}

export interface SharedSettings {
  /** The upstream decision for a path (or the default backend) of an Ingress. */
  upstream(ingress: IngressInput, backend: IngressBackend): UpstreamDecision | undefined
  /** The Ingress whose proxy-ssl-* apply to every location of the host (server ProxySSL), if any. */
  serverProxySsl(ingress: IngressInput, host: string): IngressInput | undefined
  /** The Ingress's paths with their resolved backends (paths whose Service port does not resolve are left out). */
  backendsOf(ingress: IngressInput): IngressBackend[]
}
