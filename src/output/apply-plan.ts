/**
 * The apply plan, pure: the order objects are applied in, what each route needs applied before it, the objects a
 * namespace-scoped run would write outside its namespace, and the part of a live shared Gateway ingress2gw sends.
 *
 * Order: Namespaces (the admission label), then everything a route needs (ReferenceGrants, Backends,
 * HTTPRouteFilters, policies, cert-manager objects), then the Gateway, then the routes. Envoy Gateway accepts a
 * policy whose target does not exist yet: the route is simply not found and the policy attaches when it appears
 * (internal/gatewayapi/securitypolicy.go resolveSecurityPolicyRouteTargetRef returns no error for a missing route,
 * and every translation starts over from all resources). A route applied before its SecurityPolicy would be
 * served without its allowlist or authentication until the policy lands; a route whose policy failed would stay so.
 */
import type {KubeObject} from '../model/types.js'
import {placeholdersOf} from '../translate/substitution.js'

const ROUTE_KINDS = new Set(['HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute'])
const GATEWAY_GROUP = 'gateway.networking.k8s.io'
const EG_GROUP = 'gateway.envoyproxy.io'

/** Kinds ingress2gw never creates, changes or deletes. */
export const REFUSED_KINDS = new Set(['Ingress', 'Service', 'Secret'])

export const STEP_NAMESPACES = 0
export const STEP_DEPENDENCIES = 1
export const STEP_GATEWAYS = 2
export const STEP_ROUTES = 3
export const STEP_REFUSED = 4

type Obj = Record<string, any>

function groupOf(apiVersion: string): string {
  const i = apiVersion.indexOf('/')
  return i < 0 ? '' : apiVersion.slice(0, i)
}

/** kubectl's `<kind>.<group>/<name>` (just `<kind>/<name>` for the core group). */
export function resourceString(o: KubeObject): string {
  const group = groupOf(o.apiVersion)
  return `${o.kind.toLowerCase()}${group ? '.' + group : ''}/${o.metadata.name}`
}

export function isRoute(o: KubeObject): boolean {
  return ROUTE_KINDS.has(o.kind) && groupOf(o.apiVersion) === GATEWAY_GROUP
}

/** Dependency step of an object (lower first). */
export function applyStep(o: KubeObject): number {
  if (REFUSED_KINDS.has(o.kind)) return STEP_REFUSED
  if (o.kind === 'Namespace') return STEP_NAMESPACES
  if (o.kind === 'Gateway') return STEP_GATEWAYS
  if (isRoute(o)) return STEP_ROUTES
  return STEP_DEPENDENCIES
}

/** Objects in apply order (stable within a step). */
export function orderForApply(objects: KubeObject[]): KubeObject[] {
  return objects
    .map((o, i) => ({o, i, step: applyStep(o)}))
    .sort((a, b) => a.step - b.step || a.i - b.i)
    .map((x) => x.o)
}

function refList(spec: Obj | undefined): Obj[] {
  if (!spec) return []
  return [...(spec.targetRef ? [spec.targetRef] : []), ...(Array.isArray(spec.targetRefs) ? spec.targetRefs : [])].filter((r) => r && typeof r === 'object')
}

function key(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`
}

/** Backend references of a route: its rules' backendRefs and mirror filters' backendRef. */
function routeBackendRefs(route: KubeObject): Obj[] {
  const out: Obj[] = []
  for (const rule of Array.isArray(route.spec?.rules) ? route.spec.rules : []) {
    for (const b of rule?.backendRefs ?? []) out.push(b)
    for (const f of rule?.filters ?? []) if (f?.requestMirror?.backendRef) out.push(f.requestMirror.backendRef)
    for (const b of rule?.backendRefs ?? []) for (const f of b?.filters ?? []) if (f?.requestMirror?.backendRef) out.push(f.requestMirror.backendRef)
  }
  return out
}

function routeFilterNames(route: KubeObject): string[] {
  const out: string[] = []
  for (const rule of Array.isArray(route.spec?.rules) ? route.spec.rules : []) {
    const filters = [...(rule?.filters ?? []), ...(rule?.backendRefs ?? []).flatMap((b: Obj) => b?.filters ?? [])]
    for (const f of filters) if (f?.type === 'ExtensionRef' && f.extensionRef?.kind === 'HTTPRouteFilter') out.push(f.extensionRef.name)
  }
  return out
}

function grantAllows(grant: KubeObject, fromKind: string, fromNamespace: string, to: Obj): boolean {
  const from = (grant.spec?.from ?? []).some((f: Obj) => f?.kind === fromKind && f?.namespace === fromNamespace)
  const toKind = to.kind ?? 'Service'
  const toGroup = to.group ?? ''
  const target = (grant.spec?.to ?? []).some((t: Obj) => t?.kind === toKind && (t?.group ?? '') === toGroup && (t?.name === undefined || t.name === to.name))
  return from && target
}

/**
 * For each route and Gateway (index into `objects`), the indices of the objects in the same plan it must not be applied
 * without: policies targeting it or its Gateway, its HTTPRouteFilters and Backends, the BackendTLSPolicies of its
 * backend Services, and the ReferenceGrants its cross-namespace backends need. A route whose dependency failed stays unapplied: live without its policy it would
 * be unprotected (SecurityPolicy) or answer 500 (a missing filter, Backend or grant).
 */
export function routeDependencies(objects: KubeObject[]): Map<number, number[]> {
  const byKey = new Map<string, number>()
  const targeting = new Map<string, number[]>()
  const grants: number[] = []
  objects.forEach((o, i) => {
    byKey.set(key(o.kind, o.metadata.namespace, o.metadata.name), i)
    if (o.kind === 'ReferenceGrant') grants.push(i)
    for (const r of refList(o.spec)) {
      if (typeof r.kind !== 'string' || typeof r.name !== 'string') continue
      const k = key(r.kind, r.namespace ?? o.metadata.namespace, r.name)
      targeting.set(k, [...(targeting.get(k) ?? []), i])
    }
  })
  const deps = new Map<number, number[]>()
  objects.forEach((o, i) => {
    // A Gateway waits for the policies that target it (any listener): applied without them it would serve the
    // routes attached to it later (by another run, whose plan does not hold the Gateway's policies) without them.
    if (o.kind !== 'Gateway' || groupOf(o.apiVersion) !== GATEWAY_GROUP) return
    const need = (targeting.get(key('Gateway', o.metadata.namespace, o.metadata.name)) ?? []).filter((j) => j !== i)
    if (need.length > 0) deps.set(i, [...new Set(need)].sort((a, b) => a - b))
  })
  objects.forEach((route, i) => {
    if (!isRoute(route)) return
    const ns = route.metadata.namespace
    const need = new Set<number>(targeting.get(key(route.kind, ns, route.metadata.name)) ?? [])
    for (const p of route.spec?.parentRefs ?? []) {
      if ((p?.kind ?? 'Gateway') !== 'Gateway' || typeof p?.name !== 'string') continue
      for (const j of targeting.get(key('Gateway', p.namespace ?? ns, p.name)) ?? []) need.add(j)
    }
    for (const name of routeFilterNames(route)) {
      const j = byKey.get(key('HTTPRouteFilter', ns, name))
      if (j !== undefined) need.add(j)
    }
    for (const b of routeBackendRefs(route)) {
      // A BackendTLSPolicy on a backend Service: without it Envoy would speak cleartext to that backend.
      if ((b?.kind ?? 'Service') === 'Service' && (b?.group ?? '') === '' && typeof b?.name === 'string') {
        for (const j of targeting.get(key('Service', b.namespace ?? ns, b.name)) ?? []) need.add(j)
      }
      if (b?.kind === 'Backend' && (b.group ?? '') === EG_GROUP) {
        const j = byKey.get(key('Backend', b.namespace ?? ns, b.name))
        if (j !== undefined) need.add(j)
      }
      if (typeof b?.namespace === 'string' && b.namespace !== ns) {
        for (const g of grants) if (objects[g].metadata.namespace === b.namespace && grantAllows(objects[g], route.kind, ns!, b)) need.add(g)
      }
    }
    // The grants that let a policy the route needs reach into another namespace (a SecurityPolicy's ext-auth
    // Service): without them Envoy Gateway answers 500 on the route (securitypolicy.go, fail closed).
    for (const j of [...need]) {
      const from = objects[j]
      if (from.kind === 'ReferenceGrant') continue
      for (const g of grants) if ((objects[g].spec?.from ?? []).some((f: Obj) => f?.kind === from.kind && f?.namespace === from.metadata.namespace)) need.add(g)
    }
    need.delete(i)
    if (need.size > 0) deps.set(i, [...need].sort((a, b) => a - b))
  })
  return deps
}

/**
 * The objects a run scoped to `namespace` would write elsewhere: namespaced objects of another namespace,
 * Namespaces other than it (labels), and cluster-scoped objects. kubectl refuses `apply -n X` of an object in
 * another namespace ("the namespace from the provided object ... does not match"); so does apply, unless they are
 * allowed explicitly.
 */
/**
 * Objects of the plan that keep Flux `${VAR}` placeholders (translate/substitution.ts placeholdersOf), with the
 * placeholders each keeps: the API server would store them as literal text (a hostname "app.${DOMAIN}" matches no
 * request), so they belong to Flux's post-build substitution, not to a direct apply.
 */
export function withPlaceholders(objects: KubeObject[]): {object: KubeObject; placeholders: string[]}[] {
  return objects.flatMap((object) => {
    const placeholders = placeholdersOf(object)
    return placeholders.length > 0 ? [{object, placeholders}] : []
  })
}

export function outsideNamespace(objects: KubeObject[], namespace: string): KubeObject[] {
  return objects.filter((o) => {
    if (REFUSED_KINDS.has(o.kind)) return false
    if (o.kind === 'Namespace') return o.metadata.name !== namespace
    return o.metadata.namespace !== namespace
  })
}

function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep)
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortDeep((v as Obj)[k])]))
  return v
}

export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortDeep(a)) === JSON.stringify(sortDeep(b))
}

/**
 * What server-side apply sends for a shared Gateway that already exists: ingress2gw's part only. A spec field or
 * listener is sent when the live Gateway lacks it, when ingress2gw applied it before (managedFields), or when the
 * output changes it (our certificates added to a listener); listeners and fields that another owner (Helm, the
 * platform team) set and the output leaves as they are (the union kept them) are left out, so ingress2gw never
 * becomes their co-owner and their owner can still remove them. `gatewayClassName` of a live Gateway is therefore
 * not sent (the union keeps the live class). Listeners are a map keyed by name in the Gateway CRD
 * (`x-kubernetes-list-type: map`), so leaving one out does not remove it.
 */
export function gatewayApplyShape(desired: KubeObject, live: KubeObject | undefined, owned: Obj | undefined): KubeObject {
  if (!live) return desired
  const ownedSpec: Obj = owned?.['f:spec'] ?? {}
  const liveSpec: Obj = live.spec ?? {}
  const spec: Obj = {}
  for (const [field, value] of Object.entries(desired.spec ?? {})) {
    if (field === 'listeners') continue
    if (liveSpec[field] === undefined || `f:${field}` in ownedSpec || !sameValue(liveSpec[field], value)) spec[field] = value
  }
  const ownedListeners: Obj = ownedSpec['f:listeners'] ?? {}
  const liveListeners: Obj[] = Array.isArray(liveSpec.listeners) ? liveSpec.listeners : []
  const listeners = (desired.spec?.listeners ?? []).filter((l: Obj) => {
    const current = liveListeners.find((x) => x?.name === l.name)
    return !current || `k:${JSON.stringify({name: l.name})}` in ownedListeners || !sameValue(current, l)
  })
  if (listeners.length > 0) spec.listeners = listeners
  return {...desired, spec}
}
