/**
 * The objects the compiler emits, typed by kind from the CRDs (src/model/generated/, `npm run types`): an emitter that
 * writes a field the CRD does not have, or a value of the wrong shape, fails tsc instead of the API server.
 */
import type {ObjectMeta} from './types.js'
import type {
  ApiVersionByKind,
  BackendTrafficPolicySpec,
  BackendTrafficPolicySpecTargetRefs,
  GatewaySpecListeners,
  GeneratedKind,
  GRPCRouteSpecRules,
  GRPCRouteSpecRulesFilters,
  GRPCRouteSpecRulesMatches,
  HTTPRouteSpecParentRefs,
  HTTPRouteSpecRules,
  HTTPRouteSpecRulesBackendRefs,
  HTTPRouteSpecRulesFilters,
  HTTPRouteSpecRulesMatches,
  HTTPRouteSpecRulesMatchesPath,
  SecurityPolicySpec,
  SpecByKind,
} from './generated/index.js'

export type {ApiVersionByKind, GeneratedKind, SpecByKind} from './generated/index.js'

/**
 * An emitted object of one kind: `EmittedObject<'HTTPRoute'>`, in an apiVersion the CRD serves (TCPRoute v1alpha2 is
 * not served by the standard channel). Distributed over a union of kinds, so that `EmittedObject<'A' | 'B'>` is an A
 * or a B, never a kind A with B's spec. A type literal, not an interface, so that it is assignable to KubeObject
 * (whose index signature an interface would not satisfy).
 */
export type EmittedObject<K extends GeneratedKind = GeneratedKind> = K extends GeneratedKind
  ? {
      apiVersion: ApiVersionByKind[K]
      kind: K
      metadata: ObjectMeta
      spec: SpecByKind[K]
    }
  : never

/** The namespaces the gateway owner's bundle creates. */
export type NamespaceObject = {apiVersion: 'v1'; kind: 'Namespace'; metadata: ObjectMeta}

/** Any emitted object, discriminated by `kind` (an object literal is checked against its kind's spec). */
export type OutputObject = EmittedObject | NamespaceObject

/** The parts of an HTTPRoute the route emitters assemble. */
export type HTTPRouteRule = HTTPRouteSpecRules
export type HTTPRouteMatch = HTTPRouteSpecRulesMatches
export type HTTPPathMatch = HTTPRouteSpecRulesMatchesPath
export type HTTPRouteFilter = HTTPRouteSpecRulesFilters
export type HTTPBackendRef = HTTPRouteSpecRulesBackendRefs
/** A backendRef without per-backend filters: valid in an HTTPRoute and a GRPCRoute rule alike. */
export type BackendRef = Omit<HTTPRouteSpecRulesBackendRefs, 'filters'>
export type ParentRef = HTTPRouteSpecParentRefs
export type GatewayListener = GatewaySpecListeners
export type GRPCRouteRule = GRPCRouteSpecRules
export type GRPCRouteMatch = GRPCRouteSpecRulesMatches
export type GRPCRouteFilter = GRPCRouteSpecRulesFilters

/** What a policy targets (Envoy Gateway's LocalPolicyTargetReferenceWithSectionName, the same in every policy kind). */
export type PolicyTargetRef = BackendTrafficPolicySpecTargetRefs

/** The policy kinds an Ingress's annotations contribute fragments to (PolicyFragment), and their specs. */
export interface FragmentSpecs {
  BackendTrafficPolicy: BackendTrafficPolicySpec
  SecurityPolicy: SecurityPolicySpec
}

/** The route kinds (a record of role `route` or `passthrough-route` holds one). */
export type RouteKind = Extract<GeneratedKind, 'HTTPRoute' | 'GRPCRoute' | 'TLSRoute'>
export function isRoute(o: OutputObject): o is EmittedObject<RouteKind> {
  return o.kind === 'HTTPRoute' || o.kind === 'GRPCRoute' || o.kind === 'TLSRoute'
}

/** The policy kinds that merge with a Gateway-level policy of their kind (policy-passes.ts mergeWithGatewayPolicies). */
export type MergingPolicyKind = Extract<GeneratedKind, 'BackendTrafficPolicy' | 'SecurityPolicy' | 'ClientTrafficPolicy'>
export function isMergingPolicy(o: OutputObject): o is EmittedObject<MergingPolicyKind> {
  return o.kind === 'BackendTrafficPolicy' || o.kind === 'SecurityPolicy' || o.kind === 'ClientTrafficPolicy'
}
