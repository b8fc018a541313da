import {objectRef} from '../translate/diagnostics.js'
import {dnsName} from '../translate/names.js'
import {managedMetadata} from '../translate/provenance.js'
import {crossNamespaceAllowed} from './basic-auth.js'
import {denyLocations} from './headers.js'
import {parseBool, parseEnum, parseInt10, parseRegexValue} from './parsers.js'
import {normalizeHost} from '../translate/hosts.js'
import type {AnnotationFamily, FamilyContext, ParseResult, ServedPath} from './types.js'

/**
 * auth-url and its companions -> SecurityPolicy extAuth.http (backendRefs to the in-cluster auth Service,
 * pathOverride, headersToBackend); auth-signin and auth-snippet need a person.
 *
 * nginx calls the URL verbatim as an `auth_request` subrequest (a GET without body, every client header
 * forwarded, plus X-Original-URL / X-Original-Method / X-Auth-Request-Redirect), lets 2xx through, returns
 * 401/403 to the client (or redirects a 401 to auth-signin) and turns any other answer into 500. Envoy's HTTP
 * ext_authz sends the client's method, only a minimal set of headers unless headersToExtAuth lists more, and
 * returns every non-2xx answer of the auth service to the client as is.
 */

/** parser.URLWithNginxVariableRegex (checked with spaces removed). */
const URL_WITH_VARIABLES = /^[\-._~a-zA-Z0-9/:?&=$]*$/
/** parser.URLIsValidRegex. */
const URL_CHARS = /^[\-._~a-zA-Z0-9/:?&=]*$/
const HEADER_NAME = /^[a-zA-Z\d\-_]+$/
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE'] as const

/**
 * Client request headers forwarded to the auth service. nginx forwards all of them; Envoy's HTTP ext_authz sends
 * only Host, Method, Path, Content-Length and Authorization unless listed: these are the ones auth services
 * (oauth2-proxy, Authelia, custom token checkers) read.
 */
export const EXT_AUTH_FORWARDED_HEADERS = ['authorization', 'cookie', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto']

function withoutSpaces(pattern: RegExp, what: string) {
  return (value: string): ParseResult<string> =>
    pattern.test(value.replaceAll(' ', '')) ? {ok: true, value: value.trim()} : {ok: false, reason: `"${value}" is not a valid ${what}`}
}

function parseResponseHeaders(value: string): ParseResult<string[]> {
  if (!/^[A-Za-z0-9-_, ]*$/.test(value.replaceAll(' ', ''))) return {ok: false, reason: `"${value}" is not a comma list of header names`}
  const headers = value
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '')
  const bad = headers.filter((h) => !HEADER_NAME.test(h))
  if (bad.length > 0) return {ok: false, reason: `${bad.join(', ')} is not a header name`}
  return {ok: true, value: headers}
}

/** auth-cache-duration: comma list of `[code ...] time [time ...]` (ValidCacheDuration). */
function parseCacheDuration(value: string): ParseResult<string[]> {
  if (!/^[/\-._~a-zA-Z0-9:, ]*$/.test(value)) return {ok: false, reason: `"${value}" is not a cache duration list`}
  const out: string[] = []
  for (const item of value.split(',').map((v) => v.trim()).filter((v) => v !== '')) {
    let seenTime = false
    let ok = true
    for (const el of item.split(' ').filter((e) => e !== '')) {
      if (/^\d{3}$/.test(el)) {
        if (seenTime) ok = false
      } else if (/^\d+(ms|s|m|h|d|w|M|y)$/.test(el)) {
        seenTime = true
      }
    }
    if (!ok || !seenTime) return {ok: false, reason: `"${item}" is not a cache duration ("[code ...] time", e.g. 200 202 10m)`}
    out.push(item)
  }
  return {ok: true, value: out}
}

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

const COMPANIONS = [
  'auth-method',
  'auth-response-headers',
  'auth-signin',
  'auth-signin-redirect-param',
  'auth-request-redirect',
  'auth-proxy-set-headers',
  'auth-always-set-cookie',
  'auth-cache-key',
  'auth-cache-duration',
  'auth-keepalive',
  'auth-keepalive-requests',
  'auth-keepalive-share-vars',
  'auth-keepalive-timeout',
  'auth-snippet',
] as const

const KEEPALIVE_NOTE = 'Envoy keeps its own connection pool to the auth service; nothing to configure'

export const externalAuthFamily: AnnotationFamily = {
  name: 'external-auth',
  specs: [
    {
      key: 'auth-url',
      summary: 'Authenticate every request with a subrequest to this URL (2xx lets it through); may contain nginx variables',
      fidelity: 'approximate',
      target: 'SecurityPolicy extAuth.http: backendRefs (in-cluster Service), pathOverride, headersToExtAuth, statusOnError 500',
      note: 'Envoy forwards only the listed client headers (not all), not X-Original-URL, and does not pass Set-Cookie of a successful auth response to the client; $host URLs resolve to the Service serving that path on the host; URLs that cannot be resolved (other variables, hosts outside the cluster) get a deny-all SecurityPolicy (fail closed) and need a person',
      onInvalid: 'ingress-dropped',
      parse: (v) => (v.trim() === '' ? {ok: true, value: ''} : withoutSpaces(URL_WITH_VARIABLES, 'URL (letters, digits, -._~/:?&=$)')(v)),
    },
    {
      key: 'auth-method',
      summary: 'HTTP method of the auth subrequest (nginx: GET otherwise)',
      fidelity: 'approximate',
      target: 'none (Envoy sends the client request\'s method)',
      note: 'Envoy always calls the auth service with the client request\'s method',
      onInvalid: 'location-denied',
      parse: parseEnum(METHODS),
    },
    {
      key: 'auth-response-headers',
      summary: 'Headers copied from the auth response into the upstream request',
      fidelity: 'approximate',
      target: 'SecurityPolicy extAuth.http.headersToBackend',
      note: 'when the auth response lacks such a header, nginx removes a client-sent one of that name; Envoy lets the client\'s value through',
      onInvalid: 'location-denied',
      parse: parseResponseHeaders,
    },
    {
      key: 'auth-signin',
      summary: 'On 401, redirect the browser here (with the original URL in the rd parameter)',
      fidelity: 'manual',
      target: 'none (extAuth returns the auth service\'s 401); use SecurityPolicy oidc, or an auth service that redirects itself',
      note: 'Envoy\'s extAuth has no sign-in redirect: use a SecurityPolicy oidc block, or make the auth service answer with the redirect itself',
      onInvalid: 'default',
      parse: withoutSpaces(URL_WITH_VARIABLES, 'URL'),
    },
    {
      key: 'auth-signin-redirect-param',
      summary: 'Name of the query parameter carrying the original URL to auth-signin',
      fidelity: 'manual',
      target: 'none (see auth-signin)',
      note: 'part of the auth-signin redirect, which needs a person',
      default: 'rd',
      onInvalid: 'default',
      parse: withoutSpaces(URL_CHARS, 'parameter name'),
    },
    {
      key: 'auth-request-redirect',
      summary: 'Value of the X-Auth-Request-Redirect header sent to the auth service',
      fidelity: 'approximate',
      target: 'none (Envoy cannot add headers to the auth request)',
      note: 'Envoy does not send X-Auth-Request-Redirect to the auth service',
      default: '$request_uri',
      onInvalid: 'location-denied',
      parse: withoutSpaces(URL_CHARS, 'URL'),
    },
    {
      key: 'auth-proxy-set-headers',
      summary: 'ConfigMap (same namespace) of extra headers sent to the auth service',
      fidelity: 'manual',
      target: 'none (Envoy cannot add headers to the auth request)',
      note: 'Envoy Gateway cannot add fixed headers to the auth request; the auth service must do without them',
      onInvalid: 'location-denied',
      parse: withoutSpaces(/^[/\-._~a-zA-Z0-9:]*$/, 'ConfigMap name'),
    },
    {
      key: 'auth-always-set-cookie',
      summary: 'Copy Set-Cookie of the auth response to the client on every response, not only on success',
      fidelity: 'approximate',
      target: 'none (Envoy returns auth response headers to the client only on denied requests)',
      note: 'Envoy passes the auth service\'s headers (Set-Cookie) to the client only when it denies the request',
      default: 'false',
      onInvalid: 'default',
      parse: parseBool,
    },
    {
      key: 'auth-cache-key',
      summary: 'Cache auth responses under this key (nginx variables)',
      fidelity: 'approximate',
      target: 'none (Envoy Gateway does not cache ext-auth answers)',
      note: 'Envoy asks the auth service on every request: the same decisions, without staleness, with more load',
      onInvalid: 'location-denied',
      parse: withoutSpaces(/^[A-Za-z0-9\-_${}]*$/, 'cache key (nginx variables)'),
    },
    {
      key: 'auth-cache-duration',
      summary: 'How long cached auth responses stay valid per status code',
      fidelity: 'approximate',
      target: 'none (no ext-auth cache)',
      note: 'no ext-auth cache in Envoy Gateway: the auth service is asked on every request',
      default: '200 202 401 5m',
      onInvalid: 'location-denied',
      parse: parseCacheDuration,
    },
    {
      key: 'auth-keepalive',
      summary: 'Keepalive connections to the auth service',
      fidelity: 'ignored',
      target: 'none',
      note: KEEPALIVE_NOTE,
      default: '0',
      onInvalid: 'default',
      parse: parseInt10,
    },
    {
      key: 'auth-keepalive-requests',
      summary: 'Requests per keepalive connection to the auth service',
      fidelity: 'ignored',
      target: 'none',
      note: KEEPALIVE_NOTE,
      default: '1000',
      onInvalid: 'default',
      parse: parseInt10,
    },
    {
      key: 'auth-keepalive-share-vars',
      summary: 'Share nginx variables between the request and its auth subrequest (with keepalive)',
      fidelity: 'ignored',
      target: 'none',
      note: 'an nginx-internal optimisation of keepalive subrequests; Envoy has no such variables',
      default: 'false',
      onInvalid: 'default',
      parse: parseBool,
    },
    {
      key: 'auth-keepalive-timeout',
      summary: 'Idle timeout of keepalive connections to the auth service (seconds)',
      fidelity: 'ignored',
      target: 'none',
      note: KEEPALIVE_NOTE,
      default: '60',
      onInvalid: 'default',
      parse: parseInt10,
    },
    {
      key: 'auth-snippet',
      summary: 'Raw nginx configuration for the auth subrequest location (needs auth-url)',
      fidelity: 'manual',
      target: 'none (raw nginx configuration)',
      note: 'raw nginx configuration has no Envoy Gateway equivalent; reproduce its effect in the auth service',
      onInvalid: 'default',
      parse: (v) => ({ok: true, value: v}),
    },
    {
      key: 'enable-global-auth',
      summary: 'false: opt this Ingress out of the ConfigMap global-auth-url',
      fidelity: 'exact',
      target: 'a route-level SecurityPolicy, which replaces the Gateway-level one carrying global auth',
      default: 'true',
      onInvalid: 'default',
      parse: parseBool,
    },
  ],
  apply(ctx) {
    if (ctx.ingress.isCanary) return
    applyGlobalAuthOptOut(ctx)
    const url = ctx.value<string>('auth-url')
    if (url === undefined || url === '') {
      if (url === '') {
        ctx.account('auth-url', 'ignored', 'is empty; ingress-nginx applies no external authentication, and neither does the conversion', {level: 'warning', code: 'auth-url-empty'})
      }
      for (const key of COMPANIONS) {
        if (ctx.has(key)) {
          ctx.account(key, 'ignored', 'has no effect without auth-url, and the conversion emits nothing for it', {level: 'info', code: 'auth-url-missing'})
        }
      }
      return
    }
    const target = classifyAuthUrl(url, ctx.lookup)
    if (target.kind === 'invalid') {
      denyLocations(ctx, 'auth-url', target.reason)
      return
    }
    if (ctx.has('auth-proxy-set-headers')) {
      const cmRef = ctx.value<string>('auth-proxy-set-headers')
      if (cmRef !== undefined && cmRef.includes('/') && cmRef.split('/')[0] !== ctx.ingress.ref.namespace && !crossNamespaceAllowed(ctx)) {
        denyLocations(ctx, 'auth-proxy-set-headers', `"${cmRef}" is in another namespace, which ingress-nginx refuses unless its ConfigMap sets allow-cross-namespace-resources: "true"`)
        return
      }
    }
    if (target.kind === 'service') {
      accountCompanions(ctx, true)
      emitExtAuth(ctx, url, target)
      return
    }
    const viaHost = resolveThroughHost(ctx, target)
    if (viaHost.ok) {
      accountCompanions(ctx, true)
      emitExtAuth(ctx, url, viaHost.target, viaHost.via)
      return
    }
    accountCompanions(ctx, false)
    failClosed(ctx, url, target, viaHost.reason)
  },
}

type UnresolvedTarget = Exclude<AuthTarget, {kind: 'service' | 'invalid'}>
type ServiceTarget = Extract<AuthTarget, {kind: 'service'}>

/** The request's own host as an nginx variable (braces are not in the URL validator's alphabet). */
const HOST_VARIABLE = /^\$(host|http_host|best_http_host)$/

/** The rule hosts of the Ingress (normalized, each once). */
function ownHosts(ctx: FamilyContext): string[] {
  const rules: any[] = Array.isArray(ctx.ingress.object.spec?.rules) ? ctx.ingress.object.spec.rules : []
  return [...new Set(rules.map((r) => normalizeHost(r?.host)))]
}

/**
 * The oauth2-proxy pattern: the URL's host is the request's own host (`$host`, ...) or one of the Ingress's hosts,
 * so nginx's subrequest went back through the controller to whatever location serves that path there
 * (typically an oauth2-proxy Ingress on /oauth2). That location's Service is the auth backend.
 */
function resolveThroughHost(
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
  } else if (target.kind === 'external' && own.includes(target.host)) {
    hosts = [target.host]
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

/**
 * The URL cannot be resolved to an auth backend: deny every request (authorization with no rules and defaultAction
 * Deny) rather than publish the route without the authentication nginx enforced. The deny-all takes the place of
 * any other authorization of the Ingress (an Allow rule of an address list would let clients in without
 * authenticating), and opts out of a Gateway-level authorization (whose Allow rules a StrategicMerge would add).
 */
function failClosed(ctx: FamilyContext, url: string, target: UnresolvedTarget, reason: string | undefined): void {
  const urlKey = ctx.fullKey('auth-url')
  const policies = ctx.ingress.intents.policies
  for (const f of policies.filter((p) => p.kind === 'SecurityPolicy' && p.path === 'authorization')) {
    policies.splice(policies.indexOf(f), 1)
    ctx.diag({
      level: 'warning',
      code: 'auth-url-fail-closed-overrides',
      annotation: f.from[0],
      message: `${f.from.join(', ')}: its SecurityPolicy authorization rules are left out while ${urlKey} fails closed (an Allow rule would let those clients in without the authentication nginx required); the route denies every request instead`,
      hint: `put the rules back into authorization (beside the extAuth block) when you set the auth backend: ${JSON.stringify(f.value)}`,
    })
  }
  // First among the fragments: a later authorization fragment of this Ingress conflicts and loses.
  policies.unshift(
    {kind: 'SecurityPolicy', path: 'authorization', value: {defaultAction: 'Deny'}, from: [urlKey]},
    {kind: 'SecurityPolicy', path: 'authorization', value: undefined, optOut: true, from: [urlKey]},
  )
  const why = reason ?? unresolvedReason(target)
  ctx.account(
    'auth-url',
    'manual',
    `"${url}" ${why}; nginx sent every request through this auth subrequest, so instead of publishing the route without authentication the SecurityPolicy ${ctx.ingress.ref.namespace}/${ctx.ingress.ref.name} denies every request (authorization defaultAction Deny, no rules: 403) until its extAuth backend is set`,
    {level: 'error', code: 'auth-url-unresolved-fail-closed', hint: failClosedHint(ctx, target)},
  )
}

function unresolvedReason(target: UnresolvedTarget): string {
  switch (target.kind) {
    case 'variables':
      return 'uses nginx variables (resolved per request), and Envoy Gateway\'s extAuth needs a fixed backend'
    case 'bare-name':
      return `names the bare host "${target.host}", which nginx resolved in the ingress-nginx controller's own namespace, which the conversion does not know`
    case 'scheme':
      return `uses the scheme ${target.scheme}, not http or https`
    case 'external':
      return 'is outside the cluster (or a Service not in the input), and extAuth needs a Service or an Envoy Gateway Backend'
  }
}

/** Exactly what to write into the SecurityPolicy once the backend is known. */
function failClosedHint(ctx: FamilyContext, target: UnresolvedTarget): string {
  const ns = ctx.ingress.ref.namespace
  const policy = `SecurityPolicy ${ns}/${ctx.ingress.ref.name}`
  const headers = ctx.value<string[]>('auth-response-headers')
  const toBackend = headers && headers.length > 0 ? `, headersToBackend: [${headers.join(', ')}]` : ''
  const block = (ref: string) =>
    `remove authorization from the ${policy} and set extAuth: {http: {backendRefs: [${ref}], pathOverride: ${target.path}${toBackend}}, headersToExtAuth: [${EXT_AUTH_FORWARDED_HEADERS.join(', ')}], statusOnError: 500}`
  const serviceRef = '{name: <auth Service>, namespace: <its namespace>, port: <its port>}'
  const grant = `, plus a ReferenceGrant in the Service's namespace from SecurityPolicy in ${ns} to that Service when it is another namespace`
  switch (target.kind) {
    case 'variables':
      return HOST_VARIABLE.test(target.host)
        ? `${block(serviceRef)} naming the Service that serves ${target.path} on this host (typically oauth2-proxy's Ingress on /oauth2)${grant}; or add that Ingress to the input and convert again`
        : `${block(serviceRef)}${grant}; or replace the variables with fixed values and convert again`
    case 'bare-name':
      return `${block(`{name: ${target.host}, namespace: <controller namespace, usually ingress-nginx>, port: ${target.port}}`)}${grant}; or write the URL as ${target.scheme}://${target.host}.<controller-namespace>.svc.cluster.local${target.explicitPort ? `:${target.port}` : ''}${target.path} and convert again`
    case 'scheme':
      return `point auth-url at an http(s) endpoint and convert again, or ${block(serviceRef)}${grant}`
    case 'external': {
      const served = ctx.lookup.serviceForPath(target.host, target.path)
      const inInput = served
        ? `; ${target.host}${target.path} is served by Ingress ${served.ingress} of the input (Service ${served.namespace}/${served.name}:${served.port}): if that name points at this ingress controller, the backendRef {name: ${served.name}, namespace: ${served.namespace}, port: ${served.port}} reaches the same service`
        : ''
      return (
        `${block('{group: gateway.envoyproxy.io, kind: Backend, name: <Backend>}')} with a Backend in ${ns} whose endpoint is fqdn {hostname: ${target.host}, port: ${target.port}}` +
        `${target.scheme === 'https' ? ' and tls {wellKnownCACertificates: System}' : ''} (needs extensionApis.enableBackend; Envoy sends the client's Host header, not ${target.host}); if ${target.host} is a Service, write it as <service>.<namespace>.svc and convert again${inInput}`
      )
    }
  }
}

/** `via`: how the URL reached this Service when it named no Service (resolveThroughHost). */
function emitExtAuth(ctx: FamilyContext, url: string, target: ServiceTarget, via?: string): void {
  const ing = ctx.ingress
  const ns = ing.ref.namespace
  const sources = [objectRef('Ingress', ing.ref)]
  const urlKey = ctx.fullKey('auth-url')
  const notes: string[] = [
    ...(via ? [via] : []),
    'nginx sent every client header to the auth service, Envoy sends Host, Method, Path, Content-Length and the headersToExtAuth listed here (authorization, cookie, x-forwarded-for/-host/-proto); other headers the auth service reads must be added there',
    'nginx\'s X-Original-URL, X-Original-Method and X-Auth-Request-Redirect are not sent (the auth service sees the fixed path only)',
    'Set-Cookie of a successful auth response no longer reaches the client (oauth2-proxy session refresh)',
  ]
  let backendRef: Record<string, unknown>
  if (target.scheme === 'https') {
    // nginx's auth subrequest did TLS without verifying the certificate (proxy_ssl_verify off): a Backend does the same.
    const name = dnsName(ing.ref.name, 'auth', target.name)
    ing.intents.objects.push({
      from: [urlKey],
      object: {
        apiVersion: 'gateway.envoyproxy.io/v1alpha1',
        kind: 'Backend',
        metadata: managedMetadata(name, ns, sources, [urlKey]),
        spec: {
          endpoints: [{fqdn: {hostname: `${target.name}.${target.namespace}.svc.cluster.local`, port: target.port}}],
          tls: {insecureSkipVerify: true},
        },
      },
    })
    backendRef = {group: 'gateway.envoyproxy.io', kind: 'Backend', name}
    notes.push(
      `the URL is https: the auth service is reached through the Backend ${name} with TLS and no certificate verification, as nginx did (needs extensionApis.enableBackend in the Envoy Gateway configuration)`,
    )
  } else {
    backendRef = {name: target.name, port: target.port}
    if (target.namespace !== ns) {
      backendRef = {name: target.name, namespace: target.namespace, port: target.port}
      ing.intents.objects.push({
        from: [urlKey],
        object: {
          apiVersion: 'gateway.networking.k8s.io/v1beta1',
          kind: 'ReferenceGrant',
          metadata: managedMetadata(dnsName('ingress2gw', ns, ing.ref.name, 'ext-auth'), target.namespace, sources, [urlKey]),
          spec: {
            from: [{group: 'gateway.envoyproxy.io', kind: 'SecurityPolicy', namespace: ns}],
            to: [{group: '', kind: 'Service', name: target.name}],
          },
        },
      })
      notes.push(`the auth Service is in ${target.namespace}: a ReferenceGrant there lets the SecurityPolicy of ${ns} use it`)
    }
    const svc = ctx.lookup.service(target.namespace, target.name)
    const ports: any[] = svc?.spec?.ports ?? []
    if (svc && !ports.some((p) => p?.port === target.port)) {
      ctx.diag({
        level: 'warning',
        code: 'auth-url-port',
        annotation: urlKey,
        message: `${urlKey}: Service ${target.namespace}/${target.name} has no port ${target.port} (it has ${ports.map((p) => p?.port).join(', ') || 'none'}); extAuth will fail and Envoy answers 500 as nginx did`,
      })
    }
  }
  if (target.query !== '') notes.push(`the query string ${target.query} of the URL is not sent (pathOverride carries the path only)`)

  const http: Record<string, unknown> = {backendRefs: [backendRef], pathOverride: target.path}
  const responseHeaders = ctx.value<string[]>('auth-response-headers')
  if (responseHeaders && responseHeaders.length > 0) http.headersToBackend = responseHeaders
  const from = ['auth-url', 'auth-response-headers'].filter((k) => ctx.has(k)).map((k) => ctx.fullKey(k))
  ctx.ingress.intents.policies.push({
    kind: 'SecurityPolicy',
    path: 'extAuth',
    // statusOnError 500: nginx turns an unreachable or failing auth service into 500 (Envoy's default is 403).
    value: {http, headersToExtAuth: EXT_AUTH_FORWARDED_HEADERS, statusOnError: 500},
    from,
  })
  ctx.account('auth-url', 'approximate', `"${url}" -> SecurityPolicy extAuth (Service ${target.namespace}/${target.name}:${target.port}, pathOverride ${target.path}); ${notes.join('; ')}`, {
    hint: 'pathOverride needs Envoy Gateway v1.8+ (on older versions extAuth.http.path appends the request path to it)',
    code: via ? 'ext-auth-via-host' : 'ext-auth',
  })
}

/** Companion keys of a present auth-url; `emitted` tells whether an extAuth block carries them. */
function accountCompanions(ctx: FamilyContext, emitted: boolean): void {
  const method = ctx.value<string>('auth-method')
  if (method !== undefined) {
    ctx.account('auth-method', 'approximate', `nginx called the auth service with ${method}; Envoy calls it with the client request's own method`, {code: 'ext-auth'})
  }
  const headers = ctx.value<string[]>('auth-response-headers')
  if (headers !== undefined && !emitted) {
    ctx.account('auth-response-headers', 'manual', `${headers.join(', ')}: no extAuth is emitted (see auth-url)`, {
      hint: 'list them in extAuth.http.headersToBackend when you add the external auth',
      code: 'auth-url-target',
    })
  } else if (headers !== undefined) {
    ctx.account(
      'auth-response-headers',
      'approximate',
      `${headers.join(', ')} -> extAuth.http.headersToBackend; when the auth response lacks one of them nginx removes a client-sent header of that name, Envoy lets the client's value through (make sure the auth service always returns them)`,
      {code: 'ext-auth'},
    )
  }
  const signin = ctx.value<string>('auth-signin')
  const param = ctx.value<string>('auth-signin-redirect-param') ?? 'rd'
  if (signin !== undefined) {
    ctx.account(
      'auth-signin',
      'manual',
      `on 401 nginx redirected the browser to "${signin}" with the original URL in ?${param}=; Envoy's extAuth returns the auth service's 401 as is, so browsers get 401 instead of the sign-in page`,
      {
        hint:
          'either replace the external auth by an oidc block in this SecurityPolicy (Envoy Gateway then runs the login redirect and the callback itself: provider.issuer, clientID, clientSecret Secret, redirectURL), ' +
          'or let the auth service answer unauthenticated requests with the redirect itself, which Envoy passes to the client (status, Location and body): e.g. oauth2-proxy with --upstream=static://202 and pathOverride "/" redirects to the provider, but returns users to / instead of the page they asked for',
        code: 'auth-signin',
      },
    )
    if (ctx.has('auth-signin-redirect-param')) {
      ctx.account('auth-signin-redirect-param', 'manual', `"${param}" names the return-URL parameter of the auth-signin redirect; see auth-signin`, {
        hint: 'carry it over to whatever replaces the sign-in redirect (oidc redirectURL, or the auth service\'s own redirect)',
        code: 'auth-signin',
      })
    }
  } else if (ctx.has('auth-signin-redirect-param')) {
    ctx.account('auth-signin-redirect-param', 'ignored', 'has no effect without auth-signin', {level: 'info', code: 'auth-signin'})
  }
  const redirect = ctx.value<string>('auth-request-redirect')
  if (redirect !== undefined) {
    ctx.account('auth-request-redirect', 'approximate', `nginx sent X-Auth-Request-Redirect: ${redirect} to the auth service; Envoy cannot add headers to the auth request, so the auth service must do without it`, {code: 'ext-auth'})
  }
  const cmRef = ctx.value<string>('auth-proxy-set-headers')
  if (cmRef !== undefined) {
    const [cmNs, name] = cmRef.includes('/') ? cmRef.split('/') : [ctx.ingress.ref.namespace, cmRef]
    const cm = ctx.lookup.configMap(cmNs!, name!)
    const listed = cm?.data ? ` (${Object.keys(cm.data).sort().join(', ')})` : ''
    ctx.account('auth-proxy-set-headers', 'manual', `ConfigMap ${cmNs}/${name}${listed}: nginx added these headers to every auth request; Envoy Gateway cannot add fixed headers to the auth request`, {
      hint: 'have the auth service use these values as its defaults, or send them from the client; if a header only carries a client header under another name, list that client header in extAuth.headersToExtAuth',
      code: 'ext-auth',
    })
  }
  const always = ctx.value<boolean>('auth-always-set-cookie')
  if (always === true) {
    ctx.account('auth-always-set-cookie', 'approximate', 'nginx copied Set-Cookie from the auth response to every response; Envoy passes the auth service\'s headers to the client only when it denies the request', {code: 'ext-auth'})
  } else if (always === false) {
    ctx.account('auth-always-set-cookie', 'exact')
  }
  const cacheKey = ctx.value<string>('auth-cache-key')
  if (cacheKey !== undefined) {
    ctx.account('auth-cache-key', 'approximate', `nginx cached auth answers per "${cacheKey}"; Envoy asks the auth service on every request (the same decisions, no staleness, more load on the auth service)`, {code: 'ext-auth-cache'})
    if (ctx.has('auth-cache-duration')) ctx.account('auth-cache-duration', 'approximate', 'no ext-auth cache in Envoy Gateway; see auth-cache-key', {code: 'ext-auth-cache'})
  } else if (ctx.has('auth-cache-duration')) {
    ctx.account('auth-cache-duration', 'ignored', 'has no effect without auth-cache-key (nginx caches nothing)', {level: 'info', code: 'ext-auth-cache'})
  }
  const snippet = ctx.raw('auth-snippet')
  if (snippet !== undefined) {
    ctx.account(
      'auth-snippet',
      'manual',
      `${JSON.stringify(snippet.trim())} is raw nginx configuration for the auth location, with no Envoy Gateway equivalent (and since v1.12 ingress-nginx refuses Ingresses with snippet annotations unless annotations-risk-level is Critical)`,
      {hint: 'reproduce what the snippet does in the auth service, or drop it if the default behaviour is enough', code: 'snippet'},
    )
  }
  for (const key of ['auth-keepalive', 'auth-keepalive-requests', 'auth-keepalive-timeout', 'auth-keepalive-share-vars'] as const) {
    if (ctx.has(key)) ctx.account(key, 'ignored', KEEPALIVE_NOTE, {level: 'info', code: 'ext-auth-keepalive'})
  }
}

/**
 * enable-global-auth "false": the ConfigMap's global-auth-url becomes a Gateway-level SecurityPolicy, and a
 * route-level SecurityPolicy replaces it for that route (no field merge). An Ingress without SecurityPolicy
 * settings of its own gets an allow-everything authorization block, which exists only to be that replacement.
 */
function applyGlobalAuthOptOut(ctx: FamilyContext): void {
  if (!ctx.has('enable-global-auth')) return
  const enabled = ctx.value<boolean>('enable-global-auth')
  if (enabled !== false) {
    ctx.account('enable-global-auth', 'exact')
    return
  }
  const url = ctx.value<string>('auth-url')
  if (url !== undefined && url !== '') {
    ctx.account('enable-global-auth', 'ignored', 'has no effect: the Ingress has its own auth-url, which ingress-nginx uses instead of the global one', {level: 'info', code: 'global-auth'})
    return
  }
  // The route must not inherit the Gateway-level extAuth (global-auth-url): its SecurityPolicy replaces the
  // Gateway one and repeats its other settings (the ConfigMap's address lists still apply, as in nginx).
  ctx.ingress.intents.policies.push({kind: 'SecurityPolicy', path: 'extAuth', value: undefined, optOut: true, from: [ctx.fullKey('enable-global-auth')]})
  ctx.account(
    'enable-global-auth',
    'exact',
    '"false": this route\'s SecurityPolicy replaces the Gateway-level one carrying global-auth-url and repeats its other settings, so only the global external auth is left out',
    {level: 'info', code: 'global-auth'},
  )
}
