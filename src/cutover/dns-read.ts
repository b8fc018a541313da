/** Read what `cutover --dns` needs: the Gateway, its Envoy Service, the routes and Ingresses of the scope, external-dns. */
import {MANAGED_BY} from '../model/provenance.js'
import type {KubeObject, NamespacedName} from '../model/types.js'
import {ApiError, type ClusterClient, ClusterError, resourcePath, ResourceMapper} from '../sources/cluster.js'
import type {DnsFacts} from './dns.js'
import {findEnvoyServices} from './read.js'
import {STATUS_KINDS} from '../status/read.js'
import {served} from '../sources/served-version.js'
import {pushAll} from '../util/arrays.js'

const GW = 'gateway.networking.k8s.io'

function failure(what: string, err: ApiError): ClusterError {
  return new ClusterError(`listing ${what} failed (${err.code === 403 ? 'forbidden' : err.code}): ${err.message}`)
}

export async function readDnsFacts(client: ClusterClient, opts: {gateway: NamespacedName; allNamespaces: boolean}): Promise<DnsFacts> {
  const scope = opts.allNamespaces ? undefined : client.namespace
  let gatewayObject: KubeObject | undefined
  try {
    gatewayObject = await client.getOptional(resourcePath(`${GW}/v1`, 'gateways', opts.gateway.namespace, opts.gateway.name))
  } catch (err) {
    if (err instanceof ApiError) throw new ClusterError(`reading Gateway ${opts.gateway.namespace}/${opts.gateway.name} failed (${err.code}): ${err.message}`)
    throw err
  }
  if (!gatewayObject) throw new ClusterError(`Gateway ${opts.gateway.namespace}/${opts.gateway.name} not found: name the Gateway with --gateway`)
  const envoy = await findEnvoyServices(client, opts.gateway, gatewayObject, [])
  const mapper = new ResourceMapper(client)
  const routes: KubeObject[] = []
  // The route kinds that carry hostnames, in the versions status tries (TLSRoute is v1alpha2 before Gateway API v1.5).
  for (const k of STATUS_KINDS.filter((x) => ['HTTPRoute', 'GRPCRoute', 'TLSRoute'].includes(x.kind))) {
    const r = await served(mapper, k.group, k.versions, k.kind)
    if (!r) continue
    try {
      pushAll(routes, await client.listAll(r.apiVersion, k.kind, r.plural, {namespace: scope, labelSelector: `${MANAGED_BY}=ingress2gw`}))
    } catch (err) {
      if (err instanceof ApiError) throw failure(`${r.plural}.${GW}`, err)
      throw err
    }
  }
  let ingresses: KubeObject[]
  try {
    ingresses = await client.listAll('networking.k8s.io/v1', 'Ingress', 'ingresses', {namespace: scope})
  } catch (err) {
    if (err instanceof ApiError) throw failure('ingresses.networking.k8s.io', err)
    throw err
  }
  const externalDns: DnsFacts['externalDns'] = {deployments: []}
  try {
    externalDns.deployments = await client.listAll('apps/v1', 'Deployment', 'deployments', {labelSelector: 'app.kubernetes.io/name=external-dns'})
  } catch (err) {
    if (!(err instanceof ApiError)) throw err
    externalDns.error = `listing Deployments across namespaces: ${err.code === 403 ? 'forbidden' : err.code}`
  }
  return {
    gateway: opts.gateway,
    gatewayObject: {...gatewayObject, apiVersion: `${GW}/v1`, kind: 'Gateway'},
    envoyServices: envoy.services,
    routes,
    ingresses,
    externalDns,
    scopeArgs: opts.allNamespaces ? '-A' : `-n ${scope}`,
  }
}
