/**
 * Where an auth-url points: a Service by its cluster DNS name, or, for the oauth2-proxy pattern
 * (`https://$host/oauth2/auth`), the Service that serves that path on the request's own host.
 */
import {normalizeHost} from '../../model/names.js'
import {restorePlaceholders} from '../placeholders.js'
import type {FamilyContext, ServedPath} from '../types.js'

/** Where an auth URL points, as far as the conversion can tell. */
export type AuthTarget =
  | {kind: 'service'; scheme: 'http' | 'https'; name: string; namespace: string; port: number; path: string; query: string}
  | {kind: 'variables' | 'bare-name' | 'external' | 'scheme'; scheme: string; host: string; port: number; path: string; query: string; explicitPort: boolean}
  | {kind: 'invalid'; reason: string}

/**
 * parser.StringToURL (scheme and host required, no `..` in the host), then where the host points: a Service by
 * its cluster DNS name (`svc.ns.svc[.cluster.local]`, or `svc.ns` when that Service is in the input); a bare
 * `svc` resolved in the controller's own namespace (its resolv.conf search path), which the conversion does not
 * know; anything else is outside the cluster.
 */
export function classifyAuthUrl(raw: string, lookup: FamilyContext['lookup']): AuthTarget {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(\?[^#]*)?/.exec(raw.trim())
  if (!m) return {kind: 'invalid', reason: `"${raw}" is not a URL with a scheme and a host`}
  const scheme = m[1]!.toLowerCase()
  const authority = m[2]!
  if (authority === '') return {kind: 'invalid', reason: `"${raw}" has no host`}
  if (authority.includes('..')) return {kind: 'invalid', reason: `"${raw}" has an invalid host`}
  const hp = /^(.*?)(?::([^:]*))?$/.exec(authority)!
  const host = hp[1]!.toLowerCase()
  const portText = hp[2]
  const path = m[3] || '/'
  const query = m[4] ?? ''
  const defaultPort = scheme === 'https' ? 443 : 80
  const explicitPort = portText !== undefined && portText !== ''
  // Variables in the query only leave the backend fixed (the query is not sent by extAuth anyway).
  if (authority.includes('$') || path.includes('$')) return {kind: 'variables', scheme, host, port: defaultPort, path, query, explicitPort}
  if (portText !== undefined && portText !== '' && !/^\d+$/.test(portText)) return {kind: 'invalid', reason: `"${raw}" has an invalid port`}
  const port = portText ? Number(portText) : defaultPort
  if (port < 1 || port > 65535) return {kind: 'invalid', reason: `"${raw}" has an invalid port`}
  if (scheme !== 'http' && scheme !== 'https') return {kind: 'scheme', scheme, host, port, path, query, explicitPort}
  const label = '[a-z0-9]([-a-z0-9]*[a-z0-9])?'
  const svc = new RegExp(`^(${label})\\.(${label})\\.svc(\\.cluster\\.local)?\\.?$`).exec(host)
  if (svc) return {kind: 'service', scheme, name: svc[1]!, namespace: svc[3]!, port, path, query}
  const short = new RegExp(`^(${label})\\.(${label})$`).exec(host)
  if (short && lookup.service(short[3]!, short[1]!)) return {kind: 'service', scheme, name: short[1]!, namespace: short[3]!, port, path, query}
  if (new RegExp(`^${label}$`).test(host) && !/^\d+$/.test(host)) return {kind: 'bare-name', scheme, host, port, path, query, explicitPort}
  return {kind: 'external', scheme, host, port, path, query, explicitPort}
}

export type UnresolvedTarget = Exclude<AuthTarget, {kind: 'service' | 'invalid'}>
export type ServiceTarget = Extract<AuthTarget, {kind: 'service'}>

/** The request's own host as an nginx variable (braces are not in the URL validator's alphabet). */
export const HOST_VARIABLE = /^\$(host|http_host|best_http_host)$/

/** The rule hosts of the Ingress (normalized, each once). */
export function ownHosts(ctx: FamilyContext): string[] {
  const rules: any[] = Array.isArray(ctx.ingress.object.spec?.rules) ? ctx.ingress.object.spec.rules : []
  return [...new Set(rules.map((r) => normalizeHost(r?.host)))]
}

/**
 * The Ingress's named hosts on which no served Ingress of the input has an unauthenticated location under
 * `prefix` (an auth server's sign-in callback lands there: nginx reached it through such a location, and the
 * Gateway does through the HTTPRoute converted from it).
 */
export function hostsWithoutRouteUnder(ctx: FamilyContext, prefix: string): string[] {
  return ownHosts(ctx).filter((host) => {
    if (host === '') return false
    const at = ctx.lookup.serviceForPath(host, `${prefix}/callback`)
    const under = at?.location.replace(/^(Exact|Prefix) /, '').replace(/\/+$/, '')
    return !at || at.authenticated || under === undefined || !(`${under}/`.startsWith(`${prefix}/`))
  })
}

/**
 * The oauth2-proxy pattern: the URL's host is the request's own host (`$host`, ...) or one of the Ingress's hosts,
 * so nginx's subrequest went back through the controller to whatever location serves that path there
 * (typically an oauth2-proxy Ingress on /oauth2). That location's Service is the auth backend.
 */
export function resolveThroughHost(
  ctx: FamilyContext,
  target: UnresolvedTarget,
): {ok: true; target: ServiceTarget; via: string} | {ok: false; reason?: string} {
  if (target.kind !== 'variables' && target.kind !== 'external') return {ok: false}
  if (target.scheme !== 'http' && target.scheme !== 'https') return {ok: false}
  const own = ownHosts(ctx)
  let hosts: string[]
  let hostText: string
  if (HOST_VARIABLE.test(target.host)) {
    hosts = own
    hostText = `the request's own host (${target.host}: ${own.map((h) => h || '*').join(', ') || 'none'})`
  } else if (target.kind === 'external' && own.includes(restorePlaceholders(target.host))) {
    // A host read with a Flux placeholder (sentinel) is the rule host written with the same placeholder.
    hosts = [restorePlaceholders(target.host)]
    hostText = `this Ingress's own host ${target.host}`
  } else {
    return {ok: false}
  }
  if (target.explicitPort && !(target.kind === 'external' && target.port === (target.scheme === 'https' ? 443 : 80))) {
    return {ok: false, reason: `names ${hostText} with an explicit port, which the conversion cannot map to a listener`}
  }
  if (target.path.includes('$')) return {ok: false, reason: `has nginx variables in its path (${target.path}), resolved per request`}
  if (hosts.length === 0) return {ok: false, reason: `names the request's host (${target.host}), and this Ingress has no rules`}
  const found: {host: string; at: ServedPath}[] = []
  for (const host of hosts) {
    const at = ctx.lookup.serviceForPath(host, target.path)
    if (!at) return {ok: false, reason: `points back at ${hostText}, and no served Ingress of the input routes ${host || '*'}${target.path} to a Service port the conversion can resolve (the Ingress that serves it, typically oauth2-proxy's on /oauth2, is not in the input)`}
    if (at.authenticated) {
      return {
        ok: false,
        reason: `points back at ${hostText}, where ${target.path} is served by ${at.location} of Ingress ${at.ingress}, which itself has auth-url: nginx's subrequest was authenticated again (a loop that ends in errors), so there is no auth service to call`,
      }
    }
    if (at.backendProtocol !== undefined && !['HTTP', 'HTTPS', 'AUTO_HTTP'].includes(at.backendProtocol)) {
      return {ok: false, reason: `points back at ${hostText}, where ${target.path} is served by Ingress ${at.ingress} with backend-protocol ${at.backendProtocol}, which extAuth.http cannot call`}
    }
    found.push({host, at})
  }
  const first = found[0]!.at
  const key = (a: ServedPath) => `${a.namespace}/${a.name}:${a.port}/${a.backendProtocol === 'HTTPS' ? 'https' : 'http'}`
  const distinct = [...new Set(found.map((f) => key(f.at)))]
  if (distinct.length > 1) {
    return {
      ok: false,
      reason: `points back at ${hostText}, and its hosts route ${target.path} to different Services (${found.map((f) => `${f.host || '*'}: ${f.at.namespace}/${f.at.name}:${f.at.port}`).join(', ')}); one SecurityPolicy covers all routes of the Ingress and can name one auth backend`,
    }
  }
  const scheme = first.backendProtocol === 'HTTPS' ? 'https' : 'http'
  const via =
    `nginx sent the subrequest to ${hostText}, where ${first.location} of Ingress ${first.ingress} routes ${target.path} to Service ${first.namespace}/${first.name}:${first.port}; ` +
    `Envoy calls that Service directly instead of going through the proxy again (${target.scheme === 'https' ? 'no TLS to the public host, and ' : ''}the annotations of ${first.ingress} do not apply to the auth call); the auth service still sees the client's Host header, as with nginx's subrequest`
  return {ok: true, target: {kind: 'service', scheme, name: first.name, namespace: first.namespace, port: first.port, path: target.path, query: target.query}, via}
}

