/**
 * What the compiler says a request gets, two ways, for comparison with real nginx (test/support/real-nginx.ts):
 * - modelAnswer: the compiler's nginx model (result.hosts: servers, locations, regex mode) run through
 *   src/translate/nginx-locations.ts, with the answers its intents imply;
 * - gatewayAnswer: the emitted HTTPRoutes as Envoy Gateway v1.9 matches them (internal/gatewayapi/sort.go: Exact >
 *   RegularExpression > PathPrefix, then longer first, stable over routes by namespace/name and rule order; Envoy
 *   picks the virtual host by exact hostname, then the longest wildcard, then the routes without hostnames).
 * Requests carry no headers: canary header/cookie rules never match, and a weighted rule answers its first backend.
 */
import {applyNginxRewrite, renderServer, selectNginxLocation} from '../../src/translate/nginx-locations.js'
import type {HostModel, Location} from '../../src/translate/model.js'
import type {KubeObject, TranslateResult} from '../../src/translate/types.js'
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
  const redirect = ingress?.intents.redirect?.filter
  if (redirect?.type === 'RequestRedirect' && !(server.name === '' && loc?.fromDefaultBackend)) return redirectAnswer(redirect, host, path)
  if (!loc?.backend) return {kind: 'status', status: 404}
  return {kind: 'upstream', upstream: key(loc.backend.namespace, loc.backend.name, loc.backend.port), path: applyNginxRewrite(n, path)}
}

interface FlatMatch {
  route: KubeObject
  rule: any
  match: any
  rank: number
  length: number
  headers: number
}

function hostnameRank(hostnames: string[] | undefined, host: string): number {
  if (!hostnames || hostnames.length === 0) return 0
  if (hostnames.includes(host)) return 10_000
  const wild = hostnames.filter((h) => h.startsWith('*.') && host.endsWith(h.slice(1)))
  return wild.length > 0 ? Math.max(...wild.map((h) => h.length)) : -1
}

function pathMatches(m: any, path: string): boolean {
  const p = m?.path ?? {type: 'PathPrefix', value: '/'}
  if (p.type === 'Exact') return path === p.value
  if (p.type === 'PathPrefix') {
    const base = p.value === '/' ? '' : p.value.replace(/\/$/, '')
    return base === '' || path === base || path.startsWith(`${base}/`)
  }
  const ci = p.value.startsWith('(?i)')
  return new RegExp(`^(?:${ci ? p.value.slice(4) : p.value})$`, ci ? 'i' : '').test(path)
}

export function gatewayAnswer(result: TranslateResult, host: string, path: string): Answer {
  const routes = result.objects
    .filter((o) => o.kind === 'HTTPRoute' && !(o.metadata.name.startsWith('https-redirect') && o.metadata.namespace === 'gateway'))
    .sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`))
  const best = Math.max(-1, ...routes.map((r) => hostnameRank(r.spec.hostnames, host)))
  if (best < 0) return {kind: 'status', status: 404}
  const vhost = routes.filter((r) => hostnameRank(r.spec.hostnames, host) === best)
  const https = vhost.some((r) => r.spec.parentRefs.some((p: any) => p.sectionName === 'https'))
  const listener = vhost.filter((r) => r.spec.parentRefs.some((p: any) => p.sectionName === (https ? 'https' : 'http')))
  const flat: FlatMatch[] = []
  for (const route of listener) {
    for (const rule of route.spec.rules ?? []) {
      for (const match of rule.matches ?? [{}]) {
        const p = match.path ?? {type: 'PathPrefix', value: '/'}
        const rank = p.type === 'Exact' ? 3 : p.type === 'RegularExpression' ? 2 : 1
        const length = p.type === 'PathPrefix' && p.value === '/' ? 0 : p.value.length
        flat.push({route, rule, match, rank, length, headers: match.headers?.length ?? 0})
      }
    }
  }
  const ordered = flat.map((f, i) => ({f, i})).sort((a, b) => b.f.rank - a.f.rank || b.f.length - a.f.length || b.f.headers - a.f.headers || a.i - b.i)
  const hit = ordered.find(({f}) => !f.match.headers && !f.match.queryParams && pathMatches(f.match, path))?.f
  if (!hit) return {kind: 'status', status: 404}
  let seen = path
  for (const filter of hit.rule.filters ?? []) {
    if (filter.type === 'RequestRedirect') return redirectAnswer(filter, host, path)
    if (filter.type === 'URLRewrite' && filter.urlRewrite.path?.type === 'ReplaceFullPath') seen = filter.urlRewrite.path.replaceFullPath
    if (filter.type === 'ExtensionRef') {
      const ext = result.objects.find((o) => o.kind === 'HTTPRouteFilter' && o.metadata.name === filter.extensionRef.name && o.metadata.namespace === hit.route.metadata.namespace)
      if (ext?.spec.directResponse) return {kind: 'status', status: ext.spec.directResponse.statusCode}
      const rx = ext?.spec.urlRewrite?.path?.replaceRegexMatch
      if (rx) {
        const ci = rx.pattern.startsWith('(?i)')
        seen = seen.replace(new RegExp(ci ? rx.pattern.slice(4) : rx.pattern, ci ? 'i' : ''), rx.substitution.replace(/\\(\d)/g, '$$$1'))
      }
    }
  }
  const ref = hit.rule.backendRefs?.[0]
  if (!ref) return {kind: 'status', status: 500}
  const ns = ref.namespace ?? hit.route.metadata.namespace
  if (ref.kind === 'Backend') {
    // backend-protocol HTTPS: an Envoy Gateway Backend whose endpoint is the Service's cluster DNS name.
    const backend = result.objects.find((o) => o.kind === 'Backend' && o.metadata.name === ref.name && o.metadata.namespace === ns)
    const fqdn = backend?.spec.endpoints?.[0]?.fqdn
    const [svc, svcNs] = String(fqdn?.hostname ?? '').split('.')
    return {kind: 'upstream', upstream: key(svcNs ?? ns, svc ?? ref.name, fqdn?.port), path: seen}
  }
  return {kind: 'upstream', upstream: key(ns, ref.name, ref.port), path: seen}
}
