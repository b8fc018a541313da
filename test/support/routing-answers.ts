/**
 * What the compiler says a request gets, two ways, for comparison with real nginx (test/support/real-nginx.ts):
 * - modelAnswer: the compiler's nginx model (result.hosts: servers, locations, regex mode) run through
 *   src/translate/nginx-locations.ts, with the answers its intents imply;
 * - gatewayAnswer: the emitted routes as Envoy Gateway v1.9 and Envoy route them (the verify model,
 *   src/verify/gateway-model.ts).
 * Requests carry no headers: canary header/cookie rules never match, and a weighted rule answers its first backend.
 */
import {applyNginxRewrite, renderServer, selectNginxLocation} from '../../src/translate/nginx-locations.js'
import type {HostModel, Location} from '../../src/translate/model.js'
import type {KubeObject, TranslateResult} from '../../src/translate/types.js'
import {buildGatewayModel, routeRequest} from '../../src/verify/gateway-model.js'
import type {GatewayModel} from '../../src/verify/gateway-types.js'
import type {Answer} from './real-nginx.js'

const key = (ns: string, name: string, port: number) => `${ns}/${name}:${port}`

/** The answer a RequestRedirect filter gives to http://<host><path>. */
function redirectAnswer(filter: any, host: string, path: string): Answer {
  const r = filter.requestRedirect
  const scheme = r.scheme ?? 'http'
  const port = r.port !== undefined && r.port !== (scheme === 'https' ? 443 : 80) ? `:${r.port}` : ''
  let target = path
  if (r.path?.type === 'ReplaceFullPath') target = r.path.replaceFullPath
  return {kind: 'redirect', status: r.statusCode ?? 302, location: `${scheme}://${r.hostname ?? host}${port}${target}`}
}

/** nginx's server for a Host: an exact name (or alias), else a one-label wildcard, else the catch-all. */
function serverFor(hosts: Map<string, HostModel>, host: string): HostModel | undefined {
  for (const h of hosts.values()) if (h.name === host || h.aliases.includes(host)) return h
  const wildcard = [...hosts.values()].find((h) => h.name.startsWith('*.') && new RegExp(`^[\\w-]+\\.${h.name.slice(2).replaceAll('.', '\\.')}$`).test(host))
  return wildcard ?? hosts.get('')
}

export function modelAnswer(result: TranslateResult, host: string, path: string): Answer {
  const hosts = result.hosts!
  for (const h of hosts.values()) {
    for (const loc of h.locations) {
      const twins = loc.ingress.intents.wwwTwins ?? []
      if (twins.includes(host) && loc.host === (host.startsWith('www.') ? host.slice(4) : `www.${host}`)) {
        return {kind: 'redirect', status: 308, location: `http://${loc.host}${path === '/' ? '' : path.replace(/\/$/, '')}`}
      }
    }
  }
  const server = serverFor(hosts, host)
  if (!server) return {kind: 'status', status: 404}
  if (path === '/') {
    const appRoot = server.locations.flatMap((l) => l.ingress.intents.extraRules).find((r) => r.rule.matches.some((m: any) => m.path?.type === 'Exact' && m.path.value === '/'))
    if (appRoot) return {...redirectAnswer(appRoot.rule.filters![0], host, path), location: `http://${host}${appRoot.rule.filters![0].requestRedirect.path.replaceFullPath}`}
  }
  const rendered = renderServer(server)
  const choice = selectNginxLocation(rendered, path)
  if (!choice) return {kind: 'status', status: 404}
  if ('slashRedirect' in choice) return {kind: 'redirect', status: 301, location: `http://${host}${choice.slashRedirect}`}
  const n = choice.location
  const loc: Location | undefined = n.location
  const ingress = n.ingress
  // A denied location (annotations.go Extract `Denied`): nginx.tmpl answers `return 503` (403 for an auth-tls error).
  if (ingress?.denied) return {kind: 'status', status: ingress.denied.status}
  const redirect = ingress?.intents.redirect?.filter
  if (redirect?.type === 'RequestRedirect' && !(server.name === '' && loc?.fromDefaultBackend)) return redirectAnswer(redirect, host, path)
  if (!loc?.backend) return {kind: 'status', status: 404}
  return {kind: 'upstream', upstream: key(loc.backend.namespace, loc.backend.name, loc.backend.port), path: applyNginxRewrite(n, path)}
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
 * listener when port 80 only redirects the request to https (ssl-redirect) or has no virtual host for it (a TLS
 * host whose https-redirect route is left to the Gateway owner). Requests carry no headers, so a weighted rule is
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
  const httpsOnly = outcome.kind === 'respond' && outcome.status === 404 && outcome.gateway.virtualHost === undefined
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
