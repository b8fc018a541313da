import {objectRef} from '../model/diagnostics.js'
import {gatewayParentRef, EG_GROUP, GATEWAY_GROUP} from '../model/gateway-refs.js'
import {dnsName, normalizeHost} from '../model/names.js'
import {managedMetadata} from '../model/provenance.js'
import {PRECISE_HOSTNAME} from './headers.js'
import {parseBool, parseInt10} from '../model/parsers.js'
import {sslPassthroughOn} from './passthrough.js'
import {ignoreOnCatchAll, servesOnlyCatchAll} from './rewrite.js'
import type {AnnotationFamily, FamilyContext} from './types.js'
import type {ParseResult} from '../model/parsers.js'
import {diagnostic} from '../model/catalogue/diagnostic.js'
import {wwwNotOwned} from '../model/catalogue/annotations.js'

/** An absolute http(s) URL of a redirect annotation, split as the Gateway's RequestRedirect needs it. */
export interface RedirectUrl {
  raw: string
  scheme: 'http' | 'https'
  host: string
  port?: number
  /** '' when the URL has no path. */
  path: string
  /** Including the leading `?`; undefined without one. */
  query?: string
}

/** Codes Gateway API RequestRedirect accepts (303/307/308 from Gateway API v1.5). */
const GATEWAY_REDIRECT_CODES = new Set([301, 302, 303, 307, 308])
const NEWER_REDIRECT_CODES = new Set([303, 307, 308])
const DEFAULT_PORT = {http: 80, https: 443} as const

/**
 * parser.URLIsValidRegex, the validator of permanent-redirect and temporal-redirect (parser/validators.go): letters,
 * digits and -._~/:,?&= only, so no nginx variables, no `%`, no spaces. Nothing more: a relative `/new-path` passes.
 */
function parseRedirectTarget(value: string): ParseResult<string> {
  if (!/^[-._~a-zA-Z0-9/:,?&=]*$/.test(value)) {
    return {ok: false, reason: `"${value}" has characters ingress-nginx does not accept in a redirect URL (allowed: letters, digits and -._~/:,?&=)`}
  }
  return {ok: true, value}
}

/**
 * The scheme Go's url.Parse finds in a value that passed URLIsValidRegex (lower-cased, '' for none), or the error it
 * returns (net/url getScheme, the colon-in-first-segment rule and the port check).
 */
function goUrlScheme(value: string): {scheme: string} | {error: string} {
  let scheme = ''
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!
    if (/[A-Za-z]/.test(c)) continue
    if (/[0-9+.-]/.test(c) && i > 0) continue
    if (c === ':') {
      if (i === 0) return {error: 'missing protocol scheme'}
      scheme = value.slice(0, i).toLowerCase()
    }
    break
  }
  const rest = (scheme ? value.slice(scheme.length + 1) : value).replace(/\?.*$/, '')
  if (!scheme && rest.split('/')[0]!.includes(':')) return {error: 'first path segment in URL cannot contain colon'}
  if (scheme && rest.startsWith('//')) {
    const authority = rest.slice(2).split('/')[0]!
    const port = /:([^:]*)$/.exec(authority)?.[1]
    if (port !== undefined && !/^\d*$/.test(port)) return {error: `invalid port ":${port}" after host`}
  }
  return {scheme}
}

/** ingress-nginx's Redirect config for one Ingress (redirect.go Config), with the keys it came from. */
export interface RedirectConfig {
  /** Which URL key the config came from; undefined when only from-to-www-redirect or relative-redirects is set. */
  kind?: 'temporal' | 'permanent'
  url: string
  code: number
  /** The code annotation as written when it was outside the range and replaced by the default. */
  codeOutOfRange?: number
  fromToWww: boolean
  relative: boolean
}

/**
 * What redirect.go Parse makes of an Ingress's values, reading the keys in its order: from-to-www-redirect,
 * relative-redirects, temporal-redirect (+ -code, then its URL check, and nothing more), else permanent-redirect and
 * permanent-redirect-code. A value failing its validator is a ValidationError, and annotations.go Extract drops the
 * whole Ingress; an empty value (validators skip those, the getters refuse them) or a temporal-redirect that is not an
 * http(s) URL is another error, and Extract skips the redirect config altogether (the Ingress is served without it).
 * Keys Parse does not reach (the permanent keys beside a temporal-redirect, temporal-redirect-code without its URL)
 * are never validated.
 */
export type RedirectParse =
  | {outcome: 'dropped'; key: string}
  | {outcome: 'skipped'; key: string; reason: string}
  | {outcome: 'none'}
  | {outcome: 'config'; config: RedirectConfig}

export function parseRedirectAnnotations(raw: (key: string) => string | undefined): RedirectParse {
  const read = <T>(key: string, validate: (v: string) => ParseResult<T>): {value?: T; stop?: RedirectParse} => {
    const v = raw(key)
    if (v === undefined) return {}
    if (v === '') return {stop: {outcome: 'skipped', key, reason: 'is empty, which ingress-nginx\'s annotation getters refuse'}}
    const r = validate(v)
    return r.ok ? {value: r.value} : {stop: {outcome: 'dropped', key}}
  }
  const www = read('from-to-www-redirect', parseBool)
  if (www.stop) return www.stop
  const relative = read('relative-redirects', parseBool)
  if (relative.stop) return relative.stop
  const common = {fromToWww: www.value === true, relative: relative.value === true}
  const temporal = read('temporal-redirect', parseRedirectTarget)
  if (temporal.stop) return temporal.stop
  if (temporal.value !== undefined) {
    const code = read('temporal-redirect-code', parseInt10)
    if (code.stop) return code.stop
    const inRange = code.value !== undefined && code.value >= 300 && code.value <= 307
    const scheme = goUrlScheme(temporal.value)
    if ('error' in scheme || !scheme.scheme.startsWith('http')) {
      const why = 'error' in scheme ? scheme.error : scheme.scheme ? `its scheme is ${scheme.scheme}` : 'it has no scheme'
      return {outcome: 'skipped', key: 'temporal-redirect', reason: `"${temporal.value}" is not an http(s) URL (${why}), which redirect.go isValidURL refuses`}
    }
    const config: RedirectConfig = {kind: 'temporal', url: temporal.value, code: inRange ? code.value! : 302, ...common}
    if (code.value !== undefined && !inRange) config.codeOutOfRange = code.value
    return {outcome: 'config', config}
  }
  const permanent = read('permanent-redirect', parseRedirectTarget)
  if (permanent.stop) return permanent.stop
  const code = read('permanent-redirect-code', parseInt10)
  if (code.stop) return code.stop
  const inRange = code.value !== undefined && code.value >= 300 && code.value <= 308
  if (permanent.value !== undefined || common.fromToWww) {
    const config: RedirectConfig = {kind: permanent.value !== undefined ? 'permanent' : undefined, url: permanent.value ?? '', code: inRange ? code.value! : 301, ...common}
    if (code.value !== undefined && !inRange && permanent.value !== undefined) config.codeOutOfRange = code.value
    return {outcome: 'config', config}
  }
  return common.relative ? {outcome: 'config', config: {url: '', code: 0, ...common}} : {outcome: 'none'}
}

/** An absolute http(s) URL split for RequestRedirect, or undefined. */
function splitAbsoluteUrl(value: string): RedirectUrl | undefined {
  const m = /^([A-Za-z][A-Za-z0-9.+-]*):\/\/([^/?:]*)(?::(\d*))?([^?]*)(\?.*)?$/.exec(value)
  if (!m) return undefined
  const scheme = m[1]!.toLowerCase()
  if (scheme !== 'http' && scheme !== 'https') return undefined
  const port = m[3] ? Number(m[3]) : undefined
  if (port !== undefined && (port < 1 || port > 65535)) return undefined
  return {raw: value, scheme, host: m[2]!.toLowerCase(), port, path: m[4]!, query: m[5]}
}

/** net/url ParseRequestURI + "no absolute URL": a path; its query and fragment are dropped (nginx keeps u.Path). */
function parseAppRoot(value: string): ParseResult<string> {
  const v = value.trim()
  if (!v.startsWith('/') || v.startsWith('//') || /\s/.test(v)) {
    return {ok: false, reason: `"${value}" is not a path starting with / (ingress-nginx clears absolute URLs and other values)`}
  }
  return {ok: true, value: v.replace(/[?#].*$/, '')}
}

/**
 * permanent-redirect(-code), temporal-redirect(-code), app-root, from-to-www-redirect, use-port-in-redirects,
 * relative-redirects -> RequestRedirect filters replacing the backends, an `Exact /` redirect rule, and an extra
 * HTTPRoute answering the www/non-www twin names.
 *
 * nginx renders `return <code> <url>` in every location of the Ingress (the URL verbatim: the request's path and
 * query are not appended), `if ($uri = /) { return 302 $scheme://$http_host<app-root>; }` at server level, and
 * for from-to-www-redirect a server for the other name answering `http-redirect-code` to the same scheme and URI
 * (one trailing slash stripped).
 */
export const redirectsFamily: AnnotationFamily = {
  name: 'redirects',
  owns: ['redirect', 'wwwTwins'],
  specs: [
    {
      key: 'permanent-redirect',
      summary: 'Answer every path of the Ingress with a redirect to this URL (verbatim; a relative /path keeps the request\'s host)',
      fidelity: 'approximate',
      target: 'HTTPRoute RequestRedirect (scheme, hostname, port, ReplaceFullPath) instead of backends',
      note: 'nginx sends the URL alone; where the URL has no query, the Gateway redirect appends the request\'s query string to it (Envoy keeps the query of a redirect path without one)',
      parse: parseRedirectTarget,
    },
    {
      key: 'permanent-redirect-code',
      summary: 'Status code of permanent-redirect (300-308; other integers mean 301)',
      fidelity: 'exact',
      target: 'RequestRedirect statusCode (301, 302, 303, 307, 308); a direct response for 300, 304, 305, 306',
      default: '301',
      parse: parseInt10,
    },
    {
      key: 'temporal-redirect',
      summary: 'Like permanent-redirect with code 302; wins when both are set',
      fidelity: 'approximate',
      target: 'HTTPRoute RequestRedirect (scheme, hostname, port, ReplaceFullPath) instead of backends',
      note: 'nginx sends the URL alone; where the URL has no query, the Gateway redirect appends the request\'s query string to it (Envoy keeps the query of a redirect path without one)',
      parse: parseRedirectTarget,
    },
    {
      key: 'temporal-redirect-code',
      summary: 'Status code of temporal-redirect (300-307; other integers mean 302)',
      fidelity: 'exact',
      target: 'RequestRedirect statusCode (301, 302, 303, 307); a direct response for 300, 304, 305, 306',
      default: '302',
      parse: parseInt10,
    },
    {
      key: 'app-root',
      summary: 'Redirect requests for exactly / to this path (302), host-wide',
      fidelity: 'approximate',
      target: 'extra HTTPRoute rule: Exact / -> RequestRedirect ReplaceFullPath, 302',
      note: 'nginx redirects /?query to the path without the query; the Gateway redirect keeps the query',
      parse: parseAppRoot,
    },
    {
      key: 'from-to-www-redirect',
      summary: 'Redirect www.<host> to <host> (or the reverse) with the http-redirect-code, keeping scheme and URI',
      fidelity: 'approximate',
      target: 'extra HTTPRoute for the other names with a RequestRedirect hostname filter',
      note: 'nginx strips one trailing slash from the URI in this redirect; the Gateway keeps the path unchanged',
      default: 'false',
      parse: parseBool,
    },
    {
      key: 'use-port-in-redirects',
      summary: 'nginx port_in_redirect: put the port into the redirects nginx generates',
      fidelity: 'exact',
      target: 'none (false); Gateway redirects omit the scheme\'s default port',
      default: 'false',
      parse: parseBool,
    },
    {
      key: 'relative-redirects',
      summary: 'nginx absolute_redirect off: relative Location headers in the redirects nginx generates',
      fidelity: 'exact',
      target: 'none (false); Gateway redirects are absolute',
      default: 'false',
      parse: parseBool,
    },
  ],
  invalidEffect(key, raw) {
    // app-root (rewrite.Parse) and use-port-in-redirects (portInRedirect.Parse) are not redirect.go's.
    if (key === 'app-root' || key === 'use-port-in-redirects') return undefined
    // redirect.go Parse reads its keys conditionally: only the key it stopped at can drop the Ingress.
    const parsed = parseRedirectAnnotations(raw)
    return parsed.outcome === 'dropped' && parsed.key === key ? 'ingress-dropped' : 'default'
  },
  apply(ctx) {
    if (ctx.ingress.isCanary || sslPassthroughOn(ctx)) return
    if (servesOnlyCatchAll(ctx.ingress)) {
      // Unless redirect.go Parse failed validation (the whole Ingress is dropped then, before this runs).
      ignoreOnCatchAll(ctx, [...REDIRECT_KEYS, 'app-root'])
      return
    }
    const parsed = parseRedirectAnnotations((k) => ctx.raw(k))
    if (parsed.outcome === 'skipped') accountSkipped(ctx, parsed)
    else if (parsed.outcome === 'none') accountUnread(ctx, undefined)
    else if (parsed.outcome === 'config') {
      accountUnread(ctx, parsed.config)
      applyRedirect(ctx, parsed.config)
      if (parsed.config.fromToWww) applyFromToWww(ctx)
      if (parsed.config.relative) {
        ctx.account('relative-redirects', 'approximate', 'nginx sent relative Location headers in the redirects it generated; Gateway redirects are absolute URLs')
      }
    }
    applyAppRoot(ctx)
    const portInRedirects = ctx.value<boolean>('use-port-in-redirects')
    if (portInRedirects === true) {
      ctx.account('use-port-in-redirects', 'approximate', 'nginx wrote the port into the redirects it generated (e.g. https://host:443/); Gateway redirects omit the scheme\'s default port')
    }
  },
}

const REDIRECT_KEYS = ['from-to-www-redirect', 'relative-redirects', 'temporal-redirect', 'temporal-redirect-code', 'permanent-redirect', 'permanent-redirect-code']

/** redirect.go Parse returned an error other than a ValidationError: Extract skipped the Ingress's whole redirect config. */
function accountSkipped(ctx: FamilyContext, parsed: {key: string; reason: string}): void {
  const culprit = ctx.fullKey(parsed.key)
  for (const key of REDIRECT_KEYS) {
    if (!ctx.has(key)) continue
    const message =
      key === parsed.key
        ? `${parsed.reason}; ingress-nginx then drops the Ingress's whole redirect configuration (annotations.go Extract skips the error) and serves its paths from their backends, and so does the conversion`
        : `has no effect: ${culprit} made ingress-nginx drop the Ingress's whole redirect configuration`
    ctx.account(key, 'ignored', message, {level: 'warning', code: 'redirect-config-dropped'})
  }
}

/** Keys redirect.go Parse never read, or read and discarded. */
function accountUnread(ctx: FamilyContext, config: RedirectConfig | undefined): void {
  if (config?.kind === 'temporal') {
    for (const k of ['permanent-redirect', 'permanent-redirect-code']) {
      if (ctx.has(k)) ctx.account(k, 'ignored', 'temporal-redirect is also set and wins (redirect.go Parse returns before reading the permanent keys)', {level: 'warning'})
    }
  } else {
    if (ctx.has('temporal-redirect-code')) ctx.account('temporal-redirect-code', 'ignored', 'has no effect without temporal-redirect (redirect.go Parse reads it only beside its URL)')
    if (config?.kind === undefined && ctx.has('permanent-redirect-code')) ctx.account('permanent-redirect-code', 'ignored', 'has no effect without permanent-redirect')
  }
}

/** What nginx's `return <code> <url>` sends, as Gateway API can say it. */
type RedirectAnswer =
  | {kind: 'filter'; redirect: Record<string, unknown>; exact: boolean; note?: string}
  | {kind: 'manual'; reason: string; hint: string}

/**
 * nginx.tmpl renders `return <code> <url>` with the URL verbatim: an absolute URL is the Location; a path starting
 * with / gets the request's scheme and host (absolute_redirect, port_in_redirect off); anything else is sent as
 * written, a relative reference the client resolves against the request's directory.
 */
function redirectAnswer(url: string, code: number): RedirectAnswer {
  const queryNote = (query: string | undefined, target: string) =>
    query === undefined ? `nginx's return sent ${target} alone, while the Gateway redirect appends the request's query string to it (/any?x=1 -> ${target.replace(/^[a-z]+:\/\/[^/]*$/i, '$&/')}?x=1)` : undefined
  if (url.startsWith('/')) {
    const [path, query] = splitQuery(url)
    const redirect = {path: {type: 'ReplaceFullPath', replaceFullPath: path + withQuery(query)}, statusCode: code}
    const note = queryNote(query, url)
    return {kind: 'filter', redirect, exact: note === undefined, note}
  }
  const absolute = splitAbsoluteUrl(url)
  if (absolute) {
    if (absolute.host === '' || !PRECISE_HOSTNAME.test(absolute.host)) {
      return {kind: 'manual', reason: `"${url}" has no host name Gateway API accepts in a redirect; nothing is emitted for it and the paths keep their backends`, hint: 'use a URL with a DNS host name and convert again'}
    }
    const redirect: Record<string, unknown> = {scheme: absolute.scheme, hostname: absolute.host}
    if (absolute.port !== undefined && absolute.port !== DEFAULT_PORT[absolute.scheme]) redirect.port = absolute.port
    // Envoy's path_redirect with a query replaces the request's query, as nginx's verbatim URL does.
    redirect.path = {type: 'ReplaceFullPath', replaceFullPath: (absolute.path || '/') + withQuery(absolute.query)}
    redirect.statusCode = code
    const note = queryNote(absolute.query, url)
    return {kind: 'filter', redirect, exact: note === undefined, note}
  }
  const scheme = goUrlScheme(url)
  if ('error' in scheme || scheme.scheme !== '' || url === '') {
    return {kind: 'manual', reason: `nginx answered with \`Location: ${url}\`, which a Gateway API RequestRedirect cannot send (http and https URLs or paths only); nothing is emitted for it and the paths keep their backends`, hint: 'use an http(s) URL or a path starting with / and convert again'}
  }
  const [path, query] = splitQuery(url)
  return {
    kind: 'filter',
    redirect: {path: {type: 'ReplaceFullPath', replaceFullPath: `/${path}${withQuery(query)}`}, statusCode: code},
    exact: false,
    note: `nginx sent the relative \`Location: ${url}\`, which clients resolve against each request's directory (/a/b -> /a/${path}); the Gateway redirects every path to /${path}${withQuery(query)}${query === undefined ? ', keeping the request\'s query string' : ''}`,
  }
}

/**
 * The query part of a redirect path. Envoy keeps the request's query string unless the redirect path has one of
 * its own (envoyproxy/envoy source/common/http/utility.cc Utility::newUri: path_redirect with a `?` is used as is;
 * Envoy Gateway sets no strip_query, internal/xds/translator/route.go buildXdsRedirectAction), while nginx's
 * `return <code> <url>` sends the URL alone. An empty `?` would drop the request's query but put a `?` nginx never
 * sent into every Location: the URL is kept as written, and the difference is reported (REDIRECT_QUERY_HINT).
 */
function withQuery(query: string | undefined): string {
  return query ?? ''
}

/** How to keep nginx's behaviour where the request's query must not reach the target (tokens, another site). */
const REDIRECT_QUERY_HINT =
  'where the request\'s query string must not follow the redirect (it may carry tokens to another site), end the annotation URL with `?`: nginx then sends the same Location with an empty query, and the Gateway redirect drops the request\'s query string too'

function splitQuery(url: string): [string, string | undefined] {
  const i = url.indexOf('?')
  return i < 0 ? [url, undefined] : [url.slice(0, i), url.slice(i)]
}

function applyRedirect(ctx: FamilyContext, config: RedirectConfig): void {
  const kind = config.kind
  if (!kind) return
  const url = config.url
  const urlKey = `${kind}-redirect`
  const codeKey = `${kind}-redirect-code`
  const code = config.code
  if (config.codeOutOfRange !== undefined) {
    const [fallback, max] = kind === 'temporal' ? [302, 307] : [301, 308]
    ctx.account(codeKey, 'exact', `${config.codeOutOfRange} is outside 300-${max}; ingress-nginx used ${fallback}, and so does the conversion`, {
      level: 'warning',
      code: 'redirect-code-out-of-range',
    })
  }
  const from = [urlKey, codeKey].filter((k) => ctx.has(k)).map((k) => ctx.fullKey(k))

  if (!GATEWAY_REDIRECT_CODES.has(code)) {
    // nginx `return 300..306 <text>` is not a redirect: the URL is the response body, no Location header.
    const name = dnsName(ctx.ingress.ref.name, 'redirect-response')
    const directResponse: Record<string, unknown> = {statusCode: code}
    if (code !== 304) Object.assign(directResponse, {contentType: 'text/html', body: {type: 'Inline', inline: url}})
    ctx.patch.objects.push({
      from,
      object: {
        apiVersion: `${EG_GROUP}/v1alpha1`,
        kind: 'HTTPRouteFilter',
        metadata: managedMetadata(name, ctx.ingress.ref.namespace, [objectRef('Ingress', ctx.ingress.ref)], from),
        spec: {directResponse},
      },
    })
    ctx.patch.redirect = {from, filter: {type: 'ExtensionRef', extensionRef: {group: EG_GROUP, kind: 'HTTPRouteFilter', name}}}
    ctx.account(codeKey, 'exact', `nginx answers status ${code} with the URL as the response body and no Location header (its return directive redirects only for 301, 302, 303, 307, 308); an Envoy Gateway direct response does the same`, {
      level: 'info',
      code: 'redirect-code-not-a-redirect',
    })
    ctx.account(urlKey, 'exact')
    return
  }

  const answer = redirectAnswer(url, code)
  if (answer.kind === 'manual') {
    ctx.account(urlKey, 'manual', answer.reason, {hint: answer.hint})
    return
  }
  ctx.patch.redirect = {from, filter: {type: 'RequestRedirect', requestRedirect: answer.redirect}}
  if (answer.exact) ctx.account(urlKey, 'exact')
  else ctx.account(urlKey, 'approximate', answer.note, answer.note?.includes('query string') ? {hint: REDIRECT_QUERY_HINT} : undefined)
  if (NEWER_REDIRECT_CODES.has(code)) {
    ctx.diag(diagnostic('redirect-code-needs-gateway-api-1.5', {key: ctx.fullKey(urlKey), statusCode: code}, {annotation: ctx.fullKey(urlKey)}))
  }
}

function applyAppRoot(ctx: FamilyContext): void {
  const root = ctx.value<string>('app-root')
  if (root === undefined) return
  if (root === '/') {
    ctx.account('app-root', 'ignored', 'redirecting / to / would loop (nginx answered / with a redirect to itself); nothing is emitted')
    return
  }
  // nginx.tmpl renders `if ($uri = /) { return 302 ... }` at server level (ngx_http_rewrite_module, server rewrite
  // phase), before the location whose rewrite_by_lua (lua_ingress.lua redirect_to_https) redirects to HTTPS: plain
  // HTTP for / gets the 302 to http://host<root> first. emit-routes.ts serves the rule on the http listener too.
  ctx.patch.extraRules.push({
    from: [ctx.fullKey('app-root')],
    rule: {
      matches: [{path: {type: 'Exact', value: '/'}}],
      filters: [{type: 'RequestRedirect', requestRedirect: {path: {type: 'ReplaceFullPath', replaceFullPath: root}, statusCode: 302}}],
    },
    beforeHttpsRedirect: true,
  })
  ctx.account('app-root', 'approximate', `nginx redirected / to ${root} without the request's query string (nginx.tmpl: return 302 $scheme://$http_host${root}); the Gateway redirect appends it (/?x=1 -> ${root}?x=1: Envoy keeps the query of a redirect path without one, utility.cc Utility::newUri)`)
}

/** The controller's http-redirect-code (301, 302, 307 or 308; default 308). */
function httpRedirectCode(ctx: FamilyContext): 301 | 302 | 307 | 308 {
  const value = Number(ctx.lookup.controllerConfigMap()?.data?.['http-redirect-code'])
  return value === 301 || value === 302 || value === 307 ? value : 308
}

function applyFromToWww(ctx: FamilyContext): void {
  const key = ctx.fullKey('from-to-www-redirect')
  const ingress = ctx.ingress
  const rules: any[] = Array.isArray(ingress.object.spec?.rules) ? ingress.object.spec.rules : []
  const own = new Set(rules.map((r) => normalizeHost(r?.host)).filter((h) => h !== ''))
  const hostServed = ctx.lookup.hostServed
  const pairs: {from: string; to: string}[] = []
  const skipped: string[] = []
  // controller.go getBackendServers marks a server for the redirect only when this Ingress adds a location to it
  // from its rule paths (a rule without paths, paths an older Ingress already owns, or the spec.defaultBackend
  // `location /` of createServers mark nothing).
  const unowned: string[] = []
  for (const host of [...own].sort()) {
    if (host.startsWith('*.') || host.includes('${')) continue
    if (!ctx.lookup.ingressesOnHost(host).some((i) => i.ingress === ingress.id && i.rulePaths)) {
      unowned.push(host)
      continue
    }
    const other = host.startsWith('www.') ? host.slice(4) : `www.${host}`
    if (own.has(other) || hostServed(other)) skipped.push(other)
    else if (PRECISE_HOSTNAME.test(other)) pairs.push({from: other, to: host})
  }
  const code = httpRedirectCode(ctx)
  if (pairs.length > 0) ctx.patch.wwwTwins = pairs.map((p) => p.from)
  const sources = [objectRef('Ingress', ingress.ref)]
  for (const pair of pairs) {
    const name = pairs.length === 1 ? dnsName(ingress.ref.name, 'www-redirect') : dnsName(ingress.ref.name, 'www-redirect', pair.from)
    ctx.patch.objects.push({
      from: [key],
      object: {
        apiVersion: `${GATEWAY_GROUP}/v1`,
        kind: 'HTTPRoute',
        metadata: managedMetadata(name, ingress.ref.namespace, sources, [key]),
        spec: {
          parentRefs: [ctx.options.httpListener, ctx.options.httpsListener].map((sectionName) => gatewayParentRef(ingress.gateway, sectionName)),
          hostnames: [pair.from],
          rules: [
            {
              matches: [{path: {type: 'PathPrefix', value: '/'}}],
              filters: [{type: 'RequestRedirect', requestRedirect: {hostname: pair.to, statusCode: code}}],
            },
          ],
        },
      },
    })
  }
  const notOwned = unowned.length > 0 ? wwwNotOwned(unowned) : ''
  if (pairs.length === 0) {
    const reasons = [skipped.length > 0 ? `every twin name (${skipped.join(', ')}) is served by an Ingress of its own` : '', notOwned].filter((r) => r !== '')
    ctx.account('from-to-www-redirect', 'exact', `${reasons.join('; ') || 'wildcard hosts have no www form'}: nginx creates no redirect, and neither does the conversion`, {level: 'info', code: 'www-redirect-skipped'})
    return
  }
  if (notOwned !== '') ctx.diag(diagnostic('www-redirect-skipped', {key, unowned}, {annotation: key}))
  ctx.account('from-to-www-redirect', 'approximate', `${pairs.map((p) => `${p.from} -> ${p.to}`).join(', ')} (${code}): nginx also strips one trailing slash from the URI (/a/ -> /a); the Gateway redirect keeps the path unchanged`, {
    hint: `HTTPS requests for ${pairs.map((p) => p.from).join(', ')} are redirected only if the Gateway's https listener has a certificate covering ${pairs.length === 1 ? 'that name' : 'those names'}, as with nginx`,
  })
}
