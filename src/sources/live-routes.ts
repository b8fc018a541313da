/**
 * verify --live-routes: the Gateway side read from the cluster as it serves now, instead of a fresh conversion.
 * Lists, in the scope of the command (-n, else the context's namespace; -A: every namespace), every object the
 * Envoy Gateway model reads (src/verify/gateway-inventory.ts buildInventory): HTTPRoutes, GRPCRoutes, TLSRoutes,
 * Gateways, ReferenceGrants, Envoy Gateway HTTPRouteFilters, Backends and ClientTrafficPolicies, and Services. All
 * routes count, not only ingress2gw's: another team's route on the same Gateway and host changes what users get.
 * Outside the scope it reads only what those routes reference: their parent Gateways (by name) with the
 * ClientTrafficPolicies of the Gateways' namespaces, and the Services, Backends and ReferenceGrants of the namespaces
 * their cross-namespace backendRefs and certificateRefs name. Namespaces are read for their labels (allowedRoutes
 * selectors). Read-only; Secrets are never read (a certificateRef's Secret is taken to exist).
 */
import {served} from './served-version.js'
import {compareStrings} from '../util/hash.js'
import type {KubeObject, NamespacedName} from '../model/types.js'
import {ApiError, type ClusterClient, ClusterError, forbiddenMessage, resourcePath, ResourceMapper, type RequestIntent} from './cluster.js'
import {pushAll} from '../util/arrays.js'

const GW = 'gateway.networking.k8s.io'
const EG = 'gateway.envoyproxy.io'

interface LiveKind {
  group: string
  versions: string[]
  kind: string
}

const ROUTE_KINDS: LiveKind[] = [
  {group: GW, versions: ['v1'], kind: 'HTTPRoute'},
  {group: GW, versions: ['v1'], kind: 'GRPCRoute'},
  // TLSRoute is v1alpha2 before Gateway API v1.5.
  {group: GW, versions: ['v1', 'v1alpha2'], kind: 'TLSRoute'},
]
const GATEWAY: LiveKind = {group: GW, versions: ['v1'], kind: 'Gateway'}
const CLIENT_TRAFFIC_POLICY: LiveKind = {group: EG, versions: ['v1alpha1'], kind: 'ClientTrafficPolicy'}
const HTTP_ROUTE_FILTER: LiveKind = {group: EG, versions: ['v1alpha1'], kind: 'HTTPRouteFilter'}
/** What a cross-namespace reference needs in the namespace it points into. */
const REFERENCED: LiveKind[] = [
  {group: GW, versions: ['v1', 'v1beta1'], kind: 'ReferenceGrant'},
  {group: EG, versions: ['v1alpha1'], kind: 'Backend'},
  {group: '', versions: ['v1'], kind: 'Service'},
]

export interface LiveRoutesOptions {
  allNamespaces: boolean
  /** The Gateways the conversion attaches to (--gateway, --gateway-for): read even when no live route names them. */
  gateways: NamespacedName[]
}

export interface LiveRoutesRead {
  objects: KubeObject[]
  /**
   * Every Service and Namespace the routes refer to was read (or is known not to exist): the model may then treat a
   * missing one as missing (a 500 from Envoy Gateway, a route not admitted) instead of assuming it exists.
   */
  complete: boolean
  notes: string[]
  /** "context \"prod\", namespace shop" or "context \"prod\", all namespaces". */
  where: string
}

type Scope = string | undefined

/** Lists and gets with the RBAC wording of convert's reads; the kinds resolved once through discovery. */
class Reader {
  private readonly mapper: ResourceMapper
  private readonly resolved = new Map<string, Promise<{apiVersion: string; plural: string} | undefined>>()

  constructor(readonly client: ClusterClient) {
    this.mapper = new ResourceMapper(client)
  }

  resolve(k: LiveKind): Promise<{apiVersion: string; plural: string} | undefined> {
    let p = this.resolved.get(k.kind)
    if (p === undefined) {
      p = k.group === '' ? Promise.resolve({apiVersion: 'v1', plural: `${k.kind.toLowerCase()}s`}) : served(this.mapper, k.group, k.versions, k.kind)
      this.resolved.set(k.kind, p)
    }
    return p
  }

  /** Every object of a kind in a namespace (undefined: all); none when the cluster does not serve the kind. */
  async list(k: LiveKind, namespace: Scope): Promise<KubeObject[]> {
    const s = await this.resolve(k)
    if (s === undefined) return []
    try {
      return await this.client.listAll(s.apiVersion, k.kind, s.plural, {namespace})
    } catch (err) {
      throw readError({verb: 'list', group: k.group, resource: s.plural, namespace}, err)
    }
  }

  /** One object by name, undefined when it does not exist or its kind is not served. */
  async get(k: LiveKind, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
    const s = await this.resolve(k)
    if (s === undefined) return undefined
    try {
      const o = await this.client.getOptional(resourcePath(s.apiVersion, s.plural, namespace, name))
      if (o?.metadata) delete o.metadata.managedFields
      return o === undefined ? undefined : {apiVersion: s.apiVersion, kind: k.kind, ...o}
    } catch (err) {
      throw readError({verb: 'get', group: k.group, resource: s.plural, namespace, name}, err)
    }
  }
}

function readError(intent: RequestIntent, err: unknown): unknown {
  if (!(err instanceof ApiError)) return err
  const gr = intent.group ? `${intent.resource}.${intent.group}` : intent.resource
  if (err.code === 403) return new ClusterError(`${forbiddenMessage(intent, err)}; --live-routes reads the Gateway API objects the routes use`)
  return new ClusterError(`${intent.verb} ${gr} failed (${err.code}${err.reason ? ' ' + err.reason : ''}): ${err.message}`)
}

/** Read the live Gateway side (see the module comment). Throws ClusterError when there is nothing to verify against. */
export async function readLiveRoutes(client: ClusterClient, opts: LiveRoutesOptions): Promise<LiveRoutesRead> {
  const scope: Scope = opts.allNamespaces ? undefined : client.namespace
  const where = `context "${client.loaded.context}", ${scope === undefined ? 'all namespaces' : `namespace ${scope}`}`
  const reader = new Reader(client)
  if ((await reader.resolve(ROUTE_KINDS[0]!)) === undefined || (await reader.resolve(GATEWAY)) === undefined) {
    throw new ClusterError(`--live-routes: the API server at ${client.where} does not serve ${GW}/v1 HTTPRoutes and Gateways (Gateway API CRDs not installed): there are no live routes to verify against`)
  }
  const inScope = await Promise.all([...ROUTE_KINDS, GATEWAY, CLIENT_TRAFFIC_POLICY, HTTP_ROUTE_FILTER, ...REFERENCED].map((k) => reader.list(k, scope)))
  const objects = inScope.flat()
  const routes = objects.filter((o) => ROUTE_KINDS.some((k) => k.kind === o.kind))
  if (routes.length === 0) throw new ClusterError(`--live-routes: no HTTPRoute, GRPCRoute or TLSRoute in ${where}: nothing to verify against (is this the cluster and namespace the routes were applied to?)`)
  const notes: string[] = []
  if (scope !== undefined) {
    notes.push(`--live-routes read namespace ${scope} only: routes of other namespaces attached to the same Gateway (which may take a host or path first) are not seen; -A reads them all`)
    await readOutside(reader, scope, routes, opts.gateways, objects, notes)
  }
  if (scope === undefined) {
    const live = new Set(objects.filter((o) => o.kind === 'Gateway').map((g) => `${g.metadata.namespace}/${g.metadata.name}`))
    for (const g of [...referencedGateways(routes, opts.gateways, '').values()].filter((g) => !live.has(`${g.namespace}/${g.name}`))) notes.push(missingGateway(g))
  }
  const namespaces = await readNamespaces(reader, scope, routes, notes)
  pushAll(objects, namespaces.objects)
  const unique = new Map(objects.map((o) => [`${o.kind}\u0000${o.metadata.namespace ?? ''}\u0000${o.metadata.name}`, o]))
  const sorted = [...unique.entries()].sort(([a], [b]) => compareStrings(a, b)).map(([, o]) => o)
  return {objects: sorted, complete: namespaces.complete, notes, where}
}

/**
 * What the routes of `scope` reference in other namespaces: their Gateways (and those of the flags) with the
 * ClientTrafficPolicies beside them, and the Services, Backends and ReferenceGrants of the namespaces that
 * cross-namespace backendRefs and Gateway certificateRefs point into.
 */
async function readOutside(reader: Reader, scope: string, routes: KubeObject[], flagged: NamespacedName[], objects: KubeObject[], notes: string[]): Promise<void> {
  const gateways = referencedGateways(routes, flagged, scope)
  const outside = [...gateways.values()].filter((g) => g.namespace !== scope).sort((a, b) => compareStrings(`${a.namespace}/${a.name}`, `${b.namespace}/${b.name}`))
  const found = await Promise.all(outside.map((g) => reader.get(GATEWAY, g.namespace, g.name)))
  outside.forEach((g, i) => {
    const gateway = found[i]
    if (gateway === undefined) notes.push(missingGateway(g))
    else objects.push(gateway)
  })
  const gatewayNamespaces = [...new Set(outside.filter((_, i) => found[i] !== undefined).map((g) => g.namespace))].sort(compareStrings)
  pushAll(objects, (await Promise.all(gatewayNamespaces.map((ns) => reader.list(CLIENT_TRAFFIC_POLICY, ns)))).flat())
  const referenced = new Set<string>()
  for (const route of routes) {
    for (const rule of route.spec?.rules ?? []) {
      for (const b of rule.backendRefs ?? []) if (typeof b.namespace === 'string') referenced.add(b.namespace)
    }
  }
  for (const gateway of objects.filter((o) => o.kind === 'Gateway')) {
    for (const l of gateway.spec?.listeners ?? []) for (const c of l.tls?.certificateRefs ?? []) referenced.add(c.namespace ?? gateway.metadata.namespace ?? scope)
  }
  referenced.delete(scope)
  for (const ns of [...referenced].sort(compareStrings)) pushAll(objects, (await Promise.all(REFERENCED.map((k) => reader.list(k, ns)))).flat())
}

/** The Gateways the routes' parentRefs name, and those of the flags, by `namespace/name`. */
function referencedGateways(routes: KubeObject[], flagged: NamespacedName[], scope: string): Map<string, NamespacedName> {
  const gateways = new Map<string, NamespacedName>()
  for (const g of flagged) gateways.set(`${g.namespace}/${g.name}`, g)
  for (const route of routes) {
    for (const p of route.spec?.parentRefs ?? []) {
      if ((p.group ?? GW) !== GW || (p.kind ?? 'Gateway') !== 'Gateway') continue
      const namespace = p.namespace ?? route.metadata.namespace ?? scope
      gateways.set(`${namespace}/${p.name}`, {namespace, name: p.name})
    }
  }
  return gateways
}

function missingGateway(g: NamespacedName): string {
  return `Gateway ${g.namespace}/${g.name} does not exist in the cluster: nothing answers for the routes attached to it`
}

/**
 * The Namespaces' labels, for listeners that admit routes by namespace selector: every Namespace with -A, else
 * those of the routes. A user without access to Namespaces (a team's RoleBinding) gets the model's assumption
 * instead, said in a note, and the inventory is not complete.
 */
async function readNamespaces(reader: Reader, scope: Scope, routes: KubeObject[], notes: string[]): Promise<{objects: KubeObject[]; complete: boolean}> {
  const NAMESPACE: LiveKind = {group: '', versions: ['v1'], kind: 'Namespace'}
  try {
    if (scope === undefined) return {objects: await reader.list(NAMESPACE, undefined), complete: true}
    const names = [...new Set(routes.map((r) => r.metadata.namespace ?? scope))].sort(compareStrings)
    const found = await Promise.all(names.map((n) => reader.get(NAMESPACE, undefined, n)))
    return {objects: found.filter((o): o is KubeObject => o !== undefined), complete: true}
  } catch (err) {
    if (!(err instanceof ClusterError) || !/forbidden/.test(err.message)) throw err
    notes.push(`the Namespaces could not be read (${err.message.split(';')[0]}): listeners that select namespaces by label are assumed to admit the routes, and Services not found are assumed to exist`)
    return {objects: [], complete: false}
  }
}
