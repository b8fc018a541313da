/**
 * What Envoy does with a request once a route matched, as Envoy Gateway v1.9 configures the route
 * (internal/xds/translator/route.go buildXdsRoute, buildXdsRedirectAction, buildXdsURLRewriteAction) and Envoy
 * executes it (Http::Utility::newUri and processRequestHost for Location; RouteEntryImplBase path rewriting:
 * prefix_rewrite replaces the matched prefix, regex_rewrite runs RE2 GlobalReplace on the path without its query,
 * which is kept).
 */
import type {HeaderChanges} from './outcome.js'
import type {MatchRequest} from './gateway-match.js'
import type {GatewayDecision, GatewayOutcome, PathCondition, PathModifier, RouteEntry} from './gateway-types.js'
import {re2ReplaceAll} from './re2.js'

/** The outcome of a matched entry, with the decision that matched it (`gateway`, last). */
export function actionOutcome(entry: RouteEntry, request: MatchRequest, decision: GatewayDecision): GatewayOutcome {
  const action = entry.action
  const responseHeaders = hasChanges(entry.responseHeaders) ? entry.responseHeaders : undefined
  switch (action.type) {
    case 'direct':
      return {kind: 'respond', status: action.status, body: action.body, responseHeaders, reason: action.reason, gateway: decision}
    case 'redirect': {
      // A ReplaceFullPath redirect is Envoy's literal path_redirect (see redirectLocation), not a regex rewrite.
      const path = action.path?.type === 'ReplacePrefixMatch' ? rewritePath(action.path, entry.path, request.path, 'redirect') : request.path
      return {kind: 'redirect', status: action.statusCode, location: redirectLocation(action, request, path), responseHeaders, reason: 'RequestRedirect', gateway: decision}
    }
    case 'forward': {
      const upstreamPath = action.path === undefined ? request.path : rewritePath(action.path, entry.path, request.path, 'forward')
      const upstreamHost = rewrittenHost(action.host, request)
      const rewroteHost = upstreamHost !== undefined && action.appendXForwardedHost
      const requestHeaders = hostRewriteHeaders(entry.requestHeaders, rewroteHost ? request.host : undefined)
      return {
        kind: 'forward',
        backends: action.backends,
        upstreamPath,
        upstreamHost: upstreamHost ?? request.host,
        requestHeaders: hasChanges(requestHeaders) ? requestHeaders : undefined,
        responseHeaders,
        reason: entry.corsPreflight ? 'CORS preflight route (Envoy answers preflights of allowed origins itself)' : 'forwarded',
        gateway: decision,
      }
    }
  }
}

export function hasChanges(changes: HeaderChanges | undefined): changes is HeaderChanges {
  return changes !== undefined && changes.set.length + changes.add.length + changes.remove.length > 0
}

/**
 * A host rewrite appends the original Host to X-Forwarded-Host (EG sets append_x_forwarded_host with any host
 * rewrite unless the HTTPRouteFilter turns it off; Envoy appends when a rewrite action applies).
 */
function hostRewriteHeaders(changes: HeaderChanges | undefined, originalHost: string | undefined): HeaderChanges | undefined {
  if (originalHost === undefined) return changes
  const base = changes ?? {set: [], add: [], remove: []}
  return {...base, add: [...base.add, {name: 'X-Forwarded-Host', value: originalHost}]}
}

/**
 * The path after a rewrite. Forwarding trims a trailing `/` from ReplacePrefixMatch (EG #3989); a redirect does
 * not. A replacement of `` or `/` after a PathPrefix becomes the regex `^<prefix>\/*` -> `/` (EG's workaround for
 * Envoy #26055, built from the untrimmed prefix). Otherwise Envoy's prefix_rewrite swaps the matched prefix: the
 * PathPrefix without its trailing `/` (`/` for a `/` prefix or no path match), so prefix `/` with `/api` turns
 * `/foo` into `/apifoo`.
 */
export function rewritePath(modifier: PathModifier, match: PathCondition | undefined, path: string, use: 'forward' | 'redirect'): string {
  const cut = path.search(/[?#]/)
  const pathOnly = cut === -1 ? path : path.slice(0, cut)
  const rest = cut === -1 ? '' : path.slice(cut)
  switch (modifier.type) {
    case 'ReplaceFullPath':
      return re2ReplaceAll('^/.*$', pathOnly, modifier.value) + rest
    case 'ReplaceRegexMatch':
      return re2ReplaceAll(modifier.pattern, pathOnly, modifier.substitution) + rest
    case 'ReplacePrefixMatch': {
      if (match?.type === 'PathPrefix' && (modifier.value === '' || modifier.value === '/')) {
        return re2ReplaceAll(`^${quoteMeta(match.value)}\\/*`, pathOnly, '/') + rest
      }
      const replacement = use === 'forward' ? modifier.value.replace(/\/$/, '') : modifier.value
      const matched = matchedPrefix(match, pathOnly)
      return replacement + path.slice(matched.length)
    }
  }
}

function matchedPrefix(match: PathCondition | undefined, pathOnly: string): string {
  if (match === undefined || (match.type === 'PathPrefix' && match.value === '/')) return '/'
  if (match.type === 'PathPrefix') return match.value.replace(/\/$/, '')
  if (match.type === 'Exact') return match.value
  return pathOnly
}

/** Go regexp.QuoteMeta. */
function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&')
}

/**
 * Http::Utility::newUri: scheme (redirect's, else the request's), host (redirect's, else the request Host with
 * its port dropped when a port is set or the scheme changes from the port's default one), `:port` unless 80 or
 * 443 (EG leaves those out), and the path; a replaceFullPath without `?` keeps the request's query string.
 */
function redirectLocation(action: Extract<RouteEntry['action'], {type: 'redirect'}>, request: MatchRequest, rewrittenPath: string): string {
  const scheme = action.scheme ?? request.scheme
  const port = action.port === 80 || action.port === 443 ? '' : `:${action.port}`
  let host = action.hostname
  if (host === undefined) {
    host = request.host
    const colon = host.startsWith('[') ? host.lastIndexOf(']:') + 1 : host.lastIndexOf(':')
    if (colon > 0) {
      const requestPort = host.slice(colon)
      const removePort = port !== '' ||
        (scheme !== request.scheme && ((request.scheme === 'https' && requestPort === ':443') || (request.scheme === 'http' && requestPort === ':80')))
      if (removePort) host = host.slice(0, colon)
    }
  }
  let path = rewrittenPath
  if (action.path?.type === 'ReplaceFullPath') {
    const queryAt = request.path.indexOf('?')
    path = action.path.value.includes('?') || queryAt === -1 ? action.path.value : action.path.value + request.path.slice(queryAt)
  }
  if (!path.startsWith('/')) path = `/${path}`
  return `${scheme}://${host}${port}${path}`
}

/**
 * The Host a rewrite gives the backend; undefined when no rewrite applies: none configured, host_rewrite_header
 * naming an absent header ("left intact"), auto_host_rewrite without a known DNS name (Service endpoints are IPs).
 */
function rewrittenHost(modifier: Extract<RouteEntry['action'], {type: 'forward'}>['host'], request: MatchRequest): string | undefined {
  if (modifier === undefined) return undefined
  switch (modifier.type) {
    case 'Literal':
      return modifier.value
    case 'Header':
      return request.headers.get(modifier.header.toLowerCase())
    case 'Backend':
      return modifier.hostname
    case 'PathRegex': {
      const cut = request.path.search(/[?#]/)
      return re2ReplaceAll(modifier.pattern, cut === -1 ? request.path : request.path.slice(0, cut), modifier.substitution)
    }
  }
}
