/**
 * enable-global-auth: "false" leaves this Ingress out of the controller ConfigMap's global-auth-url.
 *
 * What is true of the output depends on whether the conversion turned global-auth-url into a Gateway-level
 * SecurityPolicy extAuth (--nginx-defaults, an in-cluster Service URL: routeDefaults in
 * translate/bundle/client-traffic.ts). Only then does the route need a policy that replaces the Gateway one.
 */
import type {FamilyContext} from '../types.js'
import {AUTHELIA_HEADERS} from './authelia.js'
import {AUTHENTIK_HEADERS} from './authentik.js'
import {type AuthServer, checkShape, mergeHeaders, recognizeServer} from './forms.js'
import {oauth2ProxyFlags, proxyPrefix} from './oauth2-proxy.js'

const GO_FALSE = /^(0|f|F|false|FALSE|False)$/

/**
 * The global-auth-url that the output carries as Gateway-level extAuth, else why there is none. Mirrors
 * client-traffic.ts clusterServiceUrl: http(s)://<svc>.<ns>.svc[.cluster.local][:port]/path, no query, no variables.
 * Read from the ConfigMap the Gateway-level policies come from (the Gateway's), which is the Ingress's own except
 * where several controllers share the Gateway: the opt-out must answer what the Gateway carries.
 */
function gatewayGlobalAuth(ctx: FamilyContext): {url: string} | {none: string} {
  const cm = ctx.lookup.gatewayConfigMap()
  if (!cm) return {none: 'no controller ConfigMap is in the input, so the conversion knows of no global-auth-url and generates no global external auth'}
  const url = String(cm.data?.['global-auth-url'] ?? '').trim()
  if (url === '') return {none: `the controller ConfigMap ${cm.metadata.namespace}/${cm.metadata.name} sets no global-auth-url, so there is no global external auth to leave out`}
  if (GO_FALSE.test(String(cm.data?.['enable-global-auth'] ?? '').trim())) return {none: `the controller ConfigMap turns global-auth-url off (enable-global-auth: "false") for every Ingress`}
  if (!ctx.options.nginxDefaults) {
    return {none: `global-auth-url "${url}" is not converted without --nginx-defaults (no Gateway-level SecurityPolicy is generated), so this route gets no external auth, as nginx applied none to this Ingress; if global auth is added at the Gateway by hand, give this route a SecurityPolicy of its own, which replaces the Gateway-level one`}
  }
  let parsed: URL | undefined
  try {
    parsed = new URL(url)
  } catch {
    parsed = undefined
  }
  const inCluster =
    parsed !== undefined &&
    (parsed.protocol === 'http:' || parsed.protocol === 'https:') &&
    parsed.search === '' &&
    !url.includes('$') &&
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\.[a-z0-9]([-a-z0-9]*[a-z0-9])?\.svc(\.cluster\.local)?$/.test(parsed.hostname)
  if (!inCluster) return {none: `global-auth-url "${url}" is not an in-cluster Service URL, so no Gateway-level extAuth is generated for it and this route gets none, as nginx applied none to this Ingress`}
  return {url}
}

/** enable-global-auth "false" -> the route's SecurityPolicy replaces the Gateway-level one carrying global-auth-url. */
export function applyGlobalAuthOptOut(ctx: FamilyContext): void {
  if (!ctx.has('enable-global-auth')) return
  const enabled = ctx.value<boolean>('enable-global-auth')
  if (enabled !== false) {
    ctx.account('enable-global-auth', 'exact')
    return
  }
  const own = ctx.value<string>('auth-url')
  if (own !== undefined && own !== '') {
    ctx.account('enable-global-auth', 'ignored', 'has no effect: the Ingress has its own auth-url, which ingress-nginx uses instead of the global one', {level: 'info', code: 'global-auth'})
    return
  }
  const global = gatewayGlobalAuth(ctx)
  if ('none' in global) {
    ctx.account('enable-global-auth', 'exact', `"false": ${global.none}`, {level: 'info', code: 'global-auth'})
    return
  }
  // The route must not inherit the Gateway-level extAuth: its SecurityPolicy replaces the Gateway one and
  // repeats its other settings (the ConfigMap's address lists still apply, as in nginx).
  ctx.patch.policies.push({kind: 'SecurityPolicy', path: 'extAuth', value: undefined, optOut: true, from: [ctx.fullKey('enable-global-auth')]})
  ctx.account(
    'enable-global-auth',
    'exact',
    `"false": this route's SecurityPolicy replaces the Gateway-level one that carries global-auth-url "${global.url}" and repeats its other settings, so only the global external auth is left out`,
    {level: 'info', code: 'global-auth'},
  )
}

/** What the Gateway-level extAuth of a global-auth-url needs for the auth server its URL names. */
export interface GlobalExtAuthShape {
  server: AuthServer
  /** extAuth.http fields besides backendRefs (path, pathOverride, headersToBackend). */
  http: Record<string, unknown>
  headersToExtAuth: string[]
  /** What the extAuth sends, for the global-auth-url diagnostic. */
  summary: string
  /** What the auth server's owner must change (the checklist), when anything. */
  ownerStep?: string
}

/**
 * global-auth-url -> the same extAuth form as a per-Ingress auth-url (forms.ts recognizeServer / checkShape): nginx
 * ran the global URL through the same auth_request (nginx.tmpl, $externalAuth = $all.Cfg.GlobalExternalAuth), so
 * oauth2-proxy's /oauth2/auth answers 202 there too, which Envoy's ext_authz denies.
 */
export function globalExtAuthShape(target: {name: string; namespace: string; port: number; path: string}, responseHeaders: string[]): GlobalExtAuthShape {
  const server = recognizeServer(target)
  const shape = checkShape(server, target.path)
  const service = `${target.namespace}/${target.name}:${target.port}`
  const extra = server === 'authelia' ? AUTHELIA_HEADERS : server === 'authentik' ? AUTHENTIK_HEADERS : []
  const headersToBackend = mergeHeaders(responseHeaders, extra)
  const http: Record<string, unknown> = {...shape.path}
  if (headersToBackend.length > 0) http.headersToBackend = headersToBackend
  const where = 'pathOverride' in shape.path ? `pathOverride ${shape.path.pathOverride}` : 'path' in shape.path ? `path ${shape.path.path} + the request's path` : "the request's own path"
  switch (server) {
    case 'oauth2-proxy': {
      const prefix = proxyPrefix(target)
      return {
        server, http, headersToExtAuth: shape.headersToExtAuth,
        summary: `oauth2-proxy ${service}, ${where}: its ${prefix}/auth answers 202 for a signed-in user and Envoy lets only 200 through, so the check goes to its proxy handler, which answers 200 with --upstream=static://200 and redirects signed-out browsers to sign in itself; its own endpoints (${prefix}/*, /ping, /ready, /robots.txt) answer on every host`,
        ownerStep: `run it with ${oauth2ProxyFlags(prefix)}; nginx keeps working with these flags, so set them before the cutover`,
      }
    }
    case 'authelia':
      return {
        server, http, headersToExtAuth: shape.headersToExtAuth,
        summary: `Authelia ${service}, ${where} (its Envoy endpoint, v4.38+), Remote-User, Remote-Groups, Remote-Name, Remote-Email copied to the backend as its guide does`,
        ownerStep: 'Authelia v4.38+ with the ext-authz endpoint enabled and session.cookies[].authelia_url set for the cookie domain of the hosts (Envoy Gateway cannot send X-Authelia-URL)',
      }
    case 'authentik':
      return {
        server, http, headersToExtAuth: shape.headersToExtAuth,
        summary: `authentik outpost ${service}, ${where} (its Envoy endpoint), the X-authentik-* headers copied to the backend as its guide does`,
        ownerStep: 'route /outpost.goauthentik.io of every protected host to the outpost (its sign-in start and callback land there)',
      }
    case 'unknown':
      return {server, http, headersToExtAuth: shape.headersToExtAuth, summary: `Service ${service}, ${where}`}
  }
}
