/**
 * `apply`: server-side apply of the compiled objects with field manager `ingress2gw`.
 *
 * - Order (apply-plan.ts): Namespaces (labels only), then what routes need (ReferenceGrants, Backends,
 *   HTTPRouteFilters, policies, cert-manager objects), then the Gateway, then the routes. Objects of one step are
 *   applied a few at a time; a failure does not stop the others, but a route whose policy, filter, Backend or grant
 *   failed is withheld (never served without it), and so is a Gateway whose own policy failed.
 * - Each result is reported as soon as it and every object before it are settled (deterministic order, live
 *   progress). An abort (Ctrl-C) starts nothing new, lets the requests under way finish, and reports them.
 * - Status per object: created (absent before), unchanged (a no-op: the resourceVersion did not move, or for a
 *   server dry run the fields we set are already so), configured otherwise.
 * - A live shared Gateway is sent with ingress2gw's part only (gatewayApplyShape).
 * - Never touches Ingresses, Services or Secrets: such objects are refused before any request.
 * - `--dry-run=server` sends dryRun=All; `--dry-run=client` only reads (discovery and a GET per object).
 *
 * @kubernetes/client-node is imported lazily (through ClusterClient).
 */
import type {KubeObject} from '../model/types.js'
import {ApiError, ClusterClient, ClusterError, notServedMessage, ResourceMapper, resourcePath} from '../sources/cluster.js'
import type {KubeconfigSelection} from '../sources/kubeconfig.js'
import {gatewayApplyShape, orderForApply, REFUSED_KINDS, resourceString, routeDependencies, applyStep, STEP_REFUSED} from './apply-plan.js'
import {FIELD_MANAGER, ownedTree, stripLive} from './diff.js'
import {maxOf} from '../util/arrays.js'

export {REFUSED_KINDS, resourceString, applyStep, orderForApply} from './apply-plan.js'

export type DryRun = 'none' | 'server' | 'client'
/**
 * created / configured / unchanged as kubectl; `failed` (the server refused it, or it was refused before any
 * request), `withheld` (a route not applied because something it needs failed), `interrupted` (never started).
 */
export type ApplyStatus = 'created' | 'configured' | 'unchanged' | 'failed' | 'withheld' | 'interrupted'

/** The kubeconfig selection and kubectl's connection flags (--cluster, --user, --as, --request-timeout...), and: */
export interface ApplyOptions extends KubeconfigSelection {
  dryRun: DryRun
  forceConflicts: boolean
  /** Environment for kubeconfig selection (KUBECONFIG, HOME); default process.env. */
  env?: NodeJS.ProcessEnv
  /** Objects applied at once within one step (default 4). */
  concurrency?: number
  /** Aborted (Ctrl-C): nothing new is started; the requests under way finish and are reported. */
  signal?: AbortSignal
  /** Called once per object, in plan order, as soon as it and every object before it are settled. */
  onResult?: (result: ApplyResult) => void
}

export interface ApplyResult {
  /** kubectl's resource string: `httproute.gateway.networking.k8s.io/web`, `namespace/team-a`. */
  object: string
  kind: string
  namespace?: string
  status: ApplyStatus
  message?: string
}

/** A Namespace is applied with its name and labels only: we manage the admission label, nothing else. */
function applyShape(o: KubeObject, live: KubeObject | undefined): KubeObject {
  if (o.kind === 'Gateway') return gatewayApplyShape(o, live, live ? ownedTree(live) : undefined)
  if (o.kind !== 'Namespace') return o
  return {apiVersion: o.apiVersion, kind: o.kind, metadata: {name: o.metadata.name, ...(o.metadata.labels ? {labels: o.metadata.labels} : {})}}
}

const DRY_RUN_NAMESPACE_NOTE = 'this apply creates that namespace, which a server dry run cannot see; the real apply will succeed'

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
      return `${msg}: ${DRY_RUN_NAMESPACE_NOTE}`
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

/** Settles results in plan order: each is reported once it and every result before it are final. */
class InOrderReporter {
  private settled: boolean[]
  private next = 0

  constructor(
    private readonly results: ApplyResult[],
    private readonly onResult?: (r: ApplyResult) => void,
  ) {
    this.settled = results.map(() => false)
  }

  settle(i: number): void {
    this.settled[i] = true
    while (this.next < this.results.length && this.settled[this.next]) {
      const r = this.results[this.next++]
      this.onResult?.(r)
    }
  }
}

/**
 * Apply every object; never throws for a single object's failure (it is reported in its result). Throws
 * ClusterError when the cluster cannot be used at all (no kubeconfig, unreachable, credentials rejected).
 */
export async function applyObjects(objects: KubeObject[], opts: ApplyOptions): Promise<{results: ApplyResult[]; interrupted: boolean}> {
  const ordered = orderForApply(objects)
  const results: ApplyResult[] = ordered.map((o) => ({
    object: resourceString(o),
    kind: o.kind,
    ...(o.metadata.namespace ? {namespace: o.metadata.namespace} : {}),
    status: 'failed',
  }))
  const reporter = new InOrderReporter(results, opts.onResult)
  const todo: number[] = []
  ordered.forEach((o, i) => {
    if (REFUSED_KINDS.has(o.kind)) results[i].message = `refused: ingress2gw never creates or changes ${/^[AEIOU]/.test(o.kind) ? 'an' : 'a'} ${o.kind}; apply it yourself after review`
    else todo.push(i)
  })
  if (todo.length === 0) {
    results.forEach((_, i) => reporter.settle(i))
    return {results, interrupted: false}
  }

  const {dryRun: _d, forceConflicts: _f, env, concurrency: _c, signal: _s, onResult: _o, ...selection} = opts
  const client = await ClusterClient.connect(selection, env)
  // Preflight: fail once, clearly, when the server cannot be reached or refuses our credentials.
  try {
    await client.get('/api')
  } catch (err) {
    if (err instanceof ApiError) throw new ClusterError(`API discovery (GET /api) on ${client.where} failed (${err.code}): ${err.message}`)
    throw err
  }
  const mapper = new ResourceMapper(client)
  const force = opts.forceConflicts
  const dryRun = opts.dryRun === 'server' ? 'All' : undefined
  const createdNamespaces = new Set<string>()
  const dryRunOnly = new Set<number>()

  const applyOne = async (i: number) => {
    const res = results[i]
    try {
      const r = await mapper.resolve(ordered[i].apiVersion, ordered[i].kind)
      if (!r) {
        res.message = notServedMessage(ordered[i].apiVersion, ordered[i].kind)
        return
      }
      const ns = r.namespaced ? (ordered[i].metadata.namespace ?? client.namespace) : undefined
      const path = resourcePath(ordered[i].apiVersion, r.plural, ns, ordered[i].metadata.name)
      let before: KubeObject | undefined
      let beforeKnown = true
      try {
        before = await client.getOptional(path)
      } catch (err) {
        if (!(err instanceof ApiError)) throw err
        beforeKnown = false // e.g. no "get" permission: apply anyway, report created/configured loosely
      }
      const o = applyShape(ordered[i], before)
      const target: KubeObject = r.namespaced ? {...o, metadata: {...o.metadata, namespace: ns}} : o
      if (opts.dryRun === 'client') {
        if (!beforeKnown) res.status = 'configured'
        else if (!before) res.status = 'created'
        else res.status = sameFields(before, target, target) ? 'unchanged' : 'configured'
        return
      }
      const query = {fieldManager: FIELD_MANAGER, force: force ? 'true' : undefined, dryRun}
      const after = (await client.request('PATCH', path, query, {contentType: 'application/apply-patch+yaml', text: JSON.stringify(target)})) as KubeObject
      if (beforeKnown && !before) {
        res.status = 'created'
        if (o.kind === 'Namespace') createdNamespaces.add(o.metadata.name)
      } else if (!beforeKnown) res.status = 'configured'
      else if (dryRun) res.status = sameFields(before!, after, target) ? 'unchanged' : 'configured'
      else res.status = after?.metadata?.resourceVersion === before!.metadata.resourceVersion ? 'unchanged' : 'configured'
    } catch (err) {
      res.status = 'failed'
      res.message = failureMessage(err, ordered[i], force, dryRun ? createdNamespaces : undefined)
      if (res.message.includes(DRY_RUN_NAMESPACE_NOTE)) dryRunOnly.add(i)
    }
  }

  const deps = routeDependencies(ordered)
  const concurrency = Math.max(1, opts.concurrency ?? 4)
  let interrupted = false
  const maxStep = maxOf(todo.map((i) => applyStep(ordered[i])))
  for (let step = 0; step <= maxStep; step++) {
    const queue: number[] = []
    for (const i of todo) {
      if (applyStep(ordered[i]) !== step) continue
      // A dependency that failed only because a server dry run cannot see the namespace this apply creates does
      // not withhold the route: the real apply would write both.
      const failed = (deps.get(i) ?? []).filter((j) => (results[j].status === 'failed' && !dryRunOnly.has(j)) || results[j].status === 'withheld')
      if (failed.length === 0) {
        queue.push(i)
        continue
      }
      results[i].status = 'withheld'
      const without = ordered[i].kind === 'Gateway' ? "the Gateway would serve its routes without the policy's settings" : 'the route would be served unprotected or broken'
      results[i].message = `not applied: it needs ${failed.map((j) => `${results[j].object}${results[j].namespace ? ` (namespace ${results[j].namespace})` : ''}`).join(', ')}, which failed; without it ${without}`
      reporter.settle(i)
    }
    const worker = async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
        if (opts.signal?.aborted) {
          queue.unshift(i)
          return
        }
        await applyOne(i)
        reporter.settle(i)
      }
    }
    await Promise.all(Array.from({length: Math.min(concurrency, queue.length)}, worker))
    if (opts.signal?.aborted) {
      interrupted = true
      break
    }
  }
  results.forEach((r, i) => {
    if (interrupted && todo.includes(i) && r.status === 'failed' && r.message === undefined) {
      r.status = 'interrupted'
      r.message = 'not applied: interrupted'
    }
    if (applyStep(ordered[i]) === STEP_REFUSED || r.status === 'interrupted') reporter.settle(i)
  })
  return {results, interrupted}
}

/** kubectl-style line for a result: `httproute.gateway.networking.k8s.io/web created (server dry run)`. */
export function formatResult(r: ApplyResult, dryRun: DryRun): string {
  const suffix = dryRun === 'server' ? ' (server dry run)' : dryRun === 'client' ? ' (dry run)' : ''
  if (r.status === 'failed' || r.status === 'withheld' || r.status === 'interrupted') {
    return `error: ${r.object}${r.namespace ? ` (namespace ${r.namespace})` : ''}: ${r.message ?? 'failed'}`
  }
  return `${r.object} ${r.status}${suffix}`
}

/** The closing summary: counts per status, and which routes were withheld or left unapplied. */
export function applySummary(results: ApplyResult[], dryRun: DryRun, interrupted: boolean): string {
  const count = (s: ApplyStatus) => results.filter((r) => r.status === s).length
  const done = count('created') + count('configured') + count('unchanged')
  const parts = [`${count('created')} created`, `${count('configured')} configured`, `${count('unchanged')} unchanged`]
  if (count('failed') > 0) parts.push(`${count('failed')} failed`)
  if (count('withheld') > 0) parts.push(`${count('withheld')} withheld`)
  if (count('interrupted') > 0) parts.push(`${count('interrupted')} not started`)
  const what = dryRun === 'none' ? 'applied' : 'checked (dry run)'
  const lines = [`${interrupted ? 'interrupted: ' : ''}${done} of ${results.length} object(s) ${what}: ${parts.join(', ')}`]
  const withheld = results.filter((r) => r.status === 'withheld' && r.kind !== 'Gateway')
  if (withheld.length > 0) {
    lines.push(`${withheld.length} route(s) were not applied because a policy, filter, Backend or ReferenceGrant they need failed: ${list(withheld)}`)
  }
  const gateways = results.filter((r) => r.status === 'withheld' && r.kind === 'Gateway')
  if (gateways.length > 0) lines.push(`${gateways.length} Gateway(s) were not applied because a policy targeting them failed: ${list(gateways)}`)
  const notStarted = results.filter((r) => r.status === 'interrupted')
  if (notStarted.length > 0) lines.push(`not applied (interrupted before they started): ${list(notStarted)}; run apply again to finish`)
  return lines.join('\n') + '\n'
}

function list(rs: ApplyResult[]): string {
  const names = rs.map((r) => `${r.namespace ? r.namespace + '/' : ''}${r.object}`)
  return names.length > 10 ? `${names.slice(0, 10).join(', ')} and ${names.length - 10} more` : names.join(', ')
}
