/**
 * enable-global-auth: "false" leaves this Ingress out of the controller ConfigMap's global-auth-url.
 *
 * What is true of the output depends on whether the conversion turned global-auth-url into a Gateway-level
 * SecurityPolicy extAuth (--nginx-defaults, an in-cluster Service URL: routeDefaults in
 * translate/bundle/client-traffic.ts). Only then does the route need a policy that replaces the Gateway one.
 */
import type {FamilyContext} from '../types.js'

const GO_FALSE = /^(0|f|F|false|FALSE|False)$/

/**
 * The global-auth-url that the output carries as Gateway-level extAuth, else why there is none. Mirrors
 * client-traffic.ts clusterServiceUrl: http(s)://<svc>.<ns>.svc[.cluster.local][:port]/path, no query, no variables.
 */
function gatewayGlobalAuth(ctx: FamilyContext): {url: string} | {none: string} {
  const cm = ctx.lookup.controllerConfigMap()
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
  ctx.ingress.intents.policies.push({kind: 'SecurityPolicy', path: 'extAuth', value: undefined, optOut: true, from: [ctx.fullKey('enable-global-auth')]})
  ctx.account(
    'enable-global-auth',
    'exact',
    `"false": this route's SecurityPolicy replaces the Gateway-level one that carries global-auth-url "${global.url}" and repeats its other settings, so only the global external auth is left out`,
    {level: 'info', code: 'global-auth'},
  )
}
