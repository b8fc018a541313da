/**
 * Read what `status` checks: every object labelled app.kubernetes.io/managed-by=ingress2gw in the scope (-n, or
 * -A), the Gateways their routes and policies reference (wherever they are), those Gateways' GatewayClasses,
 * policy targets that are not labelled, and cert-manager's ACME Challenges. With -l, only the objects converted
 * from the Ingresses the selector picks (their ingress2gw.io/source annotation) and the Gateways they use.
 * Secrets are never read.
 */
import {MANAGED_BY, SOURCE_ANNOTATION} from '../model/provenance.js'
import type {KubeObject} from '../model/types.js'
import {ApiError, ClusterClient, ClusterError, resourcePath, ResourceMapper} from '../sources/cluster.js'
import type {KubeconfigSelection} from '../sources/kubeconfig.js'
import {served} from '../sources/served-version.js'
import {objectKey, refKey, type StatusInput} from './model.js'
import {targetRefsOf} from './policies.js'
import {parentRefsOf, ROUTE_KINDS} from './routes.js'
import {pushAll} from '../util/arrays.js'

const GW = 'gateway.networking.k8s.io'
const EG = 'gateway.envoyproxy.io'
const CM = 'cert-manager.io'

/** What is listed, in the versions tried first to last. */
export const STATUS_KINDS: {group: string; versions: string[]; kind: string; clusterScoped?: boolean; unlabelled?: boolean}[] = [
  {group: GW, versions: ['v1'], kind: 'Gateway'},
  {group: GW, versions: ['v1'], kind: 'HTTPRoute'},
  {group: GW, versions: ['v1'], kind: 'GRPCRoute'},
  {group: GW, versions: ['v1', 'v1alpha2'], kind: 'TLSRoute'},
  {group: GW, versions: ['v1', 'v1alpha2'], kind: 'TCPRoute'},
  {group: GW, versions: ['v1', 'v1alpha2'], kind: 'UDPRoute'},
  {group: GW, versions: ['v1', 'v1alpha3'], kind: 'BackendTLSPolicy'},
  {group: EG, versions: ['v1alpha1'], kind: 'ClientTrafficPolicy'},
  {group: EG, versions: ['v1alpha1'], kind: 'BackendTrafficPolicy'},
  {group: EG, versions: ['v1alpha1'], kind: 'SecurityPolicy'},
  {group: EG, versions: ['v1alpha1'], kind: 'EnvoyExtensionPolicy'},
  {group: EG, versions: ['v1alpha1'], kind: 'Backend'},
  {group: CM, versions: ['v1'], kind: 'Certificate'},
  {group: CM, versions: ['v1'], kind: 'Issuer'},
  {group: CM, versions: ['v1'], kind: 'ClusterIssuer', clusterScoped: true},
  {group: 'acme.cert-manager.io', versions: ['v1'], kind: 'Challenge', unlabelled: true},
]

export interface StatusReadOptions {
  selection: KubeconfigSelection
  allNamespaces: boolean
  /** -l: label selector for the Ingresses whose converted objects are checked. */
  selector?: string
  env?: NodeJS.ProcessEnv
}

export interface StatusRead extends StatusInput {
  /** The namespace checked (undefined with -A). */
  namespace?: string
}

function apiMessage(err: unknown): string {
  if (err instanceof ApiError) return err.code === 403 ? `forbidden: ${err.message}` : `${err.code}: ${err.message}`
  return (err as Error).message
}

/** Ingresses -l selects -> the objects converted from them (by their source annotation). */
function fromSelectedIngresses(objects: KubeObject[], ingresses: KubeObject[]): KubeObject[] {
  const wanted = new Set(ingresses.map((i) => `Ingress ${i.metadata.namespace}/${i.metadata.name}`))
  return objects.filter((o) => o.kind === 'Challenge' || (o.metadata.annotations?.[SOURCE_ANNOTATION] ?? '').split(', ').some((s) => wanted.has(s)))
}

/**
 * GET each referenced object the lists did not bring, recording 404s and unreadable ones. Gateways and
 * GatewayClasses join the objects (Gateways are reported); for anything else only its existence matters.
 */
async function fetchReferenced(client: ClusterClient, mapper: ResourceMapper, refs: {kind: string; group: string; namespace?: string; name: string}[], input: StatusInput): Promise<void> {
  const have = new Set(input.objects.map(objectKey))
  const seen = new Set<string>()
  for (const ref of refs) {
    const key = refKey(ref.kind, ref.namespace, ref.name)
    if (have.has(key) || seen.has(key)) continue
    seen.add(key)
    const kind = STATUS_KINDS.find((k) => k.kind === ref.kind && k.group === ref.group) ?? (ref.kind === 'GatewayClass' ? {group: GW, versions: ['v1'], kind: 'GatewayClass'} : undefined)
    const s = kind && (await served(mapper, kind.group, kind.versions, kind.kind))
    if (!s) continue
    try {
      const o = await client.getOptional(resourcePath(s.apiVersion, s.plural, ref.namespace, ref.name))
      if (!o) input.missing.add(key)
      else if (ref.kind === 'Gateway' || ref.kind === 'GatewayClass') input.objects.push({apiVersion: s.apiVersion, kind: ref.kind, ...o})
    } catch (err) {
      if (err instanceof ClusterError) throw err
      input.unreadable.set(key, apiMessage(err))
    }
  }
}

export async function readStatus(opts: StatusReadOptions): Promise<StatusRead> {
  const client = await ClusterClient.connect(opts.selection, opts.env)
  return readStatusWith(client, opts)
}

export async function readStatusWith(client: ClusterClient, opts: StatusReadOptions): Promise<StatusRead> {
  const namespace = opts.allNamespaces ? undefined : client.namespace
  const mapper = new ResourceMapper(client)
  const input: StatusInput = {objects: [], missing: new Set(), unreadable: new Map(), notChecked: []}
  const lists = STATUS_KINDS.filter((k) => !k.clusterScoped || opts.allNamespaces).map(async (k) => {
    const s = await served(mapper, k.group, k.versions, k.kind)
    if (!s) {
      if (k.kind === 'Gateway' || k.kind === 'HTTPRoute') input.notChecked.push(`${k.kind} (${k.group}): the cluster does not serve it (Gateway API CRDs not installed)`)
      return
    }
    try {
      const items = await client.listAll(s.apiVersion, k.kind, s.plural, {namespace: k.clusterScoped ? undefined : namespace, labelSelector: k.unlabelled ? undefined : `${MANAGED_BY}=ingress2gw`})
      pushAll(input.objects, items)
    } catch (err) {
      if (!(err instanceof ApiError)) throw err
      input.notChecked.push(`${s.plural}.${k.group}${namespace ? ` in namespace ${namespace}` : ''}: ${apiMessage(err)}`)
    }
  })
  await Promise.all(lists)
  if (opts.selector) {
    let ingresses: KubeObject[]
    try {
      ingresses = await client.listAll('networking.k8s.io/v1', 'Ingress', 'ingresses', {namespace, labelSelector: opts.selector})
    } catch (err) {
      if (err instanceof ApiError) throw new ClusterError(`listing the Ingresses -l selects failed (${apiMessage(err)})`)
      throw err
    }
    input.objects = fromSelectedIngresses(input.objects, ingresses)
  }
  // Referenced Gateways (wherever they are), then their classes, then policy targets that were not listed.
  const gatewayRefs = input.objects.flatMap((o) => {
    if (ROUTE_KINDS.has(o.kind)) return parentRefsOf(o).filter((p) => (p.kind ?? 'Gateway') === 'Gateway').map((p) => ({kind: 'Gateway', group: GW, namespace: p.namespace ?? o.metadata.namespace, name: p.name}))
    return targetRefsOf(o).filter((t) => t.kind === 'Gateway').map((t) => ({kind: 'Gateway', group: GW, namespace: o.metadata.namespace, name: t.name}))
  })
  await fetchReferenced(client, mapper, gatewayRefs, input)
  const classRefs = input.objects.filter((o) => o.kind === 'Gateway').map((g) => ({kind: 'GatewayClass', group: GW, name: String((g.spec as {gatewayClassName?: string})?.gatewayClassName ?? '')}))
  await fetchReferenced(client, mapper, classRefs.filter((r) => r.name), input)
  const targetRefs = input.objects.flatMap((o) => targetRefsOf(o).filter((t) => ROUTE_KINDS.has(t.kind)).map((t) => ({kind: t.kind, group: GW, namespace: o.metadata.namespace, name: t.name})))
  await fetchReferenced(client, mapper, targetRefs, input)
  input.objects.sort((a, b) => objectKey(a).localeCompare(objectKey(b)))
  input.notChecked.sort()
  return {...input, namespace}
}
