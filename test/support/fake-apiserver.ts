/**
 * A local Kubernetes API test server on 127.0.0.1 (plain http; the kubeconfig it writes sets
 * `insecure-skip-tls-verify: true`, without which client-node refuses http servers).
 *
 * It implements what ingress2gw and kubectl use, with the wire shapes of a real API server:
 * - discovery: /version, /api, /apis, /api/v1, /apis/<group>/<version> (APIResourceList); /openapi/* is 404
 *   (kubectl then falls back to what it can do without it);
 * - list (namespaced and all-namespaces) with labelSelector, fieldSelector (metadata.name/namespace), limit and
 *   continue; items of built-in groups come without apiVersion/kind, as from a real server; `as=Table` for kubectl;
 * - get; server-side apply PATCH (`application/apply-patch+yaml`, fieldManager, force, dryRun=All) with a
 *   per-leaf-field owner model (maps recurse; lists are atomic, except those a resource declares as
 *   `x-kubernetes-list-type: map` in `mapLists`, whose items are merged by key, as Gateway listeners by name),
 *   409 conflicts worded like the real one, 201 on create, no resourceVersion bump on a no-op; merge-patch PATCH;
 *   POST create;
 * - JSON patch (RFC 6902: add, remove, replace, move, copy, test; a failed op is 422 with the real server's generic
 *   message) and merge patch with a resourceVersion precondition (a patched resourceVersion that is not the
 *   stored one is a 409 Conflict worded like the real one);
 * - status subresources: GET/PATCH `.../<name>/status` change only `status`; writes to the main resource keep the
 *   stored status (as for every built-in and CRD with `subresources.status`); `setStatus` for tests;
 * - injectable failures: bearer-token auth (401), RBAC-style denials (403 with the real Status wording), any
 *   status on a matching request; unknown resources are 404.
 * Every request is recorded (method, path, query, headers, body) so tests can assert pagination and parameters.
 */
import http from 'node:http'
import {randomUUID} from 'node:crypto'
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import jsYaml from 'js-yaml'

export interface FakeResource {
  group: string
  versions: string[]
  kind: string
  plural: string
  namespaced: boolean
  shortNames?: string[]
  /** Built-in types are listed without apiVersion/kind per item, as a real API server does. */
  builtin?: boolean
  /**
   * Lists the CRD marks `x-kubernetes-list-type: map`, by dotted path -> key field: server-side apply merges their
   * items by key (each manager owns the items it applies) instead of replacing the whole list.
   */
  mapLists?: Record<string, string>
}

export interface RecordedRequest {
  method: string
  path: string
  query: Record<string, string>
  headers: http.IncomingHttpHeaders
  body?: string
  status?: number
}

export interface Denial {
  verb: string
  group: string
  resource: string
  /** Undefined: denied everywhere. A namespace: denied only there. */
  namespace?: string
}

export interface Injection {
  method?: string
  /** Exact path or a regular expression tested against the path. */
  path: string | RegExp
  status: number
  reason?: string
  message?: string
  /** How many times to fire; undefined = always. */
  times?: number
}

export type Obj = Record<string, any>

export const CORE_RESOURCES: FakeResource[] = [
  {group: '', versions: ['v1'], kind: 'Namespace', plural: 'namespaces', namespaced: false, shortNames: ['ns'], builtin: true},
  {group: '', versions: ['v1'], kind: 'Service', plural: 'services', namespaced: true, shortNames: ['svc'], builtin: true},
  {group: '', versions: ['v1'], kind: 'ConfigMap', plural: 'configmaps', namespaced: true, shortNames: ['cm'], builtin: true},
  {group: '', versions: ['v1'], kind: 'Secret', plural: 'secrets', namespaced: true, builtin: true},
  {group: 'networking.k8s.io', versions: ['v1'], kind: 'Ingress', plural: 'ingresses', namespaced: true, shortNames: ['ing'], builtin: true},
  {group: 'networking.k8s.io', versions: ['v1'], kind: 'IngressClass', plural: 'ingressclasses', namespaced: false, builtin: true},
  {group: 'apps', versions: ['v1'], kind: 'Deployment', plural: 'deployments', namespaced: true, shortNames: ['deploy'], builtin: true},
  {group: 'apps', versions: ['v1'], kind: 'DaemonSet', plural: 'daemonsets', namespaced: true, shortNames: ['ds'], builtin: true},
]

const GW = 'gateway.networking.k8s.io'
/** Gateway CRD (v1.6 standard): spec.listeners is `x-kubernetes-list-type: map` keyed by name; certificateRefs is atomic. */
const GATEWAY_MAP_LISTS = {'spec.listeners': 'name'}
/** Gateway API v1.6 standard channel. */
export const GATEWAY_API_RESOURCES: FakeResource[] = [
  {group: GW, versions: ['v1'], kind: 'GatewayClass', plural: 'gatewayclasses', namespaced: false},
  {group: GW, versions: ['v1'], kind: 'Gateway', plural: 'gateways', namespaced: true, mapLists: GATEWAY_MAP_LISTS},
  {group: GW, versions: ['v1', 'v1beta1'], kind: 'HTTPRoute', plural: 'httproutes', namespaced: true},
  {group: GW, versions: ['v1'], kind: 'GRPCRoute', plural: 'grpcroutes', namespaced: true},
  {group: GW, versions: ['v1', 'v1beta1'], kind: 'ReferenceGrant', plural: 'referencegrants', namespaced: true},
  {group: GW, versions: ['v1'], kind: 'BackendTLSPolicy', plural: 'backendtlspolicies', namespaced: true},
  {group: GW, versions: ['v1'], kind: 'TLSRoute', plural: 'tlsroutes', namespaced: true},
  {group: GW, versions: ['v1'], kind: 'TCPRoute', plural: 'tcproutes', namespaced: true},
  {group: GW, versions: ['v1'], kind: 'UDPRoute', plural: 'udproutes', namespaced: true},
]
/** Gateway API v1.2 standard channel: ReferenceGrant only v1beta1, no BackendTLSPolicy, no TCP/UDP/TLSRoute. */
export const GATEWAY_API_V1_2_RESOURCES: FakeResource[] = [
  {group: GW, versions: ['v1'], kind: 'GatewayClass', plural: 'gatewayclasses', namespaced: false},
  {group: GW, versions: ['v1'], kind: 'Gateway', plural: 'gateways', namespaced: true, mapLists: GATEWAY_MAP_LISTS},
  {group: GW, versions: ['v1', 'v1beta1'], kind: 'HTTPRoute', plural: 'httproutes', namespaced: true},
  {group: GW, versions: ['v1'], kind: 'GRPCRoute', plural: 'grpcroutes', namespaced: true},
  {group: GW, versions: ['v1beta1'], kind: 'ReferenceGrant', plural: 'referencegrants', namespaced: true},
]
const EG = 'gateway.envoyproxy.io'
export const ENVOY_GATEWAY_RESOURCES: FakeResource[] = [
  'ClientTrafficPolicy/clienttrafficpolicies',
  'BackendTrafficPolicy/backendtrafficpolicies',
  'SecurityPolicy/securitypolicies',
  'HTTPRouteFilter/httproutefilters',
  'Backend/backends',
  'EnvoyProxy/envoyproxies',
].map((s) => {
  const [kind, plural] = s.split('/')
  return {group: EG, versions: ['v1alpha1'], kind, plural, namespaced: true}
})
export const CERT_MANAGER_RESOURCES: FakeResource[] = [
  {group: 'cert-manager.io', versions: ['v1'], kind: 'Issuer', plural: 'issuers', namespaced: true},
  {group: 'cert-manager.io', versions: ['v1'], kind: 'ClusterIssuer', plural: 'clusterissuers', namespaced: false},
  {group: 'cert-manager.io', versions: ['v1'], kind: 'Certificate', plural: 'certificates', namespaced: true, shortNames: ['cert']},
]
/** cert-manager's ACME Challenges (what `status` reads for pending HTTP-01/DNS-01 validations). */
export const ACME_RESOURCES: FakeResource[] = [{group: 'acme.cert-manager.io', versions: ['v1'], kind: 'Challenge', plural: 'challenges', namespaced: true}]
/** apps/v1 Deployments (cutover --dns looks for a running external-dns). */
export const APPS_RESOURCES: FakeResource[] = [{group: 'apps', versions: ['v1'], kind: 'Deployment', plural: 'deployments', namespaced: true, shortNames: ['deploy'], builtin: true}]
export const ALL_RESOURCES = [...CORE_RESOURCES, ...GATEWAY_API_RESOURCES, ...ENVOY_GATEWAY_RESOURCES, ...CERT_MANAGER_RESOURCES]

export interface FakeApiServerOptions {
  resources?: FakeResource[]
  /** When set, requests must carry `Authorization: Bearer <token>`; others get 401. */
  token?: string
  /** User name used in 403 messages. */
  user?: string
  /** Per-kind defaulting run after every write (simulates fields the API server defaults). */
  defaulters?: Record<string, (obj: Obj) => void>
}

interface Stored {
  obj: Obj
  /** leaf path (JSON of the key array) -> managers owning it */
  owners: Map<string, Set<string>>
  operations: Map<string, 'Apply' | 'Update'>
}

/** Defaults a real API server fills into HTTPRoutes (from the Gateway API CRD schema defaults). */
export function defaultHTTPRoute(obj: Obj): void {
  for (const p of obj.spec?.parentRefs ?? []) {
    p.group ??= GW
    p.kind ??= 'Gateway'
  }
  for (const rule of obj.spec?.rules ?? []) {
    rule.matches ??= [{path: {type: 'PathPrefix', value: '/'}}]
    for (const b of rule.backendRefs ?? []) {
      b.group ??= ''
      b.kind ??= 'Service'
      b.weight ??= 1
    }
  }
}

export class FakeApiServer {
  readonly requests: RecordedRequest[] = []
  readonly denials: Denial[] = []
  readonly injections: Injection[] = []
  token?: string
  user: string
  resources: FakeResource[]
  defaulters: Record<string, (obj: Obj) => void>
  private server?: http.Server
  private store = new Map<string, Stored>()
  private rv = 1000
  port = 0
  /** Delay before each response, so tests can observe concurrent requests (maxInFlight). */
  latencyMs = 0
  /**
   * Hold the answers to data requests until this many are under way at once (or `maxWaitMs` passed): proves a
   * client sends them concurrently without depending on how fast a loaded machine issues them.
   */
  barrier?: {count: number; maxWaitMs: number}
  private held: (() => void)[] = []
  private barrierTimer?: NodeJS.Timeout
  inFlight = 0
  maxInFlight = 0

  constructor(opts: FakeApiServerOptions = {}) {
    this.resources = opts.resources ?? ALL_RESOURCES
    this.token = opts.token
    this.user = opts.user ?? 'jane'
    this.defaulters = opts.defaulters ?? {HTTPRoute: defaultHTTPRoute}
  }

  static async start(opts: FakeApiServerOptions = {}): Promise<FakeApiServer> {
    const s = new FakeApiServer(opts)
    await s.listen()
    return s
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  async listen(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const body = chunks.length ? Buffer.concat(chunks).toString('utf8') : undefined
        const u = new URL(req.url ?? '/', 'http://x')
        const rec: RecordedRequest = {
          method: req.method ?? 'GET',
          path: u.pathname,
          query: Object.fromEntries(u.searchParams),
          headers: req.headers,
          body,
        }
        this.requests.push(rec)
        let out: {status: number; body: unknown; contentType?: string}
        try {
          out = this.handle(rec)
        } catch (err) {
          out = status(500, 'InternalError', String((err as Error)?.stack ?? err))
        }
        rec.status = out.status
        const text = typeof out.body === 'string' ? out.body : JSON.stringify(out.body)
        const respond = () => {
          this.inFlight--
          res.writeHead(out.status, {'Content-Type': out.contentType ?? 'application/json', 'Content-Length': Buffer.byteLength(text)})
          res.end(text)
        }
        this.inFlight++
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight)
        if (this.barrier && !isDiscoveryPath(rec.path)) this.holdAtBarrier(respond)
        else if (this.latencyMs > 0) setTimeout(respond, this.latencyMs)
        else respond()
      })
    })
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve))
    this.port = (this.server.address() as {port: number}).port
  }

  private holdAtBarrier(respond: () => void): void {
    this.held.push(respond)
    const release = () => {
      clearTimeout(this.barrierTimer)
      this.barrier = undefined
      for (const r of this.held.splice(0)) r()
    }
    if (this.held.length >= this.barrier!.count) release()
    else this.barrierTimer ??= setTimeout(release, this.barrier!.maxWaitMs)
  }

  async close(): Promise<void> {
    clearTimeout(this.barrierTimer)
    if (!this.server) return
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server!.close(() => resolve()))
  }

  /** Write a kubeconfig for this server into dir; returns its path. */
  writeKubeconfig(dir: string, opts: {context?: string; namespace?: string; token?: string; file?: string} = {}): string {
    mkdirSync(dir, {recursive: true})
    const context = opts.context ?? 'fake'
    const file = join(dir, opts.file ?? 'kubeconfig')
    const cfg = {
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': context,
      clusters: [{name: context, cluster: {server: this.url, 'insecure-skip-tls-verify': true}}],
      users: [{name: context, user: {token: opts.token ?? this.token ?? 'dummy'}}],
      contexts: [{name: context, context: {cluster: context, user: context, ...(opts.namespace ? {namespace: opts.namespace} : {})}}],
    }
    writeFileSync(file, jsYaml.dump(cfg))
    return file
  }

  /** Seed objects (owned by `manager` with operation Update, as if created by a client-side tool). */
  seed(objects: Obj[], manager = 'kubectl-client-side-apply'): void {
    for (const o of objects) {
      const r = this.resourceForObject(o)
      if (!r) throw new Error(`fake-apiserver: no resource for ${o.apiVersion} ${o.kind}`)
      const obj = clone(o)
      const ns = r.namespaced ? (obj.metadata.namespace ?? 'default') : undefined
      if (ns) obj.metadata.namespace = ns
      else delete obj.metadata.namespace
      obj.metadata.uid ??= randomUUID()
      obj.metadata.resourceVersion = String(++this.rv)
      obj.metadata.creationTimestamp ??= '2024-01-01T00:00:00Z'
      obj.metadata.generation ??= 1
      const owners = new Map<string, Set<string>>()
      const operations = new Map<string, 'Apply' | 'Update'>([[manager, 'Update']])
      for (const p of leafPaths(obj, r.mapLists)) owners.set(JSON.stringify(p), new Set([manager]))
      this.defaulters[obj.kind]?.(obj)
      this.store.set(storeKey(r, ns, obj.metadata.name), {obj, owners, operations})
    }
  }

  /** The stored object (with managedFields), or undefined. */
  getObject(apiVersion: string, kind: string, namespace: string | undefined, name: string): Obj | undefined {
    const r = this.resourceForObject({apiVersion, kind})
    if (!r) return undefined
    const s = this.store.get(storeKey(r, r.namespaced ? namespace : undefined, name))
    return s ? this.render(s, r, versionOf(apiVersion)) : undefined
  }

  deny(d: Denial): void {
    this.denials.push(d)
  }

  inject(i: Injection): void {
    this.injections.push(i)
  }

  /** Requests that are not discovery. */
  dataRequests(): RecordedRequest[] {
    return this.requests.filter((r) => !isDiscoveryPath(r.path))
  }

  // ---------------------------------------------------------------------------------------------------------------

  private resourceForObject(o: {apiVersion?: string; kind?: string}): FakeResource | undefined {
    const [group, version] = splitApiVersion(o.apiVersion ?? '')
    return this.resources.find((r) => r.group === group && r.kind === o.kind && r.versions.includes(version))
  }

  private handle(req: RecordedRequest): {status: number; body: unknown; contentType?: string} {
    const injected = this.injections.find(
      (i) => (!i.method || i.method === req.method) && (typeof i.path === 'string' ? i.path === req.path : i.path.test(req.path)) && (i.times === undefined || i.times > 0),
    )
    if (injected) {
      if (injected.times !== undefined) injected.times--
      return status(injected.status, injected.reason ?? reasonFor(injected.status), injected.message ?? reasonFor(injected.status))
    }
    if (this.token !== undefined && req.headers.authorization !== `Bearer ${this.token}`) {
      return status(401, 'Unauthorized', 'Unauthorized')
    }
    const p = req.path.replace(/\/+$/, '') || '/'
    if (p === '/version') {
      return ok({major: '1', minor: '32', gitVersion: 'v1.32.0', platform: 'linux/amd64'})
    }
    if (p === '/api') {
      return ok({kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${this.port}`}]})
    }
    if (p === '/apis') return ok(this.groupList())
    if (p === '/openapi/v3') return ok(this.openapiRoot())
    if (p.startsWith('/openapi/v3/')) {
      const doc = this.openapiGroupVersion(p.slice('/openapi/v3/'.length))
      return doc ? ok(doc) : status(404, 'NotFound', 'the server could not find the requested resource')
    }
    if (p.startsWith('/openapi')) return status(404, 'NotFound', 'the server could not find the requested resource')

    const parsed = this.parsePath(p)
    if (!parsed) return status(404, 'NotFound', 'the server could not find the requested resource')
    if (parsed.kind === 'discovery') return ok(this.resourceList(parsed.group, parsed.version))
    const {resource: r, version, namespace, name, subresource} = parsed
    const verb = verbFor(req.method, name)
    const denied = this.denials.find(
      (d) => d.verb === verb && d.group === r.group && d.resource === r.plural && (d.namespace === undefined || d.namespace === namespace),
    )
    if (denied) return this.forbidden(verb, r, namespace, name)
    if (subresource) return this.statusSubresource(req, verb, r, version, namespace, name!)

    switch (verb) {
      case 'list':
        return this.list(req, r, version, namespace)
      case 'get':
        return this.get(req, r, version, namespace, name!)
      case 'patch':
        return this.patch(req, r, version, namespace, name!)
      case 'create':
        return this.create(req, r, version, namespace)
      default:
        return status(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`)
    }
  }

  private parsePath(
    p: string,
  ):
    | {kind: 'discovery'; group: string; version: string}
    | {kind: 'resource'; resource: FakeResource; version: string; namespace?: string; name?: string; subresource?: 'status'}
    | undefined {
    const segs = p.split('/').filter(Boolean)
    let group: string
    let version: string
    let rest: string[]
    if (segs[0] === 'api' && segs.length >= 2) {
      group = ''
      version = segs[1]
      rest = segs.slice(2)
    } else if (segs[0] === 'apis' && segs.length >= 3) {
      group = segs[1]
      version = segs[2]
      rest = segs.slice(3)
    } else return undefined
    const served = this.resources.filter((r) => r.group === group && r.versions.includes(version))
    if (served.length === 0) return undefined
    if (rest.length === 0) return {kind: 'discovery', group, version}
    let namespace: string | undefined
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = decodeURIComponent(rest[1])
      rest = rest.slice(2)
    }
    const r = served.find((x) => x.plural === rest[0])
    const subresource = rest.length === 3 && rest[2] === 'status' ? ('status' as const) : undefined
    if (!r || (rest.length > 2 && !subresource)) return undefined
    if (namespace !== undefined && !r.namespaced) return undefined
    const name = rest[1] !== undefined ? decodeURIComponent(rest[1]) : undefined
    if (r.namespaced && name !== undefined && namespace === undefined) return undefined
    return {kind: 'resource', resource: r, version, namespace, name, ...(subresource ? {subresource} : {})}
  }

  private groupList(): Obj {
    const groups = new Map<string, string[]>()
    for (const r of this.resources) {
      if (r.group === '') continue
      const vs = groups.get(r.group) ?? []
      for (const v of r.versions) if (!vs.includes(v)) vs.push(v)
      groups.set(r.group, vs)
    }
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [...groups].map(([name, versions]) => ({
        name,
        versions: versions.map((v) => ({groupVersion: `${name}/${v}`, version: v})),
        preferredVersion: {groupVersion: `${name}/${versions[0]}`, version: versions[0]},
      })),
    }
  }

  /** OpenAPI v3 discovery root: one entry per served group version (kubectl apply fetches it). */
  private openapiRoot(): Obj {
    const paths: Obj = {}
    for (const r of this.resources) {
      for (const v of r.versions) {
        const gv = r.group ? `apis/${r.group}/${v}` : `api/${v}`
        paths[gv] = {serverRelativeURL: `/openapi/v3/${gv}?hash=${this.port}`}
      }
    }
    return {paths}
  }

  /**
   * A minimal OpenAPI v3 document for one group version: the PATCH operation of each resource with its
   * x-kubernetes-group-version-kind and the fieldValidation query parameter, which is what kubectl checks to decide
   * that the server validates fields itself (then it skips client-side schema validation).
   */
  private openapiGroupVersion(gvPath: string): Obj | undefined {
    const segs = gvPath.split('/')
    const [group, version] = segs[0] === 'api' ? ['', segs[1]] : [segs[1], segs[2]]
    const served = this.resources.filter((r) => r.group === group && r.versions.includes(version))
    if (served.length === 0) return undefined
    const paths: Obj = {}
    for (const r of served) {
      const base = group ? `/apis/${group}/${version}` : `/api/${version}`
      const path = r.namespaced ? `${base}/namespaces/{namespace}/${r.plural}/{name}` : `${base}/${r.plural}/{name}`
      paths[path] = {
        patch: {
          'x-kubernetes-action': 'patch',
          'x-kubernetes-group-version-kind': {group, version, kind: r.kind},
          parameters: ['dryRun', 'fieldManager', 'fieldValidation', 'force'].map((name) => ({name, in: 'query', schema: {type: name === 'force' ? 'boolean' : 'string', uniqueItems: true}})),
          responses: {'200': {description: 'OK'}},
        },
      }
    }
    return {openapi: '3.0.0', info: {title: 'Kubernetes', version: 'v1.32.0'}, paths, components: {schemas: {}}}
  }

  private resourceList(group: string, version: string): Obj {
    const verbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']
    return {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: group ? `${group}/${version}` : version,
      resources: this.resources
        .filter((r) => r.group === group && r.versions.includes(version))
        .map((r) => ({
          name: r.plural,
          singularName: r.kind.toLowerCase(),
          namespaced: r.namespaced,
          kind: r.kind,
          verbs,
          ...(r.shortNames ? {shortNames: r.shortNames} : {}),
        })),
    }
  }

  private forbidden(verb: string, r: FakeResource, namespace: string | undefined, name: string | undefined) {
    const gr = r.group ? `${r.plural}.${r.group}` : r.plural
    const named = name !== undefined ? ` "${name}"` : ''
    const scope = namespace !== undefined ? `in the namespace "${namespace}"` : 'at the cluster scope'
    const message = `${gr}${named} is forbidden: User "${this.user}" cannot ${verb} resource "${r.plural}" in API group "${r.group}" ${scope}`
    return {
      status: 403,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message,
        reason: 'Forbidden',
        details: {...(name !== undefined ? {name} : {}), group: r.group, kind: r.plural},
        code: 403,
      },
    }
  }

  private render(s: Stored, r: FakeResource, version: string): Obj {
    const obj = clone(s.obj)
    obj.apiVersion = r.group ? `${r.group}/${version}` : version
    obj.kind = r.kind
    obj.metadata.managedFields = managedFields(s, obj.apiVersion)
    return sortTop(obj)
  }

  private list(req: RecordedRequest, r: FakeResource, version: string, namespace?: string) {
    const selector = parseSelector(req.query.labelSelector)
    if (selector === 'invalid') return status(400, 'BadRequest', `unable to parse requirement: invalid label selector "${req.query.labelSelector}"`)
    const fieldSel = parseFieldSelector(req.query.fieldSelector)
    const prefix = `${r.group}/${r.plural}/`
    let keys = [...this.store.keys()].filter((k) => k.startsWith(prefix)).sort()
    keys = keys.filter((k) => {
      const o = this.store.get(k)!.obj
      if (namespace !== undefined && o.metadata.namespace !== namespace) return false
      if (!selector(o.metadata.labels ?? {})) return false
      return fieldSel(o)
    })
    let start = 0
    if (req.query.continue) {
      let after: string
      try {
        after = JSON.parse(Buffer.from(req.query.continue, 'base64url').toString('utf8')).after
      } catch {
        return status(400, 'BadRequest', 'continue key is not valid')
      }
      start = keys.findIndex((k) => k > after)
      if (start < 0) start = keys.length
    }
    const limit = req.query.limit ? Number(req.query.limit) : 0
    const page = limit > 0 ? keys.slice(start, start + limit) : keys.slice(start)
    const more = limit > 0 && start + limit < keys.length
    const metadata: Obj = {resourceVersion: String(this.rv)}
    if (more) {
      metadata.continue = Buffer.from(JSON.stringify({after: page[page.length - 1]})).toString('base64url')
      metadata.remainingItemCount = keys.length - start - limit
    }
    const items = page.map((k) => {
      const o = this.render(this.store.get(k)!, r, version)
      if (r.builtin) {
        delete o.apiVersion
        delete o.kind
      }
      return o
    })
    const apiVersion = r.group ? `${r.group}/${version}` : version
    if (wantsTable(req)) return ok(table(items, metadata))
    return ok({kind: `${r.kind}List`, apiVersion, metadata, items})
  }

  private get(req: RecordedRequest, r: FakeResource, version: string, namespace: string | undefined, name: string) {
    const s = this.store.get(storeKey(r, namespace, name))
    if (!s) return notFound(r, name)
    const o = this.render(s, r, version)
    if (wantsTable(req)) return ok(table([o], {resourceVersion: o.metadata.resourceVersion}))
    return ok(o)
  }

  private create(req: RecordedRequest, r: FakeResource, version: string, namespace: string | undefined) {
    let body: Obj
    try {
      body = JSON.parse(req.body ?? '')
    } catch {
      return status(400, 'BadRequest', 'invalid JSON body')
    }
    const name = body?.metadata?.name
    if (!name) return status(422, 'Invalid', 'metadata.name: Required value')
    if (this.store.has(storeKey(r, namespace, name))) {
      const gr = r.group ? `${r.plural}.${r.group}` : r.plural
      return status(409, 'AlreadyExists', `${gr} "${name}" already exists`)
    }
    const missingNs = this.missingNamespace(r, namespace)
    if (missingNs) return missingNs
    const manager = req.query.fieldManager ?? 'unknown'
    const obj = clone(body)
    obj.metadata.namespace = namespace
    const stored = this.newStored(obj, r, namespace, manager, 'Update')
    if (req.query.dryRun !== 'All') this.store.set(storeKey(r, namespace, name), stored)
    return {status: 201, body: this.render(stored, r, version)}
  }

  /** NamespaceLifecycle admission: objects can only be created in an existing namespace. */
  private missingNamespace(r: FakeResource, namespace: string | undefined) {
    if (!r.namespaced || namespace === undefined) return undefined
    if (this.store.has(`/namespaces//${namespace}`)) return undefined
    return status(404, 'NotFound', `namespaces "${namespace}" not found`, {name: namespace, kind: 'namespaces'})
  }

  private newStored(obj: Obj, r: FakeResource, namespace: string | undefined, manager: string, op: 'Apply' | 'Update'): Stored {
    if (r.namespaced) obj.metadata.namespace = namespace
    else delete obj.metadata.namespace
    const owners = new Map<string, Set<string>>()
    for (const p of leafPaths(obj, r.mapLists)) owners.set(JSON.stringify(p), new Set([manager]))
    obj.metadata.uid = randomUUID()
    obj.metadata.resourceVersion = String(++this.rv)
    obj.metadata.creationTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
    obj.metadata.generation = 1
    delete obj.apiVersion
    delete obj.kind
    this.defaulters[r.kind]?.(obj)
    return {obj, owners, operations: new Map([[manager, op]])}
  }

  private patch(req: RecordedRequest, r: FakeResource, version: string, namespace: string | undefined, name: string) {
    const ct = String(req.headers['content-type'] ?? '').split(';')[0].trim()
    const dryRun = req.query.dryRun === 'All'
    if (req.query.dryRun !== undefined && !dryRun) return status(400, 'BadRequest', `unsupported dry run value "${req.query.dryRun}"`)
    const key = storeKey(r, namespace, name)
    const existing = this.store.get(key)
    if (ct === 'application/merge-patch+json' || ct === 'application/json-patch+json') {
      if (!existing) return notFound(r, name)
      return this.plainPatch(req, ct, key, existing, r, version, dryRun, 'main')
    }
    if (ct !== 'application/apply-patch+yaml') {
      return status(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`)
    }
    const manager = req.query.fieldManager
    if (!manager) return status(400, 'BadRequest', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch')
    const force = req.query.force === 'true'
    let applied: Obj
    try {
      applied = jsYaml.load(req.body ?? '') as Obj
    } catch (err) {
      return status(400, 'BadRequest', `error decoding YAML: ${(err as Error).message}`)
    }
    if (!applied || typeof applied !== 'object') return status(400, 'BadRequest', 'empty apply configuration')
    const bodyVersion = applied.apiVersion
    const [g, v] = splitApiVersion(String(bodyVersion ?? ''))
    if (g !== r.group || v !== version || applied.kind !== r.kind) {
      return status(400, 'BadRequest', `the API version in the data (${bodyVersion}) does not match the expected API version (${r.group ? r.group + '/' : ''}${version})`)
    }
    if (applied.metadata?.name !== name) return status(400, 'BadRequest', `the name of the object (${applied.metadata?.name}) does not match the name on the URL (${name})`)
    if (applied.metadata?.namespace !== undefined && r.namespaced && applied.metadata.namespace !== namespace) {
      return status(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request')
    }
    const config = clone(applied)
    delete config.apiVersion
    delete config.kind
    if (config.metadata) {
      for (const k of ['namespace', 'uid', 'resourceVersion', 'creationTimestamp', 'generation', 'managedFields', 'selfLink']) delete config.metadata[k]
    }
    delete config.status
    const paths = leafPaths(config, r.mapLists)

    if (!existing) {
      const missingNs = this.missingNamespace(r, namespace)
      if (missingNs) return missingNs
      const obj = clone(config)
      obj.metadata = {...obj.metadata, name}
      const stored = this.newStored(obj, r, namespace, manager, 'Apply')
      stored.owners = new Map(paths.map((p) => [JSON.stringify(p), new Set([manager])]))
      if (!dryRun) this.store.set(key, stored)
      else delete stored.obj.metadata.resourceVersion
      return {status: 201, body: this.render(stored, r, version)}
    }

    // Merge: drop what this manager owned alone and no longer applies, then set everything it applies.
    const obj = clone(existing.obj)
    const owners = new Map([...existing.owners].map(([k, v]) => [k, new Set(v)]))
    const applying = new Set(paths.map((p) => JSON.stringify(p)))
    const orphaned: string[][] = []
    for (const [k, set] of owners) {
      if (set.has(manager) && !applying.has(k)) {
        set.delete(manager)
        if (set.size === 0) {
          orphaned.push(JSON.parse(k))
          owners.delete(k)
        }
      }
    }
    // An item's key field goes last: the item is found by it (and disappears with it).
    for (const p of orphaned.sort((a, b) => Number(isItemKeyPath(a)) - Number(isItemKeyPath(b)))) deletePath(obj, p)
    for (const p of paths) setPath(obj, p, clone(getPath(config, p)))
    this.defaulters[r.kind]?.(obj)

    // Conflicts: a field owned by another manager whose value this apply changes.
    const conflicts: {manager: string; path: string[]}[] = []
    for (const [k, set] of owners) {
      const q = JSON.parse(k) as string[]
      const overlaps = paths.some((p) => isPrefix(p, q) || isPrefix(q, p))
      if (!overlaps) continue
      if (deepEqual(getPath(existing.obj, q), getPath(obj, q))) continue
      for (const m of set) if (m !== manager) conflicts.push({manager: m, path: q})
    }
    if (conflicts.length > 0 && !force) return conflictStatus(conflicts, r, version, name)
    for (const c of conflicts) {
      const set = owners.get(JSON.stringify(c.path))
      set?.delete(c.manager)
      if (set && set.size === 0) owners.delete(JSON.stringify(c.path))
    }
    // Ownership of overridden descendant/ancestor paths moves to the applier.
    for (const [k, set] of [...owners]) {
      const q = JSON.parse(k) as string[]
      if (!applying.has(k) && paths.some((p) => isPrefix(p, q) && p.length < q.length)) {
        set.delete(manager)
        if (set.size === 0) owners.delete(k)
      }
    }
    for (const p of paths) {
      const k = JSON.stringify(p)
      const set = owners.get(k) ?? new Set<string>()
      set.add(manager)
      owners.set(k, set)
    }
    const operations = new Map(existing.operations)
    operations.set(manager, 'Apply')
    for (const m of [...operations.keys()]) if (![...owners.values()].some((s) => s.has(m))) operations.delete(m)
    return this.commit(key, existing, {obj, owners, operations}, r, version, dryRun, 200)
  }

  /** GET and PATCH of `<object>/status`: the object as stored; a patch changes `status` only. */
  private statusSubresource(req: RecordedRequest, verb: string, r: FakeResource, version: string, namespace: string | undefined, name: string) {
    const key = storeKey(r, namespace, name)
    const existing = this.store.get(key)
    if (verb === 'get') return existing ? ok(this.render(existing, r, version)) : notFound(r, name)
    if (verb !== 'patch') return status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource')
    if (!existing) return notFound(r, name)
    const ct = String(req.headers['content-type'] ?? '').split(';')[0].trim()
    if (ct !== 'application/merge-patch+json' && ct !== 'application/json-patch+json') {
      return status(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json`)
    }
    return this.plainPatch(req, ct, key, existing, r, version, req.query.dryRun === 'All', 'status')
  }

  /**
   * A merge or JSON patch, applied to the object as the server serializes it (apiVersion, kind, metadata with uid
   * and resourceVersion): a failed JSON patch op is 422 with the real server's generic message (apiserver
   * handlers/patch.go applyJSPatch -> NewGenericServerResponse, which drops the op's error); a resourceVersion
   * the patch leaves different from the stored one is the optimistic-lock 409 (registry Store.Update).
   * `main` keeps the stored status, `status` takes nothing but the status.
   */
  private plainPatch(req: RecordedRequest, ct: string, key: string, existing: Stored, r: FakeResource, version: string, dryRun: boolean, target: 'main' | 'status') {
    let patch: unknown
    try {
      patch = JSON.parse(req.body ?? '')
    } catch {
      return status(400, 'BadRequest', 'invalid JSON body')
    }
    const current = this.render(existing, r, version)
    let patched: Obj
    if (ct === 'application/json-patch+json') {
      if (!Array.isArray(patch)) return status(400, 'BadRequest', 'json: cannot unmarshal object into Go value of type jsonpatch.Patch')
      try {
        patched = applyJsonPatch(current, patch as JsonPatchOp[])
      } catch {
        return status(422, 'Invalid', 'the server rejected our request due to an error in our request')
      }
    } else {
      if (!isMap(patch)) return status(400, 'BadRequest', 'invalid merge patch')
      patched = mergePatch(current, patch)
    }
    if (String(patched.metadata?.resourceVersion ?? '') !== String(existing.obj.metadata.resourceVersion)) {
      const gr = r.group ? `${r.plural}.${r.group}` : r.plural
      return status(409, 'Conflict', `Operation cannot be fulfilled on ${gr} "${existing.obj.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`, {name: existing.obj.metadata.name, group: r.group, kind: r.plural})
    }
    let obj: Obj
    if (target === 'status') {
      obj = clone(existing.obj)
      if (patched.status === undefined) delete obj.status
      else obj.status = patched.status
    } else {
      const {apiVersion: _a, kind: _k, status: _s, ...rest} = patched
      obj = rest
      obj.metadata = {...rest.metadata}
      delete obj.metadata.managedFields
      for (const k of ['uid', 'creationTimestamp', 'generation', 'namespace', 'name']) {
        if (existing.obj.metadata[k] === undefined) delete obj.metadata[k]
        else obj.metadata[k] = existing.obj.metadata[k]
      }
      if (existing.obj.status !== undefined) obj.status = clone(existing.obj.status)
    }
    return this.commit(key, existing, {obj, owners: existing.owners, operations: existing.operations}, r, version, dryRun, 200)
  }

  /** What a controller does through the status subresource: replace the status (new resourceVersion, same generation). */
  setStatus(apiVersion: string, kind: string, namespace: string | undefined, name: string, newStatus: Obj | undefined): void {
    const r = this.resourceForObject({apiVersion, kind})
    const s = r && this.store.get(storeKey(r, r.namespaced ? namespace : undefined, name))
    if (!s) throw new Error(`fake-apiserver: no ${kind} ${namespace ?? ''}/${name} to set the status of`)
    if (newStatus === undefined) delete s.obj.status
    else s.obj.status = clone(newStatus)
    s.obj.metadata.resourceVersion = String(++this.rv)
  }

  private commit(key: string, before: Stored, next: Stored, r: FakeResource, version: string, dryRun: boolean, code: number) {
    const sameObject = deepEqual(before.obj, next.obj)
    const sameOwners = deepEqual(ownersJson(before), ownersJson(next))
    if (sameObject && sameOwners) return {status: code, body: this.render(before, r, version)}
    const obj = next.obj
    if (!deepEqual(before.obj.spec, obj.spec)) obj.metadata.generation = (before.obj.metadata.generation ?? 1) + 1
    if (!dryRun) {
      obj.metadata.resourceVersion = String(++this.rv)
      this.store.set(key, next)
    }
    return {status: code, body: this.render(next, r, version)}
  }
}

// -----------------------------------------------------------------------------------------------------------------

function storeKey(r: FakeResource, namespace: string | undefined, name: string): string {
  return `${r.group}/${r.plural}/${namespace ?? ''}/${name}`
}

function splitApiVersion(apiVersion: string): [string, string] {
  const i = apiVersion.indexOf('/')
  return i < 0 ? ['', apiVersion] : [apiVersion.slice(0, i), apiVersion.slice(i + 1)]
}

function versionOf(apiVersion: string): string {
  return splitApiVersion(apiVersion)[1]
}

export function isDiscoveryPath(p: string): boolean {
  return p === '/api' || p === '/apis' || p === '/version' || /^\/api\/v1\/?$/.test(p) || /^\/apis\/[^/]+\/[^/]+\/?$/.test(p) || p.startsWith('/openapi')
}

function verbFor(method: string, name: string | undefined): string {
  switch (method) {
    case 'GET':
      return name === undefined ? 'list' : 'get'
    case 'PATCH':
      return 'patch'
    case 'POST':
      return 'create'
    case 'PUT':
      return 'update'
    case 'DELETE':
      return 'delete'
    default:
      return method.toLowerCase()
  }
}

function ok(body: unknown) {
  return {status: 200, body}
}

function reasonFor(code: number): string {
  return (
    {400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 409: 'Conflict', 410: 'Expired', 422: 'Invalid', 429: 'TooManyRequests', 500: 'InternalError', 503: 'ServiceUnavailable'}[
      code
    ] ?? 'Unknown'
  )
}

function status(code: number, reason: string, message: string, details?: Obj) {
  return {
    status: code,
    body: {kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? {details} : {}), code},
  }
}

function notFound(r: FakeResource, name: string) {
  const gr = r.group ? `${r.plural}.${r.group}` : r.plural
  return status(404, 'NotFound', `${gr} "${name}" not found`, {name, group: r.group, kind: r.plural})
}

function conflictStatus(conflicts: {manager: string; path: string[]}[], r: FakeResource, version: string, name: string) {
  const gv = r.group ? `${r.group}/${version}` : version
  const fields = conflicts.map((c) => ({manager: c.manager, field: '.' + c.path.join('.')}))
  const byManager = new Map<string, string[]>()
  for (const f of fields) byManager.set(f.manager, [...(byManager.get(f.manager) ?? []), f.field])
  let message: string
  if (fields.length === 1) {
    message = `Apply failed with 1 conflict: conflict with "${fields[0].manager}" using ${gv}: ${fields[0].field}`
  } else {
    message = `Apply failed with ${fields.length} conflicts: ` + [...byManager].map(([m, fs]) => `conflicts with "${m}" using ${gv}:\n${fs.map((f) => '- ' + f).join('\n')}`).join('\n')
  }
  return status(409, 'Conflict', message, {
    name,
    group: r.group,
    kind: r.plural,
    causes: fields.map((f) => ({reason: 'FieldManagerConflict', message: `conflict with "${f.manager}" using ${gv}`, field: f.field})),
  })
}

function wantsTable(req: RecordedRequest): boolean {
  const accept = String(req.headers.accept ?? '')
  return /as=Table/.test(accept.split(',')[0] ?? '')
}

function table(items: Obj[], metadata: Obj): Obj {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: [
      {name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0},
      {name: 'Created At', type: 'date', format: '', description: 'CreationTimestamp', priority: 0},
    ],
    rows: items.map((o) => ({
      cells: [o.metadata.name, o.metadata.creationTimestamp],
      object: {kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: {...o.metadata, managedFields: undefined}},
    })),
  }
}

function managedFields(s: Stored, apiVersion: string): Obj[] {
  const byManager = new Map<string, string[][]>()
  for (const [k, set] of s.owners) for (const m of set) byManager.set(m, [...(byManager.get(m) ?? []), JSON.parse(k)])
  return [...byManager]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([manager, paths]) => {
      const fieldsV1: Obj = {}
      for (const p of paths) {
        let node = fieldsV1
        for (const seg of p) node = node[isItemSegment(seg) ? seg : `f:${seg}`] ??= {}
      }
      return {manager, operation: s.operations.get(manager) ?? 'Update', apiVersion, time: '2024-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1}
    })
}

function ownersJson(s: Stored): Obj {
  const o: Obj = {}
  for (const [k, v] of [...s.owners].sort()) o[k] = [...v].sort()
  return o
}

/** `k:{"name":"http"}`: one item of a keyed list (the managedFields spelling). */
function isItemSegment(seg: string): boolean {
  return seg.startsWith('k:{')
}

function itemKey(seg: string): Obj {
  return JSON.parse(seg.slice(2))
}

function itemMatches(item: unknown, key: Obj): boolean {
  return isMap(item) && Object.entries(key).every(([k, v]) => item[k] === v)
}

/** The key field of a keyed-list item (`...k:{"name":"x"}.name`). */
function isItemKeyPath(p: string[]): boolean {
  return p.length >= 2 && isItemSegment(p[p.length - 2]) && p[p.length - 1] in itemKey(p[p.length - 2])
}

/**
 * Leaf field paths of an object: maps recurse, lists and scalars are leaves (keyed lists named in `mapLists`
 * recurse into their items, `k:{...}` segments); apiVersion/kind/name excluded.
 */
export function leafPaths(obj: Obj, mapLists: Record<string, string> = {}): string[][] {
  const out: string[][] = []
  const walk = (v: unknown, path: string[]) => {
    const keyField = Array.isArray(v) ? mapLists[path.filter((s) => !isItemSegment(s)).join('.')] : undefined
    if (keyField && (v as unknown[]).every((x) => isMap(x) && x[keyField] !== undefined)) {
      for (const item of v as Obj[]) walk(item, [...path, `k:${JSON.stringify({[keyField]: item[keyField]})}`])
    } else if (isMap(v) && Object.keys(v).length > 0) {
      for (const [k, x] of Object.entries(v)) {
        if (path.length === 0 && (k === 'apiVersion' || k === 'kind' || k === 'status')) continue
        if (path.length === 1 && path[0] === 'metadata' && ['name', 'namespace', 'uid', 'resourceVersion', 'creationTimestamp', 'generation', 'managedFields'].includes(k)) continue
        walk(x, [...path, k])
      }
    } else if (path.length > 0) out.push(path)
  }
  walk(obj, [])
  return out
}

function isMap(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

/** One step down: a map field, or the item of a keyed list. */
function child(cur: unknown, seg: string): unknown {
  if (isItemSegment(seg)) return Array.isArray(cur) ? cur.find((x) => itemMatches(x, itemKey(seg))) : undefined
  return isMap(cur) ? cur[seg] : undefined
}

function getPath(obj: Obj, path: string[]): unknown {
  let cur: unknown = obj
  for (const seg of path) cur = child(cur, seg)
  return cur
}

function setPath(obj: Obj, path: string[], value: unknown): void {
  let cur: any = obj
  for (const [i, seg] of path.slice(0, -1).entries()) {
    const next = path[i + 1]
    if (isItemSegment(seg)) {
      let item = child(cur, seg)
      if (item === undefined) cur.push((item = itemKey(seg)))
      cur = item
      continue
    }
    if (isItemSegment(next) ? !Array.isArray(cur[seg]) : !isMap(cur[seg])) cur[seg] = isItemSegment(next) ? [] : {}
    cur = cur[seg]
  }
  cur[path[path.length - 1]] = value
}

function deletePath(obj: Obj, path: string[]): void {
  // chain[i] is the node at path[0..i); items are kept by reference (their key may be what is deleted).
  const chain: unknown[] = [obj]
  for (const seg of path.slice(0, -1)) {
    const next = child(chain[chain.length - 1], seg)
    if (next === undefined) return
    chain.push(next)
  }
  const last = chain[chain.length - 1]
  if (!isMap(last)) return
  delete last[path[path.length - 1]]
  // Remove maps left empty (except metadata itself), and keyed-list items whose key went (nobody applies them).
  for (let i = path.length - 2; i >= 0; i--) {
    const parent = chain[i]
    const node = chain[i + 1]
    const seg = path[i]
    if (isItemSegment(seg)) {
      if (Array.isArray(parent) && isMap(node) && Object.keys(itemKey(seg)).some((k) => !(k in node))) {
        parent.splice(parent.indexOf(node), 1)
        continue
      }
      break
    }
    const empty = (isMap(node) && Object.keys(node).length === 0) || (Array.isArray(node) && node.length === 0)
    if (isMap(parent) && empty && !(i === 0 && seg === 'metadata')) delete parent[seg]
    else break
  }
}

function isPrefix(prefix: string[], p: string[]): boolean {
  return prefix.length <= p.length && prefix.every((s, i) => s === p[i])
}

function mergePatch(target: Obj, patch: Obj): Obj {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete target[k]
    else if (isMap(v) && isMap(target[k])) target[k] = mergePatch(target[k], v)
    else target[k] = clone(v)
  }
  return target
}

export interface JsonPatchOp {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test'
  path: string
  from?: string
  value?: unknown
}

/** RFC 6901 pointer -> reference tokens (`~1` is `/`, `~0` is `~`). */
function pointerTokens(pointer: string): string[] {
  if (pointer === '') return []
  if (!pointer.startsWith('/')) throw new Error(`invalid JSON pointer ${pointer}`)
  return pointer.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))
}

/** The container holding the pointer's last token, and that token (an array index stays a string). */
function pointerParent(doc: Obj, pointer: string): {parent: any; token: string} {
  const tokens = pointerTokens(pointer)
  if (tokens.length === 0) throw new Error('the whole document cannot be patched')
  let cur: any = doc
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(cur, t, false)]
    else if (isMap(cur) && t in cur) cur = cur[t]
    else throw new Error(`path ${pointer} does not exist`)
  }
  if (!Array.isArray(cur) && !isMap(cur)) throw new Error(`path ${pointer} does not exist`)
  return {parent: cur, token: tokens[tokens.length - 1]}
}

function arrayIndex(arr: unknown[], token: string, forAdd: boolean): number {
  if (forAdd && token === '-') return arr.length
  if (!/^(0|[1-9]\d*)$/.test(token)) throw new Error(`invalid array index ${token}`)
  const i = Number(token)
  if (i > arr.length || (!forAdd && i === arr.length)) throw new Error(`array index ${i} out of range`)
  return i
}

function pointerGet(doc: Obj, pointer: string): unknown {
  const {parent, token} = pointerParent(doc, pointer)
  if (Array.isArray(parent)) return parent[arrayIndex(parent, token, false)]
  if (!(token in parent)) throw new Error(`path ${pointer} does not exist`)
  return parent[token]
}

function pointerRemove(doc: Obj, pointer: string): unknown {
  const {parent, token} = pointerParent(doc, pointer)
  if (Array.isArray(parent)) return parent.splice(arrayIndex(parent, token, false), 1)[0]
  if (!(token in parent)) throw new Error(`path ${pointer} does not exist`)
  const v = parent[token]
  delete parent[token]
  return v
}

function pointerAdd(doc: Obj, pointer: string, value: unknown): void {
  const {parent, token} = pointerParent(doc, pointer)
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, token, true), 0, value)
  else parent[token] = value
}

/** RFC 6902 on a copy: every op or none (a failed op, `test` included, throws). */
export function applyJsonPatch(doc: Obj, ops: JsonPatchOp[]): Obj {
  const out = clone(doc)
  for (const o of ops) {
    switch (o.op) {
      case 'test':
        if (!deepEqual(pointerGet(out, o.path), o.value)) throw new Error(`testing value ${o.path} failed: test failed`)
        break
      case 'add':
        pointerAdd(out, o.path, clone(o.value))
        break
      case 'remove':
        pointerRemove(out, o.path)
        break
      case 'replace':
        pointerGet(out, o.path)
        pointerRemove(out, o.path)
        pointerAdd(out, o.path, clone(o.value))
        break
      case 'move':
        pointerAdd(out, o.path, pointerRemove(out, String(o.from)))
        break
      case 'copy':
        pointerAdd(out, o.path, clone(pointerGet(out, String(o.from))))
        break
      default:
        throw new Error(`unknown op ${(o as {op: string}).op}`)
    }
  }
  return out
}

export function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortDeep(a)) === JSON.stringify(sortDeep(b))
}

function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep)
  if (isMap(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortDeep(v[k])]))
  return v
}

function sortTop(o: Obj): Obj {
  const {apiVersion, kind, metadata, ...rest} = o
  return {apiVersion, kind, metadata, ...rest}
}

function clone<T>(v: T): T {
  return v === undefined ? v : JSON.parse(JSON.stringify(v))
}

type Selector = (labels: Record<string, string>) => boolean

/** Equality- and set-based label selectors, as kubectl -l accepts. */
export function parseSelector(s: string | undefined): Selector | 'invalid' {
  if (!s) return () => true
  const reqs: Selector[] = []
  const parts = s.match(/(?:[^,(]+|\([^)]*\))+/g) ?? []
  for (const raw of parts) {
    const part = raw.trim()
    let m: RegExpMatchArray | null
    if ((m = part.match(/^([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)$/))) {
      const [, k, op, v] = m
      reqs.push(op === '!=' ? (l) => l[k] !== v : (l) => l[k] === v)
    } else if ((m = part.match(/^([\w./-]+)\s+(in|notin)\s*\(([^)]*)\)$/))) {
      const [, k, op, list] = m
      const vals = list.split(',').map((x) => x.trim())
      reqs.push(op === 'in' ? (l) => k in l && vals.includes(l[k]) : (l) => !(k in l) || !vals.includes(l[k]))
    } else if ((m = part.match(/^!([\w./-]+)$/))) {
      const k = m[1]
      reqs.push((l) => !(k in l))
    } else if ((m = part.match(/^([\w./-]+)$/))) {
      const k = m[1]
      reqs.push((l) => k in l)
    } else return 'invalid'
  }
  return (labels) => reqs.every((r) => r(labels))
}

function parseFieldSelector(s: string | undefined): (o: Obj) => boolean {
  if (!s) return () => true
  const reqs = s.split(',').map((part) => {
    const m = part.match(/^([\w.]+)(==|=|!=)(.*)$/)
    if (!m) return () => true
    const [, field, op, value] = m
    const get = (o: Obj) => (field === 'metadata.name' ? o.metadata.name : field === 'metadata.namespace' ? o.metadata.namespace : undefined)
    return op === '!=' ? (o: Obj) => get(o) !== value : (o: Obj) => get(o) === value
  })
  return (o) => reqs.every((r) => r(o))
}
