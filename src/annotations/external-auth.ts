import {crossNamespaceAllowed} from './basic-auth.js'
import {accountCompanions, KEEPALIVE_NOTE} from './external-auth/companions.js'
import {emitExtAuth} from './external-auth/emit.js'
import {failClosed, failClosedHint, unresolvedReason} from './external-auth/fail-closed.js'
import {type ExtAuthForm, type FormResult, recognizeServer, unknownServerForm} from './external-auth/forms.js'
import {applyGlobalAuthOptOut} from './external-auth/global-auth.js'
import {autheliaForm} from './external-auth/authelia.js'
import {authentikForm} from './external-auth/authentik.js'
import {oauth2ProxyForm} from './external-auth/oauth2-proxy.js'
import {emitOauth2ProxyOidc} from './external-auth/oauth2-proxy-oidc.js'
import {classifyAuthUrl, resolveThroughHost, type ServiceTarget} from './external-auth/url.js'
import {denyLocations} from './headers.js'
import {parseBool, parseEnum, parseInt10} from '../model/parsers.js'
import type {AnnotationFamily, FamilyContext} from './types.js'
import type {ParseResult} from '../model/parsers.js'

export {classifyAuthUrl} from './external-auth/url.js'
export {EXT_AUTH_FORWARDED_HEADERS} from './external-auth/forms.js'

/**
 * auth-url and its companions -> SecurityPolicy extAuth.http in the form the auth server documents for Envoy
 * (oauth2-proxy, Authelia, authentik; forms.ts), or oidc for oauth2-proxy with --oauth2-proxy=oidc; the route
 * fails closed (deny-all) where no working form exists.
 *
 * nginx calls the URL verbatim as an `auth_request` subrequest (a GET without body, every client header
 * forwarded, plus X-Original-URL / X-Original-Method / X-Auth-Request-Redirect), lets any 2xx through, returns
 * 401/403 to the client (a 401 becomes the auth-signin redirect) and turns any other answer into 500
 * (rootfs/etc/nginx/template/nginx.tmpl; internal/ingress/annotations/authreq/main.go). Envoy's HTTP ext_authz
 * lets only a 200 through and returns every other answer, headers and body, to the client (forms.ts).
 */

/** parser.URLWithNginxVariableRegex (checked with spaces removed). */
const URL_WITH_VARIABLES = /^[\-._~a-zA-Z0-9/:?&=$]*$/
/** parser.URLIsValidRegex. */
const URL_CHARS = /^[\-._~a-zA-Z0-9/:?&=]*$/
const HEADER_NAME = /^[a-zA-Z\d\-_]+$/
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE'] as const

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


export const externalAuthFamily: AnnotationFamily = {
  name: 'external-auth',
  owns: ['authServerSteps'],
  specs: [
    {
      key: 'auth-url',
      summary: 'Authenticate every request with a subrequest to this URL (2xx lets it through); may contain nginx variables',
      fidelity: 'approximate',
      target:
        'SecurityPolicy extAuth.http in the form the auth server documents for Envoy: oauth2-proxy (its proxy handler, --upstream=static://200), Authelia (/api/authz/ext-authz/), authentik (/outpost.goauthentik.io/auth/envoy), else the URL\'s path (pathOverride); or oidc for oauth2-proxy with --oauth2-proxy=oidc',
      note: 'Envoy lets only a 200 through (nginx: any 2xx) and passes any other answer to the client; recognised servers get their Envoy endpoint (oauth2-proxy needs new flags: manual), unknown servers keep the URL and are manual; $host URLs resolve to the Service serving that path on the host; URLs that cannot be resolved get a deny-all SecurityPolicy (fail closed). See docs/external-auth.md',
      parse: (v) => (v.trim() === '' ? {ok: true, value: ''} : withoutSpaces(URL_WITH_VARIABLES, 'URL (letters, digits, -._~/:?&=$)')(v)),
    },
    {
      key: 'auth-method',
      summary: 'HTTP method of the auth subrequest (nginx: GET otherwise)',
      fidelity: 'approximate',
      target: 'none (Envoy sends the client request\'s method)',
      note: 'Envoy always calls the auth service with the client request\'s method',
      parse: parseEnum(METHODS),
    },
    {
      key: 'auth-response-headers',
      summary: 'Headers copied from the auth response into the upstream request',
      fidelity: 'approximate',
      target: 'SecurityPolicy extAuth.http.headersToBackend + ClientTrafficPolicy headers.earlyRequestHeaders.remove on the listeners of protected hosts',
      note: 'when the auth response lacks such a header, nginx removes a client-sent one of that name; Envoy lets the client\'s value through, so with --emit-gateway the ClientTrafficPolicies of the listeners serving protected hosts remove them before extAuth (exact; unprotected hosts on those listeners lose client-sent copies too, which is reported); without it the gateway owner must add the removal',
      parse: parseResponseHeaders,
    },
    {
      key: 'auth-signin',
      summary: 'On 401, redirect the browser here (with the original URL in the rd parameter)',
      fidelity: 'manual',
      target: 'the sign-in redirect of the recognised auth server (oauth2-proxy, Authelia, authentik) or of Envoy Gateway OIDC; none for other servers',
      note: 'Envoy has no redirect of its own for a 401: recognised servers redirect browsers themselves (approximate), other servers must be made to, or replaced by an oidc block',
      parse: withoutSpaces(URL_WITH_VARIABLES, 'URL'),
    },
    {
      key: 'auth-signin-redirect-param',
      summary: 'Name of the query parameter carrying the original URL to auth-signin',
      fidelity: 'manual',
      target: 'the return URL of the redirect that replaces auth-signin',
      note: 'part of the auth-signin redirect: the auth server\'s (or Envoy\'s) own redirect carries the return URL its own way',
      default: 'rd',
      parse: withoutSpaces(URL_CHARS, 'parameter name'),
    },
    {
      key: 'auth-request-redirect',
      summary: 'Value of the X-Auth-Request-Redirect header sent to the auth service',
      fidelity: 'approximate',
      target: 'none (Envoy cannot add headers to the auth request)',
      note: 'Envoy does not send X-Auth-Request-Redirect to the auth service',
      default: '$request_uri',
      parse: withoutSpaces(URL_CHARS, 'URL'),
    },
    {
      key: 'auth-proxy-set-headers',
      summary: 'ConfigMap (same namespace) of extra headers sent to the auth service',
      fidelity: 'manual',
      target: 'none (Envoy cannot add headers to the auth request)',
      note: 'Envoy Gateway cannot add fixed headers to the auth request; the auth service must do without them',
      parse: withoutSpaces(/^[/\-._~a-zA-Z0-9:]*$/, 'ConfigMap name'),
    },
    {
      key: 'auth-always-set-cookie',
      summary: 'Copy Set-Cookie of the auth response to the client on every response, not only on success',
      fidelity: 'approximate',
      target: 'none (Envoy returns auth response headers to the client only on denied requests)',
      note: 'Envoy passes the auth service\'s headers (Set-Cookie) to the client only when it denies the request',
      default: 'false',
      parse: parseBool,
    },
    {
      key: 'auth-cache-key',
      summary: 'Cache auth responses under this key (nginx variables)',
      fidelity: 'approximate',
      target: 'none (Envoy Gateway does not cache ext-auth answers)',
      note: 'Envoy asks the auth service on every request: the same decisions, without staleness, with more load',
      parse: withoutSpaces(/^[A-Za-z0-9\-_${}]*$/, 'cache key (nginx variables)'),
    },
    {
      key: 'auth-cache-duration',
      summary: 'How long cached auth responses stay valid per status code',
      fidelity: 'approximate',
      target: 'none (no ext-auth cache)',
      note: 'no ext-auth cache in Envoy Gateway: the auth service is asked on every request',
      default: '200 202 401 5m',
      parse: parseCacheDuration,
    },
    {
      key: 'auth-keepalive',
      summary: 'Keepalive connections to the auth service',
      fidelity: 'ignored',
      target: 'none',
      note: KEEPALIVE_NOTE,
      default: '0',
      parse: parseInt10,
    },
    {
      key: 'auth-keepalive-requests',
      summary: 'Requests per keepalive connection to the auth service',
      fidelity: 'ignored',
      target: 'none',
      note: KEEPALIVE_NOTE,
      default: '1000',
      parse: parseInt10,
    },
    {
      key: 'auth-keepalive-share-vars',
      summary: 'Share nginx variables between the request and its auth subrequest (with keepalive)',
      fidelity: 'ignored',
      target: 'none',
      note: 'an nginx-internal optimisation of keepalive subrequests; Envoy has no such variables',
      default: 'false',
      parse: parseBool,
    },
    {
      key: 'auth-keepalive-timeout',
      summary: 'Idle timeout of keepalive connections to the auth service (seconds)',
      fidelity: 'ignored',
      target: 'none',
      note: KEEPALIVE_NOTE,
      default: '60',
      parse: parseInt10,
    },
    {
      key: 'auth-snippet',
      summary: 'Raw nginx configuration for the auth subrequest location (needs auth-url)',
      fidelity: 'manual',
      target: 'none (raw nginx configuration)',
      note: 'raw nginx configuration has no Envoy Gateway equivalent; reproduce its effect in the auth service',
      parse: (v) => ({ok: true, value: v}),
    },
    {
      key: 'enable-global-auth',
      summary: 'false: opt this Ingress out of the ConfigMap global-auth-url',
      fidelity: 'exact',
      target: 'a route-level SecurityPolicy replacing the Gateway-level one, where --nginx-defaults made global-auth-url a Gateway-level extAuth; nothing otherwise',
      default: 'true',
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
      // authReq.Parse looks the ConfigMap up by the value itself (store GetConfigMap): a bare name never exists.
      if (cmRef !== undefined && cmRef !== '' && !cmRef.includes('/')) {
        denyLocations(ctx, 'auth-proxy-set-headers', `"${cmRef}" is not namespace/name: ingress-nginx looks the ConfigMap up by exactly this key, and no ConfigMap has it`)
        return
      }
    }
    const resolved = target.kind === 'service' ? {ok: true as const, target} : resolveThroughHost(ctx, target)
    if (!resolved.ok) {
      accountCompanions(ctx, undefined)
      failClosed(ctx, url, resolved.reason ?? unresolvedReason(target as Exclude<typeof target, ServiceTarget>), failClosedHint(ctx, target as Exclude<typeof target, ServiceTarget>))
      return
    }
    const service = resolved.target
    const via = 'via' in resolved ? resolved.via : undefined
    const server = recognizeServer(service)
    if (server === 'oauth2-proxy' && ctx.options.oauth2Proxy === 'oidc' && emitOauth2ProxyOidc(ctx, url, service)) {
      accountCompanions(ctx, undefined, true)
      return
    }
    const result = formFor(ctx, server, service)
    if (!result.ok) {
      accountCompanions(ctx, undefined)
      failClosed(ctx, url, result.reason, result.hint)
      return
    }
    accountCompanions(ctx, result.form)
    emitExtAuth(ctx, url, service, result.form, via)
  },
}

function formFor(ctx: FamilyContext, server: ReturnType<typeof recognizeServer>, target: ServiceTarget): FormResult {
  const ok = (form: ExtAuthForm): FormResult => ({ok: true, form})
  switch (server) {
    case 'oauth2-proxy':
      return oauth2ProxyForm(ctx, target, `${target.namespace}/${target.name}`)
    case 'authelia':
      return ok(autheliaForm(ctx, target))
    case 'authentik':
      return ok(authentikForm(ctx, target))
    case 'unknown':
      return ok(unknownServerForm(ctx, target))
  }
}
