/**
 * What the compiler says a request gets, two ways, for comparison with real nginx (test/support/real-nginx.ts):
 * - modelAnswer: the compiler's nginx model (src/verify/nginx-model.ts over result.hosts: servers, locations,
 *   regex mode, redirects, rewrites), the one verify uses;
 * - gatewayAnswer: the emitted routes as Envoy Gateway v1.9 and Envoy route them (the verify model,
 *   src/verify/gateway-model.ts).
 * Requests carry no headers: canary header/cookie rules never match, and a weighted rule answers its first backend.
 */
import type {KubeObject, TranslateResult} from '../../src/model/types.js'
import {buildGatewayModel, routeRequest} from '../../src/verify/gateway-model.js'
import type {GatewayModel} from '../../src/verify/gateway-types.js'
import {buildNginxModel, routeNginxRequest, type NginxModel} from '../../src/verify/nginx-model.js'
import type {Answer} from './real-nginx.js'

const key = (ns: string, name: string, port: number) => `${ns}/${name}:${port}`

const nginxModels = new WeakMap<TranslateResult, NginxModel>()

/**
 * The compiler's nginx model (src/verify/nginx-model.ts over result.hosts) for http://<host><path>. The harness's
 * nginx renders no Lua, so the model's https redirect is off here.
 */
export function modelAnswer(result: TranslateResult, host: string, path: string): Answer {
  let model = nginxModels.get(result)
  if (model === undefined) {
    model = buildNginxModel(new Map([['harness', result.hosts!]]), {httpsRedirect: false})
    nginxModels.set(result, model)
  }
  const outcome = routeNginxRequest(model, {scheme: 'http', host, path})
  if (outcome.kind === 'redirect') return {kind: 'redirect', status: outcome.status!, location: outcome.location!.replace(/^(http:\/\/[^/:]+):80(\/|$)/, '$1$2')}
  if (outcome.kind !== 'forward') return {kind: 'status', status: outcome.status ?? 0}
  const first = outcome.backends![0]!
  return {kind: 'upstream', upstream: key(first.namespace, first.name, first.port!), path: outcome.upstreamPath!}
}

/**
 * The Gateway the harness compares with: its nginx serves every host over plain http, so the `https` listener is
 * modelled as plain HTTP on port 443 (Locations then carry the request's scheme, as nginx's do) beside `http` on 80.
 */
const HARNESS_GATEWAY: KubeObject = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: {name: 'shared', namespace: 'gateway'},
  spec: {gatewayClassName: 'eg', listeners: [
    {name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: {namespaces: {from: 'All'}}},
    {name: 'https', port: 443, protocol: 'HTTP', allowedRoutes: {namespaces: {from: 'All'}}},
  ]},
}

const gatewayModels = new WeakMap<TranslateResult, GatewayModel>()

/**
 * The emitted routes' answer: the Envoy Gateway model (src/verify/gateway-model.ts) on port 80, or on the `https`
 * listener when port 80 only redirects the request to https (ssl-redirect) or answers 404 where the https-redirect route
 * left to the Gateway owner would redirect. Requests carry no headers, so a weighted rule is
 * answered by its first backend; an EG Backend by the Service its FQDN names.
 */
export function gatewayAnswer(result: TranslateResult, host: string, path: string): Answer {
  let model = gatewayModels.get(result)
  if (model === undefined) {
    model = buildGatewayModel([...result.objects.filter((o) => o.kind !== 'Gateway' && o.kind !== 'Namespace'), HARNESS_GATEWAY])
    gatewayModels.set(result, model)
  }
  let outcome = routeRequest(model, {scheme: 'http', host, path})
  const toHttps = outcome.kind === 'redirect' && outcome.location === `https://${host}${path}`
  // Without the bundle, the https-redirect route is the owner's (checklist): port 80 of a TLS host answers 404 where
  // it would redirect, with or without a virtual host there (app-root's route of its own on http keeps one).
  const httpsOnly = outcome.kind === 'respond' && outcome.status === 404 && (outcome.gateway.virtualHost === undefined || !result.objects.some((o) => o.kind === 'HTTPRoute' && String(o.metadata.name).startsWith('https-redirect')))
  if (toHttps || httpsOnly) outcome = routeRequest(model, {scheme: 'http', host, path, port: 443})
  if (outcome.kind === 'redirect') return {kind: 'redirect', status: outcome.status!, location: outcome.location!}
  if (outcome.kind !== 'forward') return {kind: 'status', status: outcome.status ?? 0}
  const first = outcome.backends![0]!
  if (first.kind === 'Backend') {
    // backend-protocol HTTPS: an Envoy Gateway Backend whose endpoint is the Service's cluster DNS name.
    const backend = result.objects.find((o) => o.kind === 'Backend' && o.metadata.name === first.name && o.metadata.namespace === first.namespace)
    const fqdn = backend?.spec.endpoints?.[0]?.fqdn
    const [svc, svcNs] = String(fqdn?.hostname ?? '').split('.')
    return {kind: 'upstream', upstream: key(svcNs ?? first.namespace, svc ?? first.name, fqdn?.port), path: outcome.upstreamPath!}
  }
  return {kind: 'upstream', upstream: key(first.namespace, first.name, first.port!), path: outcome.upstreamPath!}
}
