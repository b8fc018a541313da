/**
 * Data types of the Envoy Gateway routing model: the xDS-like tables buildGatewayModel derives from Gateway API
 * objects, and the provenance routeRequest attaches to an Outcome. Names follow Envoy Gateway's IR
 * (internal/ir/xds.go) where one exists, so a reader can hold the model against the EG source.
 */
import type {BackendShare, HeaderChanges, Outcome} from './outcome.js'

export interface RouteRef {
  kind: 'HTTPRoute' | 'GRPCRoute' | 'TLSRoute'
  namespace: string
  name: string
}

export interface ListenerRef {
  /** "namespace/name" of the Gateway. */
  gateway: string
  name: string
  port: number
  protocol: string
  hostname?: string
}

/** A path condition as the xDS route carries it (EG internal/xds/translator/route.go buildPathMatch). */
export interface PathCondition {
  type: 'Exact' | 'PathPrefix' | 'RegularExpression'
  value: string
}

/** A header, query parameter or cookie condition (EG ir.StringMatch; Suffix only for GRPCRoute method-only). */
export interface StringCondition {
  name: string
  type: 'Exact' | 'RegularExpression' | 'Suffix'
  value: string
}

export type PathModifier =
  | {type: 'ReplaceFullPath'; value: string}
  | {type: 'ReplacePrefixMatch'; value: string}
  | {type: 'ReplaceRegexMatch'; pattern: string; substitution: string}

export type HostModifier =
  | {type: 'Literal'; value: string}
  | {type: 'Header'; header: string}
  /** Envoy auto_host_rewrite: the endpoint's DNS name; `hostname` when every valid backend of the rule resolves to one. */
  | {type: 'Backend'; hostname?: string}
  | {type: 'PathRegex'; pattern: string; substitution: string}

/** What Envoy does once the route matched (EG buildXdsRoute: direct response > redirect > forward). */
export type RouteAction =
  | {type: 'direct'; status: number; body?: string; reason: string}
  | {
      type: 'redirect'
      scheme?: string
      hostname?: string
      path?: PathModifier
      /** Already resolved per listener as processHTTPRouteParentRefListener does; 80/443 are left out of Location. */
      port: number
      statusCode: number
    }
  | {type: 'forward'; backends: BackendShare[]; path?: PathModifier; host?: HostModifier; appendXForwardedHost: boolean}

/** One xDS route: one match of one rule of one route, on one virtual host of one listener. */
export interface RouteEntry {
  route: RouteRef
  ruleIndex: number
  /** Index of the match in the rule (after the HTTPRouteFilter cookie cross product); -1 for a rule without matches. */
  matchIndex: number
  ruleName?: string
  /** The implicit CORS preflight route EG adds beside a method match (route.go processHTTPRouteRule). */
  corsPreflight?: boolean
  path?: PathCondition
  headers: StringCondition[]
  queryParams: StringCondition[]
  cookies: StringCondition[]
  action: RouteAction
  requestHeaders?: HeaderChanges
  responseHeaders?: HeaderChanges
  /** RequestMirror targets: they receive copies, the outcome ignores them. */
  mirrors: string[]
  /** Whether the route had a creationTimestamp (without one, ties fall to namespace/name order). */
  timestamped: boolean
  notes: string[]
}

/** ClientTrafficPolicy `path` settings as the HTTP connection manager applies them (EG listener.go defaults). */
export interface PathSettings {
  mergeSlashes: boolean
  escapedSlashesAction: 'KeepUnchanged' | 'RejectRequest' | 'UnescapeAndRedirect' | 'UnescapeAndForward'
}

export interface VirtualHost {
  /** Envoy domain: an exact host, `*.suffix`, or `*`. */
  domain: string
  listener: ListenerRef
  entries: RouteEntry[]
}

/** One Envoy route configuration: the virtual hosts of an HTTP port, or of one HTTPS filter chain. */
export interface RouteTable {
  virtualHosts: VirtualHost[]
  settings: PathSettings
  /**
   * The table's last virtual host lookup (gateway-match.ts selectVirtualHost): probes come host by host. Its Host
   * header and the length of virtualHosts then (the answer stands while the list has not grown).
   */
  lastLookup?: {host: string; length: number; found: VirtualHost | undefined}
}

/** An HTTPS (terminate) or TLS passthrough filter chain, selected by SNI. */
export interface FilterChain {
  /** server_names; empty matches any SNI (and none). */
  serverNames: string[]
  listener: ListenerRef
  table?: RouteTable
  passthrough?: {route: RouteRef; backends: BackendShare[]; terminated: boolean}
}

export interface PortPlane {
  port: number
  /** HTTP listeners on the port share one route configuration (EG processHTTPListenerXdsTranslation). */
  plain?: RouteTable
  plainListeners: ListenerRef[]
  chains: FilterChain[]
}

/** One Gateway: its own Envoy fleet and address. */
export interface GatewayPlane {
  gateway: string
  ports: Map<number, PortPlane>
}

export interface GatewayModel {
  gateways: GatewayPlane[]
  /** What the model found and could not (or would not) serve: rejected rules, listeners, assumptions made. */
  notes: string[]
}

/** A route entry that matched too but lost only by order: route age, then namespace/name (EG resource.go Sort). */
export interface TiedEntry {
  route: RouteRef
  ruleIndex: number
  matchIndex: number
}

export interface GatewayDecision {
  gateway: string
  listener?: ListenerRef
  /** The virtual host domain that took the request. */
  virtualHost?: string
  route?: RouteRef
  ruleIndex?: number
  matchIndex?: number
  ruleName?: string
  tiedWith: TiedEntry[]
  /** Whether the winner over `tiedWith` was decided without creation timestamps (namespace/name order assumed). */
  orderAssumed: boolean
  /** A condition on the way could not be evaluated (a regular expression this emulation does not cover). */
  uncertain: boolean
  notes: string[]
}

export interface GatewayOutcome extends Outcome {
  gateway: GatewayDecision
}
