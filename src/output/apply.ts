/**
 * `apply`: server-side apply of the compiled objects with field manager `ingress2gw`.
 *
 * - Order: Namespaces (labels only), ReferenceGrants, the Gateway bundle (Gateway, ClientTrafficPolicy,
 *   cert-manager Issuers and Certificates, routes in a Gateway's namespace), routes, then policies, filters and
 *   Backends. Objects of one step are applied a few at a time; a failure does not stop the others.
 * - Status per object: created (absent before), unchanged (a no-op: the resourceVersion did not move, or for a
 *   server dry run the fields we set are already so), configured otherwise.
 * - Never touches Ingresses, Services or Secrets: such objects are refused before any request.
 * - `--dry-run=server` sends dryRun=All; `--dry-run=client` only reads (discovery and a GET per object).
 *
 * @kubernetes/client-node is imported lazily.
 */
import type {KubeObject} from '../translate/types.js'
import {ApiError, ClusterClient, ClusterError, notServedMessage, ResourceMapper, resourcePath} from '../sources/cluster.js'
import {FIELD_MANAGER, stripLive} from './diff.js'

export type DryRun = 'none' | 'server' | 'client'
export type ApplyStatus = 'created' | 'configured' | 'unchanged' | 'failed'

export interface ApplyOptions {
  dryRun: DryRun
  forceConflicts: boolean
  kubeconfig?: string
  context?: string
  namespace?: string
  /** Environment for kubeconfig selection (KUBECONFIG, HOME); default process.env. */
  env?: NodeJS.ProcessEnv
  /** Objects applied at once within one step (default 4). */
  concurrency?: number
}

export interface ApplyResult {
  /** kubectl's resource string: `httproute.gateway.networking.k8s.io/web`, `namespace/team-a`. */
  object: string
  namespace?: string
  status: ApplyStatus
  message?: string
}

/** Kinds ingress2gw never creates, changes or deletes. */
export const REFUSED_KINDS = new Set(['Ingress', 'Service', 'Secret'])

const ROUTE_KINDS = new Set(['HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute'])
const BUNDLE_KINDS = new Set(['Gateway', 'ClientTrafficPolicy', 'EnvoyProxy', 'GatewayClass', 'Issuer', 'ClusterIssuer', 'Certificate'])

function groupOf(apiVersion: string): string {
  const i = apiVersion.indexOf('/')
  return i < 0 ? '' : apiVersion.slice(0, i)
}

/** kubectl's `<kind>.<group>/<name>` (just `<kind>/<name>` for the core group). */
export function resourceString(o: KubeObject): string {
  const group = groupOf(o.apiVersion)
  return `${o.kind.toLowerCase()}${group ? '.' + group : ''}/${o.metadata.name}`
}

/** Dependency step of an object (lower first). */
export function applyStep(o: KubeObject, gatewayNamespaces: Set<string>): number {
  if (o.kind === 'Namespace') return 0
  if (o.kind === 'ReferenceGrant') return 1
  if (BUNDLE_KINDS.has(o.kind)) return 2
  if (ROUTE_KINDS.has(o.kind)) return o.metadata.namespace !== undefined && gatewayNamespaces.has(o.metadata.namespace) ? 2 : 3
  return 4
}

/** Objects in apply order (stable within a step). */
export function orderForApply(objects: KubeObject[]): KubeObject[] {
  const gwNs = new Set(objects.filter((o) => o.kind === 'Gateway' && o.metadata.namespace).map((o) => o.metadata.namespace!))
  return objects
    .map((o, i) => ({o, i, step: applyStep(o, gwNs)}))
    .sort((a, b) => a.step - b.step || a.i - b.i)
    .map((x) => x.o)
}

/** A Namespace is applied with its name and labels only: we manage the admission label, nothing else. */
function applyShape(o: KubeObject): KubeObject {
  if (o.kind !== 'Namespace') return o
  return {apiVersion: o.apiVersion, kind: o.kind, metadata: {name: o.metadata.name, ...(o.metadata.labels ? {labels: o.metadata.labels} : {})}}
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, '; ').trim()
}

/** A readable one-line message for a failed apply. */
function failureMessage(err: unknown, o: KubeObject, force: boolean, dryRunNamespaces?: Set<string>): string {
  const e = err as {code?: number; body?: unknown; message?: string}
  if (err instanceof ClusterError) return err.message
  if (typeof e?.code === 'number' && e.code >= 400) {
    let body = e.body as {message?: string; reason?: string} | string | undefined
    if (typeof body === 'string') {
      try {
        body = JSON.parse(body) as {message?: string}
      } catch {
        // plain text body
      }
    }
    const msg = typeof body === 'object' && body?.message ? body.message : typeof body === 'string' && body ? body : (e.message ?? `HTTP ${e.code}`)
    if (e.code === 409 && !force && /conflict/i.test(msg)) return `${oneLine(msg)} (re-run with --force-conflicts to take these fields over)`
    if (e.code === 403) return `forbidden: ${oneLine(msg)}; grant "patch" on it (see examples/rbac/ingress2gw-rbac.yaml)`
    if (e.code === 404 && dryRunNamespaces?.has(msg.match(/^namespaces "([^"]+)" not found$/)?.[1] ?? '\u0000')) {
      return `${msg}: this apply creates that namespace, which a server dry run cannot see; the real apply will succeed`
    }
    return oneLine(msg)
  }
  const m = e?.message ?? String(err)
  if (/Unrecognized API version and kind|Failed to fetch resource metadata/.test(m)) return notServedMessage(o.apiVersion, o.kind)
  return oneLine(m)
}

function sameFields(before: KubeObject, after: KubeObject, desired: KubeObject): boolean {
  const a = JSON.stringify(sortDeep(stripLive(before, desired)))
  const b = JSON.stringify(sortDeep(stripLive(JSON.parse(JSON.stringify(after)), desired)))
  return a === b
}

function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep)
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortDeep((v as Record<string, unknown>)[k])]))
  return v
}

/**
 * Apply every object; never throws for a single object's failure (it is reported in its result). Throws
 * ClusterError when the cluster cannot be used at all (no kubeconfig, unreachable, credentials rejected).
 */
export async function applyObjects(objects: KubeObject[], opts: ApplyOptions): Promise<{results: ApplyResult[]}> {
  const ordered = orderForApply(objects)
  const results: ApplyResult[] = ordered.map((o) => ({object: resourceString(o), ...(o.metadata.namespace ? {namespace: o.metadata.namespace} : {}), status: 'failed'}))
  const todo: number[] = []
  ordered.forEach((o, i) => {
    if (REFUSED_KINDS.has(o.kind)) results[i].message = `refused: ingress2gw never creates or changes ${/^[AEIOU]/.test(o.kind) ? 'an' : 'a'} ${o.kind}; apply it yourself after review`
    else todo.push(i)
  })
  if (todo.length === 0) return {results}

  const client = await ClusterClient.connect({kubeconfig: opts.kubeconfig, context: opts.context, namespace: opts.namespace}, opts.env)
  // Preflight: fail once, clearly, when the server cannot be reached or refuses our credentials.
  try {
    await client.get('/api')
  } catch (err) {
    if (err instanceof ApiError) throw new ClusterError(`API discovery (GET /api) on ${client.where} failed (${err.code}): ${err.message}`)
    throw err
  }
  const k8s = await import('@kubernetes/client-node')
  const objApi = k8s.KubernetesObjectApi.makeApiClient(client.kc)
  const mapper = new ResourceMapper(client)
  const force = opts.forceConflicts
  const dryRun = opts.dryRun === 'server' ? 'All' : undefined

  const createdNamespaces = new Set<string>()
  const applyOne = async (i: number) => {
    const o = applyShape(ordered[i])
    const res = results[i]
    try {
      const r = await mapper.resolve(o.apiVersion, o.kind)
      if (!r) {
        res.message = notServedMessage(o.apiVersion, o.kind)
        return
      }
      const ns = r.namespaced ? (o.metadata.namespace ?? client.namespace) : undefined
      const target: KubeObject = r.namespaced ? {...o, metadata: {...o.metadata, namespace: ns}} : o
      let before: KubeObject | undefined
      let beforeKnown = true
      try {
        before = await client.getOptional(resourcePath(o.apiVersion, r.plural, ns, o.metadata.name))
      } catch (err) {
        if (!(err instanceof ApiError)) throw err
        beforeKnown = false // e.g. no "get" permission: apply anyway, report created/configured loosely
      }
      if (opts.dryRun === 'client') {
        if (!beforeKnown) res.status = 'configured'
        else if (!before) res.status = 'created'
        else res.status = sameFields(before, target, target) ? 'unchanged' : 'configured'
        return
      }
      const after = (await objApi.patch(target as any, undefined, dryRun, FIELD_MANAGER, force, k8s.PatchStrategy.ServerSideApply)) as unknown as KubeObject
      if (beforeKnown && !before) {
        res.status = 'created'
        if (o.kind === 'Namespace') createdNamespaces.add(o.metadata.name)
      }
      else if (!beforeKnown) res.status = 'configured'
      else if (dryRun) res.status = sameFields(before!, after, target) ? 'unchanged' : 'configured'
      else res.status = after?.metadata?.resourceVersion === before!.metadata.resourceVersion ? 'unchanged' : 'configured'
    } catch (err) {
      res.status = 'failed'
      res.message = failureMessage(err, o, force, dryRun ? createdNamespaces : undefined)
    }
  }

  const gwNs = new Set(ordered.filter((o) => o.kind === 'Gateway' && o.metadata.namespace).map((o) => o.metadata.namespace!))
  const concurrency = Math.max(1, opts.concurrency ?? 4)
  for (let step = 0; step <= 4; step++) {
    const queue = todo.filter((i) => applyStep(ordered[i], gwNs) === step)
    const worker = async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) await applyOne(i)
    }
    await Promise.all(Array.from({length: Math.min(concurrency, queue.length)}, worker))
  }
  return {results}
}

/** kubectl-style line for a result: `httproute.gateway.networking.k8s.io/web created (server dry run)`. */
export function formatResult(r: ApplyResult, dryRun: DryRun): string {
  const suffix = dryRun === 'server' ? ' (server dry run)' : dryRun === 'client' ? ' (dry run)' : ''
  if (r.status === 'failed') return `error: ${r.object}${r.namespace ? ` (namespace ${r.namespace})` : ''}: ${r.message ?? 'failed'}`
  return `${r.object} ${r.status}${suffix}`
}
