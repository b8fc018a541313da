/**
 * The shape of an extAuth block per auth server, and which server an auth-url names.
 *
 * The contract every form must meet (Envoy's HTTP ext_authz as Envoy Gateway v1.9 configures it): the check
 * request carries the client's method, `:authority` (Host), path and Authorization, plus the headers listed in
 * headersToExtAuth (envoyproxy/envoy source/extensions/filters/common/ext_authz/ext_authz_http_impl.cc,
 * ClientConfig::toRequestMatchers); `http.path` is prepended to the request's path (with its query) and
 * `http.pathOverride` replaces it (RawHttpClientImpl::check; Envoy Gateway internal/xds/translator/extauth.go
 * httpService). Only a 200 answer lets the request through, with the headersToBackend copied onto it; a 5xx or
 * no answer is an error (statusOnError); any other status goes back to the client with the auth service's body
 * and every header but Host, since Envoy Gateway sets no allowed_client_headers (RawHttpClientImpl::toResponse,
 * ClientConfig::toClientMatchers). nginx's auth_request let any 2xx through and turned a 401 into the
 * auth-signin redirect (rootfs/etc/nginx/template/nginx.tmpl, `error_page 401`), so a server is only usable
 * unchanged when it answers 200 and redirects browsers itself.
 */
import type {Fidelity} from '../../model/types.js'
import type {FamilyContext} from '../types.js'
import type {ServiceTarget} from './url.js'
import type {NoteCode} from '../../model/catalogue/diagnostic.js'

/**
 * Client request headers an unknown auth service gets. nginx forwards all of them; Envoy's HTTP ext_authz sends
 * only Host, Method, Path, Content-Length and Authorization unless listed: these are the ones auth services
 * (token checkers, session services) commonly read.
 */
export const EXT_AUTH_FORWARDED_HEADERS = ['authorization', 'cookie', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto']

export type AuthServer = 'oauth2-proxy' | 'authelia' | 'authentik' | 'unknown'

/** How auth-signin (nginx's redirect of a 401) is carried over by a form. */
export interface SigninOutcome {
  fidelity: Fidelity
  message: string
  hint?: string
}

/** An extAuth block for one auth server, and what the migration means for it. */
export interface ExtAuthForm {
  server: AuthServer
  /** extAuth.http fields besides backendRefs: `path` (prefix) or `pathOverride`, or neither (the request's path). */
  path: {path: string} | {pathOverride: string} | Record<string, never>
  headersToExtAuth: string[]
  headersToBackend: string[]
  fidelity: Fidelity
  code: NoteCode
  /** One clause per behaviour difference, for the auth-url diagnostic. */
  notes: string[]
  hint?: string
  signin: (signin: string, param: string) => SigninOutcome
  /** What the auth server's owner must change (the migration checklist), when anything. */
  ownerStep?: string
}

/** A form, or why the conversion must fail closed instead (a restriction it cannot carry over). */
export type FormResult = {ok: true; form: ExtAuthForm} | {ok: false; reason: string; hint: string}

/**
 * What each server's form sends: the extAuth.http path fields and the client headers for the check (the forms
 * in oauth2-proxy.ts, authelia.ts and authentik.ts explain them; unknown servers get the URL's path, fixed).
 */
export function checkShape(server: AuthServer, urlPath: string): {path: ExtAuthForm['path']; headersToExtAuth: string[]} {
  switch (server) {
    case 'oauth2-proxy':
      // Not X-Forwarded-For: see OAUTH2_PROXY_NO_FORWARDED_FOR in oauth2-proxy.ts.
      return {path: {}, headersToExtAuth: ['accept', 'cookie', 'x-forwarded-proto']}
    case 'authelia':
      return {path: {path: '/api/authz/ext-authz/'}, headersToExtAuth: ['accept', 'cookie', 'authorization', 'proxy-authorization', 'x-forwarded-proto', 'x-requested-with']}
    case 'authentik':
      return {path: {path: '/outpost.goauthentik.io/auth/envoy'}, headersToExtAuth: ['cookie']}
    case 'unknown':
      return {path: {pathOverride: urlPath}, headersToExtAuth: EXT_AUTH_FORWARDED_HEADERS}
  }
}

/** Header lists merged case-insensitively, the first spelling kept. */
export function mergeHeaders(...lists: string[][]): string[] {
  const seen = new Map<string, string>()
  for (const list of lists) for (const h of list) if (!seen.has(h.toLowerCase())) seen.set(h.toLowerCase(), h)
  return [...seen.values()]
}

/** auth-response-headers of the Ingress (empty when not set). */
export function responseHeaders(ctx: FamilyContext): string[] {
  return ctx.value<string[]>('auth-response-headers') ?? []
}

/**
 * The server an auth-url names, by the endpoint each documents for nginx's auth_request:
 * - authentik outposts: `/outpost.goauthentik.io/auth/nginx` (goauthentik/authentik
 *   internal/outpost/proxyv2/application/mode_forward.go configureForward, also `/auth/traefik`, `/auth/caddy`);
 * - Authelia: `/api/verify` (legacy) and `/api/authz/auth-request` (internal/server/handlers.go, the authz
 *   endpoints of internal/configuration/schema/server.go);
 * - oauth2-proxy: `<proxy-prefix>/auth` (oauthproxy.go buildServeMux, authOnlyPath under the default prefix
 *   /oauth2), also under another prefix when the Service's name says oauth2-proxy.
 */
export function recognizeServer(target: {path: string; name?: string}): AuthServer {
  const path = target.path.replace(/\/+$/, '')
  if (/^\/outpost\.goauthentik\.io\/auth(\/(nginx|traefik|caddy))?$/.test(path)) return 'authentik'
  if (path === '/api/verify' || path === '/api/authz/auth-request') return 'authelia'
  if (path === '/oauth2/auth' || (/^(\/[^/]+)+\/auth$/.test(path) && /oauth2-?proxy/.test(target.name ?? ''))) return 'oauth2-proxy'
  return 'unknown'
}

/** The query parameters of an auth-url (`?a=1&b=2`). */
export function queryParams(query: string): URLSearchParams {
  return new URLSearchParams(query.replace(/^\?/, ''))
}

/** Today's extAuth for a server the conversion does not know: the URL's path, fixed; only a 200 lets users in. */
export function unknownServerForm(ctx: FamilyContext, target: ServiceTarget): ExtAuthForm {
  const query = target.query !== '' ? [`the query string ${target.query} of the URL is not sent (pathOverride carries the path only)`] : []
  return {
    server: 'unknown',
    ...checkShape('unknown', target.path),
    headersToBackend: responseHeaders(ctx),
    fidelity: 'manual',
    code: 'ext-auth',
    notes: [
      'only a 200 answer lets a request through: a 202 or 204 that nginx accepted as success is now a denial sent to the client as it is, so make sure the auth service answers 200',
      'nginx sent every client header to the auth service, Envoy sends Host, Method, Path, Content-Length and the headersToExtAuth listed here (authorization, cookie, x-forwarded-for/-host/-proto); other headers the auth service reads must be added there',
      // nginx.tmpl auth location: X-Forwarded-For $remote_addr; Envoy appends the peer to the client's list.
      'X-Forwarded-For holds the entries the client sent before the address Envoy appends (nginx set it to the client address alone), so an auth service that takes its first entry for the client can be fooled',
      "nginx's X-Original-URL, X-Original-Method and X-Auth-Request-Redirect are not sent (the auth service sees the fixed path only)",
      'Set-Cookie of a successful auth response no longer reaches the client',
      ...query,
    ],
    hint: 'check that the auth service answers 200 (not another 2xx) for allowed requests; pathOverride needs Envoy Gateway v1.8+ (on older versions extAuth.http.path appends the request path to it)',
    signin: (signin, param) => ({
      fidelity: 'manual',
      message: `on 401 nginx redirected the browser to "${signin}" with the original URL in ?${param}=; Envoy's extAuth returns the auth service's 401 as is, so browsers get 401 instead of the sign-in page`,
      hint:
        'let the auth service answer unauthenticated browsers with the redirect itself (Envoy passes any answer other than 200 to the client with its status, Location and body), ' +
        'or replace the external auth by an oidc block in this SecurityPolicy (Envoy Gateway then runs the login redirect and the callback itself: provider.issuer, clientID, clientSecret Secret, redirectURL)',
    }),
  }
}
