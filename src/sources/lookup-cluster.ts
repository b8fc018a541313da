/**
 * `--lookup-cluster`: complete file input with the few objects it lacks, read (GET only) from the current kube
 * context, and say which were read.
 *
 * GitOps trees hold the Ingresses but rarely what the controller's and the apps' Helm charts render: the Services
 * whose named ports (`port.name: http`) Gateway API needs as numbers, the IngressClass objects that say which classes
 * an ingress-nginx served, and the controller ConfigMap. Only those are read, one object at a time by name: the
 * Services the Ingresses name that the files lack, the IngressClasses of their classes that the files lack, and the
 * controller ConfigMap(s) (named by --controller-configmap, by a controller Deployment's --configmap in the files,
 * else the chart's usual ingress-nginx/ingress-nginx-controller) when the files lack them. Nothing is listed and
 * nothing is written; Secrets are never read. Never implicit: without the flag no cluster is contacted (diff -f and
 * apply -f read the missing Services from the cluster they write to, as before, without the announcement).
 */
import {diagnostic} from '../model/catalogue/diagnostic.js'
import type {LookupObjects} from '../model/catalogue/sources.js'
import {findControllerWorkloads} from '../translate/controller-workloads.js'
import {ingressClassOf} from '../translate/select.js'
import type {Diagnostic, InputObject, KubeObject} from '../model/types.js'
import {ApiError, ClusterError, forbiddenMessage, resourcePath, type ClusterClient} from './cluster.js'
import {missingServices} from './services.js'

export interface LookupResult {
  objects: InputObject[]
  diagnostics: Diagnostic[]
  /** Every missing Service could be asked for (none forbidden): those still missing do not exist in the cluster. */
  servicesComplete: boolean
}

interface Wanted {
  kind: 'Service' | 'IngressClass' | 'ConfigMap'
  apiVersion: string
  plural: string
  namespace?: string
  name: string
  /** The RBAC group of the resource, for a 403's message. */
  group: string
}

/**
 * The Services the input lacks (always), and with `everything` the IngressClasses and controller ConfigMaps it
 * lacks. `configMapFlags` are the --controller-configmap values (NS/NAME, plain or per class).
 */
export async function lookupMissing(client: ClusterClient, objects: InputObject[], opts: {everything: boolean; configMapFlags: string[]}): Promise<LookupResult> {
  const wanted: Wanted[] = missingServices(objects).map((key) => {
    const [namespace, name] = key.split('/')
    return {kind: 'Service', apiVersion: 'v1', plural: 'services', namespace, name, group: ''}
  })
  if (opts.everything) wanted.push(...missingClasses(objects), ...missingConfigMaps(objects, opts.configMapFlags))
  const found: InputObject[] = []
  const absent: Wanted[] = []
  const denied = new Map<Wanted['kind'], string>()
  const queue = [...wanted]
  const worker = async () => {
    for (let w = queue.shift(); w !== undefined; w = queue.shift()) {
      if (denied.has(w.kind)) continue
      try {
        const o = await client.getOptional(resourcePath(w.apiVersion, w.plural, w.namespace, w.name))
        if (!o) absent.push(w)
        else {
          if (o.metadata) delete o.metadata.managedFields
          found.push({object: {...o, apiVersion: w.apiVersion, kind: w.kind} as KubeObject, source: {cluster: true}})
        }
      } catch (error) {
        if (error instanceof ClusterError || !(error instanceof ApiError)) throw error
        const intent = {verb: 'get' as const, group: w.group, resource: w.plural, namespace: w.namespace}
        denied.set(w.kind, error.code === 403 ? forbiddenMessage(intent, error) : `get ${w.plural} failed (${error.code}): ${error.message}`)
      }
    }
  }
  await Promise.all(Array.from({length: Math.min(8, wanted.length)}, worker))
  const diagnostics: Diagnostic[] = [...denied.entries()].map(([kind, why]) => diagnostic('cluster-lookup-failed', {kind, cluster: client.where, error: why}))
  if (opts.everything) diagnostics.push(announcement(client, wanted, found, absent))
  found.sort((a, b) => keyOf(a.object).localeCompare(keyOf(b.object)))
  return {objects: found, diagnostics, servicesComplete: !denied.has('Service')}
}

/** --lookup-cluster when no cluster answers (no kubeconfig, unreachable, TLS): the files convert as they are. */
export function lookupUnreachable(error: Error): Diagnostic {
  return diagnostic('cluster-lookup-failed', {error: error.message})
}

/** The IngressClasses of the classes the Ingresses name (field or annotation) that the files lack. */
function missingClasses(objects: InputObject[]): Wanted[] {
  const have = new Set(objects.filter((o) => o.object.kind === 'IngressClass').map((o) => o.object.metadata.name))
  const names = new Set<string>()
  for (const o of objects) {
    if (o.object.kind !== 'Ingress') continue
    const name = ingressClassOf(o.object).name
    if (name !== undefined && name !== '' && !have.has(name)) names.add(name)
  }
  return [...names].sort().map((name) => ({kind: 'IngressClass', apiVersion: 'networking.k8s.io/v1', plural: 'ingressclasses', name, group: 'networking.k8s.io'}))
}

/** The controller ConfigMaps the flags or the files' controller workloads name, else the chart's usual one. */
function missingConfigMaps(objects: InputObject[], flags: string[]): Wanted[] {
  const have = new Set(objects.filter((o) => o.object.kind === 'ConfigMap').map((o) => `${o.object.metadata.namespace ?? 'default'}/${o.object.metadata.name}`))
  const refs = flags.map((f) => (f.includes('=') ? f.slice(f.indexOf('=') + 1) : f))
  for (const w of findControllerWorkloads(objects.map((o) => o.object))) if (w.configMap?.includes('/')) refs.push(w.configMap)
  if (refs.length === 0) refs.push('ingress-nginx/ingress-nginx-controller')
  return [...new Set(refs)]
    .filter((r) => !have.has(r))
    .sort()
    .map((r) => ({kind: 'ConfigMap', apiVersion: 'v1', plural: 'configmaps', namespace: r.split('/')[0], name: r.split('/')[1], group: ''}))
}

/** One info: which objects were read from which cluster, and which the cluster does not have either. */
function announcement(client: ClusterClient, wanted: Wanted[], found: InputObject[], absent: Wanted[]): Diagnostic {
  const byKind = (list: {kind: string; name: string}[]): LookupObjects => {
    const out: LookupObjects = {}
    for (const kind of ['Service', 'IngressClass', 'ConfigMap'] as const) {
      const names = list.filter((x) => x.kind === kind).map((x) => x.name)
      if (names.length > 0) out[kind] = names.sort()
    }
    return out
  }
  const read = byKind(found.map((o) => ({kind: o.object.kind, name: keyOf(o.object)})))
  const absentByKind = byKind(absent.map((w) => ({kind: w.kind, name: w.namespace ? `${w.namespace}/${w.name}` : w.name})))
  return diagnostic('cluster-lookup', {cluster: client.where, wanted: wanted.length, read, absent: absentByKind})
}

function keyOf(o: KubeObject): string {
  return o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name
}
