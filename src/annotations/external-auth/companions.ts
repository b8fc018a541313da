/** The companions of auth-url: response headers, sign-in, cache, keepalive, snippets. */
import type {FamilyContext} from '../types.js'
import type {AuthServer, ExtAuthForm} from './forms.js'

export const KEEPALIVE_NOTE = 'Envoy keeps its own connection pool to the auth service; nothing to configure'

/** When each server's allowing answer lacks identity headers. */
const ABSENT_HEADERS: Record<AuthServer, string> = {
  'oauth2-proxy': 'oauth2-proxy sends a header only for a claim the session has, pkg/header/injector.go, e.g. no X-Auth-Request-Groups for a user without groups, and none where it lets a request in without a session',
  authelia: 'Authelia sends Remote-* only for a signed-in user, handler_authz_common.go handleAuthzAuthorizedStandard, none where its rules let anonymous requests through',
  authentik: 'the outpost sends none where it lets a request through without a session, mode_forward.go forwardHandleEnvoy',
  unknown: 'which it leaves out is up to the auth service',
}

/**
 * Companion keys of a present auth-url; `form` is the extAuth that carries them (undefined: none is emitted,
 * the route fails closed), `oidc` when Envoy Gateway's OIDC replaces the auth server.
 */
export function accountCompanions(ctx: FamilyContext, form: ExtAuthForm | undefined, oidc = false): void {
  const emitted = form !== undefined || oidc
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
    // nginx.tmpl buildAuthResponseHeaders: proxy_set_header with the answer's value, empty (no header) when it lacks one.
    const nginx = `when the auth answer lacks one of them (${ABSENT_HEADERS[form?.server ?? 'unknown']}) nginx sent no such header, whatever the client sent (nginx.tmpl buildAuthResponseHeaders: proxy_set_header with the empty answer), while Envoy copies only the headers the answer has and passes a client-sent one on`
    // auth-headers.ts CHECK_HEADERS: headers the check reads from the client stay (Envoy always sends Authorization).
    const read = new Set(['authorization', 'proxy-authorization', 'cookie', 'host', ...(form?.headersToExtAuth ?? []).map((h) => h.toLowerCase())])
    const kept = headers.filter((h) => read.has(h.toLowerCase()))
    if (ctx.options.emitGateway === true && kept.length === 0) {
      ctx.account('auth-response-headers', 'exact', `${headers.join(', ')} -> extAuth.http.headersToBackend, and removed from client requests by the ClientTrafficPolicies of this host's listeners before extAuth runs (earlyRequestHeaders; see auth-headers-client-copies): ${nginx}`, {code: 'ext-auth'})
    } else if (ctx.options.emitGateway === true) {
      const removed = headers.filter((h) => !read.has(h.toLowerCase()))
      ctx.account(
        'auth-response-headers',
        'approximate',
        `${headers.join(', ')} -> extAuth.http.headersToBackend${removed.length > 0 ? `; ${removed.join(', ')} removed from client requests by the listeners before extAuth runs (earlyRequestHeaders; see auth-headers-client-copies)` : ''}; ${nginx}: ${kept.join(', ')} cannot be removed before the check, which reads the client's own, so where the answer lacks ${kept.length > 1 ? 'them' : 'it'} the client's reaches the backend`,
        {code: 'ext-auth', hint: `make the auth service always answer ${kept.join(', ')} for an allowed request, or have the backend not trust a client's`},
      )
    } else {
      ctx.account('auth-response-headers', 'approximate', `${headers.join(', ')} -> extAuth.http.headersToBackend; ${nginx}: until the listeners remove them, a client can name itself to a backend that trusts these headers`, {
        code: 'ext-auth',
        hint: `remove them from every request before the external auth runs: headers.earlyRequestHeaders.remove: [${headers.filter((h) => !read.has(h.toLowerCase())).join(', ')}] in the ClientTrafficPolicies of the Gateway's listeners (the gateway owner's run with --emit-gateway generates them; a route's RequestHeaderModifier runs after extAuth and would remove the auth service's values too)`,
      })
    }
  }
  accountSignin(ctx, form, oidc)
  const redirect = ctx.value<string>('auth-request-redirect')
  if (redirect !== undefined) {
    const instead = oidc
      ? 'Envoy Gateway\'s OIDC returns users to the page they asked for'
      : form?.server === 'oauth2-proxy'
        ? 'oauth2-proxy returns users to the request\'s own path instead (the default of X-Auth-Request-Redirect)'
        : 'Envoy cannot add headers to the auth request, so the auth service must do without it'
    ctx.account('auth-request-redirect', 'approximate', `nginx sent X-Auth-Request-Redirect: ${redirect} to the auth service; ${instead}`, {code: 'ext-auth'})
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
  if (oidc && always !== undefined) {
    ctx.account('auth-always-set-cookie', 'ignored', 'no auth service answers any more: Envoy Gateway\'s OIDC sets its own session cookies', {level: 'info', code: 'ext-auth'})
  } else if (always === true) {
    ctx.account('auth-always-set-cookie', 'approximate', 'nginx copied Set-Cookie from the auth response to every response; Envoy passes the auth service\'s headers to the client only when it denies the request', {code: 'ext-auth'})
  } else if (always === false) {
    ctx.account('auth-always-set-cookie', 'exact')
  }
  const cacheKey = ctx.value<string>('auth-cache-key')
  if (oidc && cacheKey !== undefined) {
    ctx.account('auth-cache-key', 'ignored', 'no auth subrequest any more: Envoy Gateway\'s OIDC checks its own session cookies on every request', {level: 'info', code: 'ext-auth-cache'})
    if (ctx.has('auth-cache-duration')) ctx.account('auth-cache-duration', 'ignored', 'see auth-cache-key', {level: 'info', code: 'ext-auth-cache'})
  } else if (cacheKey !== undefined) {
    ctx.account('auth-cache-key', 'approximate', `nginx cached auth answers per "${cacheKey}"; Envoy asks the auth service on every request (the same decisions, no staleness, more load on the auth service)`, {code: 'ext-auth-cache'})
    if (ctx.has('auth-cache-duration')) ctx.account('auth-cache-duration', 'approximate', 'no ext-auth cache in Envoy Gateway; see auth-cache-key', {code: 'ext-auth-cache'})
  } else if (ctx.has('auth-cache-duration')) {
    ctx.account('auth-cache-duration', 'ignored', 'has no effect without auth-cache-key (nginx caches nothing)', {level: 'info', code: 'ext-auth-cache'})
  }
  const snippet = ctx.raw('auth-snippet')
  if (snippet !== undefined && form?.server === 'authentik' && isForwardedHostLine(ctx, snippet)) {
    // authentik's nginx guide sets X-Forwarded-Host for the outpost; its Envoy endpoint reads the Host instead.
    ctx.account('auth-snippet', 'ignored', `${JSON.stringify(snippet.trim())} told the outpost the application's host; Envoy's check carries the request's own Host, which the outpost's Envoy endpoint reads (mode_forward.go forwardHandleEnvoy), so it is not needed`, {level: 'info', code: 'snippet'})
  } else if (snippet !== undefined) {
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

/** auth-signin and auth-signin-redirect-param: carried over by the server's (or Envoy's) own redirect, or by nobody. */
function accountSignin(ctx: FamilyContext, form: ExtAuthForm | undefined, oidc: boolean): void {
  const signin = ctx.value<string>('auth-signin')
  const param = ctx.value<string>('auth-signin-redirect-param') ?? 'rd'
  if (signin === undefined) {
    if (ctx.has('auth-signin-redirect-param')) ctx.account('auth-signin-redirect-param', 'ignored', 'has no effect without auth-signin', {level: 'info', code: 'auth-signin'})
    return
  }
  const outcome = oidc
    ? {fidelity: 'approximate' as const, message: `Envoy Gateway's OIDC sends a signed-out browser to the identity provider itself and back to the page asked for, as nginx's redirect to "${signin}" (oauth2-proxy's sign-in) did; JSON clients (Accept: application/json) get 401 (denyRedirect), as from oauth2-proxy`}
    : form
      ? form.signin(signin, param)
      : {fidelity: 'manual' as const, message: `on 401 nginx redirected the browser to "${signin}"; no external auth is emitted (see auth-url)`, hint: 'set up the sign-in together with the external auth'}
  ctx.account('auth-signin', outcome.fidelity, outcome.message, {...(outcome.hint ? {hint: outcome.hint} : {}), code: 'auth-signin'})
  if (!ctx.has('auth-signin-redirect-param')) return
  if (outcome.fidelity === 'approximate') {
    ctx.account('auth-signin-redirect-param', 'approximate', `"${param}" named the return-URL parameter of nginx's sign-in redirect; the redirect that replaces it carries the return URL its own way`, {code: 'auth-signin'})
  } else {
    ctx.account('auth-signin-redirect-param', 'manual', `"${param}" names the return-URL parameter of the auth-signin redirect; see auth-signin`, {
      hint: "carry it over to whatever replaces the sign-in redirect (oidc redirectURL, or the auth service's own redirect)",
      code: 'auth-signin',
    })
  }
}

/** `proxy_set_header X-Forwarded-Host <$host, or the Ingress's only host>;` and nothing else (comments aside). */
function isForwardedHostLine(ctx: FamilyContext, snippet: string): boolean {
  const lines = snippet.split('\n').map((l) => l.replace(/#.*$/, '').trim()).filter((l) => l !== '')
  const hosts: string[] = (ctx.ingress.object.spec?.rules ?? []).map((r: any) => String(r?.host ?? '').toLowerCase())
  return lines.length === 1 && lines.every((l) => {
    const m = /^proxy_set_header\s+x-forwarded-host\s+"?([^\s";]+)"?\s*;$/i.exec(l)
    return m !== null && (/^\$(host|http_host|best_http_host)$/.test(m[1]!) || (hosts.length === 1 && hosts[0] === m[1]!.toLowerCase()))
  })
}
