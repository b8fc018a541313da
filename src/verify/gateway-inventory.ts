/**
 * The objects the Envoy Gateway model reads, indexed and defaulted the way the API server and Envoy Gateway see
 * them: CRD schema defaults applied (HTTPRoute matches `PathPrefix /`, redirect code 302, weight 1, ...), routes
 * and Gateways sorted by creationTimestamp then namespace then name (EG internal/gatewayapi/resource/resource.go
 * Resources.Sort), ReferenceGrants checked as EG's isCrossNamespaceReferencePermitted does (helpers.go).
 */
import type {KubeObject} from '../model/types.js'
import {compareStrings} from '../util/hash.js'
import {compareCreation, creationSecond} from '../util/timestamp.js'

export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io'
export const EG_GROUP = 'gateway.envoyproxy.io'

export interface ModelOptions {
  /**
   * The input holds every Service and Namespace the routes refer to (a live cluster read, say). When false (the
   * default: converted output rarely carries Services), a Service or Namespace missing from the input is assumed to
   * exist, with the port the route names and the labels the listener requires, and the outcome says so.
   */
  completeInventory?: boolean
  /** Only Gateways of these GatewayClasses are modelled (default: every Gateway in the input). */
  gatewayClassNames?: string[]
}

export interface Inventory {
  gateways: KubeObject[]
  httpRoutes: KubeObject[]
  grpcRoutes: KubeObject[]
  tlsRoutes: KubeObject[]
  httpRouteFilters: Map<string, KubeObject>
  backends: Map<string, KubeObject>
  services: Map<string, KubeObject>
  namespaceLabels: Map<string, Record<string, string>>
  referenceGrants: KubeObject[]
  clientTrafficPolicies: KubeObject[]
  complete: boolean
}

export function key(namespace: string, name: string): string {
  return `${namespace}/${name}`
}

export function namespaceOf(object: KubeObject): string {
  return object.metadata.namespace ?? 'default'
}

/** Index the input; objects of kinds the model does not read are ignored. */
export function buildInventory(objects: KubeObject[], options: ModelOptions): Inventory {
  const inventory: Inventory = {
    gateways: [], httpRoutes: [], grpcRoutes: [], tlsRoutes: [], httpRouteFilters: new Map(), backends: new Map(),
    services: new Map(), namespaceLabels: new Map(), referenceGrants: [], clientTrafficPolicies: [],
    complete: options.completeInventory ?? false,
  }
  for (const object of objects) {
    const slash = object.apiVersion.indexOf('/')
    const group = slash === -1 ? '' : object.apiVersion.slice(0, slash)
    // Only the kinds kept by name need the key (most objects of a conversion are routes and policies).
    const at = (): string => key(namespaceOf(object), object.metadata.name)
    if (group === GATEWAY_API_GROUP) {
      if (object.kind === 'Gateway' && gatewayClassSelected(object, options)) inventory.gateways.push(object)
      else if (object.kind === 'HTTPRoute') inventory.httpRoutes.push(object)
      else if (object.kind === 'GRPCRoute') inventory.grpcRoutes.push(object)
      else if (object.kind === 'TLSRoute') inventory.tlsRoutes.push(object)
      else if (object.kind === 'ReferenceGrant') inventory.referenceGrants.push(object)
    } else if (group === EG_GROUP) {
      if (object.kind === 'HTTPRouteFilter') inventory.httpRouteFilters.set(at(), object)
      else if (object.kind === 'Backend') inventory.backends.set(at(), object)
      else if (object.kind === 'ClientTrafficPolicy') inventory.clientTrafficPolicies.push(object)
    } else if (group === '' && object.kind === 'Service') {
      inventory.services.set(at(), object)
    } else if (group === '' && object.kind === 'Namespace') {
      // Namespaces carry the well-known name label the API server adds (Kubernetes >= 1.21).
      inventory.namespaceLabels.set(object.metadata.name, {...object.metadata.labels, 'kubernetes.io/metadata.name': object.metadata.name})
    }
  }
  for (const list of [inventory.gateways, inventory.httpRoutes, inventory.grpcRoutes, inventory.tlsRoutes, inventory.clientTrafficPolicies]) {
    list.sort(byAgeThenName)
  }
  return inventory
}

function gatewayClassSelected(gateway: KubeObject, options: ModelOptions): boolean {
  return options.gatewayClassNames === undefined || options.gatewayClassNames.includes(gateway.spec?.gatewayClassName)
}

/**
 * Oldest first, then namespace, then name (resource.go Sort). An object without creationTimestamp (converter
 * output not yet applied) would be created after everything already in the cluster, so it sorts as the newest.
 */
export function byAgeThenName(a: KubeObject, b: KubeObject): number {
  // metav1.Time Equal/Before compare instants, at the second the API server keeps (util/timestamp.ts).
  return compareCreation(creationSecond(a.metadata.creationTimestamp), creationSecond(b.metadata.creationTimestamp))
    || compareStrings(namespaceOf(a), namespaceOf(b)) || compareStrings(a.metadata.name, b.metadata.name)
}

export function hasTimestamp(object: KubeObject): boolean {
  return creationSecond(object.metadata.creationTimestamp) !== undefined
}

/** EG isCrossNamespaceReferencePermitted: a ReferenceGrant in the target namespace admits the reference. */
export function referencePermitted(
  inventory: Inventory,
  from: {group: string; kind: string; namespace: string},
  to: {group: string; kind: string; namespace: string; name: string},
): boolean {
  return grantsIn(inventory, to.namespace).some((grant) => {
    const fromOk = (grant.spec?.from ?? []).some((f: any) => f.group === from.group && f.kind === from.kind && f.namespace === from.namespace)
    const toOk = (grant.spec?.to ?? []).some((t: any) => (t.group ?? '') === to.group && t.kind === to.kind && (t.name === undefined || t.name === '' || t.name === to.name))
    return fromOk && toOk
  })
}

const grantsByNamespace = new WeakMap<KubeObject[], {length: number; byNamespace: Map<string, KubeObject[]>}>()

/** The ReferenceGrants of one namespace, indexed once (a Gateway with a certificate per host checks thousands). */
function grantsIn(inventory: Inventory, namespace: string): KubeObject[] {
  let cached = grantsByNamespace.get(inventory.referenceGrants)
  if (cached === undefined || cached.length !== inventory.referenceGrants.length) {
    cached = {length: inventory.referenceGrants.length, byNamespace: new Map()}
    for (const grant of inventory.referenceGrants) {
      const list = cached.byNamespace.get(namespaceOf(grant)) ?? []
      list.push(grant)
      cached.byNamespace.set(namespaceOf(grant), list)
    }
    grantsByNamespace.set(inventory.referenceGrants, cached)
  }
  return cached.byNamespace.get(namespace) ?? []
}

/** A parentRef with its CRD defaults (group gateway.networking.k8s.io, kind Gateway, namespace of the route). */
export interface ParentRef {
  group: string
  kind: string
  namespace: string
  name: string
  sectionName?: string
  port?: number
}

export function parentRefs(route: KubeObject): ParentRef[] {
  return (route.spec?.parentRefs ?? []).map((ref: any) => ({
    group: ref.group ?? GATEWAY_API_GROUP,
    kind: ref.kind ?? 'Gateway',
    namespace: ref.namespace ?? namespaceOf(route),
    name: ref.name,
    sectionName: ref.sectionName,
    port: ref.port,
  }))
}

/** A backendRef with its CRD defaults (group "", kind Service, weight 1, namespace of the route). */
export interface BackendRefSpec {
  group: string
  kind: string
  namespace: string
  name: string
  port?: number
  weight: number
  filters: any[]
}

export function backendRefs(rule: any, routeNamespace: string): BackendRefSpec[] {
  return (rule?.backendRefs ?? []).map((ref: any) => ({
    group: ref.group ?? '',
    kind: ref.kind ?? 'Service',
    namespace: ref.namespace ?? routeNamespace,
    name: ref.name,
    port: ref.port,
    weight: ref.weight ?? 1,
    filters: ref.filters ?? [],
  }))
}

const DEFAULT_PATH = {type: 'PathPrefix', value: '/'}

/** The rule already has what the defaults fill in (as converted routes do): it is read as it is, uncopied. */
function hasDefaults(rule: any): boolean {
  return Array.isArray(rule.matches) && rule.matches.every((match: any) => match.path?.type != null && match.path.value != null)
}

/** HTTPRoute spec.rules with the CRD defaults: no rules -> one rule matching `/`; no matches -> `PathPrefix /`. */
export function httpRouteRules(route: KubeObject): any[] {
  const rules = route.spec?.rules ?? [{matches: [{path: DEFAULT_PATH}]}]
  return rules.map((rule: any) => (hasDefaults(rule) ? rule : {
    ...rule,
    matches: rule.matches === undefined
      ? [{path: DEFAULT_PATH}]
      : rule.matches.map((match: any) => ({
          ...match,
          path: match.path === undefined ? DEFAULT_PATH : {type: match.path.type ?? 'PathPrefix', value: match.path.value ?? '/'},
        })),
  }))
}
