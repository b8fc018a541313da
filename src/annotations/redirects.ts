import {objectRef} from '../translate/diagnostics.js'
import {gatewayParentRef} from '../translate/bundle/common.js'
import {EG_GROUP, GATEWAY_GROUP} from '../translate/emit-routes.js'
import {normalizeHost} from '../translate/hosts.js'
import {dnsName} from '../translate/names.js'
import {managedMetadata} from '../translate/provenance.js'
import {PRECISE_HOSTNAME} from './headers.js'
import {parseBool, parseInt10} from './parsers.js'
import {sslPassthroughOn} from './passthrough.js'
import type {AnnotationFamily, FamilyContext, ParseResult} from './types.js'

/** An absolute http(s) URL as ingress-nginx accepts it for permanent/temporal-redirect. */
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

/** ingress-nginx's validator for redirect URLs: no `$` (variables), no `%`, no `#`. */
function parseRedirectUrl(value: string): ParseResult<RedirectUrl> {
  if (!/^[-._~a-zA-Z0-9/:,?&=]+$/.test(value)) {
    return {ok: false, reason: `"${value}" has characters ingress-nginx does not accept in a redirect URL (allowed: letters, digits and -._~/:,?&=)`}
  }
  const m = /^([A-Za-z][A-Za-z0-9.-]*):\/\/([^/?:]*)(?::(\d*))?([^?]*)(\?.*)?$/.exec(value)
  if (!m) return {ok: false, reason: `"${value}" is not an absolute URL`}
  const scheme = m[1].toLowerCase()
  if (scheme !== 'http' && scheme !== 'https') return {ok: false, reason: `"${value}": only http and https redirects are valid`}
  const port = m[3] ? Number(m[3]) : undefined
  if (port !== undefined && (port < 1 || port > 65535)) return {ok: false, reason: `"${value}" has an invalid port`}
  return {ok: true, value: {raw: value, scheme, host: m[2].toLowerCase(), port, path: m[4], query: m[5]}}
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
  specs: [
    {
      key: 'permanent-redirect',
      summary: 'Answer every path of the Ingress with a redirect to this URL (verbatim)',
      fidelity: 'approximate',
      target: 'HTTPRoute RequestRedirect (scheme, hostname, port, ReplaceFullPath) instead of backends',
      note: 'the Gateway redirect keeps the request\'s query string where the target URL has none; nginx drops it',
      onInvalid: 'ingress-dropped',
      parse: parseRedirectUrl,
    },
    {
      key: 'permanent-redirect-code',
      summary: 'Status code of permanent-redirect (300-308; other integers mean 301)',
      fidelity: 'exact',
      target: 'RequestRedirect statusCode (301, 302, 303, 307, 308); a direct response for 300, 304, 305, 306',
      default: '301',
      onInvalid: 'ingress-dropped',
      parse: parseInt10,
    },
    {
      key: 'temporal-redirect',
      summary: 'Like permanent-redirect with code 302; wins when both are set',
      fidelity: 'approximate',
      target: 'HTTPRoute RequestRedirect (scheme, hostname, port, ReplaceFullPath) instead of backends',
      note: 'the Gateway redirect keeps the request\'s query string where the target URL has none; nginx drops it',
      onInvalid: 'ingress-dropped',
      parse: parseRedirectUrl,
    },
    {
      key: 'temporal-redirect-code',
      summary: 'Status code of temporal-redirect (300-307; other integers mean 302)',
      fidelity: 'exact',
      target: 'RequestRedirect statusCode (301, 302, 303, 307); a direct response for 300, 304, 305, 306',
      default: '302',
      onInvalid: 'ingress-dropped',
      parse: parseInt10,
    },
    {
      key: 'app-root',
      summary: 'Redirect requests for exactly / to this path (302), host-wide',
      fidelity: 'approximate',
      target: 'extra HTTPRoute rule: Exact / -> RequestRedirect ReplaceFullPath, 302',
      note: 'the Gateway redirect keeps the query string of /?query; nginx drops it',
      onInvalid: 'default',
      parse: parseAppRoot,
    },
    {
      key: 'from-to-www-redirect',
      summary: 'Redirect www.<host> to <host> (or the reverse) with the http-redirect-code, keeping scheme and URI',
      fidelity: 'approximate',
      target: 'extra HTTPRoute for the other names with a RequestRedirect hostname filter',
      note: 'nginx strips one trailing slash from the URI in this redirect; the Gateway keeps the path unchanged',
      default: 'false',
      onInvalid: 'ingress-dropped',
      parse: parseBool,
    },
    {
      key: 'use-port-in-redirects',
      summary: 'nginx port_in_redirect: put the port into the redirects nginx generates',
      fidelity: 'exact',
      target: 'none (false); Gateway redirects omit the scheme\'s default port',
      default: 'false',
      onInvalid: 'default',
      parse: parseBool,
    },
    {
      key: 'relative-redirects',
      summary: 'nginx absolute_redirect off: relative Location headers in the redirects nginx generates',
      fidelity: 'exact',
      target: 'none (false); Gateway redirects are absolute',
      default: 'false',
      onInvalid: 'ingress-dropped',
      parse: parseBool,
    },
  ],
  apply(ctx) {
    if (ctx.ingress.isCanary || sslPassthroughOn(ctx)) return
    applyRedirect(ctx)
    applyAppRoot(ctx)
    applyFromToWww(ctx)
    const portInRedirects = ctx.value<boolean>('use-port-in-redirects')
    if (portInRedirects === true) {
      ctx.account('use-port-in-redirects', 'approximate', 'nginx wrote the port into the redirects it generated (e.g. https://host:443/); Gateway redirects omit the scheme\'s default port')
    }
    const relative = ctx.value<boolean>('relative-redirects')
    if (relative === true) {
      ctx.account('relative-redirects', 'approximate', 'nginx sent relative Location headers in the redirects it generated; Gateway redirects are absolute URLs')
    }
  },
}

function applyRedirect(ctx: FamilyContext): void {
  const temporal = ctx.value<RedirectUrl>('temporal-redirect')
  const permanent = ctx.value<RedirectUrl>('permanent-redirect')
  const kind = temporal ? 'temporal' : permanent ? 'permanent' : undefined
  for (const k of ['permanent', 'temporal'] as const) {
    const codeKey = `${k}-redirect-code`
    if (k !== kind && ctx.has(codeKey) && !ctx.has(`${k}-redirect`)) {
      ctx.account(codeKey, 'ignored', `has no effect without ${k}-redirect`)
    }
  }
  if (!kind) return
  if (kind === 'temporal' && permanent) {
    for (const k of ['permanent-redirect', 'permanent-redirect-code']) {
      if (ctx.has(k)) ctx.account(k, 'ignored', 'temporal-redirect is also set and wins, as in ingress-nginx', {level: 'warning'})
    }
  }
  const url = (temporal ?? permanent)!
  const urlKey = `${kind}-redirect`
  const codeKey = `${kind}-redirect-code`
  const [fallback, max] = kind === 'temporal' ? [302, 307] : [301, 308]
  let code = fallback
  const written = ctx.value<number>(codeKey)
  if (written !== undefined) {
    if (written >= 300 && written <= max) code = written
    else {
      ctx.account(codeKey, 'exact', `${written} is outside 300-${max}; ingress-nginx used ${fallback}, and so does the conversion`, {
        level: 'warning',
        code: 'redirect-code-out-of-range',
      })
    }
  }
  const from = [urlKey, codeKey].filter((k) => ctx.has(k)).map((k) => ctx.fullKey(k))

  if (!GATEWAY_REDIRECT_CODES.has(code)) {
    // nginx `return 300..306 <text>` is not a redirect: the URL is the response body, no Location header.
    const name = dnsName(ctx.ingress.ref.name, 'redirect-response')
    const directResponse: Record<string, unknown> = {statusCode: code}
    if (code !== 304) Object.assign(directResponse, {contentType: 'text/html', body: {type: 'Inline', inline: url.raw}})
    ctx.ingress.intents.objects.push({
      from,
      object: {
        apiVersion: `${EG_GROUP}/v1alpha1`,
        kind: 'HTTPRouteFilter',
        metadata: managedMetadata(name, ctx.ingress.ref.namespace, [objectRef('Ingress', ctx.ingress.ref)], from),
        spec: {directResponse},
      },
    })
    ctx.ingress.intents.redirect = {from, filter: {type: 'ExtensionRef', extensionRef: {group: EG_GROUP, kind: 'HTTPRouteFilter', name}}}
    ctx.account(codeKey, 'exact', `nginx answers status ${code} with the URL as the response body and no Location header (its return directive redirects only for 301, 302, 303, 307, 308); an Envoy Gateway direct response does the same`, {
      level: 'info',
      code: 'redirect-code-not-a-redirect',
    })
    ctx.account(urlKey, 'exact')
    return
  }

  if (url.host === '' || !PRECISE_HOSTNAME.test(url.host)) {
    ctx.account(urlKey, 'manual', `"${url.raw}" has no host name Gateway API accepts in a redirect; nothing is emitted for it and the paths keep their backends`, {
      hint: 'use a URL with a DNS host name and convert again',
    })
    return
  }
  const redirect: Record<string, unknown> = {scheme: url.scheme, hostname: url.host}
  if (url.port !== undefined && url.port !== DEFAULT_PORT[url.scheme]) redirect.port = url.port
  redirect.path = {type: 'ReplaceFullPath', replaceFullPath: (url.path || '/') + (url.query ?? '')}
  redirect.statusCode = code
  ctx.ingress.intents.redirect = {from, filter: {type: 'RequestRedirect', requestRedirect: redirect}}
  if (url.query === undefined) {
    ctx.account(urlKey, 'approximate', `the Gateway redirect to ${url.raw} keeps the request's query string; nginx's return drops it`)
  } else {
    // Envoy's path_redirect with a query replaces the request's query, as nginx's verbatim URL does.
    ctx.account(urlKey, 'exact')
  }
  if (NEWER_REDIRECT_CODES.has(code)) {
    ctx.diag({
      level: 'info',
      code: 'redirect-code-needs-gateway-api-1.5',
      annotation: ctx.fullKey(urlKey),
      message: `${ctx.fullKey(urlKey)}: RequestRedirect statusCode ${code} is accepted by Gateway API v1.5 CRDs and later (older CRDs allow only 301 and 302)`,
    })
  }
}

function applyAppRoot(ctx: FamilyContext): void {
  const root = ctx.value<string>('app-root')
  if (root === undefined) return
  if (root === '/') {
    ctx.account('app-root', 'ignored', 'redirecting / to / would loop (nginx answered / with a redirect to itself); nothing is emitted')
    return
  }
  ctx.ingress.intents.extraRules.push({
    from: [ctx.fullKey('app-root')],
    rule: {
      matches: [{path: {type: 'Exact', value: '/'}}],
      filters: [{type: 'RequestRedirect', requestRedirect: {path: {type: 'ReplaceFullPath', replaceFullPath: root}, statusCode: 302}}],
    },
  })
}

/** The controller's http-redirect-code (301, 302, 307 or 308; default 308). */
function httpRedirectCode(ctx: FamilyContext): number {
  const value = Number(ctx.lookup.controllerConfigMap()?.data?.['http-redirect-code'])
  return [301, 302, 307, 308].includes(value) ? value : 308
}

function applyFromToWww(ctx: FamilyContext): void {
  if (ctx.value<boolean>('from-to-www-redirect') !== true) return
  const key = ctx.fullKey('from-to-www-redirect')
  const ingress = ctx.ingress
  const rules: any[] = Array.isArray(ingress.object.spec?.rules) ? ingress.object.spec.rules : []
  const own = new Set(rules.map((r) => normalizeHost(r?.host)).filter((h) => h !== ''))
  const hostServed = ctx.lookup.hostServed
  const pairs: {from: string; to: string}[] = []
  const skipped: string[] = []
  for (const host of [...own].sort()) {
    if (host.startsWith('*.') || host.includes('${')) continue
    const other = host.startsWith('www.') ? host.slice(4) : `www.${host}`
    if (own.has(other) || hostServed(other)) skipped.push(other)
    else if (PRECISE_HOSTNAME.test(other)) pairs.push({from: other, to: host})
  }
  const code = httpRedirectCode(ctx)
  const sources = [objectRef('Ingress', ingress.ref)]
  for (const pair of pairs) {
    const name = pairs.length === 1 ? dnsName(ingress.ref.name, 'www-redirect') : dnsName(ingress.ref.name, 'www-redirect', pair.from)
    ingress.intents.objects.push({
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
  if (pairs.length === 0) {
    ctx.account('from-to-www-redirect', 'exact', `every twin name (${skipped.join(', ') || 'none: wildcard hosts have no www form'}) is served by an Ingress of its own, so nginx creates no redirect, and neither does the conversion`, {level: 'info', code: 'www-redirect-skipped'})
    return
  }
  ctx.account('from-to-www-redirect', 'approximate', `${pairs.map((p) => `${p.from} -> ${p.to}`).join(', ')} (${code}): nginx also strips one trailing slash from the URI (/a/ -> /a); the Gateway redirect keeps the path unchanged`, {
    hint: `HTTPS requests for ${pairs.map((p) => p.from).join(', ')} are redirected only if the Gateway's https listener has a certificate covering ${pairs.length === 1 ? 'that name' : 'those names'}, as with nginx`,
  })
}
