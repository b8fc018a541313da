/**
 * Read the facts the cutover plan needs: the Service, the Gateway, the Gateway's Envoy Service (by the labels
 * Envoy Gateway puts on it), the ClientTrafficPolicies of the Gateway's namespace, the ingress-nginx controller
 * ConfigMap and the other Services of the namespace. Only GETs and LISTs; Secrets are never read.
 */
import type {KubeObject, NamespacedName} from '../model/types.js'
import {ApiError, type ClusterClient, ClusterError, forbiddenMessage, resourcePath} from '../sources/cluster.js'
import type {CutoverFacts} from './model.js'
import {pushAll} from '../util/arrays.js'

const GW = 'gateway.networking.k8s.io'
const ENVOY_APP = 'app.kubernetes.io/name=envoy,app.kubernetes.io/component=proxy,app.kubernetes.io/managed-by=envoy-gateway'

/** A GET whose 403 or other failure ends the command with one line (404 gives undefined). */
async function getRequired(client: ClusterClient, group: string, apiVersion: string, plural: string, ref: NamespacedName): Promise<KubeObject | undefined> {
  try {
    const o = await client.getOptional(resourcePath(apiVersion, plural, ref.namespace, ref.name))
    return o ? ({apiVersion, kind: o.kind ?? '', ...o} as KubeObject) : undefined
  } catch (err) {
    if (!(err instanceof ApiError)) throw err
    if (err.code === 403) throw new ClusterError(forbiddenMessage({verb: 'get', group, resource: plural, namespace: ref.namespace, name: ref.name}, err))
    throw new ClusterError(`get ${plural} ${ref.namespace}/${ref.name} failed (${err.code}): ${err.message}`)
  }
}

/** List Services by label cluster-wide, or, when that is forbidden, in the namespaces where they usually are. */
/** `unread`: the namespaces whose list failed (a forbidden list is not an empty one). */
async function servicesByLabel(client: ClusterClient, selector: string, fallbackNamespaces: string[], unread: string[]): Promise<KubeObject[]> {
  try {
    return await client.listAll('v1', 'Service', 'services', {labelSelector: selector})
  } catch (err) {
    if (!(err instanceof ApiError) || err.code !== 403) throw err
  }
  const found: KubeObject[] = []
  for (const ns of [...new Set(fallbackNamespaces)]) {
    try {
      pushAll(found, await client.listAll('v1', 'Service', 'services', {namespace: ns, labelSelector: selector}))
    } catch (err) {
      if (!(err instanceof ApiError)) throw err
      unread.push(`${ns} (${err.code === 403 ? 'forbidden' : err.code})`)
    }
  }
  return found
}

export async function findEnvoyServices(client: ClusterClient, gw: NamespacedName, gateway: KubeObject | undefined, near: string[]): Promise<{services: KubeObject[]; byClass: boolean; unread: string[]}> {
  const namespaces = [...near, 'envoy-gateway-system', gw.namespace]
  const unread: string[] = []
  const own = await servicesByLabel(client, `${ENVOY_APP},gateway.envoyproxy.io/owning-gateway-name=${gw.name},gateway.envoyproxy.io/owning-gateway-namespace=${gw.namespace}`, namespaces, unread)
  if (own.length > 0 || !gateway) return {services: own, byClass: false, unread}
  // mergeGateways: one Envoy for every Gateway of the class, labelled with the class instead (translator.go buildIR).
  const cls = String((gateway.spec as {gatewayClassName?: string})?.gatewayClassName ?? '')
  if (!cls) return {services: [], byClass: false, unread}
  const merged = await servicesByLabel(client, `${ENVOY_APP},gateway.envoyproxy.io/owning-gatewayclass=${cls}`, namespaces, unread)
  return {services: merged, byClass: merged.length > 0, unread: [...new Set(unread)]}
}

async function listOptional(client: ClusterClient, apiVersion: string, kind: string, plural: string, namespace: string): Promise<{items: KubeObject[]; error?: string}> {
  try {
    return {items: await client.listAll(apiVersion, kind, plural, {namespace})}
  } catch (err) {
    if (!(err instanceof ApiError)) throw err
    return {items: [], error: `${err.code === 403 ? 'forbidden' : err.code}: ${err.message}`}
  }
}

/**
 * The controller ConfigMap: --controller-configmap, else the chart's name for it, which is the controller
 * Service's own name (ingress-nginx.controller.fullname names both), else ingress-nginx-controller.
 */
async function controllerConfigMap(client: ClusterClient, svc: KubeObject, flag: string | undefined): Promise<{configMap?: KubeObject; error?: string}> {
  const ns = svc.metadata.namespace!
  const candidates: NamespacedName[] = flag
    ? [flag.includes('/') ? {namespace: flag.split('/')[0], name: flag.split('/')[1]} : {namespace: ns, name: flag}]
    : [...new Set([svc.metadata.name, svc.metadata.name.replace(/-internal$/, ''), 'ingress-nginx-controller'])].map((name) => ({namespace: ns, name}))
  for (const ref of candidates) {
    try {
      const cm = await client.getOptional(resourcePath('v1', 'configmaps', ref.namespace, ref.name))
      if (cm) return {configMap: {apiVersion: 'v1', kind: 'ConfigMap', ...cm}}
    } catch (err) {
      if (!(err instanceof ApiError)) throw err
      // A denied read is not an absent ConfigMap: use-proxy-protocol stays unknown, and the plan refuses on it.
      const id = `${ref.namespace}/${ref.name}`
      return {error: err.code === 403 ? `reading the ingress-nginx controller ConfigMap ${id} is forbidden (${forbiddenMessage({verb: 'get', group: '', resource: 'configmaps', namespace: ref.namespace, name: ref.name}, err).replace(/^forbidden: /, '')})` : `reading the ingress-nginx controller ConfigMap ${id} failed (${err.code}: ${err.message})`}
    }
  }
  return {}
}

export interface CutoverRead {
  facts: CutoverFacts
}

export async function readCutoverFacts(client: ClusterClient, opts: {service: NamespacedName; gateway: NamespacedName; controllerConfigMap?: string; force: boolean}): Promise<CutoverRead> {
  const service = await getRequired(client, '', 'v1', 'services', opts.service)
  if (!service) throw new ClusterError(`Service ${opts.service.namespace}/${opts.service.name} not found`)
  service.kind = 'Service'
  const gateway = await getRequired(client, GW, `${GW}/v1`, 'gateways', opts.gateway)
  if (gateway) gateway.kind = 'Gateway'
  const envoy = await findEnvoyServices(client, opts.gateway, gateway, [opts.service.namespace])
  const ctps = await listOptional(client, 'gateway.envoyproxy.io/v1alpha1', 'ClientTrafficPolicy', 'clienttrafficpolicies', opts.gateway.namespace)
  const siblings = await listOptional(client, 'v1', 'Service', 'services', opts.service.namespace)
  const configMap = await controllerConfigMap(client, service, opts.controllerConfigMap)
  return {
    facts: {
      service,
      gatewayRef: opts.gateway,
      gateway,
      envoyServices: envoy.services,
      envoyByClass: envoy.byClass,
      ...(envoy.unread.length > 0 ? {envoyServicesUnread: envoy.unread} : {}),
      clientTrafficPolicies: ctps.items,
      ...(ctps.error ? {clientTrafficPoliciesError: `listing the ClientTrafficPolicies of namespace ${opts.gateway.namespace} failed (${ctps.error})`} : {}),
      controllerConfigMap: configMap.configMap,
      ...(configMap.error ? {controllerConfigMapError: configMap.error} : {}),
      siblings: siblings.items,
      force: opts.force,
    },
  }
}
