/**
 * --oauth2-proxy=oidc: oauth2-proxy in front of an OpenID Connect provider -> SecurityPolicy oidc (Envoy
 * Gateway runs the login redirect and the callback itself), filled from oauth2-proxy's configuration.
 *
 * Envoy Gateway v1.9 (internal/gatewayapi/securitypolicy.go buildOIDC): the client secret is read from key
 * `client-secret` of the referenced Secret (api/v1alpha1 OIDCClientSecretKey), a clientIDRef from key
 * `client-id`, another namespace needs a ReferenceGrant; the callback is the path of redirectURL, handled by the
 * OAuth2 filter of the routes the policy targets (internal/xds/translator/oidc.go, redirect_path_matcher).
 * oauth2-proxy's callback and sign-out paths therefore get Exact rules on the protected route: Gateway API puts
 * an Exact match before the /oauth2 prefix of oauth2-proxy's own route, so they reach Envoy's filter.
 *
 * Only what the OIDC filter can do is converted: a provider that is not OpenID Connect, a restriction of who may
 * sign in (email domains, groups, GitHub organisations ...), identity headers the application reads, or a client
 * secret outside a Secret keep the ext-auth form, with the reason.
 */
import type {FamilyContext} from '../types.js'
import {pushGrant, pushOwnerStep, replaceGatewayExtAuth} from './emit.js'
import {readOauth2ProxyConfig, type Oauth2ProxyConfig} from './oauth2-proxy-config.js'
import {proxyPrefix} from './oauth2-proxy.js'
import {ownHosts, type ServiceTarget} from './url.js'
import type {SecurityPolicySpecOidc} from '../../model/generated/index.js'
import {diagnostic} from '../../model/catalogue/diagnostic.js'

const OIDC_PROVIDERS = new Set(['oidc', 'keycloak-oidc', 'entra-id', 'gitlab', 'adfs'])
/** Flags that narrow who may sign in (oauth2-proxy pkg/apis/options/providers.go, legacy_options.go). */
const RESTRICTIONS = [
  'allowed-group',
  'allowed-role',
  'authenticated-emails-file',
  'github-org',
  'github-team',
  'github-repo',
  'github-user',
  'gitlab-group',
  'gitlab-project',
  'google-group',
  'bitbucket-team',
  'bitbucket-repository',
  'keycloak-group',
]
/**
 * Ways oauth2-proxy lets a client in without its session cookie, which Envoy Gateway's OIDC filter does not have:
 * a verified JWT bearer token and htpasswd basic auth (oauthproxy.go buildSessionChain), a trusted client address
 * (IsAllowedRequest, isTrustedIP). Those clients would be sent to the provider instead.
 */
const OTHER_WAYS_IN = ['skip-jwt-bearer-tokens', 'htpasswd-file', 'trusted-ip']
const COOKIE_DOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/

type OidcPlan = {ok: true; oidc: SecurityPolicySpecOidc; prefix: string; notes: string[]; manual: string[]; config: Oauth2ProxyConfig} | {ok: false; reason: string}

const first = (c: Oauth2ProxyConfig, name: string) => c.values.get(name)?.[0]

/** Why the OIDC filter cannot stand in for this oauth2-proxy, or undefined when it can. */
function unsupported(ctx: FamilyContext, c: Oauth2ProxyConfig): string | undefined {
  const provider = first(c, 'provider') ?? 'google'
  if (!OIDC_PROVIDERS.has(provider) || first(c, 'oidc-issuer-url') === undefined) {
    return `its provider is ${provider}${first(c, 'oidc-issuer-url') ? '' : ' without --oidc-issuer-url'} (${c.source}), and Envoy Gateway's OIDC needs an OpenID Connect issuer`
  }
  const domains = c.values.get('email-domain')
  const restricted = RESTRICTIONS.filter((r) => c.values.has(r) || c.secrets.has(r))
  if (domains === undefined && restricted.length === 0) return `${c.source} sets no --email-domain, so who may sign in is not known from the input`
  if ((domains && !(domains.length === 1 && domains[0] === '*')) || restricted.length > 0) {
    const what = [...(domains && domains[0] !== '*' ? [`--email-domain=${domains.join(',')}`] : []), ...restricted.map((r) => `--${r}`)]
    return `oauth2-proxy admits only some users (${what.join(', ')} in ${c.source}); Envoy Gateway's OIDC admits every user of the provider, so the restriction would be lost`
  }
  const waysIn = OTHER_WAYS_IN.filter((f) => (c.values.get(f) ?? []).some((v) => v !== '' && v !== 'false'))
  if (waysIn.length > 0) {
    return `oauth2-proxy also lets clients in without its session cookie (${waysIn.map((f) => `--${f}`).join(', ')} in ${c.source}), which Envoy Gateway's OIDC cannot: those clients would be sent to the provider`
  }
  const headers = ctx.value<string[]>('auth-response-headers')
  if (headers && headers.length > 0) return `the application gets ${headers.join(', ')} from oauth2-proxy's answer (auth-response-headers), which Envoy Gateway's OIDC does not produce`
  if (c.values.has('client-secret') || c.values.has('client-secret-file') || !c.secrets.has('client-secret')) {
    return `its client secret is not taken from a Secret (${c.source}), and Envoy Gateway's OIDC reads it from a Secret (key client-secret)`
  }
  return undefined
}

/** The oidc block for this oauth2-proxy, or why there cannot be one. */
function planOidc(ctx: FamilyContext, target: ServiceTarget): OidcPlan {
  const c = readOauth2ProxyConfig(ctx, target.namespace, target.name)
  if (!c) return {ok: false, reason: `the Deployment behind Service ${target.namespace}/${target.name} is not in the input, so oauth2-proxy's issuer, client and cookie domain are not known (add it and its ConfigMap with -f)`}
  const why = unsupported(ctx, c)
  if (why) return {ok: false, reason: why}
  // Each SecurityPolicy's OIDC filter has its own cookies (Envoy Gateway suffixes them with the policy's UID), and
  // a host has one callback path: a second protected Ingress on the host could not complete its sign-in.
  const shared = ownHosts(ctx).flatMap((h) => ctx.lookup.ingressesOnHost(h).filter((o) => o.authenticated && o.ingress !== ctx.ingress.id).map((o) => `${o.ingress} on ${h}`))
  if (shared.length > 0) return {ok: false, reason: `${shared.join(', ')} also has auth-url, and the OIDC filters of two routes cannot share a host's callback path and cookies`}
  const prefix = first(c, 'proxy-prefix') ?? proxyPrefix(target)
  const notes: string[] = []
  const manual: string[] = []
  const secretRef = c.secrets.get('client-secret')!
  const sameNs = c.namespace === ctx.ingress.ref.namespace
  // unsupported() refused a configuration without --oidc-issuer-url.
  const clientSecret = sameNs ? {name: secretRef.name} : {name: secretRef.name, namespace: c.namespace}
  const oidc: SecurityPolicySpecOidc = {provider: {issuer: first(c, 'oidc-issuer-url')!}, clientSecret}
  const idRef = c.secrets.get('client-id')
  if (first(c, 'client-id') !== undefined) oidc.clientID = first(c, 'client-id')
  else if (idRef) {
    oidc.clientIDRef = sameNs ? {name: idRef.name} : {name: idRef.name, namespace: c.namespace}
    if (idRef.key !== 'client-id') manual.push(`Envoy Gateway reads the client ID from key client-id of Secret ${c.namespace}/${idRef.name}, where oauth2-proxy reads key ${idRef.key}: add the key client-id with the same value`)
  } else return {ok: false, reason: `${c.source} sets no client ID`}
  if (secretRef.key !== 'client-secret') manual.push(`Envoy Gateway reads the client secret from key client-secret of Secret ${c.namespace}/${secretRef.name}, where oauth2-proxy reads key ${secretRef.key}: add the key client-secret with the same value`)
  // The request's host: every protected host gets its own callback, as oauth2-proxy built it (getOAuthRedirectURI).
  oidc.redirectURL = `%REQ(x-forwarded-proto)%://%REQ(:authority)%${prefix}/callback`
  // oauth2-proxy's callback was https://<host><prefix>/callback unless --redirect-url fixed it (getOAuthRedirectURI);
  // the provider only accepts registered redirect URIs, so hosts whose callback changes need registering first.
  const redirect = first(c, 'redirect-url')
  if (redirect && /^https?:\/\/[^/]/.test(redirect)) {
    const unregistered = ownHosts(ctx).filter((h) => h !== '' && `https://${h}${prefix}/callback` !== redirect.replace(/\/+$/, ''))
    if (unregistered.length > 0) {
      manual.push(`register ${unregistered.map((h) => `https://${h}${prefix}/callback`).join(', ')} with the provider (oauth2-proxy used ${redirect} for every host; Envoy Gateway's callback is on each protected host): until then the provider refuses the sign-in`)
    }
  }
  oidc.logoutPath = `${prefix}/sign_out`
  const hosts = ownHosts(ctx).filter((h) => h !== '')
  const domain = (c.values.get('cookie-domain') ?? []).map((d) => d.replace(/^\./, '').toLowerCase()).find((d) => COOKIE_DOMAIN.test(d) && hosts.every((h) => h === d || h.endsWith(`.${d}`)))
  if (domain) oidc.cookieDomain = domain
  const scope = first(c, 'scope')
  oidc.scopes = scope ? scope.split(/\s+/).filter((s) => s !== '') : ['openid', 'email', 'profile']
  // oauth2-proxy answers JSON clients with 401 instead of a redirect (oauthproxy.go isAjax: an Accept element, trimmed,
  // equal to application/json): the same for Envoy, whose header regex must match the whole value.
  oidc.denyRedirect = {headers: [{name: 'Accept', type: 'RegularExpression', value: '(.*,)?[ \\t]*application/json[ \\t]*(,.*)?'}]}
  if (!sameNs) {
    const names = new Set([secretRef.name, ...(idRef && oidc.clientIDRef ? [idRef.name] : [])])
    for (const name of [...names].sort()) pushGrant(ctx, c.namespace, {kind: 'Secret', name}, `oidc-${name}`, [ctx.fullKey('auth-url')])
    notes.push(`the client Secret is in ${c.namespace}: a ReferenceGrant there lets SecurityPolicies of ${ctx.ingress.ref.namespace} read it (all of it: copy the client-secret key into a Secret of ${ctx.ingress.ref.namespace} instead if that is too wide)`)
  }
  return {ok: true, oidc, prefix, notes, manual, config: c}
}

/**
 * auth-url -> SecurityPolicy oidc when oauth2-proxy's configuration allows it; false (with a diagnostic saying
 * why) when the ext-auth form must be kept.
 */
export function emitOauth2ProxyOidc(ctx: FamilyContext, url: string, target: ServiceTarget): boolean {
  const plan = planOidc(ctx, target)
  const urlKey = ctx.fullKey('auth-url')
  if (!plan.ok) {
    ctx.diag(diagnostic('oauth2-proxy-oidc-not-possible', {key: urlKey, reason: plan.reason}, {annotation: urlKey}))
    return false
  }
  const {oidc, prefix} = plan
  ctx.patch.policies.push({kind: 'SecurityPolicy', path: 'oidc', value: oidc, from: [urlKey]})
  replaceGatewayExtAuth(ctx, [urlKey])
  for (const path of [`${prefix}/callback`, `${prefix}/sign_out`]) {
    ctx.patch.extraRules.push({from: [urlKey], rule: {matches: [{path: {type: 'Exact', value: path}}]}})
  }
  const notes = [
    `Envoy Gateway signs users in with ${plan.config.source}'s provider (issuer ${oidc.provider.issuer}, client ${oidc.clientID ?? oidc.clientIDRef!.name}) and keeps its own encrypted session cookies, so users sign in once more after the cutover and oauth2-proxy is no longer called by this route`,
    `${prefix}/callback and ${prefix}/sign_out of this route's hosts get Exact rules here, ahead of oauth2-proxy's own ${prefix} route, so that Envoy's OIDC filter answers them (the provider must accept https://<host>${prefix}/callback, oauth2-proxy's callback path)`,
    'JSON clients (Accept: application/json) get 401 instead of a redirect (denyRedirect), as from oauth2-proxy',
    ...plan.notes,
  ]
  ctx.account('auth-url', plan.manual.length > 0 ? 'manual' : 'approximate', `"${url}" -> SecurityPolicy oidc (--oauth2-proxy=oidc); ${notes.join('; ')}`, {
    code: 'oidc-oauth2-proxy',
    ...(plan.manual.length > 0 ? {hint: plan.manual.join('; ')} : {}),
  })
  pushOwnerStep(
    ctx,
    'oauth2-proxy',
    target,
    `no longer called by these routes (Envoy Gateway OIDC replaces it); the provider must accept the redirect URI https://<host>${prefix}/callback for each protected host${plan.manual.length > 0 ? `; ${plan.manual.join('; ')}` : ''}`,
  )
  return true
}
