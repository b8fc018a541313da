/**
 * Read the compiler's input from a live cluster, and the small HTTP client the cluster paths share.
 *
 * Requests go through @kubernetes/client-node's transport and authentication (tokens, client certificates, exec
 * plugins, proxies), imported lazily, but bodies are taken as raw JSON: the generated typed models turn timestamps
 * into Date objects and drop fields, and JSON.parse is the fast path for 10,000 Ingresses.
 *
 * What is read, and nothing else (Secrets are never listed or fetched):
 * - discovery (/apis, and the Gateway API group versions) -> TargetCapabilities;
 * - Ingresses (namespace or all, with -l) and Services (same scope): required, a 403 is an error;
 * - IngressClasses, Namespaces (-A only), the controller / tcp-services / udp-services ConfigMaps, cert-manager
 *   Issuers and ClusterIssuers (when served), the live shared Gateway(s): optional, a 403 or a 404 is a diagnostic;
 * - the ingress-nginx controllers (translate/controller-workloads.ts): Deployments and DaemonSets, and the Services,
 *   of the controller namespaces (ingress-nginx, the namespaces the --controller-* flags name, and those of the
 *   chart-labelled controller Services in scope), then the ConfigMaps their --configmap / --tcp-services-configmap /
 *   --udp-services-configmap args name: optional. Services are only read, never written.
 * Lists are paginated (limit 500 + continue) and all kinds are read in parallel.
 */
import {diagnostic} from '../model/catalogue/diagnostic.js'
import {forbiddenSentence, type ForbiddenRead} from '../model/catalogue/sources.js'
import type {Diagnostic, InputObject, KubeObject, NamespacedName, TargetCapabilities} from '../model/types.js'
import {findControllerWorkloads} from '../translate/controller-workloads.js'
import {ClusterError, loadKubeConfig, type KubeconfigSelection, type LoadedKubeconfig} from './kubeconfig.js'
import {pushAll} from '../util/arrays.js'
import {maskUrlCredentials} from '../model/credentials.js'

export {ClusterError} from './kubeconfig.js'

export const PAGE_SIZE = 500
const TIMEOUT_MS = 30_000

/** The kubeconfig selection and connection flags, and what to read. */
export interface ReadClusterOptions extends KubeconfigSelection {
  allNamespaces: boolean
  selector?: string
  /** namespace/name of the controller ConfigMaps named by flags (plain and CLASS= forms). */
  controllerConfigMaps?: string[]
  /** namespace/name of the controller Services named by flags. */
  controllerServices?: string[]
  tcpServicesConfigMap?: string
  udpServicesConfigMap?: string
  gateways: NamespacedName[]
  /** Environment for kubeconfig selection (KUBECONFIG, HOME); default process.env. */
  env?: NodeJS.ProcessEnv
  /** Called after each page of Ingresses and Services (progress on a terminal). */
  onRead?: (kind: 'Ingress' | 'Service', items: KubeObject[]) => void
}

export interface ReadClusterResult {
  objects: InputObject[]
  capabilities: Partial<TargetCapabilities>
  diagnostics: Diagnostic[]
  /** The namespace the command works in (-n, else the context's, else default). */
  namespace: string
}

/** An HTTP failure from the API server, with the Status body's message when there is one. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly body: unknown,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

/** What a request was for, so errors can name the RBAC verb, resource and scope. */
export interface RequestIntent {
  verb: 'get' | 'list' | 'patch' | 'create'
  group: string
  resource: string
  namespace?: string
  name?: string
}

/** A minimal client over client-node's transport: raw JSON in and out, errors as ClusterError/ApiError. */
export class ClusterClient {
  private constructor(
    readonly loaded: LoadedKubeconfig,
    private readonly k8s: typeof import('@kubernetes/client-node'),
    private readonly config: ReturnType<typeof import('@kubernetes/client-node').createConfiguration>,
  ) {}

  private impersonation: {user?: string; groups: string[]} = {groups: []}
  private timeoutMs = TIMEOUT_MS

  static async connect(sel: KubeconfigSelection, env?: NodeJS.ProcessEnv): Promise<ClusterClient> {
    if ((sel.asGroups?.length ?? 0) > 1) {
      throw new ClusterError('only one --as-group can be given (the HTTP client sends one Impersonate-Group header); use a group that carries the permissions needed')
    }
    if (sel.asGroups?.length && !sel.as) throw new ClusterError('--as-group needs --as (kubectl: "requesting groups without impersonating a user")')
    const loaded = await loadKubeConfig(sel, env)
    const k8s = await import('@kubernetes/client-node')
    const config = k8s.createConfiguration({
      baseServer: new k8s.ServerConfiguration(loaded.server, {}),
      authMethods: {default: loaded.kc},
    })
    const client = new ClusterClient(loaded, k8s, config)
    client.impersonation = {user: sel.as, groups: sel.asGroups ?? []}
    if (sel.requestTimeoutMs !== undefined) client.timeoutMs = sel.requestTimeoutMs
    return client
  }

  get namespace(): string {
    return this.loaded.namespace
  }

  get kc() {
    return this.loaded.kc
  }

  /**
   * Describe where we talk to, for messages: `https://host:6443 (context "prod")`. A server URL with userinfo
   * (`https://user:pass@host`) is masked: messages built from it reach stderr and the report without a diagnostic.
   */
  get where(): string {
    return `${maskUrlCredentials(this.loaded.server)} (context "${this.loaded.context}")`
  }

  /**
   * Send one request. Transport failures become ClusterError (unreachable, TLS, timeout); HTTP 401 becomes
   * ClusterError; other HTTP failures become ApiError for the caller to judge (404 is often fine).
   */
  async request(method: 'GET' | 'PATCH' | 'POST', path: string, query: Record<string, string | undefined> = {}, body?: {contentType: string; text: string}): Promise<any> {
    const k8s = this.k8s
    const ctx = this.config.baseServer.makeRequestContext(path, method as any)
    ctx.setHeaderParam('Accept', 'application/json')
    for (const [k, v] of Object.entries(query)) if (v !== undefined) ctx.setQueryParam(k, v)
    if (body) {
      ctx.setHeaderParam('Content-Type', body.contentType)
      ctx.setBody(body.text)
    }
    if (this.impersonation.user) ctx.setHeaderParam('Impersonate-User', this.impersonation.user)
    for (const g of this.impersonation.groups) ctx.setHeaderParam('Impersonate-Group', g)
    if (this.timeoutMs > 0) ctx.setSignal(AbortSignal.timeout(this.timeoutMs))
    let resp: {httpStatusCode: number; body: {text(): Promise<string>}}
    let text: string
    try {
      await this.loaded.kc.applySecurityAuthentication(ctx)
      resp = await this.config.httpApi.send(ctx).toPromise()
      text = await resp.body.text()
    } catch (err) {
      throw new ClusterError(transportMessage(err, this.where, k8s, this.timeoutMs))
    }
    const code = resp.httpStatusCode
    let parsed: any
    try {
      parsed = text === '' ? undefined : JSON.parse(text)
    } catch {
      parsed = text
    }
    if (code >= 200 && code < 300) return parsed
    const statusMessage = typeof parsed === 'object' && parsed && typeof parsed.message === 'string' ? parsed.message : String(text).trim().split('\n')[0] || `HTTP ${code}`
    const reason = typeof parsed === 'object' && parsed && typeof parsed.reason === 'string' ? parsed.reason : ''
    if (code === 401) {
      throw new ClusterError(
        `the API server at ${this.where} rejected the credentials of user "${this.loaded.user}" (401 Unauthorized): they are missing, invalid or expired; log in again or refresh the kubeconfig`,
      )
    }
    throw new ApiError(code, reason, statusMessage, parsed)
  }

  async get(path: string): Promise<any> {
    return this.request('GET', path)
  }

  /** GET that returns undefined on 404. */
  async getOptional(path: string): Promise<any | undefined> {
    try {
      return await this.request('GET', path)
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return undefined
      throw err
    }
  }

  /** List every page (limit + continue). Items get apiVersion/kind (a real server omits them for built-ins). */
  async listAll(
    apiVersion: string,
    kind: string,
    plural: string,
    opts: {namespace?: string; labelSelector?: string; pageSize?: number; onPage?: (items: KubeObject[]) => void} = {},
  ): Promise<KubeObject[]> {
    const path = resourcePath(apiVersion, plural, opts.namespace)
    const items: KubeObject[] = []
    let cont: string | undefined
    do {
      const page = await this.request('GET', path, {
        labelSelector: opts.labelSelector || undefined,
        limit: String(opts.pageSize ?? PAGE_SIZE),
        continue: cont,
      })
      const start = items.length
      for (const item of page?.items ?? []) {
        if (item.metadata) delete item.metadata.managedFields
        items.push({apiVersion, kind, ...item})
      }
      opts.onPage?.(items.slice(start))
      cont = page?.metadata?.continue || undefined
    } while (cont)
    return items
  }
}

/** `/apis/<group>/<version>[/namespaces/<ns>]/<plural>[/<name>]` (core group under /api/v1). */
export function resourcePath(apiVersion: string, plural: string, namespace?: string, name?: string): string {
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`
  const ns = namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : ''
  const n = name !== undefined ? `/${encodeURIComponent(name)}` : ''
  return `${base}${ns}/${plural}${n}`
}

function transportMessage(err: unknown, where: string, k8s: typeof import('@kubernetes/client-node'), timeoutMs = TIMEOUT_MS): string {
  const e = err as {code?: string; errno?: string; type?: string; name?: string; message?: string; cause?: {code?: string}}
  const code = e?.code ?? e?.errno ?? e?.cause?.code
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError' || e?.type === 'aborted') {
    return `the API server at ${where} did not answer within ${timeoutMs / 1000}s (--request-timeout)`
  }
  const reasons: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'host name lookup failed',
    ECONNRESET: 'connection reset',
    ETIMEDOUT: 'connection timed out',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    DEPTH_ZERO_SELF_SIGNED_CERT: 'its certificate is self-signed and not trusted (certificate-authority missing?)',
    SELF_SIGNED_CERT_IN_CHAIN: 'its certificate chain is not trusted (certificate-authority missing?)',
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its certificate cannot be verified (certificate-authority missing?)',
    CERT_HAS_EXPIRED: 'its certificate has expired',
    ERR_TLS_CERT_ALTNAME_INVALID: 'its certificate does not match the host name',
  }
  const why = (code && reasons[code]) || firstLine(e?.message ?? String(err))
  void k8s
  return `cannot reach the Kubernetes API server at ${where}: ${why}`
}

function firstLine(s: string): string {
  return s.split('\n')[0]
}

/** "User "jane" cannot list ..." -> jane */
function userOf(message: string): string | undefined {
  return message.match(/User "([^"]*)"/)?.[1]
}

/** One line naming the missing RBAC permission. */
export function forbiddenMessage(intent: RequestIntent, err: ApiError): string {
  return forbiddenSentence(forbiddenFacts(intent, err))
}

/** What a 403 says: who may not do what, where (the user from the API server's message when it names one). */
function forbiddenFacts(intent: RequestIntent, err: ApiError): ForbiddenRead {
  const user = userOf(err.message)
  return {
    verb: intent.verb,
    resource: intent.group ? `${intent.resource}.${intent.group}` : intent.resource,
    ...(intent.namespace !== undefined ? {namespace: intent.namespace} : {}),
    ...(user ? {user} : {}),
  }
}

/** Turn an ApiError of a required read into a ClusterError line. */
function requiredReadError(intent: RequestIntent, err: unknown, where: string): unknown {
  if (!(err instanceof ApiError)) return err
  if (err.code === 403) return new ClusterError(forbiddenMessage(intent, err))
  const gr = intent.group ? `${intent.resource}.${intent.group}` : intent.resource
  if (err.code === 404) return new ClusterError(`the API server at ${where} does not serve ${gr} (404 on ${intent.verb})`)
  if (err.code === 410) return new ClusterError(`listing ${gr} took too long and the list expired (410 Gone); run the command again`)
  return new ClusterError(`${intent.verb} ${gr} failed (${err.code}${err.reason ? ' ' + err.reason : ''}): ${err.message}`)
}

/** Served resources per group version, from discovery. */
export interface Discovery {
  groups: Map<string, string[]>
  /** `group/version` -> resource plurals served */
  resources: Map<string, Set<string>>
}

const GW = 'gateway.networking.k8s.io'
const EG = 'gateway.envoyproxy.io'
const CM = 'cert-manager.io'

/** Read discovery: the group list, and the resource lists of the Gateway API and cert-manager group versions. */
export async function discover(client: ClusterClient): Promise<Discovery> {
  let list: any
  try {
    list = await client.get('/apis')
  } catch (err) {
    if (err instanceof ApiError && err.code === 403) {
      throw new ClusterError(`forbidden: the current user may not read API discovery (GET /apis) on ${client.where}; the system:discovery ClusterRole grants it`)
    }
    if (err instanceof ApiError) throw new ClusterError(`API discovery (GET /apis) on ${client.where} failed (${err.code}): ${err.message}`)
    throw err
  }
  const groups = new Map<string, string[]>()
  for (const g of list?.groups ?? []) groups.set(g.name, (g.versions ?? []).map((v: {version: string}) => v.version))
  const resources = new Map<string, Set<string>>()
  const wanted: string[] = []
  for (const group of [GW, CM]) for (const v of groups.get(group) ?? []) wanted.push(`${group}/${v}`)
  await Promise.all(
    wanted.map(async (gv) => {
      try {
        const rl = await client.get(`/apis/${gv}`)
        resources.set(gv, new Set((rl?.resources ?? []).map((r: {name: string}) => r.name).filter((n: string) => !n.includes('/'))))
      } catch (err) {
        if (err instanceof ApiError) {
          resources.set(gv, new Set())
          return
        }
        throw err
      }
    }),
  )
  return {groups, resources}
}

function served(d: Discovery, group: string, plural: string, versions?: string[]): string | undefined {
  for (const v of d.groups.get(group) ?? []) {
    if (versions && !versions.includes(v)) continue
    if (d.resources.get(`${group}/${v}`)?.has(plural)) return v
  }
  return undefined
}

/** What the cluster serves, as TargetCapabilities, with a diagnostic per missing API family. */
export function capabilitiesFrom(d: Discovery): {capabilities: Partial<TargetCapabilities>; diagnostics: Diagnostic[]} {
  const diagnostics: Diagnostic[] = []
  const has = (plural: string, versions?: string[]) => served(d, GW, plural, versions) !== undefined
  const capabilities: Partial<TargetCapabilities> = {
    referenceGrantVersion: has('referencegrants', ['v1']) ? 'v1' : 'v1beta1',
    tcpRoute: has('tcproutes'),
    udpRoute: has('udproutes'),
    tlsRoute: has('tlsroutes'),
    grpcRoute: has('grpcroutes', ['v1']),
    backendTLSPolicy: has('backendtlspolicies', ['v1']),
    envoyGateway: d.groups.has(EG),
    certManager: served(d, CM, 'issuers', ['v1']) !== undefined || served(d, CM, 'certificates', ['v1']) !== undefined,
  }
  if (!has('httproutes', ['v1']) || !has('gateways', ['v1'])) {
    diagnostics.push(diagnostic('cluster-missing-crd', {missing: 'gateway-api', group: GW}, {hint: 'install the Gateway API v1.6 standard CRDs (Envoy Gateway v1.9 ships them)'}))
  }
  if (!capabilities.envoyGateway) {
    diagnostics.push(diagnostic('cluster-missing-crd', {missing: 'envoy-gateway', group: EG}, {hint: 'install Envoy Gateway v1.9'}))
  }
  if (d.groups.has(GW) && capabilities.referenceGrantVersion === 'v1beta1' && !has('referencegrants')) {
    diagnostics.push(diagnostic('cluster-missing-crd', {missing: 'reference-grant', group: GW}))
  }
  return {capabilities, diagnostics}
}

function splitRef(ref: string | undefined, fallback: NamespacedName): NamespacedName & {explicit: boolean} {
  if (!ref) return {...fallback, explicit: false}
  const i = ref.indexOf('/')
  return i < 0 ? {namespace: fallback.namespace, name: ref, explicit: true} : {namespace: ref.slice(0, i), name: ref.slice(i + 1), explicit: true}
}

/** Read everything the compiler needs from the cluster. Throws ClusterError (one printable line) on fatal problems. */
export async function readCluster(opts: ReadClusterOptions): Promise<ReadClusterResult> {
  const {allNamespaces: _a, selector: _s, controllerConfigMaps: _c, controllerServices: _cs, tcpServicesConfigMap: _t, udpServicesConfigMap: _u, gateways: _g, env, onRead: _o, ...selection} = opts
  const client = await ClusterClient.connect(selection, env)
  return readClusterWith(client, opts)
}

export async function readClusterWith(client: ClusterClient, opts: ReadClusterOptions): Promise<ReadClusterResult> {
  const namespace = client.namespace
  const scope = opts.allNamespaces ? undefined : namespace
  const discovery = await discover(client)
  if (!(discovery.groups.get('networking.k8s.io') ?? []).includes('v1')) {
    throw new ClusterError(`the API server at ${client.where} does not serve networking.k8s.io/v1 Ingresses (Kubernetes 1.19 or later is required)`)
  }
  const {capabilities, diagnostics} = capabilitiesFrom(discovery)
  const objects: InputObject[] = []
  const add = (items: KubeObject[]) => {
    for (const object of items) objects.push({object, source: {cluster: true}})
  }

  const required = async (intent: RequestIntent, run: () => Promise<KubeObject[]>) => {
    try {
      add(await run())
    } catch (err) {
      throw requiredReadError(intent, err, client.where)
    }
  }
  const optional = optionalReader(diagnostics, add)
  const getOne = (apiVersion: string, kind: string, plural: string, ns: string | undefined, name: string) => async () => {
    const o = await client.request('GET', resourcePath(apiVersion, plural, ns, name))
    if (o.metadata) delete o.metadata.managedFields
    return [{apiVersion, kind, ...o} as KubeObject]
  }

  const tasks: Promise<void>[] = []
  const net = 'networking.k8s.io/v1'
  tasks.push(
    required({verb: 'list', group: 'networking.k8s.io', resource: 'ingresses', namespace: scope}, () =>
      client.listAll(net, 'Ingress', 'ingresses', {namespace: scope, labelSelector: opts.selector, onPage: (items) => opts.onRead?.('Ingress', items)}),
    ),
  )
  tasks.push(
    required({verb: 'list', group: '', resource: 'services', namespace: scope}, () =>
      client.listAll('v1', 'Service', 'services', {namespace: scope, onPage: (items) => opts.onRead?.('Service', items)}),
    ),
  )
  tasks.push(optional({verb: 'list', group: 'networking.k8s.io', resource: 'ingressclasses'}, () => client.listAll(net, 'IngressClass', 'ingressclasses')))
  if (opts.allNamespaces) {
    tasks.push(optional({verb: 'list', group: '', resource: 'namespaces'}, () => client.listAll('v1', 'Namespace', 'namespaces')))
  }

  const controllerNs: NamespacedName = {namespace: 'ingress-nginx', name: ''}
  const configMaps: [string | undefined, string, string][] = [
    ...(opts.controllerConfigMaps && opts.controllerConfigMaps.length > 0 ? opts.controllerConfigMaps : [undefined]).map((c): [string | undefined, string, string] => [c, 'ingress-nginx-controller', '--controller-configmap']),
    [opts.tcpServicesConfigMap, 'tcp-services', '--tcp-services-configmap'],
    [opts.udpServicesConfigMap, 'udp-services', '--udp-services-configmap'],
  ]
  const seen = new Set<string>()
  const readConfigMap = (ref: NamespacedName & {explicit: boolean}, by: {flag: string; workload?: string}) => {
    const key = `${ref.namespace}/${ref.name}`
    if (seen.has(key)) return
    seen.add(key)
    tasks.push(
      optional(
        {verb: 'get', group: '', resource: 'configmaps', namespace: ref.namespace, name: ref.name},
        getOne('v1', 'ConfigMap', 'configmaps', ref.namespace, ref.name),
        () => (ref.explicit ? diagnostic('cluster-configmap-not-found', {namespace: ref.namespace, name: ref.name, namedBy: by}) : undefined),
      ),
    )
  }
  for (const [ref, usual, flag] of configMaps) readConfigMap(splitRef(ref, {...controllerNs, name: usual}), {flag})
  // The controllers' own namespaces: their Services when the scope does not already list them.
  const controllerNamespaces = controllerNamespacesOf(opts, controllerNs.namespace)
  if (scope !== undefined) {
    for (const namespace of [...controllerNamespaces].filter((n) => n !== scope).sort()) {
      tasks.push(optional({verb: 'list', group: '', resource: 'services', namespace}, () => client.listAll('v1', 'Service', 'services', {namespace})))
    }
  }

  if (capabilities.certManager) {
    const cmv = served(discovery, CM, 'issuers', ['v1'])
    if (cmv) {
      tasks.push(
        optional({verb: 'list', group: CM, resource: 'issuers', namespace: scope}, () => client.listAll(`${CM}/${cmv}`, 'Issuer', 'issuers', {namespace: scope})),
      )
    }
    const ccv = served(discovery, CM, 'clusterissuers', ['v1'])
    if (ccv) tasks.push(optional({verb: 'list', group: CM, resource: 'clusterissuers'}, () => client.listAll(`${CM}/${ccv}`, 'ClusterIssuer', 'clusterissuers')))
  }

  const gwVersion = served(discovery, GW, 'gateways', ['v1'])
  if (gwVersion) {
    const gwSeen = new Set<string>()
    for (const g of opts.gateways) {
      const key = `${g.namespace}/${g.name}`
      if (gwSeen.has(key)) continue
      gwSeen.add(key)
      tasks.push(optional({verb: 'get', group: GW, resource: 'gateways', namespace: g.namespace, name: g.name}, getOne(`${GW}/v1`, 'Gateway', 'gateways', g.namespace, g.name)))
    }
  }

  await settleAll(tasks)
  await readControllers(objects, controllerNamespaces, {optional, listAll: (kind, plural, namespace) => client.listAll('apps/v1', kind, plural, {namespace}), readConfigMap})
  // The ConfigMaps the controllers' args name, queued by readConfigMap.
  await settleAll(tasks)
  const unique = new Map(objects.map((o) => [objectOrder(o.object), o]))
  objects.length = 0
  pushAll(objects, unique.values())
  objects.sort((a, b) => objectOrder(a.object).localeCompare(objectOrder(b.object)))
  return {objects, capabilities, diagnostics, namespace}
}

/** Optional reads: 403 / 404 / other API errors become diagnostics; transport and auth errors stay fatal. */
function optionalReader(diagnostics: Diagnostic[], add: (items: KubeObject[]) => void) {
  return async (intent: RequestIntent, run: () => Promise<KubeObject[]>, notFound?: () => Diagnostic | undefined): Promise<void> => {
    try {
      add(await run())
    } catch (err) {
      if (!(err instanceof ApiError)) throw err
      const gr = intent.group ? `${intent.resource}.${intent.group}` : intent.resource
      const what = intent.name !== undefined ? `${gr} ${intent.namespace ? intent.namespace + '/' : ''}${intent.name}` : gr
      if (err.code === 404) {
        const d = notFound?.()
        if (d) diagnostics.push(d)
        return
      }
      diagnostics.push(
        err.code === 403
          ? diagnostic('cluster-forbidden', {...forbiddenFacts(intent, err), without: what})
          : diagnostic('cluster-read-failed', {verb: intent.verb, what, status: err.code, error: err.message}),
      )
    }
  }
}

/** The controllers' own namespaces: the usual one and those of every controller ConfigMap or Service a flag names. */
function controllerNamespacesOf(opts: ReadClusterOptions, usual: string): Set<string> {
  const namespaces = new Set<string>([usual])
  for (const ref of [...(opts.controllerConfigMaps ?? []), ...(opts.controllerServices ?? []), opts.tcpServicesConfigMap, opts.udpServicesConfigMap]) {
    if (ref?.includes('/')) namespaces.add(ref.split('/')[0])
  }
  return namespaces
}

/** Wait for all (so a fatal error does not leave requests running), then rethrow the first fatal one. */
async function settleAll(tasks: Promise<void>[]): Promise<void> {
  const settled = await Promise.allSettled(tasks)
  tasks.length = 0
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected')
  if (failed) throw failed.reason
}

/**
 * The ingress-nginx controller workloads (Deployments, DaemonSets) of the controller namespaces, plus those of the
 * chart-labelled controller Services already read; then the ConfigMaps their args name (controller-workloads.ts).
 */
async function readControllers(
  objects: InputObject[],
  namespaces: Set<string>,
  io: {
    optional: (intent: RequestIntent, run: () => Promise<KubeObject[]>) => Promise<void>
    listAll: (kind: string, plural: string, namespace: string) => Promise<KubeObject[]>
    readConfigMap: (ref: NamespacedName & {explicit: boolean}, by: {flag: string; workload?: string}) => void
  },
): Promise<void> {
  for (const o of objects) {
    const l = o.object.kind === 'Service' ? o.object.metadata.labels : undefined
    if (l?.['app.kubernetes.io/name'] === 'ingress-nginx' && l['app.kubernetes.io/component'] === 'controller' && o.object.metadata.namespace) namespaces.add(o.object.metadata.namespace)
  }
  const reads: Promise<void>[] = []
  for (const namespace of [...namespaces].sort()) {
    for (const [kind, plural] of [['Deployment', 'deployments'], ['DaemonSet', 'daemonsets']] as const) {
      reads.push(io.optional({verb: 'list', group: 'apps', resource: plural, namespace}, () => io.listAll(kind, plural, namespace)))
    }
  }
  await settleAll(reads)
  const workloads = findControllerWorkloads(objects.map((o) => o.object))
  for (const w of workloads) {
    for (const [flag, ref] of [['--configmap', w.configMap], ['--tcp-services-configmap', w.tcpServicesConfigMap], ['--udp-services-configmap', w.udpServicesConfigMap]] as const) {
      if (ref?.includes('/')) io.readConfigMap({namespace: ref.split('/')[0], name: ref.split('/')[1], explicit: true}, {flag, workload: w.ref})
    }
  }
}

function objectOrder(o: KubeObject): string {
  return `${o.kind}\u0000${o.metadata?.namespace ?? ''}\u0000${o.metadata?.name ?? ''}`
}

/** Maps apiVersion + kind to the served resource (plural, scope) through discovery, one request per group version. */
export class ResourceMapper {
  private cache = new Map<string, Promise<Map<string, {plural: string; namespaced: boolean}> | undefined>>()

  constructor(private readonly client: ClusterClient) {}

  /** The served resource, or undefined when the group version or kind is not served (a missing CRD). */
  async resolve(apiVersion: string, kind: string): Promise<{plural: string; namespaced: boolean} | undefined> {
    let p = this.cache.get(apiVersion)
    if (!p) {
      p = this.load(apiVersion)
      this.cache.set(apiVersion, p)
    }
    return (await p)?.get(kind)
  }

  private async load(apiVersion: string): Promise<Map<string, {plural: string; namespaced: boolean}> | undefined> {
    const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`
    const list = await this.client.getOptional(path)
    if (!list) return undefined
    const out = new Map<string, {plural: string; namespaced: boolean}>()
    for (const r of list.resources ?? []) {
      if (typeof r.name !== 'string' || r.name.includes('/')) continue
      out.set(r.kind, {plural: r.name, namespaced: r.namespaced === true})
    }
    return out
  }
}

/** kubectl's wording for a kind the cluster does not serve. */
export {notServedMessage} from '../model/catalogue/sources.js'

/**
 * The live counterpart of each object (key from `keyOf` -> live object, undefined when absent), for `diff`.
 * Kinds the cluster does not serve count as absent and get one warning each.
 */
export async function fetchLive(
  client: ClusterClient,
  objects: KubeObject[],
  keyOf: (o: KubeObject) => string,
): Promise<{live: Map<string, KubeObject | undefined>; diagnostics: Diagnostic[]}> {
  const mapper = new ResourceMapper(client)
  const live = new Map<string, KubeObject | undefined>()
  const diagnostics: Diagnostic[] = []
  const warned = new Set<string>()
  const queue = [...objects]
  const worker = async () => {
    for (let o = queue.shift(); o; o = queue.shift()) {
      const key = keyOf(o)
      let r
      try {
        r = await mapper.resolve(o.apiVersion, o.kind)
      } catch (err) {
        throw err instanceof ApiError ? new ClusterError(`discovery of ${o.apiVersion} failed (${err.code}): ${err.message}`) : err
      }
      if (!r) {
        live.set(key, undefined)
        const gvk = `${o.apiVersion} ${o.kind}`
        if (!warned.has(gvk)) {
          warned.add(gvk)
          diagnostics.push(diagnostic('cluster-missing-crd', {missing: 'kind', apiVersion: o.apiVersion, kind: o.kind}, {object: `${o.kind} ${o.metadata.namespace ? o.metadata.namespace + '/' : ''}${o.metadata.name}`}))
        }
        continue
      }
      const ns = r.namespaced ? (o.metadata.namespace ?? client.namespace) : undefined
      const intent: RequestIntent = {verb: 'get', group: o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '', resource: r.plural, namespace: ns, name: o.metadata.name}
      try {
        live.set(key, await client.getOptional(resourcePath(o.apiVersion, r.plural, ns, o.metadata.name)))
      } catch (err) {
        throw requiredReadError(intent, err, client.where)
      }
    }
  }
  await Promise.all(Array.from({length: Math.min(8, Math.max(1, objects.length))}, worker))
  return {live, diagnostics}
}
